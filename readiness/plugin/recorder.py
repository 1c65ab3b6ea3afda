"""The `check` fixture's object: how a suite's test records what it measured.

A test gathers (usually through a cached fixture) and then judges with one of:

    check.metric(value, unit="ms", threshold=Threshold(good=300, poor=1000))
    check.expect(resp.status_code == 200, value=resp.status_code, expected=200)
    check.no_data("the endpoint returned no timing")      # errored: nothing measured
    check.skip("opt-in only: set security.active")       # skipped, with its reason

The engine turns the call into a CheckResult; the outcome (passed / failed / warned) comes
from the threshold and the check's blocking flag, never from the test's say-so.

A judgement stands only on observations: the ones the check's marker declares
(``observes=``, handed over by the engine before the test runs) and any it adds with
``check.observe(...)``. A failed one ends the check as errored before it judges; a check that
judges with no observation at all is errored too ("nothing was observed").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from readiness.config import Threshold
from readiness.core.formatting import format_expectation, format_number
from readiness.core.model import CheckMeta, CheckResult, Evidence, Expected, Outcome
from readiness.core.observation import Observation, first_failed, flatten
from readiness.core.scoring import judged_outcome, metric_outcome, metric_score

NOT_APPLICABLE = "readiness_not_applicable"


def not_applicable() -> Any:
    """A parameter for a check with nothing to apply to: the engine drops it from the plan."""
    return pytest.param(None, id="n/a", marks=getattr(pytest.mark, NOT_APPLICABLE))


class UnreachableTarget(Exception):
    """Raised by a probe check when the target cannot be reached at all."""


class NotObserved(Exception):
    """Ends a check whose observation failed: it is recorded as errored, unjudged."""


NOTHING = "nothing was observed"
NOTHING_OBSERVED = (
    f"{NOTHING}: the check judged no observation (declare them with observes= on its marker,"
    " or hand them to check.observe)"
)


class CheckRecorder:
    def __init__(self, meta: CheckMeta) -> None:
        self.meta = meta
        self.result: CheckResult | None = None
        self.unreachable: str | None = None
        self.observations: list[Observation] = []
        self._evidence: list[Evidence] = []

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def evidence(self) -> list[Evidence]:
        """Evidence attached so far (kept even when the check then errors)."""
        return list(self._evidence)

    def observe(self, *values: object) -> None:
        """Declare what the coming judgement stands on. If any observation failed, the check
        is recorded as errored with its reason and the test ends here (NotObserved)."""
        found = [o for v in values for o in flatten(v, "check.observe()")]
        self.observations += found
        failed = first_failed(found)
        if failed is not None:
            reason = f"{failed.subject}: {failed.failure}"
            self.no_data(f"not observed: {reason}", evidence=getattr(failed, "evidence", ()))
            raise NotObserved(reason)

    def attach(self, *items: Evidence) -> None:
        """Add evidence to the result this check will record."""
        self._evidence.extend(items)

    def metric(
        self,
        value: float | None,
        *,
        threshold: Threshold,
        unit: str | None = None,
        samples: Sequence[float] = (),
        evidence: Iterable[Evidence] = (),
        message: str = "",
    ) -> CheckResult:
        """Judge a measured number on its good/poor curve. ``None`` means nothing was measured:
        the check is errored, never passed (a threshold without data proves nothing)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.no_data(message or "no data: nothing was measured", evidence=evidence)
        value = float(value)
        higher = threshold.higher_is_better
        outcome = metric_outcome(
            value,
            threshold.good,
            threshold.poor,
            self.meta.blocking,
            higher_is_better=higher,
            fail_at=self.meta.fail_at,
        )
        score = metric_score(value, threshold.good, threshold.poor, higher_is_better=higher)
        if not message:
            message = _metric_message(value, threshold, unit)
        return self._record(outcome, score, value, unit, threshold, message, evidence, samples)

    def expect(
        self,
        passed: bool,
        *,
        value: Any = None,
        expected: Any = None,
        unit: str | None = None,
        evidence: Iterable[Evidence] = (),
        message: str = "",
    ) -> CheckResult:
        """A binary check: 1 if ``passed`` else 0."""
        outcome = judged_outcome(bool(passed), self.meta.blocking)
        if not message:
            # formatting decides the words: no repr (a regex keeps single backslashes), and
            # a pattern that matched nothing reads "no match", not "got None".
            message = format_expectation(value, expected, bool(passed))
        threshold = None if expected is None else Expected(expected)
        return self._record(
            outcome, 1.0 if passed else 0.0, value, unit, threshold, message, evidence
        )

    def no_data(self, message: str, *, evidence: Iterable[Evidence] = ()) -> CheckResult:
        return self._record(Outcome.ERRORED, None, None, None, None, message, evidence)

    def unreachable_target(self, message: str, *, evidence: Iterable[Evidence] = ()) -> None:
        """Record this check as errored and tell the engine to skip every later check."""
        self.no_data(message, evidence=evidence)
        self.unreachable = message
        raise UnreachableTarget(message)

    def skip(self, reason: str) -> None:
        self._record(Outcome.SKIPPED, None, None, None, None, reason, ())
        pytest.skip(reason)

    def _record(
        self,
        outcome: Outcome,
        score: float | None,
        value: Any,
        unit: str | None,
        threshold: Threshold | Expected | None,
        message: str,
        evidence: Iterable[Evidence],
        samples: Sequence[float] = (),
    ) -> CheckResult:
        if self.result is not None:
            raise RuntimeError(f"check {self.meta.id} recorded twice; one test records one check")
        if outcome.ran and not self.observations:
            # A verdict on nothing: the contract's one way to a pass is closed without data.
            outcome, score, value, threshold, message = (
                Outcome.ERRORED,
                None,
                None,
                None,
                NOTHING_OBSERVED,
            )
        result = CheckResult(
            id=self.meta.id,
            component=self.meta.component,
            title=self.meta.title,
            outcome=outcome,
            score=score,
            value=value,
            unit=unit,
            threshold=threshold,
            blocking=self.meta.blocking,
            weight=self.meta.weight,
            message=message,
            evidence=[*self._evidence, *evidence],
            samples=[float(s) for s in samples],
        )
        self.result = result
        return result


def _metric_message(value: float, threshold: Threshold, unit: str | None) -> str:
    # format_number, as every writer: `:g` read 1,000,000 bytes as "1e+06".
    shown, good, poor = (format_number(v) for v in (value, threshold.good, threshold.poor))
    suffix = f" {unit}" if unit else ""
    if threshold.good == threshold.poor:
        limit = "at least" if threshold.higher_is_better else "at most"
        return f"{shown}{suffix}; budget: {limit} {good}{suffix}"
    return f"{shown}{suffix} (good at {good}, poor at {poor})"
