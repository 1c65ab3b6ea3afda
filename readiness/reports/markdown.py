"""summary.md: the verdict and readiness matrix as GitHub-flavoured Markdown.

Meant for pull-request comments and pipeline summaries. Everything comes from the readiness.json
dict; nothing is re-scored. The plain-text formatters below are shared with the HTML and JUnit
writers so a figure reads the same in every report.
"""

from __future__ import annotations

import json
import math
import unicodedata
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

NOT_MEASURED = "—"
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


def format_percent(value: float | None) -> str:
    """0-100 as "87.4%"; floored to 0.1 so 89.96 never displays as a passing "90%"."""
    if value is None:
        return NOT_MEASURED
    shown = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return f"{shown.normalize():f}%"


def format_ratio(value: float | None) -> str:
    """0-1 as a percentage."""
    return NOT_MEASURED if value is None else format_percent(value * 100)


def format_score(score: float | None) -> str:
    return NOT_MEASURED if score is None else f"{score:.2f}"


def format_number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def format_value(value: Any, unit: str | None = None, limit: int = 160) -> str:
    """A measured value as plain text: numbers trimmed, JSON compacted and truncated."""
    if value is None:
        return NOT_MEASURED
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = format_number(value)
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if unit:
        text += unit if unit == "%" else f" {unit}"
    return text


def format_threshold(threshold: dict[str, Any] | None, unit: str | None = None) -> str:
    """{"good": 500, "poor": 2000} -> "good 500 ms · poor 2,000 ms"."""
    if not threshold:
        return NOT_MEASURED
    if not isinstance(threshold, dict):
        return format_value(threshold, unit)
    # Flags such as higher_is_better are direction, not values: say them in words.
    parts = [
        f"{key} {format_value(val, unit)}"
        for key, val in threshold.items()
        if not isinstance(val, bool)
    ]
    if threshold.get("higher_is_better"):
        parts.append("higher is better")
    return " · ".join(parts)


def format_seconds(seconds: float | None) -> str:
    return NOT_MEASURED if seconds is None else f"{seconds:.1f} s"


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
            f"| {md(c['outcome'].upper())} | {md(c.get('title', ''))} ({md(c['id'])})"
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
    path.write_text(render_summary(result), encoding="utf-8")
    return path
