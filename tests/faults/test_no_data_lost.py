"""No data lost: reports are written whole or not at all, `latest` points at the newest
complete run, a killed run's folder says it is incomplete, the history gains one whole line
per finished run, and earlier runs' folders are never touched."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from harness import REPO, GateProcess, assert_ended_well, run_to_end, wait_for_file

SUITE = REPO / "tests" / "data" / "engine_suite"
BOUND_S = 120


def engine_gates(tmp_path: Path) -> Path:
    # The engine's own test suite against a closed port: no network, every outcome.
    path = tmp_path / "engine.yaml"
    path.write_text(
        "target: http://127.0.0.1:9\n"
        "verdict: {go_at: 50, min_coverage: 0.5}\n"
        f"components:\n  engine: {{weight: 1, suite: {SUITE}}}\n",
        encoding="utf-8",
    )
    return path


def history(report_dir: Path) -> list[dict]:
    lines = (report_dir / "history.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_runs_killed_interrupted_and_finished_keep_every_earlier_report(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    gates = engine_gates(tmp_path)
    first = run_to_end(reports, "--gates", str(gates), "--run-id", "first", bound_s=BOUND_S)
    assert (reports / "latest").resolve() == reports / "first"
    assert not (reports / "first" / "INCOMPLETE").exists()
    kept = {p: p.read_bytes() for p in (reports / "first").rglob("*") if p.is_file()}
    assert len(history(reports)) == 1 and first.returncode == first.readiness["exit_code"]

    # Killed outright (SIGKILL: nothing can be handled) while a check runs.
    started = tmp_path / "slow-started"
    killed = GateProcess(
        reports, ("--gates", str(gates), "--run-id", "killed"), env={"ENGINE_SLOW": str(started)}
    )
    wait_for_file(started)  # the slow check has begun
    killed.signal_group(signal.SIGKILL)
    killed.end(BOUND_S)
    assert "has not finished" in (reports / "killed" / "INCOMPLETE").read_text()
    assert not (reports / "killed" / "readiness.json").exists()
    assert (reports / "latest").resolve() == reports / "first"
    assert len(history(reports)) == 1

    # Interrupted: a partial report, marked, in its own folder; `latest` stays on "first".
    started.unlink()
    stopped = GateProcess(
        reports, ("--gates", str(gates), "--run-id", "stopped"), env={"ENGINE_SLOW": str(started)}
    )
    wait_for_file(started)
    stopped.signal_group(signal.SIGINT)
    ended = stopped.end(BOUND_S)
    assert ended.run_dir == reports / "stopped"
    assert_ended_well(ended, exit_code=130, cause="interrupted")
    assert not (reports / "stopped" / "INCOMPLETE").exists()  # a complete, partial report
    assert (reports / "latest").resolve() == reports / "first"
    assert [h["interrupted"] for h in history(reports)] == [False, True]

    # A run id that names an earlier run is refused before anything runs.
    again = run_to_end(reports, "--gates", str(gates), "--run-id", "first", bound_s=BOUND_S)
    assert_ended_well(again, exit_code=2, cause="already holds a run")
    assert {p: p.read_bytes() for p in (reports / "first").rglob("*") if p.is_file()} == kept

    # No temporary file is left beside any report.
    assert [p for p in reports.rglob("*.tmp")] == []
