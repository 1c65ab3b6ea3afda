"""Unit tests of the pure scoring functions and of evaluate(), on literals (no I/O)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Sequence
from importlib import resources
from types import EllipsisType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from readiness.config import VerdictPolicy, Waiver
from readiness.core.evaluate import ComponentSpec, RunFacts, evaluate
from readiness.core.model import CheckResult, ComponentResult, GateResult, Outcome, Risk, Verdict
from readiness.core.scoring import (
    SCORING_VERSION,
    Decision,
    component_readiness,
    component_risk,
    component_status,
    confidence,
    decide,
    metric_band,
    metric_outcome,
    metric_score,
    overall_readiness,
    score_spread,
    stability,
)

P, F, W, V, E, S = (
    Outcome.PASSED,
    Outcome.FAILED,
    Outcome.WARNED,
    Outcome.WAIVED,
    Outcome.ERRORED,
    Outcome.SKIPPED,
)
_DEFAULT_SCORE = {P: 1.0, F: 0.0, W: 0.5, V: 0.0, E: None, S: None}


def check(
    cid: str,
    outcome: Outcome,
    score: float | EllipsisType | None = ...,
    **kw: Any,
) -> CheckResult:
    """A CheckResult literal; the component is the id's first part; ``...`` scores by outcome."""
    value = _DEFAULT_SCORE[outcome] if score is ... else score
    kw.setdefault("title", cid)
    kw.setdefault("blocking", outcome is F)
    return CheckResult(cid, cid.split(".", 1)[0], outcome=outcome, score=value, **kw)


def component(
    name: str,
    checks: Sequence[CheckResult] = (),
    *,
    weight: float = 1.0,
    readiness: float | EllipsisType | None = ...,
    planned: int | None = None,
) -> ComponentResult:
    """``readiness=...`` computes it from the checks; ``planned`` defaults to len(checks)."""
    ready = component_readiness(checks) if readiness is ... else readiness
    return ComponentResult(
        name=name,
        weight=weight,
        blocking=False,
        readiness=ready,
        status="passed",
        risk=Risk.LOW,
        notes=[],
        checks=list(checks),
        planned=len(checks) if planned is None else planned,
    )


def decision(
    checks: Sequence[CheckResult],
    *,
    planned: int | None = None,
    go_at: float = 90,
    min_coverage: float = 0.9,
    **kw: Any,
) -> Decision:
    """decide() over one component holding ``checks`` (``planned`` defaults to len(checks))."""
    comps = [component("smoke", checks, planned=planned)]
    return decide(
        comps,
        overall_readiness(comps),
        confidence(comps),
        go_at=go_at,
        min_coverage=min_coverage,
        **kw,
    )


def passes(n: int, prefix: str = "smoke.ok") -> list[CheckResult]:
    return [check(f"{prefix}{i}", P) for i in range(n)]


# --- metric_score ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "good", "poor", "higher", "expected"),
    [
        # lower is better (latency)
        (300, 300, 1000, False, 1.0),
        (10, 300, 1000, False, 1.0),
        (0, 300, 1000, False, 1.0),
        (-5, 300, 1000, False, 1.0),
        (1000, 300, 1000, False, 0.0),
        (1e9, 300, 1000, False, 0.0),
        (math.inf, 300, 1000, False, 0.0),
        # higher is better (availability): the order of good/poor decides, flag or not
        (1.0, 0.999, 0.99, False, 1.0),
        (0.999, 0.999, 0.99, True, 1.0),
        (0.99, 0.999, 0.99, False, 0.0),
        (0.5, 0.999, 0.99, True, 0.0),
        (0.0, 0.999, 0.99, False, 0.0),
        # budget (good == poor): an upper limit unless higher_is_better
        (100, 100, 100, False, 1.0),
        (99.9, 100, 100, False, 1.0),
        (100.1, 100, 100, False, 0.0),
        (100, 100, 100, True, 1.0),
        (250, 100, 100, True, 1.0),
        (99.9, 100, 100, True, 0.0),
        (0, 0, 0, False, 1.0),
        (0.001, 0, 0, False, 0.0),
    ],
)
def test_metric_score_at_and_beyond_thresholds(
    value: float, good: float, poor: float, higher: bool, expected: float
) -> None:
    assert metric_score(value, good, poor, higher_is_better=higher) == expected


@pytest.mark.parametrize(
    ("good", "poor"),
    [(300, 1000), (2500, 4000), (0.1, 0.25), (0.999, 0.99), (200, 50), (0, 10), (-10, 10)],
)
def test_metric_score_is_strictly_monotonic_between_thresholds(good: float, poor: float) -> None:
    steps = 40
    values = [good + (poor - good) * i / steps for i in range(1, steps)]  # from good to poor
    scores = [metric_score(v, good, poor) for v in values]
    assert all(0.0 < s < 1.0 for s in scores)
    assert all(a > b for a, b in itertools.pairwise(scores))


@pytest.mark.parametrize(
    ("good", "poor"), [(300, 1000), (2500, 4000), (0.1, 0.25), (0.999, 0.99), (200, 50)]
)
def test_metric_score_is_one_half_at_the_geometric_mean(good: float, poor: float) -> None:
    assert metric_score(math.sqrt(good * poor), good, poor) == pytest.approx(0.5, abs=1e-9)


def test_metric_score_uses_a_log_scale_for_positive_thresholds() -> None:
    # The arithmetic mean lies beyond the geometric one on the way to poor: less than a half.
    assert metric_score(650, 300, 1000) < 0.5


@pytest.mark.parametrize(
    ("value", "good", "poor", "expected"),
    [
        (5, 0, 10, 0.5),  # zero threshold: linear
        (0, -10, 10, 0.5),  # negative threshold: linear
        (-7.5, -10, -5, 0.5),
        (0.5, 1, 0, 0.5),  # higher is better down to zero
        (-5, 0, -10, 0.5),
    ],
)
def test_metric_score_falls_back_to_linear_for_zero_or_negative_thresholds(
    value: float, good: float, poor: float, expected: float
) -> None:
    assert metric_score(value, good, poor) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("good", "poor"), [(300, 1000), (0.999, 0.99), (0, 10), (10, 0)])
def test_metric_score_is_continuous_near_the_ends(good: float, poor: float) -> None:
    span = poor - good
    near_good = metric_score(good + span * 1e-9, good, poor)
    near_poor = metric_score(poor - span * 1e-9, good, poor)
    assert 0.999 < near_good <= 1.0
    assert 0.0 <= near_poor < 0.001


@pytest.mark.parametrize(
    ("value", "good", "poor", "band"),
    [
        (300, 300, 1000, "good"),
        (301, 300, 1000, "needs-improvement"),
        (999, 300, 1000, "needs-improvement"),
        (1000, 300, 1000, "poor"),
        (0.9995, 0.999, 0.99, "good"),
        (0.995, 0.999, 0.99, "needs-improvement"),
        (0.98, 0.999, 0.99, "poor"),
        (100, 100, 100, "good"),
        (101, 100, 100, "poor"),
    ],
)
def test_metric_band(value: float, good: float, poor: float, band: str) -> None:
    assert metric_band(value, good, poor) == band


@pytest.mark.parametrize(
    ("value", "blocking", "expected"),
    [
        (200, True, P),
        (200, False, P),
        (500, True, W),  # between the thresholds warns, blocking or not
        (500, False, W),
        (1000, True, F),
        (1000, False, W),  # a non-blocking check never fails the gate
        (5000, True, F),
    ],
)
def test_metric_outcome(value: float, blocking: bool, expected: Outcome) -> None:
    assert metric_outcome(value, 300, 1000, blocking) is expected


def test_metric_outcome_of_a_higher_is_better_budget() -> None:
    assert metric_outcome(0.95, 0.9, 0.9, True, higher_is_better=True) is P
    assert metric_outcome(0.85, 0.9, 0.9, True, higher_is_better=True) is F


# --- component and overall readiness --------------------------------------------------------


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ([check("a.x", P), check("a.y", F)], 50.0),
        ([check("a.x", P, weight=3), check("a.y", W, 0.5)], 87.5),
        ([check("a.x", P, 0.25), check("a.y", W, 0.75)], 50.0),
        # errored, skipped and waived checks have no say
        ([check("a.x", P), check("a.e", E), check("a.s", S), check("a.v", V, 0.0)], 100.0),
        ([check("a.x", W, 0.4), check("a.v", V, 1.0)], 40.0),
        ([check("a.x", P, None)], None),  # ran but unscored: nothing to average
        ([check("a.e", E), check("a.f", E)], None),
        ([check("a.s", S)], None),
        ([check("a.x", P, weight=0), check("a.y", F, weight=0)], None),
        ([check("a.x", P, weight=0), check("a.y", F, weight=1)], 0.0),
        ([], None),
    ],
)
def test_component_readiness(checks: list[CheckResult], expected: float | None) -> None:
    assert component_readiness(checks) == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([(100, 1), (50, 1)], 75.0),
        ([(100, 3), (0, 1)], 75.0),
        ([(100, 25), (80, 20), (None, 55)], pytest.approx(91.11, abs=0.01)),
        ([(100, 1), (None, 5)], 100.0),
        ([(None, 1), (None, 1)], None),
        ([(80, 0), (60, 1)], 60.0),  # a zero-weight component does not count
        ([(80, 0), (60, 0)], None),
        ([], None),
    ],
)
def test_overall_readiness(parts: list[tuple[float | None, float]], expected: Any) -> None:
    comps = [component(f"c{i}", readiness=r, weight=w) for i, (r, w) in enumerate(parts)]
    assert overall_readiness(comps) == expected


# --- component status and risk --------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "planned", "expected"),
    [
        ([], 0, "not-run"),
        ([], 3, "not-run"),
        ([E, S], 2, "not-run"),
        ([P, F], 2, "failed"),
        ([F, E], 2, "failed"),
        ([P, E], 2, "incomplete"),
        ([P, S], 2, "incomplete"),
        ([P], 2, "incomplete"),  # fewer results than planned
        ([P, W], 2, "warned"),
        ([P, V], 2, "passed"),
        ([V], 1, "passed"),
        ([P, P], 2, "passed"),
    ],
)
def test_component_status(outcomes: list[Outcome], planned: int, expected: str) -> None:
    checks = [check(f"a.c{i}", o) for i, o in enumerate(outcomes)]
    assert component_status(checks, planned) == expected


@pytest.mark.parametrize(
    ("readiness", "outcomes", "go_at", "expected"),
    [
        (None, [], 90, Risk.HIGH),
        (None, [E], 90, Risk.HIGH),
        (100.0, [P, F], 90, Risk.HIGH),  # a blocking failure is HIGH whatever the number
        (49.99, [P, W], 0, Risk.HIGH),
        (50.0, [P], 90, Risk.MEDIUM),
        (89.99, [P], 90, Risk.MEDIUM),
        (95.0, [P, W], 90, Risk.MEDIUM),
        (95.0, [P, E], 90, Risk.MEDIUM),
        (95.0, [P, S], 90, Risk.MEDIUM),
        (90.0, [P], 90, Risk.LOW),
        (100.0, [P, V], 90, Risk.LOW),
    ],
)
def test_component_risk(
    readiness: float | None, outcomes: list[Outcome], go_at: float, expected: Risk
) -> None:
    checks = [check(f"a.c{i}", o) for i, o in enumerate(outcomes)]
    assert component_risk(readiness, checks, go_at) is expected


# --- spread, stability, confidence ----------------------------------------------------------

LATENCY = {"good": 300, "poor": 1000}


@pytest.mark.parametrize(
    ("samples", "threshold"),
    [
        ([], LATENCY),
        ([120.0], LATENCY),
        ([1.0, 2.0, 3.0], None),
        ([1.0, 2.0, 3.0], {"expected": 200}),
    ],
)
def test_score_spread_is_none_without_repeats_or_a_curve(
    samples: list[float], threshold: dict[str, Any] | None
) -> None:
    assert score_spread(check("a.x", P, samples=samples, threshold=threshold)) is None


@pytest.mark.parametrize(
    ("samples", "threshold"),
    [
        ([1.0, 1.5, 0.8, 2.0], LATENCY),  # loopback jitter, far inside good
        ([5000, 7000, 9000], LATENCY),  # all far beyond poor
        ([1.0, 1.0, 1.0], {"good": 0.999, "poor": 0.99, "higher_is_better": True}),
    ],
)
def test_score_spread_is_zero_when_no_sample_nears_a_threshold(
    samples: list[float], threshold: dict[str, Any]
) -> None:
    assert score_spread(check("a.x", P, samples=samples, threshold=threshold)) == 0.0


def test_score_spread_is_positive_when_samples_straddle_the_thresholds() -> None:
    straddling = check("a.x", W, samples=[200, 400, 600, 900, 1100], threshold=LATENCY)
    spread = score_spread(straddling)
    assert spread is not None
    assert 0.0 < spread <= 1.0


def test_score_spread_of_a_higher_is_better_metric() -> None:
    threshold = {"good": 0.999, "poor": 0.99, "higher_is_better": True}
    assert score_spread(check("a.x", W, samples=[0.98, 0.993, 0.996, 1.0], threshold=threshold))


def test_stability() -> None:
    steady = check("a.s", P, samples=[1.0, 2.0, 1.5], threshold=LATENCY)
    noisy = check("a.n", W, samples=[200, 400, 600, 900, 1100], threshold=LATENCY)
    single = check("a.x", P, threshold=LATENCY)
    assert stability([]) == 1.0
    assert stability([single]) == 1.0  # no repeats is no evidence of noise
    assert stability([steady]) == 1.0
    assert stability([noisy]) == pytest.approx(1.0 - score_spread(noisy))  # type: ignore[operator]
    assert stability([steady, steady, noisy]) == 1.0  # the median spread
    assert stability([noisy, noisy, steady]) < 1.0


@pytest.mark.parametrize(
    ("outcomes", "planned", "coverage"),
    [
        ([P, F, W, V], 4, 1.0),
        ([P, F, V, E], 4, 0.75),
        ([P, S], 2, 0.5),
        ([P], 4, 0.25),  # planned but never recorded
        ([E, S], 2, 0.0),
        ([], 0, 0.0),
    ],
)
def test_confidence_coverage_is_ran_over_planned(
    outcomes: list[Outcome], planned: int, coverage: float
) -> None:
    checks = [check(f"a.c{i}", o) for i, o in enumerate(outcomes)]
    conf = confidence([component("a", checks, planned=planned)])
    assert conf.coverage == coverage
    assert conf.checks_planned == planned
    assert conf.checks_ran == sum(o.ran for o in outcomes)
    assert conf.stability == 1.0
    assert conf.value == coverage


def test_confidence_is_coverage_times_stability_over_all_components() -> None:
    noisy = check("a.n", W, samples=[200, 400, 600, 900, 1100], threshold=LATENCY)
    comps = [component("a", [noisy], planned=2), component("b", [check("b.x", P)])]
    conf = confidence(comps)
    assert (conf.checks_ran, conf.checks_planned, conf.coverage) == (2, 3, pytest.approx(0.6667))
    assert conf.stability < 1.0
    assert conf.value == pytest.approx(conf.coverage * conf.stability, abs=1e-4)


def test_confidence_ignores_the_spread_of_checks_that_did_not_run() -> None:
    noisy_but_errored = check("a.n", E, samples=[200, 600, 1100], threshold=LATENCY)
    assert confidence([component("a", [check("a.x", P), noisy_but_errored])]).stability == 1.0


# --- decide: the verdict table --------------------------------------------------------------


@pytest.mark.parametrize(
    ("checks", "kwargs", "verdict", "first_reason"),
    [
        pytest.param(passes(3), {}, Verdict.GO, "no blocking check failed", id="all-passed"),
        pytest.param(
            [*passes(3), check("smoke.status./api", F, message="HTTP 500")],
            {},
            Verdict.NO_GO,
            "blocking check failed: smoke.status./api failed: HTTP 500",
            id="blocking-failure",
        ),
        pytest.param(
            [*passes(19), check("smoke.size./", W, 0.5)],
            {},
            Verdict.GO,
            "no blocking check failed; readiness 97.5%",
            id="warned-only-above-go-at",
        ),
        pytest.param(
            [*passes(1), check("smoke.size./", W, 0.0)],
            {},
            Verdict.NO_GO,
            "overall readiness 50% is below the GO line of 90%",
            id="below-go-at",
        ),
        pytest.param(
            [*passes(9), check("smoke.size./", W, 0.0)],
            {},
            Verdict.GO,
            "no blocking check failed; readiness 90.0% >= 90%",
            id="exactly-at-go-at",
        ),
        pytest.param(
            [*passes(9), check("smoke.size./", W, 0.0)],
            {"go_at": 90.01},
            Verdict.NO_GO,
            "overall readiness 90% is below the GO line of 90.01%",
            id="just-below-go-at",
        ),
        pytest.param(
            [check("smoke.x", P, 0.8996)],
            {},
            Verdict.NO_GO,
            "overall readiness 89.96% is below the GO line of 90%",
            id="below-go-at-not-rounded-up-to-it",
        ),
        pytest.param(
            [check("smoke.probe", E, message="connection refused"), check("smoke.y", S)],
            {"unreachable": "connection refused by http://127.0.0.1:9"},
            Verdict.INCONCLUSIVE,
            "target unreachable: connection refused by http://127.0.0.1:9",
            id="unreachable",
        ),
        pytest.param(
            [check("smoke.status./", F), check("smoke.y", S)],
            {"unreachable": "timed out: http://127.0.0.1:9"},
            Verdict.NO_GO,
            "blocking check failed: smoke.status./ failed",
            id="blocking-failure-beats-unreachable",
        ),
        pytest.param(
            [check("smoke.a", E), check("smoke.b", E)],
            {"min_coverage": 0},
            Verdict.INCONCLUSIVE,
            "nothing was measured",
            id="all-errored",
        ),
        pytest.param(
            passes(3),
            {"interrupted": True},
            Verdict.INCONCLUSIVE,
            "run interrupted: this report is partial",
            id="interrupted",
        ),
    ],
)
def test_decide_verdicts(
    checks: list[CheckResult], kwargs: dict[str, Any], verdict: Verdict, first_reason: str
) -> None:
    result = decision(checks, **kwargs)
    assert result.verdict is verdict
    assert result.reasons[0].startswith(first_reason)


@pytest.mark.parametrize(
    ("ran", "planned", "min_coverage", "inconclusive"),
    [
        (9, 10, 0.9, False),  # exactly at min_coverage is enough
        (7, 10, 0.7, False),
        (2, 3, 2 / 3, False),
        (900, 1000, 0.9, False),
        (899, 1000, 0.9, True),  # just below
        (8, 10, 0.9, True),
        (9, 10, 0.91, True),
        (1, 1, 1.0, False),
        (0, 1, 0.0, True),  # nothing measured is inconclusive even with no coverage bar
    ],
)
def test_decide_coverage_boundary(
    ran: int, planned: int, min_coverage: float, inconclusive: bool
) -> None:
    checks = passes(ran) + [check(f"smoke.e{i}", E) for i in range(planned - ran)]
    result = decision(checks, min_coverage=min_coverage)
    assert (result.verdict is Verdict.INCONCLUSIVE) is inconclusive
    assert any(r.startswith("coverage ") for r in result.reasons) is (ran / planned < min_coverage)


def test_decide_coverage_reason_does_not_round_up_to_the_requirement() -> None:
    checks = passes(899) + [check(f"smoke.e{i}", E) for i in range(101)]
    reasons = decision(checks, min_coverage=0.9).reasons
    assert reasons[0] == "coverage 89.9% (899/1000 checks ran) is below the required 90%"


def test_decide_reasons_order_is_blocking_inconclusive_readiness_errored() -> None:
    checks = [
        check("smoke.warn", W, 0.0),
        check("smoke.err", E, message="timeout"),
        check("smoke.fail", F, message="HTTP 500"),
    ]
    reasons = decision(checks, unreachable="refused").reasons
    prefixes = [
        "blocking check failed: smoke.fail",
        "target unreachable: refused",
        "coverage 66.67% (2/3 checks ran)",
        "overall readiness 0% is below",
        "could not measure: smoke.err errored: timeout",
    ]
    assert len(reasons) == len(prefixes)
    for reason, prefix in zip(reasons, prefixes, strict=True):
        assert reason.startswith(prefix)


def test_decide_go_still_lists_errored_checks_after_the_summary() -> None:
    result = decision([*passes(9), check("smoke.e", E, message="no data")])
    assert result.verdict is Verdict.GO
    assert result.reasons[1:] == ["could not measure: smoke.e errored: no data"]


def test_decide_outstanding_lists_warnings_waivers_skips_and_notes() -> None:
    waiver = {"check": "smoke.v", "reason": "known", "owner": "ana", "expires": "2027-01-31"}
    checks = [
        *passes(10),
        check("smoke.w", W, 0.9, message="slow"),
        check("smoke.v", V, waiver=waiver),
        check("smoke.s", S, message="opt-in"),
    ]
    result = decision(checks, min_coverage=0.5, waiver_notes=["waiver for smoke.z expired"])
    assert result.verdict is Verdict.GO
    assert result.outstanding == [
        "non-blocking: smoke.w warned: slow",
        "waived: smoke.v (known; owner ana, expires 2027-01-31)",
        "skipped: smoke.s skipped: opt-in",
        "waiver for smoke.z expired",
    ]


# --- evaluate: waivers, weights and the JSON schema -----------------------------------------

TODAY = dt.date(2026, 6, 1)
POLICY = VerdictPolicy(go_at=90, min_coverage=0.9)
SPECS = [ComponentSpec("smoke", 25, True), ComponentSpec("security", 20, False)]


def facts(today: dt.date = TODAY, **kw: Any) -> RunFacts:
    return RunFacts(
        run_id="20260601T120000Z-abcd",
        target="http://127.0.0.1:8000",
        profile="pre-deploy",
        started_at="2026-06-01T12:00:00+00:00",
        duration_s=1.5,
        today=today,
        **kw,
    )


def waiver(check_id: str, expires: dt.date, owner: str = "ana") -> Waiver:
    return Waiver(check=check_id, reason="vendor fix pending", owner=owner, expires=expires)


def gate_checks(*extra: CheckResult) -> list[CheckResult]:
    return [check("smoke.status./", P), check("security.hsts", P), *extra]


def find(result: GateResult, check_id: str) -> CheckResult:
    return next(c for comp in result.components for c in comp.checks if c.id == check_id)


def test_evaluate_waived_blocking_check_is_waived_not_no_go() -> None:
    csp = check("security.csp", F, blocking=True, message="no CSP header")
    result = evaluate(
        gate_checks(csp), SPECS, POLICY, [waiver("security.csp", dt.date(2027, 1, 31))], facts()
    )
    assert find(result, "security.csp").outcome is V
    assert result.verdict is Verdict.GO
    assert result.readiness == 100.0  # a waived check neither drags nor props readiness
    assert "waived: security.csp (vendor fix pending; owner ana, expires 2027-01-31)" in (
        result.outstanding
    )


def test_evaluate_expired_waiver_no_longer_waives() -> None:
    csp = check("security.csp", F, blocking=True, message="no CSP header")
    result = evaluate(
        gate_checks(csp), SPECS, POLICY, [waiver("security.csp", dt.date(2026, 5, 31))], facts()
    )
    failed = find(result, "security.csp")
    assert failed.outcome is F
    assert failed.waiver is not None and failed.waiver["expired"] is True
    assert "waiver expired on 2026-05-31" in failed.message
    assert result.verdict is Verdict.NO_GO
    assert result.reasons[0].startswith("blocking check failed: security.csp")
    assert any(
        "security.csp expired on 2026-05-31" in note and "no longer waives" in note
        for note in result.outstanding
    )


@pytest.mark.parametrize(
    ("today", "outcome"),
    [
        (dt.date(2027, 1, 30), V),
        (dt.date(2027, 1, 31), V),  # valid through its expiry date
        (dt.date(2027, 2, 1), F),
    ],
)
def test_evaluate_waiver_is_valid_through_its_expiry_date(today: dt.date, outcome: Outcome) -> None:
    csp = check("security.csp", F, blocking=True)
    waivers = [waiver("security.csp", dt.date(2027, 1, 31))]
    result = evaluate(gate_checks(csp), SPECS, POLICY, waivers, facts(today))
    assert find(result, "security.csp").outcome is outcome


def test_evaluate_glob_waiver_covers_every_matching_check() -> None:
    checks = gate_checks(
        check("smoke.latency./", W, 0.2),
        check("smoke.latency./about", F, blocking=True),
        check("smoke.latencyx", W, 0.2),
    )
    waivers = [waiver("smoke.latency.*", dt.date(2027, 1, 31))]
    result = evaluate(checks, SPECS, POLICY, waivers, facts())
    assert find(result, "smoke.latency./").outcome is V
    assert find(result, "smoke.latency./about").outcome is V
    assert find(result, "smoke.latencyx").outcome is W
    assert find(result, "smoke.status./").outcome is P


def test_evaluate_never_waives_an_errored_check() -> None:
    errored = check("security.tls", E, message="handshake failed")
    result = evaluate(
        gate_checks(errored), SPECS, POLICY, [waiver("security.*", dt.date(2027, 1, 1))], facts()
    )
    still = find(result, "security.tls")
    assert still.outcome is E
    assert still.waiver is None
    assert "could not measure: security.tls errored: handshake failed" in result.reasons


def test_evaluate_zero_weight_component_does_not_move_readiness() -> None:
    specs = [ComponentSpec("smoke", 1, True), ComponentSpec("security", 0, False)]
    checks = gate_checks(check("security.csp", W, 0.0))
    result = evaluate(checks, specs, POLICY, [], facts())
    security = next(c for c in result.components if c.name == "security")
    assert security.readiness == 50.0
    assert result.readiness == 100.0
    assert result.verdict is Verdict.GO


def test_evaluate_component_without_checks_is_not_run() -> None:
    specs = [*SPECS, ComponentSpec("load", 15, False)]
    result = evaluate(gate_checks(), specs, POLICY, [], facts())
    load = next(c for c in result.components if c.name == "load")
    assert (load.readiness, load.status, load.planned) == (None, "not-run", 0)
    assert load.notes == ["no checks were planned"]
    assert result.verdict is Verdict.GO


def _validator() -> Draft202012Validator:
    schema_file = resources.files("readiness") / "schema" / "readiness-1.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize(
    ("checks", "waivers", "run"),
    [
        pytest.param(gate_checks(), [], facts(), id="go"),
        pytest.param(
            gate_checks(check("security.csp", F, blocking=True)),
            [waiver("security.csp", dt.date(2027, 1, 31))],
            facts(),
            id="waived",
        ),
        pytest.param(
            gate_checks(check("security.csp", F, blocking=True)),
            [waiver("security.csp", dt.date(2026, 1, 31))],
            facts(),
            id="expired-waiver",
        ),
        pytest.param(
            [check("smoke.probe", E, message="refused"), check("security.hsts", S)],
            [],
            facts(unreachable="refused", interrupted=True),
            id="unreachable-interrupted",
        ),
        pytest.param(
            gate_checks(
                check("smoke.latency./", W, 0.3, samples=[200, 700, 1100], threshold=LATENCY)
            ),
            [],
            facts(notes={"security": ["grade A"]}),
            id="samples-and-notes",
        ),
    ],
)
def test_evaluate_result_validates_against_the_schema(
    checks: list[CheckResult], waivers: list[Waiver], run: RunFacts
) -> None:
    result = evaluate(checks, SPECS, POLICY, waivers, run)
    data = result.to_dict()
    errors = sorted(_validator().iter_errors(data), key=str)
    assert not errors, errors[0].message
    assert data["scoring_version"] == SCORING_VERSION
    assert data["exit_code"] == (130 if run.interrupted else result.verdict.exit_code)
    json.dumps(data)  # serialisable as is


def test_unmeasured_blocking_component_is_inconclusive_even_with_high_coverage() -> None:
    from readiness.core.model import CheckResult, ComponentResult, Outcome, Risk
    from readiness.core.scoring import confidence, decide

    passed = [CheckResult(f"web.c{i}", "web", "t", Outcome.PASSED, score=1.0) for i in range(19)]
    gap = [CheckResult("db.c", "db", "t", Outcome.ERRORED, blocking=True)]
    components = [
        ComponentResult("web", 1, False, 100.0, "passed", Risk.LOW, [], passed, 19),
        ComponentResult("db", 1, True, None, "not-run", Risk.HIGH, [], gap, 1),
    ]
    conf = confidence(components)
    assert conf.coverage == 0.95
    decision = decide(components, 100.0, conf, go_at=90, min_coverage=0.9)
    assert decision.verdict.value == "INCONCLUSIVE"
    assert any(r.startswith("blocking component db was not measured") for r in decision.reasons)
    # The same gap in an advisory component, by an advisory check, only lowers coverage.
    advisory = [CheckResult("db.c", "db", "t", Outcome.ERRORED, blocking=False)]
    components[1] = ComponentResult("db", 1, False, None, "not-run", Risk.HIGH, [], advisory, 1)
    assert decide(components, 100.0, conf, go_at=90, min_coverage=0.9).verdict.value == "GO"


def test_an_unmeasured_blocking_check_is_inconclusive_even_with_high_coverage() -> None:
    from readiness.core.model import CheckResult, ComponentResult, Outcome, Risk
    from readiness.core.scoring import confidence, decide

    checks = [CheckResult(f"web.c{i}", "web", "t", Outcome.PASSED, score=1.0) for i in range(99)]
    checks.append(
        CheckResult("web.tls", "web", "t", Outcome.ERRORED, blocking=True, message="not observed")
    )
    components = [
        ComponentResult("web", 1, False, 100.0, "incomplete", Risk.MEDIUM, [], checks, 100)
    ]
    decision = decide(components, 100.0, confidence(components), go_at=90, min_coverage=0.9)
    assert decision.verdict.value == "INCONCLUSIVE"
    assert "blocking check not measured: web.tls errored: not observed" in decision.reasons
