"""Waivers: accepted failures with an owner and an expiry date (pure functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from readiness.config import Waiver
from readiness.core.ids import matches
from readiness.core.model import CheckResult, Outcome


def matching(
    check_id: str, waivers: Sequence[Waiver], today: dt.date | None = None
) -> Waiver | None:
    """The first waiver whose check id (or glob) matches ``check_id``.

    Given ``today``, a live waiver wins over an expired one listed before it, so renewing a
    waiver by adding a new entry works without deleting the old one.
    """
    found = [w for w in waivers if matches(check_id, w.check)]
    if today is not None:
        live = [w for w in found if w.expires >= today]
        found = live or found
    return found[0] if found else None


def apply_waivers(
    checks: Sequence[CheckResult], waivers: Sequence[Waiver], today: dt.date
) -> tuple[list[CheckResult], list[str]]:
    """Waive failed/warned checks covered by a live waiver.

    A waiver is valid through its expiry date. An expired one no longer waives: the check keeps
    its outcome, carries the expired waiver for the record, and a note says so.
    Errored and skipped checks are never waived: a waiver accepts a known failure, not a gap.
    """
    notes = [
        f"waiver for {w.check} expired on {w.expires.isoformat()} (owner {w.owner}):"
        " it no longer waives"
        for w in waivers
        if w.expires < today
    ]
    result = []
    for check in checks:
        waiver = matching(check.id, waivers, today)
        if waiver is None or check.outcome not in (Outcome.FAILED, Outcome.WARNED):
            result.append(check)
            continue
        record = {**waiver.model_dump(mode="json"), "expired": waiver.expires < today}
        if record["expired"]:
            message = f"{check.message} (waiver expired on {waiver.expires.isoformat()})"
            result.append(replace(check, waiver=record, message=message.strip()))
        else:
            result.append(replace(check, outcome=Outcome.WAIVED, waiver=record))
    return result, notes
