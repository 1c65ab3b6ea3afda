"""summary.md: the verdict for a pull-request comment or a pipeline summary, in a few KB.

The verdict, its reasons grouped by finding (readiness/reports/digest.py), the matrix, what to
fix first, what was not measured, and a link to the full report (readiness.html, beside it).
Everything comes from the readiness.json dict; nothing is re-scored. Figures and words come
from readiness.core.formatting, as in every writer.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from readiness.core.formatting import (
    count_of,
    format_percent,
    format_points,
    format_ratio,
    format_seconds,
    format_value,
    shorten,
)
from readiness.reports.digest import Digest, digest, outcome_counts, scope_line
from readiness.reports.folder import write_atomically

__all__ = ["format_percent", "md", "render_summary", "write_summary"]

REPORT = "readiness.html"  # relative: summary.md sits in the run folder beside it
LINE = 180  # characters of one reason or gap before it is cut (the report has all of it)
FIX_FIRST = 5  # findings shown under "Fix first"
GAPS = 5  # causes shown under "Not measured"

# Inline Markdown punctuation that could start emphasis, code spans, links, strikethrough or a
# table cell anywhere in a line. Backslash-escaping ASCII punctuation is always literal in
# CommonMark/GFM, so the escaped text renders exactly as it was.
_INLINE = frozenset("`*_[]|~")
# What only means something at the start of a line: a block quote, a heading, a list item.
_LEADING = re.compile(r"^(\s*)(>|#|[-+](?=\s|$)|\d+(?=[.)]))")
_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&gt;" typed by a target must not become ">"
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md(text: Any) -> str:
    """Target-controlled (or any) text as inert Markdown for one line or table cell.

    ``<`` becomes ``&lt;`` so no HTML tag survives, an ``&`` that would start an entity becomes
    ``&amp;``; inline punctuation is backslash-escaped, and a backslash only where it would
    escape what follows (a regex's ``\\s`` stays as it is, never doubled). ``>`` stays as typed
    (``>=`` reads as ``>=``) except where it would open a block quote. Newlines collapse to
    spaces; other control characters are dropped.
    """
    flat = " ".join(str(text).splitlines())
    flat = "".join(ch for ch in flat if ch == "\t" or unicodedata.category(ch) != "Cc")
    out = []
    for i, ch in enumerate(flat):
        if ch == "<":
            out.append("&lt;")
        elif ch == "&" and _ENTITY.match(flat, i):
            out.append("&amp;")
        elif ch == "\\":
            following = flat[i + 1] if i + 1 < len(flat) else ""
            out.append("\\\\" if following in _PUNCT or not following else "\\")
        elif ch == "_" and flat[i - 1 : i].isalnum() and flat[i + 1 : i + 2].isalnum():
            out.append(ch)  # intraword: never emphasis in GFM (load.error_ratio stays legible)
        elif ch in _INLINE:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return _LEADING.sub(_escape_leading, "".join(out))


def _escape_leading(match: re.Match[str]) -> str:
    space, mark = match[1], match[2]
    # "12." starts an ordered list: escape its dot; ">", "#", "-", "+": escape the mark itself.
    return f"{space}{mark}\\" if mark.isdigit() else f"{space}\\{mark}"


def _line(text: str) -> str:
    return md(shorten(text, LINE))


def _header(result: dict[str, Any]) -> list[str]:
    verdict = md(result.get("verdict", "?"))
    conf = result.get("confidence") or {}
    go_at = (result.get("policy") or {}).get("go_at")
    readiness = f"readiness **{format_percent(result.get('readiness'))}**"
    if result.get("readiness") is None:
        readiness = f"readiness {format_percent(None)} (not measured)"
    if go_at is not None:
        readiness += f" (GO at {format_percent(go_at)})"
    head = (
        f"**Verdict: {verdict}** (exit {result.get('exit_code')}) · {readiness}"
        f" · confidence {format_ratio(conf.get('value'))}:"
        f" {conf.get('checks_ran', 0)}/{conf.get('checks_planned', 0)} checks ran,"
        f" stability {format_ratio(conf.get('stability'))}"
    )
    lines = [f"## readiness-gate: {verdict}", "", head]
    if result.get("interrupted"):
        lines += ["", "**PARTIAL — interrupted**: only the checks that finished are reported."]
    scope = scope_line(result)
    if scope:
        lines += ["", f"**{_line(scope)}**"]
    if result.get("unreachable"):
        lines += ["", f"**Target unreachable:** {_line(result['unreachable'])}"]
    lines += [
        "",
        f"Target {md(result.get('target', ''))} · profile {md(result.get('profile') or 'default')}"
        f" · run {md(result.get('run_id', ''))} · {format_seconds(result.get('duration_s'))}"
        f" · [full report]({REPORT})",
    ]
    return lines


def _reasons(view: Digest) -> list[str]:
    if not view.grouped_reasons:
        return []
    lines = ["", f"### Why {md(view.verdict)}", ""]
    return lines + [f"{i}. {_line(r.text)}" for i, r in enumerate(view.grouped_reasons, 1)]


def _matrix(view: Digest) -> list[str]:
    lines = [
        "",
        "### Readiness matrix",
        "",
        "| Component | Weight | Readiness | Status | Risk | Checks |",
        "| --- | ---: | ---: | --- | --- | --- |",
    ]
    for comp in view.components:
        name = md(comp.name) + (" (blocking)" if comp.blocking else "")
        lines.append(
            f"| {name} | {format_value(comp.weight)} | {format_percent(comp.readiness)}"
            f" | {md(comp.status)} | {md(comp.risk)} | {md(outcome_counts(comp.counts))} |"
        )
    return lines


def _fix_first(view: Digest) -> list[str]:
    if not view.fix_first:
        return []
    lines = ["", "### Fix first", ""]
    for i, item in enumerate(view.fix_first[:FIX_FIRST], 1):
        waiver = ", blocking" if item.finding.outcome == "failed" else ""
        if item.waiver_owner:
            state = "expired" if item.waiver_expired else "waived"
            waiver = f"; {state}, owner {md(item.waiver_owner)}"
        lines.append(
            f"{i}. **{format_points(item.gain)}** {_line(item.finding.text)}"
            f" ({md(item.component)}{waiver})"
        )
    more = len(view.fix_first) - FIX_FIRST
    if more > 0:
        lines.append(f"\n… and {count_of(more, 'more finding')} in the [full report]({REPORT}).")
    return lines


def _gaps(view: Digest) -> list[str]:
    lines = []
    if view.not_measured:
        lines += ["", "### Not measured", ""]
        lines += [f"- {_line(gap.text)}" for gap in view.not_measured[:GAPS]]
        more = len(view.not_measured) - GAPS
        if more > 0:
            lines.append(f"- … and {count_of(more, 'more cause')} in the full report")
    if view.not_enabled:
        lines += ["", "### Not enabled", ""]
        lines += [f"- {_line(entry.text)}" for entry in view.not_enabled]
    return lines


def render_summary(result: dict[str, Any]) -> str:
    """The whole summary.md text for one readiness.json dict."""
    view = digest(result)
    lines = _header(result)
    lines += _reasons(view)
    lines += _matrix(view)
    lines += _fix_first(view)
    lines += _gaps(view)
    lines += ["", f"Every check with its evidence: [{REPORT}]({REPORT}).", ""]
    return "\n".join(lines)


def write_summary(result: dict[str, Any], run_dir: Path) -> Path:
    path = Path(run_dir) / "summary.md"
    write_atomically(path, render_summary(result))
    return path
