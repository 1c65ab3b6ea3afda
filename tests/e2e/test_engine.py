"""The engine's outcome rules, exercised through a real gate run on a misbehaving suite."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, closed_port, wait_for_file

from readiness.demo import create_app

SUITE = REPO / "tests" / "data" / "engine_suite"


def _gates(tmp_path: Path, target: str, extra: str = "") -> Path:
    path = tmp_path / "engine.yaml"
    path.write_text(
        f"target: {target}\n"
        "verdict: {go_at: 50, min_coverage: 0.5}\n"
        "components:\n"
        f"  engine: {{weight: 1, blocking: true, suite: {SUITE},"
        " checks: {engine.override_*: {blocking: true}, engine.fails_at_good: {fail_at: good}}}\n"
        "waivers:\n"
        "  - {check: engine.waived_failure, reason: known, owner: qa, expires: 2999-01-01}\n"
        + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def engine_run(tmp_path_factory: pytest.TempPathFactory):
    from helpers import run_gate_process

    from readiness.demo import WsgiServer

    tmp = tmp_path_factory.mktemp("engine")
    with WsgiServer(create_app("healthy")) as server:
        return run_gate_process(tmp / "reports", "--gates", str(_gates(tmp, server.url)))


@pytest.mark.parametrize(
    ("check_id", "outcome", "message_part"),
    [
        ("engine.passes", "passed", "got 1"),
        ("engine.records_failure", "failed", "got 500, expected 200"),
        ("engine.plain_assert", "failed", "arithmetic is broken"),
        ("engine.raises", "errored", "ConnectionError: socket closed by peer"),
        ("engine.raises_unprintable", "errored", "Unprintable whose text could not be formed"),
        ("engine.observation_failed", "errored", "not observed: GET /slow: timed out after 10 s"),
        ("engine.observes_nothing", "errored", "nothing was observed: empty held none"),
        ("engine.judges_without_observing", "errored", "nothing was observed"),
        ("engine.observes_inline", "errored", "not observed: TLS handshake: certificate expired"),
        ("engine.fails_at_good", "failed", "700 ms"),
        ("engine.records_nothing", "errored", "recorded no result"),
        ("engine.metric_between_bands", "warned", "700 ms"),
        ("engine.metric_no_data", "errored", "no data"),
        ("engine.skips", "skipped", "opt-in only"),
        ("engine.gather_fails", "errored", "TimeoutError: gatherer timed out"),
        ("engine.custom-id", "passed", ""),
        ("engine.waived_failure", "waived", ""),
        ("engine.param./a", "passed", ""),
        ("engine.param./b", "passed", ""),
        ("engine.advisory_by_default", "warned", "got 'weak'"),
        ("engine.override_makes_blocking", "failed", "got 'weak'"),
    ],
)
def test_each_behaviour_has_its_outcome(engine_run, check_id, outcome, message_part) -> None:
    check = engine_run.check(check_id)
    assert check["outcome"] == outcome, check
    assert message_part in check["message"]


def test_no_failure_is_silently_passed(engine_run) -> None:
    data = engine_run.readiness
    assert data["verdict"] == "NO-GO"
    assert engine_run.returncode == 1
    passed = {
        c["id"] for comp in data["components"] for c in comp["checks"] if c["outcome"] == "passed"
    }
    assert passed == {
        "engine.passes",
        "engine.custom-id",
        "engine.param./a",
        "engine.param./b",
        "engine.target_html",
    }


def test_a_check_that_does_not_apply_is_not_planned(engine_run) -> None:
    assert "engine.does_not_apply" not in engine_run.check_ids()


def test_a_blocking_metric_between_its_lines_is_warned_and_blocking(engine_run) -> None:
    warned = engine_run.check("engine.metric_between_bands")
    assert warned["outcome"] == "warned" and warned["blocking"] is True
    listed = [o for o in engine_run.readiness["outstanding"] if "metric_between_bands" in o]
    assert listed and listed[0].startswith("blocking, between good and poor:"), listed


def test_scores_and_evidence_follow_outcomes(engine_run) -> None:
    failed = engine_run.check("engine.records_failure")
    assert failed["score"] == 0.0 and failed["evidence"][0]["content"] == "oops"
    warned = engine_run.check("engine.metric_between_bands")
    assert 0 < warned["score"] < 1 and warned["samples"] == [690.0, 700.0, 710.0]
    assert engine_run.check("engine.raises")["score"] is None
    assert engine_run.check("engine.custom-id")["title"] == "A custom title"
    advisory = engine_run.check("engine.advisory_by_default")
    assert advisory["blocking"] is False and advisory["weight"] == 3
    waived = engine_run.check("engine.waived_failure")
    assert waived["waiver"]["owner"] == "qa"
    assert any("waived: engine.waived_failure" in o for o in engine_run.readiness["outstanding"])


def test_coverage_counts_errored_and_skipped_as_not_run(engine_run) -> None:
    conf = engine_run.readiness["confidence"]
    checks = engine_run.readiness["components"][0]["checks"]
    ran = [c for c in checks if c["outcome"] in ("passed", "failed", "warned", "waived")]
    assert conf["checks_planned"] == len(checks)
    assert conf["checks_ran"] == len(ran)
    assert conf["coverage"] == pytest.approx(len(ran) / len(checks), abs=1e-4)


def test_terminal_words_per_outcome(engine_run) -> None:
    out = engine_run.stdout
    for word in ("PASSED", "FAILED", "WARNED", "WAIVED", "ERRORED", "SKIPPED"):
        assert word in out


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_writes_partial_report_and_exits_130(tmp_path: Path, sent: int) -> None:
    # SIGINT is Ctrl-C; SIGTERM is what CI cancellation and `timeout` send (it used to end the
    # run at once with exit 143 and no report).
    report_dir = tmp_path / "reports"
    gates = _gates(tmp_path, f"http://127.0.0.1:{closed_port()}")
    started = tmp_path / "slow-check-started"
    env = {**os.environ, "ENGINE_SLOW": str(started), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "readiness",
            "--gates",
            str(gates),
            "--report-dir",
            str(report_dir),
            "-k",
            "passes or slow",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    wait_for_file(started)  # the slow check is running: the signal comes mid-run
    proc.send_signal(sent)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    # An interrupted run does not move `latest` (the newest complete run): its own folder.
    (partial,) = report_dir.glob("*/readiness.json")
    data = json.loads(partial.read_text())
    assert data["interrupted"] is True and data["exit_code"] == 130
    assert any("interrupted" in r for r in data["reasons"])
    assert data["components"][0]["checks"][0]["id"] == "engine.passes"
    slow = next(c for c in data["components"][0]["checks"] if c["id"] == "engine.slow")
    assert slow["outcome"] == "skipped" and "interrupted" in slow["message"]  # still planned


def test_suite_that_fails_to_import_or_is_empty_is_a_gap(run_gate, tmp_path: Path) -> None:
    gates = tmp_path / "gaps.yaml"
    data = REPO / "tests" / "data"
    gates.write_text(
        "target: http://127.0.0.1:9\n"
        "components:\n"
        f"  broken: {{weight: 1, suite: {data / 'broken_suite'}}}\n"
        f"  empty: {{weight: 1, suite: {data / 'empty_suite'}}}\n",
        encoding="utf-8",
    )
    result = run_gate("--gates", str(gates), "-q")
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr
    gap = result.check("broken.collection.test_import_error.py")
    assert gap["outcome"] == "errored" and "module_that_does_not_exist" in gap["message"]
    assert "no checks were collected" in result.check("empty.suite")["message"]
    assert result.readiness["verdict"] == "INCONCLUSIVE"
