"""The terminal summary groups as the digest does: one reason per finding, one outstanding
line per cause (an unreachable target's skipped checks are one line, not one per check)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from readiness.config import VerdictPolicy
from readiness.core.evaluate import ComponentSpec, RunFacts, evaluate
from readiness.core.model import CheckResult, Outcome
from readiness.reports.terminal import render

POLICY = VerdictPolicy(go_at=90, min_coverage=0.9)
SPECS = [ComponentSpec("smoke", 50, True), ComponentSpec("accessibility", 50, False)]
WHY = "target unreachable: http://127.0.0.1:9 could not be reached (connection refused)"


def facts(**kw: Any) -> RunFacts:
    return RunFacts(
        "r", "http://127.0.0.1:9", None, "2026-06-01T12:00:00Z", 1.0, dt.date(2026, 6, 1), **kw
    )


def test_an_unreachable_target_is_one_outstanding_line() -> None:
    checks = [CheckResult.gap("smoke.reachable", "smoke", "reachable", WHY.split(": ", 1)[1])]
    checks += [
        CheckResult(f"smoke.status./p{i}", "smoke", "status", Outcome.SKIPPED, message=WHY)
        for i in range(109)
    ]
    result = evaluate(checks, SPECS, POLICY, [], facts(unreachable=WHY)).to_dict()
    assert len(result["outstanding"]) == 109
    text = render(result, {}, color=False, width=100)
    outstanding = text.split("Outstanding:", 1)[1].splitlines()
    assert [line for line in outstanding if line.startswith("  - ")] == [
        f"  - 109 checks skipped: {WHY}"
    ]


def test_a_rule_on_every_page_is_one_reason() -> None:
    checks = [
        CheckResult(
            f"accessibility.critical.{page}",
            "accessibility",
            "no critical violations",
            Outcome.FAILED,
            score=0.0,
            blocking=True,
            message="1 critical rule(s) violated: image-alt",
        )
        for page in ("/", "/about", "/products", "/login")
    ]
    checks.append(CheckResult("smoke.status./", "smoke", "status", Outcome.PASSED, score=1.0))
    result = evaluate(checks, SPECS, POLICY, [], facts()).to_dict()
    text = render(result, {}, color=False, width=100)
    assert "  1. failed: image-alt (critical) on 4 pages" in text
    assert text.count("image-alt") == 1
