"""Accessibility checks: per page and impact, the number of violated axe rules vs a budget.

Gathering is in conftest.py (axe runs once per page); each test judges one impact level.
"""

from __future__ import annotations

from readiness.suite import Component, check, evidence

from .scan import PageScan, Violation


def _violation_evidence(violation: Violation) -> list:
    return [
        evidence.table(
            f"{violation.rule}: {violation.help} ({len(violation.nodes)} element(s))",
            ["selector", "html"],
            [(n.selector, n.html) for n in violation.nodes],
        ),
        evidence.url(f"{violation.rule}: how to fix", violation.help_url),
    ]


def _judge(check, scanned: PageScan, accessibility: Component, impact: str) -> None:
    found = [v for v in scanned.violations if v.impact == impact]
    items = [evidence.url("page", scanned.url)]
    for violation in found:
        items += _violation_evidence(violation)
    if impact in scanned.screenshots:
        items.append(evidence.image(f"{impact} violations outlined", scanned.screenshots[impact]))
    rules = ", ".join(v.rule for v in found) or "none"
    ignored = f"; {scanned.ignored} element(s) ignored by gates.yaml" if scanned.ignored else ""
    check.metric(
        len(found),
        threshold=accessibility.settings.threshold(impact),
        unit="rules",
        message=f"{len(found)} {impact} rule(s) violated: {rules}{ignored}",
        evidence=items,
    )


@check("accessibility.critical", title="No critical accessibility violations", observes="scanned")
def test_critical(check, scanned: PageScan, accessibility: Component) -> None:
    _judge(check, scanned, accessibility, "critical")


@check("accessibility.serious", title="No serious accessibility violations", observes="scanned")
def test_serious(check, scanned: PageScan, accessibility: Component) -> None:
    _judge(check, scanned, accessibility, "serious")


@check(
    "accessibility.moderate",
    title="Moderate accessibility violations in budget",
    observes="scanned",
)
def test_moderate(check, scanned: PageScan, accessibility: Component) -> None:
    _judge(check, scanned, accessibility, "moderate")


@check("accessibility.minor", title="Minor accessibility violations in budget", observes="scanned")
def test_minor(check, scanned: PageScan, accessibility: Component) -> None:
    _judge(check, scanned, accessibility, "minor")
