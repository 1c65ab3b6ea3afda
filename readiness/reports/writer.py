"""Write one run's reports: readiness.json first, then every writer from that JSON.

Each writer runs on its own: one that fails is reported and the others are still written
(nothing already written is lost). reports/latest points at the newest complete run, and
reports/history.jsonl keeps one line per run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from readiness.reports import html, junit, markdown
from readiness.reports.folder import append_line, finish_run_dir, point_latest, write_atomically

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
            continue
        if name == "json":
            data = json.loads(written[name].read_text(encoding="utf-8"))
    steps: list[tuple[str, Callable[[], None]]] = [
        ("the history line", lambda: _append_history(report_root, result, run_dir)),
        ("the run's completion", lambda: finish_run_dir(run_dir)),
    ]
    if not result.get("interrupted"):
        # `latest` is the newest *complete* run: a partial one does not displace it.
        steps.insert(0, ("reports/latest", lambda: point_latest(report_root, run_dir)))
    for what, step in steps:
        try:
            step()
        except OSError as exc:  # the run's own reports stand; the index is named, not fatal
            sys.stderr.write(f"readiness-gate: could not write {what}: {exc}\n")
    return written


def _append_history(report_root: Path, result: dict[str, Any], run_dir: Path) -> None:
    line = {
        k: result.get(k)
        for k in (
            "run_id",
            "started_at",
            "target",
            "profile",
            "verdict",
            "readiness",
            "scoring_version",
            "duration_s",
        )
    }
    line["confidence"] = result.get("confidence", {}).get("value")
    line["dir"] = str(run_dir)
    line["interrupted"] = bool(result.get("interrupted"))
    append_line(report_root / "history.jsonl", json.dumps(line))
