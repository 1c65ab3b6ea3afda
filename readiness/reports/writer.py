"""Write one run's reports: readiness.json first, then every writer from that JSON.

Each writer runs on its own: one that fails is reported and the others are still written
(nothing already written is lost). reports/latest points at the newest run and
reports/history.jsonl keeps one line per run.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from readiness.reports import html, junit, markdown

Writer = Callable[[dict[str, Any], Path], Path]


def write_json(result: dict[str, Any], run_dir: Path) -> Path:
    path = run_dir / "readiness.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)  # readers never see a half-written file
    return path


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
    for what, step in (
        ("reports/latest", lambda: _point_latest(report_root, run_dir)),
        ("the history line", lambda: _append_history(report_root, result, run_dir)),
    ):
        try:
            step()
        except OSError as exc:  # the run's own reports stand; the index is named, not fatal
            sys.stderr.write(f"readiness-gate: could not write {what}: {exc}\n")
    return written


def _point_latest(report_root: Path, run_dir: Path) -> None:
    latest = report_root / "latest"
    try:
        if latest.is_symlink() or latest.is_file():
            latest.unlink()
        latest.symlink_to(
            run_dir.resolve().relative_to(report_root.resolve()), target_is_directory=True
        )
    except (OSError, ValueError):
        # No symlinks here (or the run dir lives elsewhere): leave the path in a file instead.
        latest.write_text(str(run_dir.resolve()) + "\n", encoding="utf-8")


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
    with (report_root / "history.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")
