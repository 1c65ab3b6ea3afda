"""Run axe-core (as packaged by axe-playwright-python) on pages; keep what checks need as evidence.

axe is added to the scan context as an init script, so every document (and frame) has it
before its own scripts run: compiled during the load instead of shipped as 500 KB over the
driver pipe per page, and present in iframes, which axe only audits where it is injected.
The same page objects are navigated from one URL to the next: one renderer, whose V8 keeps
axe's compiled code warm (a fresh page per scan paid axe's cold start every time).
Pages are scanned ``concurrency`` at a time: all of a batch are loaded, axe is started in
each without waiting, then each result is collected.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, MutableSequence, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readiness.suite import (
    BrowserSession,
    evaluate_within,
    evidence,
    first_line,
    load_failure,
    moved_on,
    not_a_page,
    went_elsewhere,
)

from .axe_source import AXE_SOURCE
from .settings import Ignore

# How long a page may take to answer after its scan before its tab is replaced.
PROBE_S = 1.0

START_JS = """
(options) => {
  window.__readinessAxe = axe.run(document, options).then((r) => ({violations: r.violations}));
}
"""
COLLECT_JS = "() => window.__readinessAxe"

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
    loaded: str = ""  # the address the page loaded at (after any HTTP redirect)

    @property
    def subject(self) -> str:
        return f"page {self.path}"

    @property
    def failure(self) -> str | None:
        return self.error


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
    # The file lands in the report folder: a ?token= in the page's path must not name it.
    return re.sub(r"[^A-Za-z0-9]+", "-", evidence.redact_url(path)).strip("-") or "root"


def axe_tabs(session: BrowserSession, count: int, **options: Any) -> tuple[Any, list[Any]]:
    """A browser context (the run's trust and credentials) and ``count`` tabs in it, whose
    every later document carries axe. The init script is added after the tabs are opened, so
    their blank first documents do not compile axe for nothing."""
    context = session.new_context(**options)
    tabs = [context.new_page() for _ in range(count)]
    context.add_init_script(AXE_SOURCE)
    return context, tabs


def scan_pages(
    session: BrowserSession,
    tabs: MutableSequence[Any],
    paths: Sequence[str],
    options: dict[str, Any],
    ignores: Sequence[Ignore],
    shots_dir: Path | None,
    run_dir: Path,
) -> list[PageScan]:
    """Scan ``paths`` with axe ``options`` in the pages ``tabs`` (from ``axe_tabs``),
    ``len(tabs)`` at a time; outline and screenshot the offending elements per impact (into
    ``shots_dir``, paths relative to ``run_dir``). One PageScan per path, in order.

    A tab whose page went wrong (it redirected itself, or never loaded) is replaced in
    ``tabs`` by a fresh one, so that nothing that page still does reaches the next page."""
    results: list[PageScan] = []
    for start in range(0, len(paths), len(tabs)):
        batch = list(enumerate(paths[start : start + len(tabs)]))
        opened = [(i, _open(session, tabs[i], path)) for i, path in batch]
        limit_s = session.timeout_s
        running = [
            (i, r) for i, r in opened if r.error is None and _start(tabs[i], r, options, limit_s)
        ]
        for i, result in running:
            _finish(tabs[i], result, ignores, shots_dir, run_dir, limit_s)
        for i, result in opened:
            if result.error or not _responding(tabs[i]):
                _replace(tabs, i)
        results += [result for _, result in opened]
    return results


def _responding(tab: Any) -> bool:
    """Whether the page still runs scripts: one that went on spinning after its scan would
    hold the next navigation in this tab until it timed out, blamed on the next page."""
    try:
        evaluate_within(tab, PROBE_S, "() => 0")
        return True
    except Exception:
        return False


def _replace(tabs: MutableSequence[Any], index: int) -> None:
    old = tabs[index]
    with contextlib.suppress(Exception):  # the next scan in this tab reports what is wrong
        tabs[index] = old.context.new_page()  # the context's init script brings axe
        old.close()


def scan(
    session: BrowserSession,
    tabs: MutableSequence[Any],
    path: str,
    options: dict[str, Any],
    ignores: Sequence[Ignore],
    shots_dir: Path | None,
    run_dir: Path,
) -> PageScan:
    """Scan one page in the first of ``tabs``: ``scan_pages`` with one path."""
    return scan_pages(session, tabs, [path], options, ignores, shots_dir, run_dir)[0]


def _open(session: BrowserSession, tab: Any, path: str) -> PageScan:
    """Navigate ``tab`` to ``path``; the PageScan carries an error if it is not scannable."""
    result = PageScan(path, session.url(path))
    try:
        try:
            response = tab.goto(result.url, wait_until="load")
        except Exception as exc:
            if "interrupted by another navigation" not in str(exc):
                raise
            # The tab's previous page may have had a redirect of its own still due; if the
            # page asked for is the one redirecting, the second try is interrupted too.
            response = tab.goto(result.url, wait_until="load")
    except Exception as exc:
        result.error = load_failure(exc).reason
        return result
    # Where the server's answer (its redirects included) left the page. A <meta> refresh can
    # land before the next line runs: that is the page going on by itself, to be said so,
    # not a server redirect to list under browser.redirects (and then audit under this name).
    result.loaded = response.url if response is not None else tab.url
    why = (
        not_a_page(response.status, response.headers.get("content-type"))
        if response is not None
        else None
    )
    if why:
        result.error = f"page answered {why}: not scanned"
    else:
        result.error = moved_on(tab, result.loaded) or session.ended_elsewhere(tab, path)
    return result


def _start(tab: Any, result: PageScan, options: dict[str, Any], limit_s: float) -> bool:
    try:
        evaluate_within(tab, limit_s, START_JS, options)
        return True
    except Exception as exc:  # e.g. the page navigated away by itself
        result.error = (
            went_elsewhere(tab, exc, result.loaded) or f"axe did not start: {first_line(exc)}"
        )
        return False


def _finish(
    tab: Any,
    result: PageScan,
    ignores: Sequence[Ignore],
    shots_dir: Path | None,
    run_dir: Path,
    limit_s: float,
) -> None:
    """Collect axe's result (each call bounded by ``limit_s``), apply the ignores, outline
    and screenshot what is left."""

    def matches(target: str, selector: str) -> bool:
        return bool(evaluate_within(tab, limit_s, MATCH_JS, [[target, selector]])[0])

    try:
        raw = evaluate_within(tab, limit_s, COLLECT_JS)
        moved = moved_on(tab, result.loaded)
        if moved:  # axe ran on the page it went on to: that is not this page's scan
            result.error = moved
            return
        violations = parse_violations(raw.get("violations", []))
        kept, ignored = apply_ignores(violations, result.path, ignores, matches)
        shots = (
            _screenshots(tab, kept, result.path, shots_dir, run_dir, limit_s) if shots_dir else {}
        )
    except Exception as exc:  # e.g. the page navigated away by itself while axe ran
        result.error = (
            went_elsewhere(tab, exc, result.loaded) or f"axe did not finish: {first_line(exc)}"
        )
        return
    result.violations, result.ignored, result.screenshots = kept, ignored, shots


def _screenshots(
    page: Any,
    violations: list[Violation],
    path: str,
    shots_dir: Path,
    run_dir: Path,
    limit_s: float,
) -> dict[str, str]:
    shots: dict[str, str] = {}
    shots_dir.mkdir(parents=True, exist_ok=True)
    for impact in sorted({v.impact for v in violations}):
        targets = [n.selector for v in violations if v.impact == impact for n in v.nodes]
        evaluate_within(page, limit_s, OUTLINE_JS, [targets, True])
        file = shots_dir / f"{_slug(path)}-{impact}.png"
        page.screenshot(path=str(file), full_page=True)
        evaluate_within(page, limit_s, OUTLINE_JS, [targets, False])
        shots[impact] = file.relative_to(run_dir).as_posix()
    return shots
