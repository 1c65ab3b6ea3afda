"""The window's judgement: pure functions of the rounds' outcomes and the limits (no I/O).

The model is Argo Rollouts' analysis run: each round is a measurement that succeeded, failed,
was inconclusive or errored (gave no verdict at all); the run fails when failures exceed the
failure limit, is inconclusive when inconclusive rounds exceed theirs or errors in a row
exceed the consecutive-error limit, and succeeds otherwise. Isolated errors are tolerated:
a round that could not judge is neither a pass nor a failure.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from readiness.core.formatting import count_of, format_share, plural
from readiness.core.model import Verdict

INTERRUPTED_EXIT = 130


class RoundOutcome(enum.StrEnum):
    SUCCESS = "success"  # the round's verdict was GO
    FAILURE = "failure"  # NO-GO
    INCONCLUSIVE = "inconclusive"  # INCONCLUSIVE
    ERROR = "error"  # no verdict: a usage error, a crash, no readiness.json, stopped late
    INTERRUPTED = "interrupted"  # cut short by the user's signal: not a measurement

    @classmethod
    def of_verdict(cls, verdict: str | None) -> RoundOutcome:
        """A round's outcome from the verdict its readiness.json states (None: no verdict)."""
        return {
            Verdict.GO.value: cls.SUCCESS,
            Verdict.NO_GO.value: cls.FAILURE,
            Verdict.INCONCLUSIVE.value: cls.INCONCLUSIVE,
        }.get(verdict or "", cls.ERROR)


@dataclass(frozen=True)
class Limits:
    """How many rounds of each kind the window tolerates (Argo's defaults)."""

    failure_limit: int = 0
    inconclusive_limit: int = 0
    consecutive_error_limit: int = 4


@dataclass(frozen=True)
class Tally:
    """The rounds counted by outcome."""

    rounds: int
    successes: int
    failures: int
    inconclusive: int
    errors: int
    interrupted: int
    most_errors_in_a_row: int

    @classmethod
    def of(cls, outcomes: Sequence[RoundOutcome]) -> Tally:
        run = longest = 0
        for outcome in outcomes:
            run = run + 1 if outcome is RoundOutcome.ERROR else 0
            longest = max(longest, run)
        count = outcomes.count
        return cls(
            rounds=len(outcomes),
            successes=count(RoundOutcome.SUCCESS),
            failures=count(RoundOutcome.FAILURE),
            inconclusive=count(RoundOutcome.INCONCLUSIVE),
            errors=count(RoundOutcome.ERROR),
            interrupted=count(RoundOutcome.INTERRUPTED),
            most_errors_in_a_row=longest,
        )

    @property
    def with_verdict(self) -> int:
        return self.successes + self.failures + self.inconclusive


@dataclass(frozen=True)
class WindowVerdict:
    """The window's answer: a verdict (None: interrupted, or the rounds' options refused),
    its exit code, its reasons."""

    verdict: Verdict | None
    exit_code: int
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        if self.verdict is not None:
            return self.verdict.value
        return "INTERRUPTED" if self.exit_code == INTERRUPTED_EXIT else "USAGE ERROR"


USAGE_EXIT = 2


def refused(note: str) -> WindowVerdict:
    """The first round refused its options (exit 2, no report): the watch's command line is
    wrong, and every round would say so again; this is no measurement of the target."""
    return WindowVerdict(None, USAGE_EXIT, (f"round 1 refused its options: {note}",))


def decided(outcomes: Sequence[RoundOutcome], limits: Limits) -> bool:
    """Whether no later round can change the window's verdict: failures past their limit
    (NO-GO whatever follows), or errors in a row past theirs. Inconclusive rounds past their
    limit do not stop the window: a failure after them would still make it NO-GO."""
    tally = Tally.of(outcomes)
    return (
        tally.failures > limits.failure_limit
        or tally.most_errors_in_a_row > limits.consecutive_error_limit
    )


def judge(outcomes: Sequence[RoundOutcome], limits: Limits, *, interrupted: bool) -> WindowVerdict:
    """The window's verdict, in the order of the rules: interrupted, failures, errors in a
    row, inconclusive rounds, no verdict at all, else GO. Reasons: the decisive one first."""
    tally = Tally.of(outcomes)
    summary = summarise(tally)
    if interrupted:
        return WindowVerdict(
            None, INTERRUPTED_EXIT, ("interrupted: the window was cut short", summary)
        )
    if tally.failures > limits.failure_limit:
        return _verdict(
            Verdict.NO_GO,
            f"{count_of(tally.failures, 'round')} NO-GO, more than the failure limit"
            f" of {limits.failure_limit}",
            summary,
        )
    if tally.most_errors_in_a_row > limits.consecutive_error_limit:
        return _verdict(
            Verdict.INCONCLUSIVE,
            f"{count_of(tally.most_errors_in_a_row, 'round')} in a row gave no verdict, more"
            f" than the consecutive-error limit of {limits.consecutive_error_limit}",
            summary,
        )
    if tally.inconclusive > limits.inconclusive_limit:
        return _verdict(
            Verdict.INCONCLUSIVE,
            f"{count_of(tally.inconclusive, 'round')} INCONCLUSIVE, more than the"
            f" inconclusive limit of {limits.inconclusive_limit}",
            summary,
        )
    if tally.with_verdict == 0:
        return _verdict(Verdict.INCONCLUSIVE, "no round gave a verdict", summary)
    return _verdict(
        Verdict.GO,
        f"every limit held: {tally.failures} NO-GO (limit {limits.failure_limit}),"
        f" {tally.inconclusive} INCONCLUSIVE (limit {limits.inconclusive_limit}),"
        f" {tally.most_errors_in_a_row} without a verdict in a row"
        f" (limit {limits.consecutive_error_limit})",
        summary,
    )


def _verdict(verdict: Verdict, reason: str, summary: str) -> WindowVerdict:
    return WindowVerdict(verdict, verdict.exit_code, (reason, summary))


def summarise(tally: Tally) -> str:
    """ "20 rounds: 18 GO, 1 NO-GO, 1 error" (only the kinds there were)."""
    parts = [
        f"{n} {label}"
        for n, label in (
            (tally.successes, "GO"),
            (tally.failures, "NO-GO"),
            (tally.inconclusive, "INCONCLUSIVE"),
            (tally.errors, plural(tally.errors, "error")),
            (tally.interrupted, "interrupted"),
        )
        if n
    ]
    return f"{count_of(tally.rounds, 'round')}: {', '.join(parts) or 'none ran'}"


@dataclass(frozen=True)
class Availability:
    """The share of rounds in which the target answered (the smoke suite's reachability
    check), over the rounds that had that check judged; None when none had it."""

    answered: int
    measured: int

    @property
    def share(self) -> float | None:
        return self.answered / self.measured if self.measured else None

    @property
    def text(self) -> str:
        if not self.measured:
            return "not measured (no round ran the reachability check)"
        return (
            f"{format_share(self.answered / self.measured)}"
            f" ({self.answered} of {count_of(self.measured, 'round')} answered)"
        )

    @classmethod
    def of(cls, answers: Sequence[bool | None]) -> Availability:
        """``answers``: per round, whether the target answered (None: not measured)."""
        measured = [a for a in answers if a is not None]
        return cls(sum(measured), len(measured))


def go_share(outcomes: Sequence[RoundOutcome]) -> float | None:
    """The share of GO rounds among those that were not cut short (None: no such round)."""
    ended = [o for o in outcomes if o is not RoundOutcome.INTERRUPTED]
    return sum(o is RoundOutcome.SUCCESS for o in ended) / len(ended) if ended else None
