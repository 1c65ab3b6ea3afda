"""The digest (readiness/reports/digest.py) on results made by the real evaluate(): grouping,
the order of reasons, fix-first gains checked against the scoring functions, gaps by cause."""

from __future__ import annotations

import datetime as dt
from typing import Any

from readiness.config import VerdictPolicy, Waiver
from readiness.core.evaluate import ComponentSpec, RunFacts, evaluate
from readiness.core.model import CheckResult, Evidence, Outcome
from readiness.reports.digest import digest, finding_key, subject_of

POLICY = VerdictPolicy(go_at=90, min_coverage=0.9)
TODAY = dt.date(2026, 6, 1)
PAGES = ("/", "/about", "/products", "/login")
SPECS = [
    ComponentSpec("smoke", 50, True),
    ComponentSpec("accessibility", 30, False),
    ComponentSpec("security", 20, False),
]


def facts(**kw: Any) -> RunFacts:
    return RunFacts(
        "run-1", "http://127.0.0.1:8000", None, "2026-06-01T12:00:00Z", 1.0, TODAY, **kw
    )


def axe(impact: str, page: str, rules: list[str], blocking: bool = True) -> CheckResult:
    """An accessibility check as the suite records it: one evidence table and one "how to fix"
    link per rule, the rules named in the message."""
    evidence = []
    for rule in rules:
        evidence.append(Evidence("table", f"{rule}: help for {rule} (1 element(s))", {}))
        evidence.append(Evidence("url", f"{rule}: how to fix", "https://example.invalid/"))
    failed = Outcome.FAILED if blocking else Outcome.WARNED
    return CheckResult(
        f"accessibility.{impact}.{page}",
        "accessibility",
        f"no {impact} violations",
        failed if rules else Outcome.PASSED,
        score=0.0 if rules else 1.0,
        value=float(len(rules)),
        blocking=blocking,
        message=f"{len(rules)} {impact} rule(s) violated: {', '.join(rules) or 'none'}",
        evidence=evidence,
    )


def smoke(page: str, outcome: Outcome, message: str = "") -> CheckResult:
    score = {Outcome.PASSED: 1.0, Outcome.FAILED: 0.0}.get(outcome)
    return CheckResult(
        f"smoke.status.{page}",
        "smoke",
        "status",
        outcome,
        score=score,
        blocking=True,
        message=message,
    )


def broken() -> dict[str, Any]:
    checks = [smoke(p, Outcome.PASSED, "got 200") for p in PAGES[:3]]
    checks.append(smoke("/login", Outcome.FAILED, "got 500, expected 200"))
    checks += [
        axe("critical", p, ["image-alt"] + (["label"] if p == "/login" else [])) for p in PAGES
    ]
    checks += [axe("moderate", p, ["heading-order"], blocking=False) for p in PAGES]
    checks.append(
        CheckResult(
            "security.csp", "security", "CSP", Outcome.WARNED, score=0.0, message="CSP missing"
        )
    )
    checks.append(CheckResult("security.hsts", "security", "HSTS", Outcome.PASSED, score=1.0))
    return evaluate(checks, SPECS, POLICY, [], facts()).to_dict()


def test_subjects_and_keys() -> None:
    assert subject_of("smoke.status./api/products") == ("smoke.status", "/api/products")
    assert subject_of("smoke.status./") == ("smoke.status", "/")
    assert subject_of("security.csp") == ("security.csp", None)
    check = axe("critical", "/login", ["image-alt", "label"]).to_dict()
    assert [label for _, label in finding_key(check)] == [
        "image-alt (critical)",
        "label (critical)",
    ]


def test_reasons_are_one_line_per_finding_with_its_pages() -> None:
    result = broken()
    assert len([r for r in result["reasons"] if r.startswith("blocking check failed")]) == 5
    lines = [r.text for r in digest(result).grouped_reasons]
    assert lines[:3] == [
        "failed: smoke.status./login: got 500, expected 200",
        "failed: image-alt (critical) on 4 pages: help for image-alt",
        "failed: label (critical) on /login: help for label",
    ]
    # The engine's own sentence (below the GO line) is kept, after the blocking findings.
    assert lines[3].startswith("overall readiness") and len(lines) == 4
    assert (
        digest(result).grouped_reasons[1].body
        == "image-alt (critical) on 4 pages: help for image-alt"
    )
    image_alt = digest(result).grouped_reasons[1].finding
    assert image_alt is not None and image_alt.pages == PAGES and image_alt.blocking


def test_a_go_keeps_its_reason() -> None:
    checks = [smoke(p, Outcome.PASSED, "got 200") for p in PAGES]
    specs = [ComponentSpec("smoke", 100, True)]
    result = evaluate(checks, specs, POLICY, [], facts()).to_dict()
    assert [r.text for r in digest(result).grouped_reasons] == result["reasons"]
    assert digest(result).fix_first == [] and digest(result).not_measured == []


def _readiness_with(result: dict[str, Any], passing: set[str]) -> float:
    """The gate re-evaluated from scratch with ``passing`` checks made to pass."""
    checks = []
    for comp in result["components"]:
        for c in comp["checks"]:
            made = c["id"] in passing
            checks.append(
                CheckResult(
                    c["id"],
                    c["component"],
                    c["title"],
                    Outcome.PASSED if made else Outcome(c["outcome"]),
                    score=1.0 if made else c["score"],
                    blocking=c["blocking"],
                )
            )
    return evaluate(checks, SPECS, POLICY, [], facts()).readiness or 0.0


def test_fix_first_gains_are_the_real_scoring() -> None:
    result = broken()
    items = digest(result).fix_first
    by_label = {i.finding.label: i for i in items}
    # Fixing the moderate rule everywhere: four whole checks, each failing on that rule only.
    moderate = {f"accessibility.moderate.{p}" for p in PAGES}
    assert by_label["heading-order (moderate)"].gain == round(
        _readiness_with(result, moderate) - result["readiness"], 2
    )
    # image-alt alone fails three checks; /login's critical check fails on two rules: half.
    assert by_label["image-alt (critical)"].gain > by_label["label (critical)"].gain > 0
    assert [i.gain for i in items] == sorted((i.gain for i in items), reverse=True)
    everything = {c["id"] for comp in result["components"] for c in comp["checks"]}
    total = _readiness_with(result, everything) - result["readiness"]
    assert abs(sum(i.gain for i in items) - total) < 0.05
    assert {i.component for i in items} == {"smoke", "accessibility", "security"}


def test_fix_first_names_the_waiver_owner() -> None:
    checks = [
        smoke("/", Outcome.PASSED, "got 200"),
        CheckResult("security.csp", "security", "CSP", Outcome.WARNED, score=0.0, message="no CSP"),
        CheckResult("security.hsts", "security", "HSTS", Outcome.WARNED, score=0.0, message="no"),
    ]
    waiver = Waiver(check="security.csp", reason="vendor", owner="ana", expires=dt.date(2027, 1, 1))
    result = evaluate(checks, SPECS, POLICY, [waiver], facts()).to_dict()
    items = {i.finding.key: i for i in digest(result).fix_first}
    item = items["security.csp"]
    assert item.finding.outcome == "waived" and item.waiver_owner == "ana"
    assert items["security.hsts"].waiver_owner is None
    # A waived check does not count in readiness; passing, it would (security 0% -> 50%).
    assert item.gain > 0


def test_not_measured_groups_by_cause() -> None:
    why = "target unreachable: connection refused"
    checks = [
        CheckResult(
            f"smoke.status./p{i}", "smoke", "status", Outcome.SKIPPED, blocking=True, message=why
        )
        for i in range(109)
    ]
    checks.append(CheckResult.gap("security.csp", "security", "CSP", "not observed: timed out"))
    result = evaluate(checks, SPECS, POLICY, [], facts(unreachable="connection refused")).to_dict()
    gaps = digest(result).not_measured
    assert [(g.outcome, len(g.check_ids)) for g in gaps] == [("errored", 1), ("skipped", 109)]
    assert gaps[1].text == f"109 checks skipped: {why}"
    assert gaps[0].text == "security.csp errored: not observed: timed out"


def test_components_put_attention_first_and_fold_passed() -> None:
    comps = {c.name: c for c in digest(broken()).components}
    acc = comps["accessibility"]
    assert [c["outcome"] for c in acc.attention] == ["failed"] * 4 + ["warned"] * 4
    assert acc.passed == 0 and comps["smoke"].passed == 3
    assert comps["security"].counts == {"warned": 1, "passed": 1}


def test_not_enabled_is_read_from_the_result() -> None:
    result = broken()
    result["not_enabled"] = [
        {"checks": "security.active.*", "why": "opt-in, security.active: false", "count": 2}
    ]
    (entry,) = digest(result).not_enabled
    assert entry.text == "security.active.*: opt-in, security.active: false"
