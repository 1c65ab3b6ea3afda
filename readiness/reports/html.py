"""readiness.html (the stakeholder decision page) and the matrix fragment for pytest-html.

Rendering only: every figure comes from the readiness.json dict, the words from the digest
(digest.py), the page's shapes from page_model.py, the charts from charts.py. Autoescaping is
on and no template marks data ``|safe``, so target-controlled text can never become markup.
The page is self-contained (inline CSS, SVG charts, images as data URIs, one inline script
allowed by its hash) and a CSP forbids any fetch. It reads fully with JavaScript off.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from readiness.core.formatting import (
    format_number,
    format_percent,
    format_points,
    format_ratio,
    format_score,
    format_seconds,
    format_threshold,
    format_value,
    printable,
)
from readiness.reports import page_model
from readiness.reports.charts import charts_for
from readiness.reports.digest import digest, scope_line
from readiness.reports.evidence_view import PAGE_EMBED_BYTES, evidence_view
from readiness.reports.folder import write_atomically
from readiness.reports.history import read_history

TEMPLATES = Path(__file__).with_name("templates")
# Bumped whenever the Environment's options below change how templates compile.
COMPILE_OPTIONS = "finalize-printable-2"
# The page's one script (filters, opening what a link points at); the CSP allows it by hash.
SCRIPT = (TEMPLATES / "page.js").read_text(encoding="utf-8")
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
HISTORY_LIMIT = 20  # runs in the trend chart
FIX_LIMIT = 8  # fix-first items on the first screen; the rest are in the components


def _shown(value: Any) -> Any:
    """What a template prints: strings with their control characters escaped. Markup the
    templates built stays markup, line breaks and all (autoescape escapes any other text)."""
    if isinstance(value, Markup):
        return Markup(printable(value, lines=True))
    return printable(value) if isinstance(value, str) else value


def _lines(text: Any) -> Markup:
    """Multi-line evidence (a body excerpt) for a <pre>: escaped, its line breaks kept."""
    return Markup(printable(escape(str(text)), lines=True))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


@functools.cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # Compiling the templates cost every run ~75 ms (benchmarks/startup_caches.py); Jinja
        # keeps the compiled code in a per-user temporary directory it creates privately,
        # keyed by each template's source.
        # The key is the template's source alone: code compiled under other options (finalize,
        # autoescape) would be reused as is, so the options have a version in the name.
        bytecode_cache=FileSystemBytecodeCache(pattern=f"__readiness_{COMPILE_OPTIONS}_%s.cache"),
        autoescape=True,
        # Every value shown has its control characters escaped before HTML escaping.
        finalize=_shown,
        undefined=StrictUndefined,  # a typo in a template fails the tests, not silently blanks
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        pct=format_percent,
        ratio=format_ratio,
        score=format_score,
        seconds=format_seconds,
        threshold=format_threshold,
        value=format_value,
        num=lambda v: "—" if v is None else format_number(v),
        cls=slugify,
        bar=lambda v: f"{min(max(float(v or 0.0), 0.0), 100.0):.1f}",
        points=lambda v: format_number(round(float(v), 1)),
        gain=format_points,
        lines=_lines,
    )
    return env


def _anchors(result: dict[str, Any]) -> dict[str, str]:
    """A unique anchor per component and check: distinct ids can slugify alike."""
    anchors: dict[str, str] = {}
    for comp in result.get("components", []):
        keys = [("component", comp["name"])] + [("check", c["id"]) for c in comp.get("checks", [])]
        for kind, key in keys:
            if f"{kind}:{key}" in anchors:
                continue
            base = anchor = f"{kind}-{slugify(key)}"
            n = 2
            while anchor in anchors.values():
                anchor, n = f"{base}-{n}", n + 1
            anchors[f"{kind}:{key}"] = anchor
    return anchors


def _context(result: dict[str, Any], run_dir: Path | None, link_base: str) -> dict[str, Any]:
    anchors = _anchors(result)
    left = [PAGE_EMBED_BYTES]
    return {
        "r": result,
        "d": digest(result),
        "scope": scope_line(result),
        "shares": page_model.shares(result),
        "statuses": {c.get("name"): c.get("status") for c in result.get("components", [])},
        "link_base": link_base,
        "anchor": lambda kind, key: anchors[f"{kind}:{key}"],
        "evidence": lambda ev: evidence_view(ev, run_dir, left),
        "band": page_model.band,
        "headline": page_model.headline,
        "arrange": page_model.arrange,
        "top_note": page_model.top_note,
        "ordered_counts": page_model.ordered_counts,
        "facts": page_model.facts,
        "context_notes": page_model.context_notes,
        "verdict_class": {"GO": "go", "NO-GO": "nogo"}.get(
            str(result.get("verdict")), "inconclusive"
        ),
    }


def render_dashboard(
    result: dict[str, Any],
    run_dir: Path | None = None,
    history: list[dict[str, Any]] | None = None,
) -> str:
    """The full readiness.html page. ``run_dir`` is where image evidence is read from;
    ``history`` (oldest first, this run last) draws the trend."""
    run_dir = Path(run_dir) if run_dir is not None else None
    context = _context(result, run_dir, "")
    context.update(
        # The SVG is charts.py's markup (it escapes the labels it draws); no data is |safe.
        charts=[replace(c, svg=Markup(c.svg)) for c in charts_for(result, history or [])],
        script=Markup(SCRIPT),  # the package's own file, never target text
        script_hash=SCRIPT_HASH,
        fix_limit=FIX_LIMIT,
    )
    return _env().get_template("dashboard.html.j2").render(context)


def render_matrix(result: dict[str, Any], link_base: str = "readiness.html") -> str:
    """Verdict banner + matrix as a self-styled fragment for the top of pytest-html's report.

    Component links point into ``link_base`` (the dashboard next to report.html).
    """
    return _env().get_template("matrix.html.j2").render(_context(result, None, link_base))


def write_dashboard(result: dict[str, Any], run_dir: Path) -> Path:
    path = Path(run_dir) / "readiness.html"
    # The writer appends this run to reports/history.jsonl before rendering (history.py).
    history = read_history(Path(run_dir).parent, HISTORY_LIMIT)
    write_atomically(path, render_dashboard(result, run_dir, history))
    return path
