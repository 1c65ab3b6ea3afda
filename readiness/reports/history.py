"""reports/history.jsonl: one record per run, appended by the writer, read by the trend chart.

The writer appends the run's record right after readiness.json, before any other report is
rendered, so ``read_history(run_dir.parent, limit)`` called from a writer already ends with
the run being rendered. Records come from readiness.json as written (already redacted).

A record (``history_version`` 2) holds: run_id, started_at, target, profile, verdict,
exit_code, readiness, confidence (its value), coverage, scoring_version, duration_s,
interrupted, dir; ``components``: name -> {readiness, status, risk}; ``checks``: outcome ->
count; ``metrics``: check id -> {value, unit} for every check measured against a good/poor
band (the Core Web Vitals per page, load p95 and error ratio, smoke latency...).
"""

from __future__ import annotations

import json
from collections import Counter, deque
from pathlib import Path
from typing import Any

from readiness.reports.folder import append_line

HISTORY_FILE = "history.jsonl"
HISTORY_VERSION = 2

# Copied as they are from readiness.json's top level.
_RUN_KEYS = (
    "run_id",
    "started_at",
    "target",
    "profile",
    "verdict",
    "exit_code",
    "readiness",
    "scoring_version",
    "duration_s",
)


def history_record(result: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    """The history record of one run, from its readiness.json dict."""
    record: dict[str, Any] = {"history_version": HISTORY_VERSION}
    record.update({k: result.get(k) for k in _RUN_KEYS})
    confidence = result.get("confidence") or {}
    record["confidence"] = confidence.get("value")
    record["coverage"] = confidence.get("coverage")
    record["interrupted"] = bool(result.get("interrupted"))
    record["dir"] = str(run_dir)
    components: dict[str, Any] = {}
    outcomes: Counter[str] = Counter()
    metrics: dict[str, Any] = {}
    for comp in result.get("components") or []:
        components[comp["name"]] = {
            "readiness": comp.get("readiness"),
            "status": comp.get("status"),
            "risk": comp.get("risk"),
        }
        for check in comp.get("checks") or []:
            outcomes[check.get("outcome", "?")] += 1
            if _is_metric(check):
                metrics[check["id"]] = {"value": check["value"], "unit": check.get("unit")}
    record["components"] = components
    record["checks"] = dict(sorted(outcomes.items()))
    record["metrics"] = metrics
    return record


def _is_metric(check: dict[str, Any]) -> bool:
    """A check with a number measured against a good/poor band: a figure worth a trend."""
    value, threshold = check.get("value"), check.get("threshold")
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and isinstance(threshold, dict)
        and "good" in threshold
        and "poor" in threshold
    )


def append_history(report_root: Path, result: dict[str, Any], run_dir: Path) -> None:
    """One line at the end of reports/history.jsonl, in one write (folder.append_line)."""
    line = json.dumps(history_record(result, run_dir), default=str)
    append_line(report_root / HISTORY_FILE, line)


def read_history(
    report_root: Path, limit: int = 20, *, include_interrupted: bool = False
) -> list[dict[str, Any]]:
    """The last ``limit`` records of reports/history.jsonl, oldest first.

    Interrupted runs are left out unless asked for: their partial readiness is not a point
    of the trend. A line that is not a JSON object (hand-edited, foreign) is skipped: the
    history never stops a report. Records written before ``history_version`` 2 (no
    components, checks or metrics) come back with those keys empty, so readers need no
    version check. A missing file is an empty history.
    """
    if limit <= 0:
        return []
    path = Path(report_root) / HISTORY_FILE
    last: deque[dict[str, Any]] = deque(maxlen=limit)
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                record = _parse(line)
                if record is None:
                    continue
                if record["interrupted"] and not include_interrupted:
                    continue
                last.append(record)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return []
    return list(last)


def _parse(line: str) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    record.setdefault("history_version", 1)
    record["interrupted"] = bool(record.get("interrupted"))
    for key in ("components", "checks", "metrics"):
        if not isinstance(record.get(key), dict):
            record[key] = {}
    return record
