"""Pure scoring: metric curves, outcomes, component and overall readiness, confidence, verdict.

No I/O and no pytest here, so every rule is unit-tested on literals (tests/test_scoring.py).
Change anything that moves a number and bump SCORING_VERSION: readiness.json records it so
runs scored by different algorithms are never compared silently.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from readiness.core.model import CheckResult, ComponentResult, Confidence, Outcome, Risk, Verdict
from readiness.core.thresholds import Threshold

SCORING_VERSION = "1"

# Within the good..poor band the score follows a log-normal complementary CDF, as Lighthouse's
# metric scores do. Lighthouse pins p10 -> 0.9 and median -> 0.5; our contract is instead
# "1 at good or better, 0 at poor or worse", so we centre the curve on the geometric mean of the
# two thresholds and rescale it to hit exactly 1 and 0 at the ends. _SPREAD is how many standard
# deviations the band spans each side of the centre: 2 keeps the curve S-shaped but not a step.
_SPREAD = 2.0


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def metric_score(
    value: float, good: float, poor: float, *, higher_is_better: bool = False
) -> float:
    """Score in [0, 1]: 1 at ``good`` or better, 0 at ``poor`` or worse, smooth in between.

    ``good < poor`` means lower is better (latency); ``good > poor`` means higher is better
    (availability, requests per second). Positive thresholds are compared on a log scale
    (timings are log-normal); a zero or negative threshold falls back to a linear scale.
    """
    if math.isnan(value):
        raise ValueError("cannot score NaN: an unmeasured value is an errored check")
    if good == poor:
        # A plain budget: at or better than it passes, worse fails.
        return 1.0 if (value >= good if higher_is_better else value <= good) else 0.0
    lower_is_better = good < poor
    if (value <= good) if lower_is_better else (value >= good):
        return 1.0
    if (value >= poor) if lower_is_better else (value <= poor):
        return 0.0
    if min(good, poor, value) > 0:
        position = (math.log(value) - math.log(good)) / (math.log(poor) - math.log(good))
    else:
        position = (value - good) / (poor - good)
    # position is in (0, 1): 0 at good, 1 at poor.
    top, bottom = _phi(_SPREAD), _phi(-_SPREAD)
    raw = _phi(_SPREAD * (1.0 - 2.0 * position))
    return max(0.0, min(1.0, (raw - bottom) / (top - bottom)))


def metric_band(value: float, good: float, poor: float, *, higher_is_better: bool = False) -> str:
    """'good', 'needs-improvement' or 'poor', as the Core Web Vitals bands are defined."""
    score = metric_score(value, good, poor, higher_is_better=higher_is_better)
    if score >= 1.0:
        return "good"
    if score <= 0.0:
        return "poor"
    return "needs-improvement"


def judged_outcome(passed: bool, blocking: bool) -> Outcome:
    """A failure of a blocking check fails the gate; of a non-blocking one it warns."""
    if passed:
        return Outcome.PASSED
    return Outcome.FAILED if blocking else Outcome.WARNED


def metric_outcome(
    value: float,
    good: float,
    poor: float,
    blocking: bool,
    *,
    higher_is_better: bool = False,
    fail_at: str = "poor",
) -> Outcome:
    """Good band passes; poor band fails (or warns if non-blocking); in between warns, unless
    ``fail_at`` is "good": then a blocking metric fails as soon as it is short of good."""
    band = metric_band(value, good, poor, higher_is_better=higher_is_better)
    if band == "good":
        return Outcome.PASSED
    if band == "poor" or fail_at == "good":
        return judged_outcome(False, blocking)
    return Outcome.WARNED


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    pairs = list(pairs)
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    return sum(v * w for v, w in pairs) / total


def counts_for_readiness(check: CheckResult) -> bool:
    """Checks that ran and were judged. Waived ones are excluded: their failure is accepted and
    listed as outstanding, but it neither drags readiness down nor props it up."""
    return check.outcome in (Outcome.PASSED, Outcome.FAILED, Outcome.WARNED) and (
        check.score is not None
    )


def component_readiness(checks: Sequence[CheckResult]) -> float | None:
    """Weighted mean of the scores of the checks that ran, in percent; None if none ran."""
    mean = _weighted_mean(
        (c.score, c.weight) for c in checks if counts_for_readiness(c) and c.score is not None
    )
    return None if mean is None else round(100.0 * mean, 2)


def overall_readiness(components: Sequence[ComponentResult]) -> float | None:
    """Weighted mean of component readiness; components with nothing measured have no say
    (coverage and the verdict account for them instead of a made-up number)."""
    mean = _weighted_mean((c.readiness, c.weight) for c in components if c.readiness is not None)
    return None if mean is None else round(mean, 2)


def component_status(checks: Sequence[CheckResult], planned: int) -> str:
    outcomes = {c.outcome for c in checks}
    if planned == 0 or not any(o.ran for o in outcomes):
        return "not-run"
    if Outcome.FAILED in outcomes:
        return "failed"
    if outcomes & {Outcome.ERRORED, Outcome.SKIPPED} or len(checks) < planned:
        return "incomplete"
    if Outcome.WARNED in outcomes:
        return "warned"
    return "passed"


def component_risk(readiness: float | None, checks: Sequence[CheckResult], go_at: float) -> Risk:
    """HIGH: a blocking failure, nothing measured, or readiness under 50 %.
    MEDIUM: any other failure, warning, error, or readiness under the GO line.
    LOW: everything measured passed at or above the GO line."""
    outcomes = [c.outcome for c in checks]
    if readiness is None or Outcome.FAILED in outcomes or readiness < 50:
        return Risk.HIGH
    if any(o in (Outcome.WARNED, Outcome.ERRORED, Outcome.SKIPPED) for o in outcomes):
        return Risk.MEDIUM
    if readiness < go_at:
        return Risk.MEDIUM
    return Risk.LOW


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def score_spread(check: CheckResult) -> float | None:
    """How much the measurement noise moves this check's score: the score at the upper quartile
    of its samples minus the score at the lower quartile, in [0, 1]. None when the check has no
    repeated measurements or no good/poor threshold. Measuring spread on the score, not on the
    raw value, keeps loopback timings (1 ms +- 50 %) from looking unstable when no sample comes
    near a threshold, and exposes samples that straddle one."""
    threshold = check.threshold
    if len(check.samples) < 2 or not isinstance(threshold, Threshold):
        return None
    good, poor, higher = threshold.good, threshold.poor, threshold.higher_is_better
    scores = [
        metric_score(_quantile(check.samples, q), good, poor, higher_is_better=higher)
        for q in (0.25, 0.75)
    ]
    return abs(scores[0] - scores[1])


def stability(checks: Iterable[CheckResult]) -> float:
    """1 - the median score spread of the checks measured repeatedly; 1.0 when none was
    (no evidence of noise is not evidence of noise: coverage carries that doubt)."""
    spreads = [s for s in (score_spread(c) for c in checks) if s is not None]
    if not spreads:
        return 1.0
    return max(0.0, min(1.0, 1.0 - statistics.median(spreads)))


def confidence(components: Sequence[ComponentResult]) -> Confidence:
    checks = [c for comp in components for c in comp.checks]
    planned = sum(comp.planned for comp in components)
    ran = sum(1 for c in checks if c.outcome.ran)
    coverage = ran / planned if planned else 0.0
    stab = stability(c for c in checks if c.outcome.ran)
    return Confidence(
        value=round(coverage * stab, 4),
        coverage=round(coverage, 4),
        stability=round(stab, 4),
        checks_planned=planned,
        checks_ran=ran,
    )


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: list[str]
    outstanding: list[str]


def _percent(share: float) -> str:
    # All significant digits: a fixed rounding shows 0.899 as "90%", "below the required 90%".
    return f"{share * 100:g}%"


def _describe(check: CheckResult) -> str:
    text = f"{check.id} {check.outcome.value}"
    if check.message:
        text += f": {check.message}"
    return text


def decide(
    components: Sequence[ComponentResult],
    overall: float | None,
    conf: Confidence,
    *,
    go_at: float,
    min_coverage: float,
    unreachable: str | None = None,
    interrupted: bool = False,
    waiver_notes: Sequence[str] = (),
    engine_errors: Sequence[str] = (),
) -> Decision:
    """The verdict policy. Most decisive first:

    1. a blocking check failed -> NO-GO (a proven defect outweighs missing data);
    2. the engine itself failed, a blocking check could not be measured (errored), the target
       was unreachable, coverage < min_coverage, or nothing was measured -> INCONCLUSIVE (a
       partial picture proves nothing either way; an unobserved blocking check least of all);
    3. overall readiness < go_at -> NO-GO;
    4. otherwise GO.
    """
    checks = [c for comp in components for c in comp.checks]
    blocking_failures = [c for c in checks if c.outcome is Outcome.FAILED]
    errored = [c for c in checks if c.outcome is Outcome.ERRORED]
    skipped = [c for c in checks if c.outcome is Outcome.SKIPPED]

    reasons = [f"blocking check failed: {_describe(c)}" for c in blocking_failures]
    inconclusive = [f"the gate itself failed: {e}" for e in engine_errors]
    if interrupted:
        inconclusive.append("run interrupted: this report is partial")
    if unreachable:
        inconclusive.append(f"target unreachable: {unreachable}")
    # A blocking check is one the deploy must not go without: high coverage elsewhere cannot
    # stand in for the one whose observation failed.
    inconclusive += [f"blocking check not measured: {_describe(c)}" for c in errored if c.blocking]
    if overall is None:
        inconclusive.append("nothing was measured: no check produced a result")
    else:
        # A blocking component is one the deploy must not go without: if none of its checks
        # produced a result, high coverage elsewhere cannot stand in for it.
        inconclusive += [
            f"blocking component {c.name} was not measured: none of its {c.planned} checks ran"
            for c in components
            if c.blocking and c.planned and c.readiness is None and c.weight > 0
        ]
    if conf.coverage < min_coverage:
        inconclusive.append(
            f"coverage {_percent(conf.coverage)}"
            f" ({conf.checks_ran}/{conf.checks_planned} checks ran)"
            f" is below the required {_percent(min_coverage)}"
        )
    reasons += inconclusive
    below = overall is not None and overall < go_at
    if below:
        reasons.append(f"overall readiness {overall:g}% is below the GO line of {go_at:g}%")
    reasons += [f"could not measure: {_describe(c)}" for c in errored if not c.blocking]

    if blocking_failures:
        verdict = Verdict.NO_GO
    elif inconclusive:
        verdict = Verdict.INCONCLUSIVE
    elif below:
        verdict = Verdict.NO_GO
    else:
        verdict = Verdict.GO
        reasons.insert(
            0,
            f"no blocking check failed; readiness {overall:.1f}% >= {go_at:g}%;"
            f" coverage {conf.coverage:.0%} >= {min_coverage:.0%}",
        )

    # A warned blocking check sits between its good and poor lines: it does not stop the
    # deploy, but it is not "non-blocking" either.
    outstanding = [
        f"{'blocking, between good and poor' if c.blocking else 'non-blocking'}: {_describe(c)}"
        for c in checks
        if c.outcome is Outcome.WARNED
    ]
    outstanding += [
        f"waived: {c.id} ({c.waiver.get('reason', '')}; owner {c.waiver.get('owner', '?')},"
        f" expires {c.waiver.get('expires', '?')})"
        for c in checks
        if c.outcome is Outcome.WAIVED and c.waiver
    ]
    outstanding += [f"skipped: {_describe(c)}" for c in skipped]
    outstanding += list(waiver_notes)
    return Decision(verdict, reasons, outstanding)
