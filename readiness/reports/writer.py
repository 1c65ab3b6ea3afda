"""Write one run's reports: readiness.json first, then every writer from that JSON.

Each writer runs on its own: one that fails is reported and the others are still written
(nothing already written is lost). reports/history.jsonl keeps one record per run
(readiness/reports/history.py), appended right after readiness.json so that the report's
trend already holds this run. readiness.pdf follows readiness.html when asked for. Then
reports/latest points at the run if it is complete, its INCOMPLETE marker goes, and old run
folders past gates.yaml ``reports.keep`` are pruned (readiness/reports/prune.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from readiness.reports import html, junit, markdown
from readiness.reports.folder import finish_run_dir, point_latest, write_atomically
from readiness.reports.history import append_history

Writer = Callable[[dict[str, Any], Path], Path]


@dataclass(frozen=True)
class ReportSettings:
    """What the run asks of its report folder besides the reports (gates.yaml reports:)."""

    keep: int | None = None  # run folders kept; None keeps every one
    pdf: bool = False  # --pdf or reports.pdf
    chromium: str | None = None  # browser.executable: the Chromium that prints the PDF
    # A part of a run (a shard): no history line, `latest` not moved, nothing pruned (which
    # could remove the sibling shards a merge still needs); the merged run does all three.
    part: bool = False


# readiness.json's layout: the document, its components and their lists one item a line,
# each check on one line of its own. Indenting every level doubled the file (232 KB for the
# broken demo, half of it spaces) and made a check 20 lines; one line per check keeps it
# readable, greppable and diffable at 124 KB. The data is the same, byte for byte as JSON.
_INDENTED_LEVELS = 4


def dumps_report(value: Any, depth: int = 0) -> str:
    """``value`` as JSON: containers indented down to _INDENTED_LEVELS, compact below."""
    if depth >= _INDENTED_LEVELS or not isinstance(value, dict | list) or not value:
        return json.dumps(value, separators=(", ", ": "), default=str)
    pad, end = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(str(k))}: {dumps_report(v, depth + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    items = [pad + dumps_report(v, depth + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + end + "]"


def write_json(result: dict[str, Any], run_dir: Path) -> Path:
    return write_atomically(run_dir / "readiness.json", dumps_report(result) + "\n")


WRITERS: dict[str, Writer] = {
    "json": write_json,
    "html": html.write_dashboard,
    "markdown": markdown.write_summary,
    "junit": junit.write_junit,
}


def write_reports(
    result: dict[str, Any],
    run_dir: Path,
    report_root: Path,
    settings: ReportSettings | None = None,
) -> dict[str, Path]:
    settings = settings or ReportSettings()
    run_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    # Every writer reads the JSON as written, so none can show what readiness.json does not.
    data = result
    for name, writer in WRITERS.items():
        try:
            written[name] = writer(data, run_dir)
        except Exception as exc:  # one broken writer must not lose the others
            sys.stderr.write(f"readiness-gate: could not write the {name} report: {exc}\n")
        if name == "json":
            if "json" in written:
                data = json.loads(written[name].read_text(encoding="utf-8"))
            # Before the other writers: the report's trend already holds this run.
            if not settings.part:
                _step("the history line", partial(append_history, report_root, data, run_dir))
    complete = not result.get("interrupted")
    if settings.pdf:
        _write_pdf(written, settings, complete)
    if complete and not settings.part:
        # `latest` is the newest *complete* run: a partial one does not displace it.
        _step("reports/latest", partial(point_latest, report_root, run_dir))
    _step("the run's completion", partial(finish_run_dir, run_dir))
    if complete and settings.keep is not None and not settings.part:
        _prune(report_root, run_dir, settings.keep)
    return written


def _write_pdf(written: dict[str, Path], settings: ReportSettings, complete: bool) -> None:
    """readiness.pdf, or one warning line saying why not: never the run's failure."""
    from readiness.reports.pdf import PDF_NAME, PdfNotWritten, write_pdf

    if "html" not in written:
        why = "readiness.html was not written"
    elif not complete:
        # An interrupted run ends at once (exit 130 within seconds): no Chromium is started.
        why = "the run was interrupted"
    else:
        try:
            written["pdf"] = write_pdf(written["html"], settings.chromium)
            return
        except PdfNotWritten as exc:
            why = str(exc)
    _warn(f"{PDF_NAME} not written: {why}")


def _prune(report_root: Path, run_dir: Path, keep: int) -> None:
    from readiness.reports.prune import prune

    try:
        pruned = prune(report_root, run_dir, keep)
    except OSError as exc:
        _warn(f"old run folders not pruned: {exc}")
        return
    for folder, why in pruned.failed:
        _warn(f"could not remove the old run folder {folder}: {why}")


def _step(what: str, step: Callable[[], None]) -> None:
    try:
        step()
    except OSError as exc:  # the run's own reports stand; the index is named, not fatal
        sys.stderr.write(f"readiness-gate: could not write {what}: {exc}\n")


def _warn(text: str) -> None:
    sys.stderr.write(f"readiness-gate: warning: {text}\n")
