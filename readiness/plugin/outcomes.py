"""From what a pytest item did to exactly one CheckResult, and back to pytest's own report.

Lighthouse's runner does the same for audits: whatever an audit returns or throws is
normalised into one result, and an error is an errored result, never a pass.
"""

from __future__ import annotations

import pytest

from readiness.core.formatting import printable
from readiness.core.model import CheckResult, Outcome
from readiness.core.scoring import judged_outcome
from readiness.plugin.recorder import CheckMeta, CheckRecorder, NotObserved, UnreachableTarget

# pytest word and colour per outcome, for its progress line and summary counts.
STATUS = {
    Outcome.PASSED: ("passed", ".", ("PASSED", {"green": True})),
    Outcome.FAILED: ("failed", "F", ("FAILED", {"red": True})),
    Outcome.WARNED: ("warned", "w", ("WARNED", {"yellow": True})),
    Outcome.WAIVED: ("waived", "v", ("WAIVED", {"cyan": True})),
    Outcome.ERRORED: ("errored", "E", ("ERRORED", {"red": True})),
    Outcome.SKIPPED: ("skipped", "s", ("SKIPPED", {"yellow": True})),
}


def normalise(
    meta: CheckMeta,
    recorder: CheckRecorder | None,
    call: pytest.CallInfo,
    report: pytest.TestReport,
) -> CheckResult:
    """Whatever the test did, exactly one CheckResult comes out (Lighthouse's _runAudit)."""
    recorded = recorder.result if recorder else None
    excinfo = call.excinfo

    def build(outcome: Outcome, message: str, score: float | None = None) -> CheckResult:
        return CheckResult(
            id=meta.id,
            component=meta.component,
            title=meta.title,
            outcome=outcome,
            score=score,
            blocking=meta.blocking,
            weight=meta.weight,
            message=message[:500],
            evidence=recorder.evidence if recorder else [],
        )

    if excinfo is None:
        return recorded or build(Outcome.ERRORED, "the check recorded no result")
    if report.skipped:
        return recorded or build(Outcome.SKIPPED, _skip_reason(report))
    if excinfo.errisinstance((UnreachableTarget, NotObserved)) and recorded:
        return recorded
    text = _exception_line(excinfo)
    if report.when == "setup":
        return build(Outcome.ERRORED, f"could not gather: {text}")
    if excinfo.errisinstance((AssertionError, pytest.fail.Exception)):
        if recorded and recorded.outcome is not Outcome.PASSED:
            return recorded
        outcome = judged_outcome(False, meta.blocking)
        return build(outcome, text or "assertion failed", 0.0)
    return build(Outcome.ERRORED, text)


def safe_text(value: object) -> str:
    """``str(value)``, or a description when even that raises: an exception whose text
    cannot be formed must still become an errored check, not an engine crash."""
    try:
        return str(value)
    except Exception as exc:
        return f"<{type(value).__name__} whose text could not be formed: {type(exc).__name__}>"


def _exception_line(excinfo: pytest.ExceptionInfo) -> str:
    message = safe_text(excinfo.value).strip().splitlines()
    first = message[0] if message else ""
    if excinfo.errisinstance((AssertionError, pytest.fail.Exception)):
        return first
    name = type(excinfo.value).__name__
    return f"{name}: {first}" if first else name


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return "skipped"


def align_report(report: pytest.TestReport, result: CheckResult) -> None:
    """Make pytest's own report (progress, pytest-html, exit summary) tell the check's story
    (``result`` with its waiver applied)."""
    outcome = result.outcome
    report.readiness_outcome = outcome.value  # type: ignore[attr-defined]
    report.readiness_check = result.id  # type: ignore[attr-defined]
    if outcome in (Outcome.FAILED, Outcome.ERRORED):
        report.outcome = "failed"
        if report.longrepr is None or report.passed:
            # pytest prints this on the terminal: the target's text shown, never obeyed.
            report.longrepr = printable(f"{result.id}: {result.message}")
    elif outcome is not Outcome.SKIPPED:  # skips come from pytest.skip: already aligned
        report.outcome = "passed"
        report.longrepr = None
