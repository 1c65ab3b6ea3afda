"""Table tests of waiver matching and application (pure functions, no I/O)."""

from __future__ import annotations

import datetime as dt

import pytest

from readiness.config import Waiver
from readiness.core.model import CheckResult, Outcome
from readiness.core.waivers import apply_waivers, matches, matching

TODAY = dt.date(2026, 6, 1)
LIVE = dt.date(2027, 1, 31)
EXPIRED = dt.date(2026, 5, 31)


def waiver(pattern: str, expires: dt.date = LIVE, owner: str = "ana") -> Waiver:
    return Waiver(check=pattern, reason="accepted for now", owner=owner, expires=expires)


def check(cid: str, outcome: Outcome, message: str = "") -> CheckResult:
    score = {Outcome.PASSED: 1.0, Outcome.FAILED: 0.0, Outcome.WARNED: 0.5}.get(outcome)
    return CheckResult(
        cid, cid.split(".", 1)[0], cid, outcome=outcome, score=score, message=message
    )


@pytest.mark.parametrize(
    ("check_id", "pattern", "expected"),
    [
        ("security.csp", "security.csp", True),
        ("security.csp", "security.cs", False),
        ("security.csp.report", "security.csp", False),  # exact ids are not prefixes
        ("security.csp", "security.*", True),
        ("smoke.latency./api/health", "smoke.latency.*", True),  # * crosses '/' in paths
        ("smoke.latency", "smoke.latency.*", False),
        ("smoke.status./", "smoke.latency.*", False),
        ("performance.lcp./login", "performance.*./login", True),
        ("performance.lcp./login", "performance.?cp./login", True),
        ("performance.cls./", "performance.[lc]cp./", False),
        ("Security.CSP", "security.csp", False),  # ids are case-sensitive
        ("anything.at.all", "*", True),
    ],
)
def test_matches(check_id: str, pattern: str, expected: bool) -> None:
    assert matches(check_id, pattern) is expected


def test_matching_first_match_wins() -> None:
    broad, exact = waiver("smoke.*", owner="first"), waiver("smoke.status./", owner="second")
    assert matching("smoke.status./", [broad, exact]) is broad
    assert matching("smoke.status./", [exact, broad]) is exact
    assert matching("security.csp", [broad, exact]) is None
    assert matching("security.csp", []) is None


@pytest.mark.parametrize(
    ("outcome", "expires", "expected", "record"),
    [
        (Outcome.FAILED, LIVE, Outcome.WAIVED, "live"),
        (Outcome.WARNED, LIVE, Outcome.WAIVED, "live"),
        (Outcome.FAILED, TODAY, Outcome.WAIVED, "live"),  # valid through its expiry date
        (Outcome.WARNED, TODAY, Outcome.WAIVED, "live"),
        (Outcome.FAILED, EXPIRED, Outcome.FAILED, "expired"),
        (Outcome.WARNED, EXPIRED, Outcome.WARNED, "expired"),
        (Outcome.PASSED, LIVE, Outcome.PASSED, None),
        (Outcome.PASSED, EXPIRED, Outcome.PASSED, None),
        # a waiver accepts a known failure, not a gap in the measurements
        (Outcome.ERRORED, LIVE, Outcome.ERRORED, None),
        (Outcome.SKIPPED, LIVE, Outcome.SKIPPED, None),
        (Outcome.WAIVED, LIVE, Outcome.WAIVED, None),
    ],
)
def test_apply_waivers_outcomes(
    outcome: Outcome, expires: dt.date, expected: Outcome, record: str | None
) -> None:
    original = check("security.csp", outcome, message="no CSP header")
    (result,), _ = apply_waivers([original], [waiver("security.*", expires)], TODAY)
    assert result.outcome is expected
    assert original.outcome is outcome  # the input is not mutated
    if record is None:
        assert result is original
        return
    assert result.waiver == {
        "check": "security.*",
        "reason": "accepted for now",
        "owner": "ana",
        "expires": expires.isoformat(),
        "expired": record == "expired",
    }
    assert result.score == original.score
    if record == "expired":
        assert result.message == f"no CSP header (waiver expired on {expires.isoformat()})"
    else:
        assert result.message == "no CSP header"


def test_apply_waivers_first_matching_waiver_is_recorded() -> None:
    waivers = [waiver("smoke.status.*", owner="first"), waiver("smoke.*", owner="second")]
    (result,), _ = apply_waivers([check("smoke.status./", Outcome.FAILED)], waivers, TODAY)
    assert result.waiver is not None and result.waiver["owner"] == "first"


def test_apply_waivers_notes_every_expired_waiver_even_when_nothing_matched() -> None:
    waivers = [
        waiver("security.csp", EXPIRED, owner="ana"),
        waiver("load.*", LIVE),
        waiver("smoke.old", dt.date(2025, 1, 1), owner="bo"),
        waiver("smoke.today", TODAY),
    ]
    checks = [check("smoke.status./", Outcome.PASSED)]
    result, notes = apply_waivers(checks, waivers, TODAY)
    assert result == checks
    assert notes == [
        "waiver for security.csp expired on 2026-05-31 (owner ana): it no longer waives",
        "waiver for smoke.old expired on 2025-01-01 (owner bo): it no longer waives",
    ]


def test_apply_waivers_keeps_order_and_leaves_unmatched_checks_alone() -> None:
    checks = [
        check("smoke.status./", Outcome.FAILED),
        check("security.csp", Outcome.FAILED),
        check("smoke.latency./", Outcome.WARNED),
    ]
    result, notes = apply_waivers(checks, [waiver("security.csp")], TODAY)
    assert [c.id for c in result] == [c.id for c in checks]
    assert [c.outcome for c in result] == [Outcome.FAILED, Outcome.WAIVED, Outcome.WARNED]
    assert result[0] is checks[0]
    assert notes == []


def test_apply_waivers_without_waivers_is_identity() -> None:
    checks = [check("smoke.status./", Outcome.FAILED), check("smoke.x", Outcome.ERRORED)]
    assert apply_waivers(checks, [], TODAY) == (checks, [])
