"""summary.md: the verdict and readiness matrix as GitHub-flavoured Markdown.

Meant for pull-request comments and pipeline summaries. Everything comes from the readiness.json
dict; nothing is re-scored. Figures are formatted by readiness.core.formatting, as in every writer.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from readiness.core.formatting import (
    NOT_MEASURED,
    format_percent,
    format_ratio,
    format_seconds,
    format_threshold,
    format_value,
    outcome_label,
)
from readiness.reports.folder import write_atomically

__all__ = ["md", "render_summary", "write_summary"]
ATTENTION = ("failed", "errored", "warned")  # most serious first

# Markdown punctuation that could start emphasis, links, code spans or tables. Backslash-escaping
# ASCII punctuation is always literal in CommonMark/GFM, so over-escaping is harmless.
_MD_PUNCTUATION = "\\`*_[]|~#!"
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md(text: Any) -> str:
    """Escape target-controlled text for one line of Markdown (table cells included).

    ``<``/``>``/``&`` become entities so no HTML survives; newlines collapse to spaces so a
    value can't end a table row or start a new block.
    """
    out = []
    for ch in " ".join(str(text).splitlines()):
        if unicodedata.category(ch) == "Cc" and ch != "\t":
            continue  # NUL and other controls: invisible at best, mangled by renderers at worst
        if ch in _MD_ENTITIES:
            out.append(_MD_ENTITIES[ch])
        elif ch in _MD_PUNCTUATION:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _confidence_line(result: dict[str, Any]) -> str:
    conf = result.get("confidence") or {}
    return (
        f"**Confidence:** {format_ratio(conf.get('value'))} "
        f"(coverage {conf.get('checks_ran', 0)}/{conf.get('checks_planned', 0)} checks, "
        f"stability {format_ratio(conf.get('stability'))})"
    )


def _header(result: dict[str, Any]) -> list[str]:
    verdict = md(result.get("verdict", "?"))
    lines = [
        f"## readiness-gate: {verdict}",
        "",
        f"**Verdict: {verdict}** (exit {result.get('exit_code')})",
    ]
    if result.get("interrupted"):
        lines[-1] += " · **PARTIAL — interrupted**: only the checks that finished are reported"
    if result.get("unreachable"):
        lines += ["", f"**Target unreachable:** {md(result['unreachable'])}"]
    go_at = (result.get("policy") or {}).get("go_at")
    readiness = f"**Readiness:** {format_percent(result.get('readiness'))}"
    if result.get("readiness") is None:
        readiness += " (not measured)"
    if go_at is not None:
        readiness += f" (GO at {format_percent(go_at)})"
    lines += ["", f"{readiness} · {_confidence_line(result)}", ""]
    lines.append(
        f"Target: {md(result.get('target', ''))}"
        f" · profile: {md(result.get('profile') or 'default')}"
        f" · run: {md(result.get('run_id', ''))} · started: {md(result.get('started_at', ''))}"
        f" · duration: {format_seconds(result.get('duration_s'))}"
    )
    return lines


def _matrix(result: dict[str, Any]) -> list[str]:
    lines = [
        "### Readiness matrix",
        "",
        "| Component | Weight | Readiness | Status | Risk | Notes |",
        "| --- | ---: | ---: | --- | --- | --- |",
    ]
    for comp in result.get("components", []):
        name = md(comp["name"]) + (" (blocking)" if comp.get("blocking") else "")
        notes = "; ".join(md(n) for n in comp.get("notes", [])) or NOT_MEASURED
        lines.append(
            f"| {name} | {format_value(comp.get('weight'))}"
            f" | {format_percent(comp.get('readiness'))} | {md(comp.get('status', ''))}"
            f" | {md(comp.get('risk', ''))} | {notes} |"
        )
    return lines


def _attention(result: dict[str, Any]) -> list[str]:
    checks = [c for comp in result.get("components", []) for c in comp.get("checks", [])]
    flagged = sorted(
        (c for c in checks if c.get("outcome") in ATTENTION),
        key=lambda c: ATTENTION.index(c["outcome"]),  # stable: keeps report order within a group
    )
    lines = ["### Checks needing attention", ""]
    if not flagged:
        return [*lines, "No failed, errored or warned checks."]
    lines += [
        "| Outcome | Check | Value | Threshold | Message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in flagged:
        unit = c.get("unit")
        lines.append(
            f"| {md(outcome_label(c))} | {md(c.get('title', ''))} ({md(c['id'])})"
            f" | {md(format_value(c.get('value'), unit))}"
            f" | {md(format_threshold(c.get('threshold'), unit))} | {md(c.get('message', ''))} |"
        )
    return lines


def render_summary(result: dict[str, Any]) -> str:
    """The whole summary.md text for one readiness.json dict."""
    lines = _header(result)
    reasons = result.get("reasons", [])
    if reasons:
        lines += ["", "### Reasons", ""]
        lines += [f"{i}. {md(reason)}" for i, reason in enumerate(reasons, 1)]
    lines += ["", *_matrix(result)]
    outstanding = result.get("outstanding", [])
    if outstanding:
        lines += ["", "### Outstanding", ""]
        lines += [f"- {md(item)}" for item in outstanding]
    lines += ["", *_attention(result), ""]
    return "\n".join(lines)


def write_summary(result: dict[str, Any], run_dir: Path) -> Path:
    path = Path(run_dir) / "summary.md"
    write_atomically(path, render_summary(result))
    return path
