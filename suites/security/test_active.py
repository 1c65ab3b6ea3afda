"""Opt-in active probes (``security.active: true``): a reflected-XSS canary and a single quote
per configured parameter. Bounded (at most three requests per parameter), non-destructive,
GET unless the parameter is configured otherwise."""

from __future__ import annotations

import requests

from readiness.suite import check, evidence

from . import content, gather
from .conftest import active_on
from .judgement import Judgement
from .record import judged

XSS_WHY = "Input reflected as markup lets any link run script in a visitor's session (XSS)."
SQL_WHY = "A database error after a single quote means input reaches SQL unescaped (injection)."


def _send(http: requests.Session, target: str, probe, value: str, timeout: float):
    key = "data" if probe.method == "POST" else "params"
    return gather.fetch(
        http, target + probe.path, timeout, method=probe.method, **{key: {probe.param: value}}
    )


def _active(check, settings) -> None:
    """Skip (recorded, with the reason) when the opted-in probes have nothing to probe."""
    if not settings.active_probes:
        check.skip("security.active is on, but no active_probes (path, param) are configured")


def _probed(check, why: str, rows: list, problems: list[str], *, clean: str, expected: str):
    """Record the verdict over every probed parameter, with one table row per probe."""
    verdict = Judgement(not problems, f"{len(rows)} parameter(s) probed", why, tuple(problems))
    judged(
        check,
        verdict,
        rows[0][1],
        "; ".join(problems) or clean,
        expected=expected,
        extra=[evidence.table("probes", ["method", "URL", "status", "verdict"], rows)],
    )


@check("security.active.xss", title="No reflected XSS (canary)", blocking=True, applies=active_on)
def test_active_xss(check, settings, http, target: str, timeout) -> None:
    _active(check, settings)
    rows, problems = [], []
    for probe in settings.active_probes:
        marker = gather.canary()
        seen = _send(http, target, probe, marker, timeout)
        check.observe(seen)  # a probe with no answer proves nothing either way
        hit = content.reflected_unescaped(seen.body, marker)
        rows.append((probe.method, seen.url, seen.status, "reflected raw" if hit else "ok"))
        if hit:
            problems.append(f"{probe.path}?{probe.param}= reflects {marker!r} unescaped")
    _probed(
        check,
        XSS_WHY,
        rows,
        problems,
        clean="canary escaped or absent",
        expected="markup characters escaped",
    )


@check(
    "security.active.sqli",
    title="No SQL errors after a single quote",
    blocking=True,
    applies=active_on,
)
def test_active_sqli(check, settings, http, target: str, timeout) -> None:
    _active(check, settings)
    rows, problems = [], []
    for probe in settings.active_probes:
        baseline = _send(http, target, probe, "1", timeout)
        quoted = _send(http, target, probe, "1'", timeout)
        check.observe(baseline, quoted)
        # An error signature already on the baseline page is content, not an injection.
        kind = content.sql_error(quoted.body) if not content.sql_error(baseline.body) else None
        rows.append((probe.method, quoted.url, quoted.status, kind or "ok"))
        if kind:
            problems.append(f"{probe.path}?{probe.param}=1' shows a {kind} error")
    _probed(
        check,
        SQL_WHY,
        rows,
        problems,
        clean="no SQL error signatures",
        expected="no database error text",
    )
