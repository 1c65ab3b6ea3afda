"""Properties of the engine over random plans (hypothesis): whatever mix of observed and
failed observations, judgements, blocking flags, waivers and checks that never report, no GO
comes out of a plan in which a blocking check's observation failed, a failed observation is
never a pass, and the report holds exactly the planned checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.config import Threshold, VerdictPolicy, Waiver
from readiness.core.evaluate import ComponentSpec, RunFacts, complete_plan, evaluate
from readiness.core.model import Outcome, Verdict
from readiness.core.observation import failed, observed
from readiness.plugin.recorder import CheckMeta, CheckRecorder, NotObserved

TODAY = dt.date(2026, 12, 1)
COMPONENTS = ("web", "api")


@dataclass(frozen=True)
class Planned:
    meta: CheckMeta
    observations: tuple[bool, ...]  # True: observed, False: failed
    judgement: str  # pass | fail | metric | none (records nothing)
    value: float
    reports: bool  # False: the run ends before this check reports


planned_check = st.builds(
    lambda i, component, blocking, fail_at, obs, judgement, value, reports: Planned(
        CheckMeta(f"{component}.c{i}", component, "t", blocking, 1.0, fail_at=fail_at),
        tuple(obs),
        judgement,
        value,
        reports,
    ),
    st.integers(0, 10_000),
    st.sampled_from(COMPONENTS),
    st.booleans(),
    st.sampled_from(["poor", "good"]),
    st.lists(st.booleans(), min_size=0, max_size=3),
    st.sampled_from(["pass", "fail", "metric", "none"]),
    st.floats(0, 2000, allow_nan=False),
    st.booleans(),
)


def unique_plan(checks: list[Planned]) -> list[Planned]:
    return list({c.meta.id: c for c in checks}.values())


def record(check: Planned):
    """What the engine records for one check: its observations handed over first, then the
    judgement, exactly as pytest_pyfunc_call and the suites do."""
    recorder = CheckRecorder(check.meta)
    try:
        recorder.observe(
            [observed("x", 1) if ok else failed("GET /x", "timed out") for ok in check.observations]
        )
        if check.judgement == "pass":
            recorder.expect(True)
        elif check.judgement == "fail":
            recorder.expect(False, value=1, expected=2)
        elif check.judgement == "metric":
            recorder.metric(check.value, threshold=Threshold(good=500, poor=1000), unit="ms")
    except NotObserved:
        pass
    return recorder.result


waiver = st.builds(
    lambda component, i, days: Waiver(
        check=f"{component}.c{i}" if i >= 0 else f"{component}.*",
        reason="known",
        owner="qa",
        expires=TODAY + dt.timedelta(days=days),
    ),
    st.sampled_from(COMPONENTS),
    st.integers(-1, 50),
    st.integers(-5, 5),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(planned_check, min_size=1, max_size=25).map(unique_plan),
    st.lists(waiver, max_size=4),
    st.sampled_from(COMPONENTS),
    st.floats(0, 100),
    st.floats(0, 1),
)
def test_no_go_without_observing_every_blocking_check(
    plan: list[Planned], waivers: list[Waiver], blocking_component: str, go_at: float, cover: float
) -> None:
    results = [r for c in plan if c.reports and (r := record(c)) is not None]
    results = complete_plan([c.meta for c in plan], results, Outcome.ERRORED, "never reported")
    specs = [ComponentSpec(n, 1.0, n == blocking_component) for n in COMPONENTS]
    facts = RunFacts("run", "http://127.0.0.1", None, "", 0.0, TODAY)
    policy = VerdictPolicy(go_at=go_at, min_coverage=cover)
    gate = evaluate(results, specs, policy, waivers, facts)

    reported = [c.id for comp in gate.components for c in comp.checks]
    assert sorted(reported) == sorted(c.meta.id for c in plan)  # exactly the plan

    outcome = {c.id: c.outcome for comp in gate.components for c in comp.checks}
    unobserved = [c for c in plan if not all(c.observations) or not c.observations]
    for check in unobserved:
        assert outcome[check.meta.id] is not Outcome.PASSED, check
    if any(c.meta.blocking and outcome[c.meta.id] is Outcome.ERRORED for c in plan):
        assert gate.verdict is not Verdict.GO
    if any(c.meta.blocking and c.observations and not all(c.observations) for c in plan):
        assert gate.verdict is not Verdict.GO
