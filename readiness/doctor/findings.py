"""What the doctor found, as lines and an exit code: pure, no I/O.

One finding per item checked (the config, the report folder, the browser, the target...):
``ok`` it works, ``warn`` it works with a caveat, ``FAIL`` the gate would not run as meant
(the line says how to fix it), ``skip`` not needed by this run or not checkable because an
earlier item failed. Any FAIL makes the exit code 2 (a usage or set-up problem, as the gate's
own exit codes say); otherwise 0, warnings included.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from readiness.core.formatting import printable


class Status(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"  # upper case: the one a reader's eye must not miss
    SKIP = "skip"


@dataclass(frozen=True)
class Finding:
    item: str  # config, reports, browser, locust, resolve, connect, tls, http
    status: Status
    detail: str  # what was found: may hold text the target or the file chose
    fix: str = ""  # what to do about it (FAIL and WARN)


def ok(item: str, detail: str) -> Finding:
    return Finding(item, Status.OK, detail)


def warn(item: str, detail: str, fix: str = "") -> Finding:
    return Finding(item, Status.WARN, detail, fix)


def fail(item: str, detail: str, fix: str = "") -> Finding:
    return Finding(item, Status.FAIL, detail, fix)


def skip(item: str, detail: str) -> Finding:
    return Finding(item, Status.SKIP, detail)


ITEM_WIDTH = 8


def line(finding: Finding) -> str:
    """``FAIL connect  127.0.0.1:9 refused the connection — start the target ...``: one line,
    every control character escaped (a file name or a server's message may hold ESC)."""
    text = printable(finding.detail)
    if finding.fix:
        text += " — " + printable(finding.fix)
    return f"{finding.status.value:<4} {finding.item:<{ITEM_WIDTH}} {text}"


def summary(findings: Iterable[Finding]) -> str:
    counts = {status: 0 for status in Status}
    for finding in findings:
        counts[finding.status] += 1
    failed = counts[Status.FAIL]
    verdict = "ready to run" if not failed else "fix the FAIL lines, then run doctor again"
    return (
        f"doctor: {counts[Status.OK]} ok, {counts[Status.WARN]} warning(s),"
        f" {failed} failed, {counts[Status.SKIP]} skipped: {verdict}"
    )


def exit_code(findings: Iterable[Finding]) -> int:
    """2 when anything failed (the gate's code for a usage or set-up problem), else 0."""
    return 2 if any(f.status is Status.FAIL for f in findings) else 0
