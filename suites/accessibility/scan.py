"""Run axe-core on one page (axe-playwright-python) and keep what a check needs as evidence."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

from readiness.browser_session import BrowserSession

from .settings import Ignore

_AXE = Axe()

MATCH_JS = """
(pairs) => pairs.map(([target, selector]) => {
  try {
    const el = document.querySelector(target);
    return !!el && !!el.closest(selector);
  } catch (e) { return false; }
})
"""

OUTLINE_JS = """
([targets, on]) => targets.forEach((t) => {
  let el = null;
  try { el = document.querySelector(t); } catch (e) { return; }
  if (!el) return;
  // CSSOM writes are allowed under a CSP that forbids inline style attributes.
  el.style.outline = on ? '4px solid #d0021b' : '';
  el.style.outlineOffset = on ? '2px' : '';
})
"""


@dataclass
class Node:
    selector: str
    html: str


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    nodes: list[Node]


@dataclass
class PageScan:
    path: str
    url: str
    violations: list[Violation] = field(default_factory=list)
    ignored: int = 0  # nodes left out by `ignore` entries
    screenshots: dict[str, str] = field(default_factory=dict)  # impact -> path in run dir
    error: str | None = None


def _selector(target: Any) -> str:
    # axe gives a list; nested lists for iframes / shadow roots (the last is the element).
    last = target[-1] if isinstance(target, list) and target else target
    return last[-1] if isinstance(last, list) else str(last)


def parse_violations(raw: Sequence[dict[str, Any]]) -> list[Violation]:
    return [
        Violation(
            rule=v["id"],
            impact=v.get("impact") or "minor",
            help=v.get("help", ""),
            help_url=v.get("helpUrl", ""),
            nodes=[Node(_selector(n["target"]), n.get("html", "")) for n in v.get("nodes", [])],
        )
        for v in raw
    ]


def apply_ignores(
    violations: list[Violation],
    path: str,
    ignores: Sequence[Ignore],
    matches: Callable[[str, str], bool],
) -> tuple[list[Violation], int]:
    """Drop the nodes an ignore covers (same rule, same page if given, selector matching if
    given); a violation left with no node is gone. Returns (kept, number of nodes ignored)."""
    kept: list[Violation] = []
    dropped = 0
    for violation in violations:
        rules = [
            i for i in ignores if i.rule == violation.rule and (i.page is None or i.page == path)
        ]
        nodes = [
            n
            for n in violation.nodes
            if not any(i.selector is None or matches(n.selector, i.selector) for i in rules)
        ]
        dropped += len(violation.nodes) - len(nodes)
        if nodes:
            kept.append(
                Violation(
                    violation.rule, violation.impact, violation.help, violation.help_url, nodes
                )
            )
    return kept, dropped


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "root"


def scan(
    session: BrowserSession,
    context: Any,
    path: str,
    options: dict[str, Any],
    ignores: Sequence[Ignore],
    shots_dir: Path | None,
    run_dir: Path,
) -> PageScan:
    """Load ``path`` in ``context``, run axe with ``options``, outline and screenshot the
    offending elements per impact (into ``shots_dir``, paths relative to ``run_dir``)."""
    url = session.url(path)
    result = PageScan(path, url)
    page = context.new_page()
    try:
        try:
            response = page.goto(url, wait_until="load")
        except Exception as exc:
            result.error = f"page did not load: {str(exc).strip().splitlines()[0]}"
            return result
        if response is not None and response.status >= 400:
            result.error = f"page answered HTTP {response.status}: not scanning an error page"
            return result
        if session.landed_on_login(page, path):
            result.error = f"landed on the sign-in form ({page.url}), not on {path}"
            return result
        raw = _AXE.run(page, options=options).response
        violations = parse_violations(raw.get("violations", []))

        def matches(target: str, selector: str) -> bool:
            return bool(page.evaluate(MATCH_JS, [[target, selector]])[0])

        result.violations, result.ignored = apply_ignores(violations, path, ignores, matches)
        if shots_dir is not None:
            result.screenshots = _screenshots(page, result.violations, path, shots_dir, run_dir)
        return result
    finally:
        page.close()


def _screenshots(
    page: Any, violations: list[Violation], path: str, shots_dir: Path, run_dir: Path
) -> dict[str, str]:
    shots: dict[str, str] = {}
    shots_dir.mkdir(parents=True, exist_ok=True)
    for impact in sorted({v.impact for v in violations}):
        targets = [n.selector for v in violations if v.impact == impact for n in v.nodes]
        page.evaluate(OUTLINE_JS, [targets, True])
        file = shots_dir / f"{_slug(path)}-{impact}.png"
        page.screenshot(path=str(file), full_page=True)
        page.evaluate(OUTLINE_JS, [targets, False])
        shots[impact] = file.relative_to(run_dir).as_posix()
    return shots
