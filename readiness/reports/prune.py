"""Old run folders removed past gates.yaml ``reports: {keep: N}``, after a complete run.

The rule:
- A run folder is a folder directly under the report folder holding readiness.json or an
  INCOMPLETE marker (anything else there is not the gate's and is never touched).
- Run folders are ranked newest first by when they last changed (a run's folder changes last
  when its INCOMPLETE marker is removed, at its end); the run being written ranks first.
- The first N are kept. Past them a folder is still kept when:
  * ``latest`` points at it (the newest complete run);
  * a baseline points at it: an entry of reports/baselines/ that is a symlink to it, or a
    text file whose first line is its path (absolute, or relative to the report folder);
  * its run may still be going: it holds INCOMPLETE and the process the marker names is
    alive on this machine, or the marker cannot be read, or the marker is less than a day
    old (a run on another machine sharing the folder, whose process this one cannot see).
    A killed run's folder (INCOMPLETE, its process gone, a day old) is removed like any other.
  Folders kept for these reasons do not count against N.
- history.jsonl keeps its lines: the trend outlives the folders.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from readiness.reports.folder import INCOMPLETE

BASELINES = "baselines"
# A marker younger than this may belong to a run this machine cannot see.
MARKER_GRACE_S = 24 * 3600
_PID = re.compile(r"\(pid (\d+)\)")


@dataclass
class Pruned:
    removed: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)  # folder, why


def prune(report_root: Path, current: Path, keep: int) -> Pruned:
    """Remove the run folders past the ``keep`` newest, by the rule above."""
    root = report_root.resolve()
    current = current.resolve()
    protected = {current} | pointed_at(root)
    folders = sorted(run_folders(root), key=_changed, reverse=True)
    ranked = [current, *(f for f in folders if f != current)]
    result = Pruned()
    kept = 0
    for folder in ranked:
        if kept < keep and not may_be_running(folder, current):
            kept += 1
            continue
        if folder in protected or may_be_running(folder, current):
            continue
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            result.failed.append((folder, exc.strerror or str(exc)))
        else:
            result.removed.append(folder)
    return result


def run_folders(root: Path) -> list[Path]:
    """The gate's run folders directly under ``root`` (resolved paths, no symlinks)."""
    found = []
    for entry in root.iterdir():
        if entry.name.startswith(".") or entry.name in (BASELINES, "latest"):
            continue
        if entry.is_symlink() or not entry.is_dir():
            continue
        if (entry / "readiness.json").is_file() or (entry / INCOMPLETE).exists():
            found.append(entry.resolve())
    return found


def pointed_at(root: Path) -> set[Path]:
    """The folders ``latest`` and every baseline under reports/baselines/ point at."""
    entries = [root / "latest"]
    baselines = root / BASELINES
    if baselines.is_dir():
        entries += sorted(baselines.iterdir())
    return {target for entry in entries if (target := _target(root, entry)) is not None}


def _target(root: Path, entry: Path) -> Path | None:
    if entry.is_symlink():
        return entry.resolve() if entry.is_dir() else None
    if entry.is_file():  # where symlinks are not available: the path as text
        try:
            lines = entry.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        if lines and lines[0].strip():
            return (root / lines[0].strip()).resolve()
    return None


def may_be_running(folder: Path, current: Path) -> bool:
    """Whether another run may still be writing ``folder`` (its INCOMPLETE marker)."""
    if folder == current:
        return False  # this run, which is complete: it is pruning
    marker = folder / INCOMPLETE
    try:
        text = marker.read_text(encoding="utf-8", errors="replace")
        age = time.time() - marker.stat().st_mtime
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: keep it
    if age < MARKER_GRACE_S:
        return True
    found = _PID.search(text)
    return found is None or _alive(int(found.group(1)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def _changed(folder: Path) -> float:
    try:
        return folder.stat().st_mtime
    except OSError:
        return 0.0
