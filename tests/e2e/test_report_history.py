"""reports/history.jsonl keeps one record per run and the trend reads it; gates.yaml
``reports: {keep: N}`` prunes old run folders, never the newest, never a baseline's, never
one whose run may still be going (readiness/reports/prune.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import GateRunResult, run_gate_process, write_gates

from readiness.reports.history import HISTORY_VERSION, read_history

DAY_S = 24 * 3600


def _gates(tmp_path: Path, extra: str = "") -> Path:
    return write_gates(
        tmp_path,
        "target: demo\ntls: {ca_bundle: demo}\n"
        + extra
        + "components:\n  smoke:\n    weight: 1\n"
        + "    thresholds: {latency_ms: {good: 300, poor: 1000}}\n",
    )


def _run(reports: Path, gates: Path, run_id: str) -> GateRunResult:
    result = run_gate_process(
        reports, "--gates", str(gates), "--demo", "healthy", "--run-id", run_id
    )
    assert result.returncode == result.readiness["exit_code"] == 0, result.stderr
    return result


def test_three_runs_give_three_history_records_and_a_trend_of_three(tmp_path: Path) -> None:
    reports, gates = tmp_path / "reports", _gates(tmp_path)
    for run_id in ("one", "two", "three"):
        _run(reports, gates, run_id)

    lines = (reports / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    trend = read_history(reports, 20)
    assert [r["run_id"] for r in trend] == ["one", "two", "three"]  # oldest first
    for record in trend:
        # What the run's own readiness.json says, not a recomputation.
        result = json.loads((reports / record["run_id"] / "readiness.json").read_text("utf-8"))
        assert record["history_version"] == HISTORY_VERSION
        assert record["verdict"] == result["verdict"] == "GO"
        assert record["readiness"] == result["readiness"]
        assert record["exit_code"] == 0 and record["interrupted"] is False
        smoke = result["components"][0]
        assert record["components"] == {
            "smoke": {
                "readiness": smoke["readiness"],
                "status": smoke["status"],
                "risk": smoke["risk"],
            }
        }
        assert sum(record["checks"].values()) == len(smoke["checks"])
        # Key metrics: every check measured against a good/poor band, by its id.
        latency = next(c for c in smoke["checks"] if c["id"] == "smoke.latency./")
        assert record["metrics"]["smoke.latency./"] == {"value": latency["value"], "unit": "ms"}
        assert Path(record["dir"]) == (reports / record["run_id"]).resolve()
    assert [r["run_id"] for r in read_history(reports, 2)] == ["two", "three"]


def test_the_history_reader_never_stops_a_report(tmp_path: Path) -> None:
    # A version-1 line (before per-component records), a foreign line, a half line, an
    # interrupted run: the reader skips what is not a record and normalises the rest.
    reports = tmp_path / "reports"
    reports.mkdir()
    lines = [
        json.dumps({"run_id": "old", "verdict": "GO", "readiness": 95.0}),
        "not json",
        "[1, 2]",
        json.dumps({"run_id": "cut", "verdict": "NO-GO", "interrupted": True}),
        '{"run_id": "half',
    ]
    (reports / "history.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_history(tmp_path / "nowhere", 20) == []
    [old] = read_history(reports, 20)
    assert old["run_id"] == "old" and old["history_version"] == 1
    assert old["components"] == old["checks"] == old["metrics"] == {}
    every = read_history(reports, 20, include_interrupted=True)
    assert [r["run_id"] for r in every] == ["old", "cut"]
    assert read_history(reports, 0) == []


def _stage(reports: Path, name: str, age_s: float, marker: str | None = None) -> Path:
    """A run folder as an earlier run left it, last changed ``age_s`` ago."""
    folder = reports / name
    folder.mkdir(parents=True)
    if marker is None:
        (folder / "readiness.json").write_text("{}\n", encoding="utf-8")
    else:
        (folder / "INCOMPLETE").write_text(marker, encoding="utf-8")
        when = folder.stat().st_mtime - age_s
        os.utime(folder / "INCOMPLETE", (when, when))
    when = folder.stat().st_mtime - age_s
    os.utime(folder, (when, when))
    return folder


def _dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def test_pruning_keeps_n_the_newest_baselines_and_running_runs(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    marker = "this run started at 2026-01-01T00:00:00+00:00 (pid {pid}) and has not finished"
    baseline = _stage(reports, "r1-baseline", 10 * DAY_S)
    older = _stage(reports, "r2-older", 9 * DAY_S)
    old = _stage(reports, "r3-old", 8 * DAY_S)
    newest_earlier = _stage(reports, "r4-newest-earlier", 7 * DAY_S)
    killed = _stage(reports, "killed", 20 * DAY_S, marker.format(pid=_dead_pid()))
    # A live process (this test's) named by an old marker: its run may still be going.
    running = _stage(reports, "running", 20 * DAY_S, marker.format(pid=os.getpid()))
    # A marker under a day old: maybe a run on another machine sharing the folder.
    recent = _stage(reports, "recent-marker", DAY_S / 2, marker.format(pid=_dead_pid()))
    unreadable_pid = _stage(reports, "no-pid", 20 * DAY_S, "written by hand\n")
    foreign = reports / "not-a-run"  # neither readiness.json nor INCOMPLETE: not the gate's
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine\n", encoding="utf-8")
    (reports / "baselines").mkdir()
    (reports / "baselines" / "release-1.4").symlink_to(baseline, target_is_directory=True)

    gates = _gates(tmp_path, "reports: {keep: 2}\n")
    first = _run(reports, gates, "current")
    current = first.run_dir
    assert current == (reports / "current").resolve()
    kept = {p.name for p in reports.iterdir() if p.is_dir() and not p.is_symlink()}
    # The run itself and the newest earlier one are the 2 kept; the baseline's and the
    # runs that may still be going are kept besides; the others are removed.
    assert kept == {
        "current",
        newest_earlier.name,
        baseline.name,
        running.name,
        recent.name,
        unreadable_pid.name,
        foreign.name,
        "baselines",
    }, first.stderr
    assert not older.exists() and not old.exists() and not killed.exists()
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert "warning" not in first.stderr

    # keep: 1 is the newest only: the earlier run `latest` pointed at goes, the new one
    # stays, and `latest` follows it. The history keeps every run's record.
    second = _run(reports, _gates(tmp_path, "reports: {keep: 1}\n"), "after")
    assert second.run_dir == (reports / "after").resolve() == (reports / "latest").resolve()
    assert not (reports / "current").exists() and not newest_earlier.exists()
    assert baseline.is_dir() and running.is_dir() and recent.is_dir()
    assert [r["run_id"] for r in read_history(reports, 20)] == ["current", "after"]
