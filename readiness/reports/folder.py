"""The report folder, checked before any traffic: a run that cannot write its reports is a
usage error (exit 2) before it measures anything, not an INTERNALERROR after."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path


def new_run_id(now: dt.datetime) -> str:
    """A run folder's name: sortable by time; the suffix keeps two runs started in the same
    second apart."""
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


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


# What a run folder holds while its run is under way; removed once every report is written.
# A run killed with SIGKILL (or a machine that went down) leaves it, so a reader can tell a
# folder of partial files from a finished run, whose reports say what they are.
INCOMPLETE = "INCOMPLETE"


def check_run_dir_free(run_dir: Path) -> None:
    """Earlier runs' folders are never touched: a --run-id that names one is refused."""
    if run_dir.exists():
        raise ReportDirError(
            f"{run_dir} already holds a run; pass another --run-id (earlier runs are kept)"
        )


def start_run_dir(run_dir: Path, started_at: str) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(
        run_dir / INCOMPLETE,
        f"this run started at {started_at} (pid {os.getpid()}) and has not finished writing"
        " its reports; if no process is running it, it was killed\n",
    )


def finish_run_dir(run_dir: Path) -> None:
    (run_dir / INCOMPLETE).unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> Path:
    """``text`` into ``path`` through a temporary file and a rename: a reader (or a run
    killed half-way) sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def append_line(path: Path, line: str) -> None:
    """One line at the end of ``path`` in a single write to a file opened for appending:
    two runs finishing at once (or a run killed mid-way) never interleave or half-write a
    line (POSIX appends a single write to a local file whole)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line.rstrip("\n") + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def point_latest(report_root: Path, run_dir: Path) -> None:
    """reports/latest -> run_dir, replaced in one rename (never missing in between)."""
    latest = report_root / "latest"
    tmp = report_root / f".latest.{os.getpid()}.tmp"
    try:
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(
            run_dir.resolve().relative_to(report_root.resolve()), target_is_directory=True
        )
        os.replace(tmp, latest)
    except (OSError, ValueError):
        # No symlinks here (or the run dir lives elsewhere): leave the path in a file instead.
        tmp.unlink(missing_ok=True)
        if latest.is_symlink():
            latest.unlink()
        write_atomically(latest, str(run_dir.resolve()) + "\n")
