"""Each check's run: its declared observations handed over before its judgement, and whatever
it did normalised into exactly one result (Lighthouse's requiredArtifacts and _runAudit)."""

from __future__ import annotations

import pytest

from readiness.core.model import CheckResult, Outcome, cut_short
from readiness.core.waivers import apply_waivers
from readiness.plugin.outcomes import STATUS, align_report, normalise, safe_text
from readiness.plugin.recorder import NOTHING, NotObserved
from readiness.plugin.stash import (
    BROKEN_KEY,
    DONE_KEY,
    META_KEY,
    RECORDER_KEY,
    SETUP_KEY,
    gate_run,
)


class ContractError(Exception):
    """A check breaks the suite contract (its observes= or applies= cannot be honoured)."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    run = gate_run(session.config)
    if run is not None:
        run.watch.arm()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # The signal was recorded but its KeyboardInterrupt may have been swallowed on the way
    # (Playwright's event loop does): no check starts after Ctrl-C or SIGTERM.
    run = gate_run(item.config)
    if run is not None and run.watch.interruption is not None:
        raise KeyboardInterrupt(run.watch.interruption.signal_name)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    run = gate_run(item.config)
    if run is not None and run.unreachable and META_KEY in item.stash:
        pytest.skip(f"target unreachable: {run.unreachable}")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Hand the check its declared observations before its judgement runs (Lighthouse's
    requiredArtifacts): a failed one, or none at all, ends it as errored, never judged."""
    meta = pyfuncitem.stash.get(META_KEY, None)
    if meta is None:
        return None
    broken = pyfuncitem.stash.get(BROKEN_KEY, None)
    if broken is not None:
        raise ContractError(broken)
    if not meta.observes:
        return None
    recorder = pyfuncitem.stash.get(RECORDER_KEY, None)
    # readiness.suite.check requests the declared fixtures; a bare pytest.mark.check does not.
    missing = [n for n in meta.observes if n not in pyfuncitem.funcargs]
    if recorder is None or missing:
        raise ContractError(
            f"observes={list(meta.observes)}: the check must take "
            + ", ".join(["check", *missing] if recorder is None else missing)
            + " as argument(s), or be marked with readiness.suite.check"
        )
    try:
        for name in meta.observes:
            recorder.observe(pyfuncitem.funcargs[name])
    except NotObserved:
        return True  # recorded as errored; the judgement is never called
    if not recorder.observations:
        recorder.no_data(f"{NOTHING}: {', '.join(meta.observes)} held none")
        return True
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    run = gate_run(item.config)
    meta = item.stash.get(META_KEY, None)
    if run is None or meta is None or DONE_KEY in item.stash:
        return report
    if report.when == "setup" and report.passed:
        item.stash[SETUP_KEY] = call.duration  # gathering often happens in fixtures
        return report
    if report.when == "teardown":
        return report
    recorder = item.stash.get(RECORDER_KEY, None)
    try:
        result = normalise(meta, recorder, call, report)
    except Exception as exc:  # the engine's own bug: this check errored, the run inconclusive
        cause = f"engine error while recording {meta.id}: {type(exc).__name__}: {safe_text(exc)}"
        run.engine_errors.append(cause)
        result = CheckResult.gap(meta.id, meta.component, meta.title, cause)
    result.duration_s = round(item.stash.get(SETUP_KEY, 0.0) + call.duration, 4)
    if run.watch.interruption is not None:
        # It ended after Ctrl-C or SIGTERM: what it saw may be a child dying of the user's
        # signal (Chromium, Playwright's driver, Locust), which is not a finding.
        result = cut_short(result, run.watch.interruption.signal_name)
    if recorder is not None and recorder.unreachable:
        run.unreachable = recorder.unreachable
    run.add(result)
    item.stash[DONE_KEY] = result
    # pytest's own line shows the outcome the report will: the same rule, the run's one date.
    (shown,), _ = apply_waivers([result], run.config.waivers, run.today)
    align_report(report, shown)
    return report


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    outcome = getattr(report, "readiness_outcome", None)
    if outcome is None:
        return None
    return STATUS[Outcome(outcome)]
