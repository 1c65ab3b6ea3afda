"""The end-of-run terminal summary: the readiness matrix, the verdict, its reasons, the path of
every report written."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from readiness.core.formatting import format_percent, format_ratio, format_value, printable
from readiness.reports.digest import Digest, digest, scope_line

_VERDICT_STYLE = {
    "GO": "bold white on green",
    "NO-GO": "bold white on red",
    "INCONCLUSIVE": "bold black on yellow",
}
_STATUS_STYLE = {
    "passed": "green",
    "warned": "yellow",
    "failed": "red",
    "incomplete": "yellow",
    "not-run": "dim",
}
_RISK_STYLE = {"LOW": "green", "MEDIUM": "yellow", "HIGH": "red"}


percent = format_percent  # one rule for every writer (readiness.core.formatting)


def render(
    result: dict[str, Any], written: dict[str, Path], *, color: bool, width: int = 100
) -> str:
    """The summary as text; styled only when ``color`` (a TTY without NO_COLOR)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
    )
    table = Table(title="Readiness matrix", title_justify="left", expand=True)
    rows = [
        (
            Text(printable(comp["name"]) + (" (blocking)" if comp["blocking"] else "")),
            Text(format_value(comp["weight"])),
            Text(percent(comp["readiness"])),
            Text(comp["status"], style=_STATUS_STYLE.get(comp["status"], "")),
            Text(comp["risk"], style=_RISK_STYLE.get(comp["risk"], "")),
            # Each note on a line of its own in the cell, wrapped to the column.
            Text("\n".join(printable(note) for note in matrix_notes(comp))),
        )
        for comp in result["components"]
    ]
    columns = ("Component", "Weight", "Readiness", "Status", "Risk", "Notes")
    for index, column in enumerate(columns):
        if column == "Notes":
            # Wrapped, never cut: a note cut to "…" lost what it said (its path, its count).
            # "fold" breaks a word longer than the column (a URL) instead of cutting it.
            table.add_column(column, overflow="fold", ratio=1)
            continue
        fit = max([len(column)] + [row[index].cell_len for row in rows])
        table.add_column(
            column, justify="right" if column in ("Weight", "Readiness") else "left", min_width=fit
        )
    for row in rows:
        table.add_row(*row)
    console.print(table)
    conf = result["confidence"]
    verdict = result["verdict"]
    headline = Text(f" {verdict} ", style=_VERDICT_STYLE.get(verdict, "bold"))
    headline.append(f"  exit {result['exit_code']} · readiness {percent(result['readiness'])}")
    if result.get("interrupted"):
        headline.append("  PARTIAL: run interrupted", style="bold red")
    console.print(headline)
    scope = scope_line(result)
    if scope:
        console.print(Text(f"  {printable(scope)}", style="bold"), soft_wrap=True)
    console.print(
        Text(
            f"  confidence {format_ratio(conf['value'])}: coverage {conf['checks_ran']}/"
            f"{conf['checks_planned']} checks ran, stability {format_ratio(conf['stability'])}"
        )
    )
    view = digest(result)
    # One line per finding (an axe rule on 4 pages is one line, not 4), the engine's order.
    for i, reason in enumerate(view.grouped_reasons, 1):
        console.print(Text(f"  {i}. {printable(reason.text)}"), soft_wrap=True)
    follow_ups = outstanding_lines(result, view)
    if follow_ups:
        console.print(Text("Outstanding:"))
        for item in follow_ups:
            console.print(Text(f"  - {printable(item)}"), soft_wrap=True)
    for entry in view.not_enabled:
        console.print(Text(f"Not enabled: {printable(entry.text)}"), soft_wrap=True)
    for line in written_lines(written):
        console.print(Text(line), soft_wrap=True)
    return buffer.getvalue()


# What each writer's file is called on the terminal, in the order they are listed.
REPORT_LABELS = {
    "html": "html report",
    "json": "json report",
    "markdown": "markdown summary",
    "junit": "junit report",
    "pdf": "pdf report",
}


def written_lines(written: dict[str, Path]) -> list[str]:
    """One line per written report: ``html report: PATH`` (a writer not listed above is
    shown by its own name)."""
    order = [n for n in REPORT_LABELS if n in written] + [
        n for n in written if n not in REPORT_LABELS
    ]
    return [
        f"{REPORT_LABELS.get(name, name + ' report')}: {printable(written[name])}" for name in order
    ]


# The engine's notes that repeat a check's own line ("<id>: <message>", "... and 3 more"):
# the reasons and the outstanding list below say each finding once, grouped.
_MORE = re.compile(r"^\.\.\. and \d+ more$")


def matrix_notes(component: dict[str, Any]) -> list[str]:
    """The notes a matrix row shows: the suite's own (the browser used, the load run's size,
    a grade) and the count of outcomes; not the per-check lines."""
    ids = [str(c.get("id")) for c in component.get("checks") or []]
    return [
        str(note)
        for note in component.get("notes") or []
        if not _MORE.match(str(note)) and not any(str(note).startswith(f"{i}: ") for i in ids)
    ]


# How scoring.decide starts the outstanding lines the digest regroups (warned and skipped
# checks); every other line (a waived check with its owner, an expired waiver) is kept as is.
_REGROUPED = ("blocking, between good and poor: ", "non-blocking: ", "skipped: ")


def outstanding_lines(result: dict[str, Any], view: Digest) -> list[str]:
    """The follow-ups, grouped: warned findings with the pages they affect, waived checks
    and waiver notes as the engine words them, skipped checks by cause (109 checks skipped
    for one unreachable target are one line)."""
    lines = []
    for finding in view.outstanding:
        if finding.outcome == "warned":
            kind = "blocking, between good and poor" if finding.blocking else "non-blocking"
            lines.append(f"{kind}: {finding.text}")
    lines += [str(o) for o in result.get("outstanding") or [] if not str(o).startswith(_REGROUPED)]
    lines += [gap.text for gap in view.not_measured if gap.outcome == "skipped"]
    return lines


def print_summary(terminalreporter: Any, result: dict[str, Any], written: dict[str, Path]) -> None:
    # pytest's writer already knows about --color, NO_COLOR and whether this is a TTY.
    color = terminalreporter._tw.hasmarkup
    terminalreporter.write_sep("=", "readiness gate", bold=True)
    terminalreporter.write(
        render(result, written, color=color, width=max(80, terminalreporter._tw.fullwidth))
    )
