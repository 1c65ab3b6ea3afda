"""Write one run's reports: readiness.json first, then every writer from that JSON.

Each writer runs on its own: one that fails is reported and the others are still written
(nothing already written is lost). reports/latest points at the newest complete run, and
reports/history.jsonl keeps one record per run (readiness/reports/history.py), appended
right after readiness.json so that the report's trend already holds this run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from readiness.reports import html, junit, markdown
from readiness.reports.folder import finish_run_dir, point_latest, write_atomically
from readiness.reports.history import append_history

Writer = Callable[[dict[str, Any], Path], Path]


def write_json(result: dict[str, Any], run_dir: Path) -> Path:
    text = json.dumps(result, indent=2, default=str) + "\n"
    return write_atomically(run_dir / "readiness.json", text)


WRITERS: dict[str, Writer] = {
    "json": write_json,
    "html": html.write_dashboard,
    "markdown": markdown.write_summary,
    "junit": junit.write_junit,
}


def write_reports(result: dict[str, Any], run_dir: Path, report_root: Path) -> dict[str, Path]:
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
            _step("the history line", partial(append_history, report_root, data, run_dir))
    steps: list[tuple[str, Callable[[], None]]] = [
        ("the run's completion", lambda: finish_run_dir(run_dir)),
    ]
    if not result.get("interrupted"):
        # `latest` is the newest *complete* run: a partial one does not displace it.
        steps.insert(0, ("reports/latest", lambda: point_latest(report_root, run_dir)))
    for what, step in steps:
        _step(what, step)
    return written


def _step(what: str, step: Callable[[], None]) -> None:
    try:
        step()
    except OSError as exc:  # the run's own reports stand; the index is named, not fatal
        sys.stderr.write(f"readiness-gate: could not write {what}: {exc}\n")
