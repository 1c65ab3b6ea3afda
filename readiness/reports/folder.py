"""The report folder, checked before any traffic: a run that cannot write its reports is a
usage error (exit 2) before it measures anything, not an INTERNALERROR after."""

from __future__ import annotations

import os
from pathlib import Path


class ReportDirError(Exception):
    """The report folder cannot take this run's reports; the message says why and what to do."""


def check_report_dir(report_root: Path) -> None:
    """Before any traffic: the report folder can be created and written, and the run index
    files in it (latest, history.jsonl) are not in the way. Raises ReportDirError."""
    for parent in [report_root, *report_root.parents]:
        if parent.exists() and not parent.is_dir():
            raise ReportDirError(f"{parent} is a file, not a folder; pass another --report-dir")
    try:
        report_root.mkdir(parents=True, exist_ok=True)
        probe = report_root / f".readiness-write-test-{os.getpid()}"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise ReportDirError(
            f"{report_root} cannot be written ({exc.strerror}); pass another --report-dir"
        ) from None
    history, latest = report_root / "history.jsonl", report_root / "latest"
    if history.exists() and not history.is_file():
        raise ReportDirError(f"{history} is not a file; move it away (it keeps one line per run)")
    if latest.exists() and latest.is_dir() and not latest.is_symlink():
        raise ReportDirError(f"{latest} is a folder; move it away (it points at the newest run)")
