"""`readiness-gate watch` through the real console entry point, against real local servers:
every round is a real gate run. Rounds go back to back (``--every 0s``) under a ``--rounds``
cap, so nothing waits for the clock; a target changes state on events (a round's report
written), and a signal is sent once a round is seen holding a request open."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from helpers import EVENT_GUARD_S, REPO, closed_port, write_gates

from readiness.demo import WsgiServer
from readiness.watch.window import RoundOutcome

pytestmark = pytest.mark.e2e

WATCH_ID = "w1"


def gates_for(directory: Path, url: str) -> Path:
    """A post-deploy-like profile: smoke only, a few requests a round (rounds stay fast)."""
    return write_gates(
        directory,
        f"target: {url}\n"
        "pages: [/]\n"
        "components:\n"
        "  smoke:\n"
        "    weight: 1\n"
        "    blocking: true\n"
        "    availability: {path: /, requests: 2, slo: 0.5}\n"
        "profiles:\n"
        "  post-deploy:\n"
        "    components: [smoke]\n",
    )


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "READINESS_TARGET"} | {"NO_COLOR": "1"}


def watch_command(report_dir: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "readiness",
        "watch",
        "--report-dir",
        str(report_dir),
        "--run-id",
        WATCH_ID,
        *args,
    ]


def watch(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        watch_command(tmp_path / "reports", *args),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard, not a time budget
        env=env(),
    )


def watch_json(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "reports" / WATCH_ID / "watch.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/html")])
    return [b"<!doctype html><html lang=en><title>hello</title><main>hello</main></html>"]


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[..., Any]], str]]:
    servers: list[WsgiServer] = []

    def start(app: Callable[..., Any]) -> str:
        servers.append(WsgiServer(app).start())
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


def test_three_rounds_against_a_healthy_target_are_go(tmp_path: Path, serve) -> None:
    gates = gates_for(tmp_path, serve(hello))
    proc = watch(tmp_path, "--gates", str(gates), "--every", "0s", "--rounds", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = watch_json(tmp_path)
    assert data["complete"] is True and data["interrupted"] is False
    assert data["verdict"] == "GO" and data["exit_code"] == 0
    assert [r["outcome"] for r in data["rounds"]] == ["success"] * 3
    assert [r["number"] for r in data["rounds"]] == [1, 2, 3]
    assert data["availability"] == {"answered": 3, "measured": 3, "share": 1.0}
    assert data["go_share"] == 1.0
    assert data["settings"]["profile"] == "post-deploy"
    for n in (1, 2, 3):
        assert f"round {n}/3: GO, 100% ready, " in proc.stdout
    watch_dir = tmp_path / "reports" / WATCH_ID
    html = (watch_dir / "watch.html").read_text(encoding="utf-8")
    # One row per round, each linking to that round's own complete report.
    assert html.count('<tr class="round"') == 3
    for n in (1, 2, 3):
        link = f"rounds/round-00{n}/readiness.html"
        assert f'href="{link}"' in html
        assert (watch_dir / link).is_file()
        round_json = json.loads((watch_dir / f"rounds/round-00{n}/readiness.json").read_text())
        assert round_json["run_id"] == f"round-00{n}" and round_json["profile"] == "post-deploy"
    assert "100% (3 of 3 rounds answered)" in html
    md = (watch_dir / "watch.md").read_text(encoding="utf-8")
    assert "| 3/3 |" in md and "[GO](rounds/round-003/readiness.html)" in md
    # The watch prints what it wrote; a watch does not move the report folder's latest.
    for name in ("watch.json", "watch.md", "watch.html"):
        assert f"{name}: {watch_dir / name}" in proc.stdout
    assert not (tmp_path / "reports" / "latest").exists()


class BreaksAfterRoundOne:
    """Healthy until round 1's readiness.json exists, 500 after: the change is an event
    (round 1 has finished writing) that lands before round 2 sends anything."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.marker.exists():
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"broken"]
        return hello(environ, start_response)


def test_a_target_that_starts_failing_is_no_go_and_stops_the_watch(tmp_path: Path, serve) -> None:
    marker = tmp_path / "reports" / WATCH_ID / "rounds" / "round-001" / "readiness.json"
    gates = gates_for(tmp_path, serve(BreaksAfterRoundOne(marker)))
    proc = watch(tmp_path, "--gates", str(gates), "--every", "0s", "--rounds", "5")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = watch_json(tmp_path)
    # The failure limit (0) was passed at round 2: no later round could change the verdict.
    assert [r["outcome"] for r in data["rounds"]] == ["success", "failure"]
    assert data["verdict"] == "NO-GO" and data["stopped_early"] is True
    assert "1 round NO-GO, more than the failure limit of 0" in data["reasons"][0]
    assert "round 2/5: NO-GO" in proc.stdout and "round 3/5" not in proc.stdout
    # A 500 is an answer: the target was available, and not healthy.
    assert data["availability"]["share"] == 1.0


def test_a_closed_port_makes_every_round_and_the_window_inconclusive(tmp_path: Path) -> None:
    gates = gates_for(tmp_path, f"http://127.0.0.1:{closed_port()}")
    proc = watch(tmp_path, "--gates", str(gates), "--every", "0s", "--rounds", "2")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    data = watch_json(tmp_path)
    assert [r["outcome"] for r in data["rounds"]] == ["inconclusive"] * 2
    assert [r["exit_code"] for r in data["rounds"]] == [3, 3]
    assert data["verdict"] == "INCONCLUSIVE" and data["exit_code"] == 3
    assert data["availability"] == {"answered": 0, "measured": 2, "share": 0.0}
    assert "round 1/2: INCONCLUSIVE, readiness not measured" in proc.stdout


class HoldsRequests:
    """Says when a request has arrived, and answers it only once released (or closed)."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.arrived.set()
        self.release.wait(EVENT_GUARD_S)
        return hello(environ, start_response)

    def close(self) -> None:  # WsgiServer.stop: let held requests end
        self.release.set()


def alive(procs: dict[int, float]) -> list[int]:
    """Of these pids (with their start times), the ones still running (zombies are dead)."""
    left = []
    for pid, started in procs.items():
        try:
            p = psutil.Process(pid)
            if p.create_time() == started and p.status() != psutil.STATUS_ZOMBIE:
                left.append(pid)
        except psutil.NoSuchProcess:
            continue
    return left


@pytest.mark.parametrize(
    "how", ["SIGTERM to the watch alone", "SIGINT to its group (Ctrl-C)"], ids=["TERM", "INT"]
)
def test_a_signal_during_a_round_stops_it_and_the_watch(tmp_path: Path, serve, how) -> None:
    app = HoldsRequests()
    gates = gates_for(tmp_path, serve(app))
    proc = subprocess.Popen(
        watch_command(
            tmp_path / "reports", "--gates", str(gates), "--every", "0s", "--rounds", "3"
        ),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        start_new_session=True,  # a job of its own, as a terminal starts one
    )
    try:
        # Round 1 is under way: its gate holds a request to the target open.
        assert app.arrived.wait(EVENT_GUARD_S), "round 1 never reached the target"
        children = {c.pid: c.create_time() for c in psutil.Process(proc.pid).children(True)}
        assert children, "no round process seen"
        if how.startswith("SIGTERM"):
            os.kill(proc.pid, signal.SIGTERM)
            sent = "SIGTERM"
        else:
            os.killpg(proc.pid, signal.SIGINT)
            sent = "SIGINT"
        stdout, stderr = proc.communicate(timeout=EVENT_GUARD_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stdout + stderr
    data = watch_json(tmp_path)
    assert data["interrupted"] is True and data["signal"] == sent
    assert data["exit_code"] == 130 and data["complete"] is True
    # The round got the signal (passed on to its own process group): it wrote its partial
    # report, marked interrupted, and no later round started.
    assert [r["outcome"] for r in data["rounds"]] == ["interrupted"]
    round_dir = tmp_path / "reports" / WATCH_ID / "rounds" / "round-001"
    assert json.loads((round_dir / "readiness.json").read_text())["interrupted"] is True
    assert data["rounds"][0]["exit_code"] == 130
    assert "round 1/3: interrupted" in stdout and "round 2/3" not in stdout
    assert alive(children) == []


def test_a_bad_duration_is_one_line_before_any_round(tmp_path: Path) -> None:
    proc = watch(tmp_path, "--target", "http://127.0.0.1:9", "--for", "10 minutes")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "readiness-gate watch: error: --for '10 minutes' is not a duration;"
        " write e.g. 90s, 10m, 1h or 1m30s"
    ]
    assert not (tmp_path / "reports").exists()


def test_options_the_rounds_refuse_are_a_usage_error(tmp_path: Path, serve) -> None:
    gates = gates_for(tmp_path, serve(hello))
    proc = watch(tmp_path, "--gates", str(gates), "--every", "0s", "--rounds", "3", "--no-such")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        "readiness-gate watch: error: round 1 refused its options: exit 2, no readiness.json:"
        " pytest.main(): error: unrecognized arguments: --no-such"
    ]
    assert [r["outcome"] for r in watch_json(tmp_path)["rounds"]] == ["error"]


def test_the_profile_key_sets_the_window_and_flags_beat_it(tmp_path: Path, serve) -> None:
    gates = gates_for(tmp_path, serve(hello))
    gates.write_text(
        gates.read_text(encoding="utf-8")
        + "    watch: {every: 0s, failure_limit: 2, consecutive_error_limit: 1}\n",
        encoding="utf-8",
    )
    proc = watch(tmp_path, "--gates", str(gates), "--rounds", "1", "--failure-limit", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    settings = watch_json(tmp_path)["settings"]
    assert settings["every_s"] == 0 and settings["for_s"] == 600
    assert settings["failure_limit"] == 1 and settings["consecutive_error_limit"] == 1


def test_help_and_the_subcommand_list(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "watch", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=env(),
    )
    assert proc.returncode == 0 and "--consecutive-error-limit" in proc.stdout
    top = subprocess.run(
        [sys.executable, "-m", "readiness", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env(),
    )
    assert "readiness-gate watch [--for 10m]" in top.stdout and "  watch " in top.stdout


def test_a_round_still_running_after_the_window_is_stopped_as_an_error(
    tmp_path: Path, serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The round runner itself, with the moment to stop already past: the round is signalled
    # at once (whether or not its gate has started yet), and counts as no verdict.
    from readiness.watch.rounds import RoundRunner
    from readiness.watch.signals import Stopper, Waker

    monkeypatch.delenv("READINESS_TARGET", raising=False)
    app = HoldsRequests()
    gates = gates_for(tmp_path, serve(app))
    waker = Waker()
    runner = RoundRunner(
        tmp_path / "w", "post-deploy", ("--gates", str(gates)), Stopper(waker), time.monotonic()
    )
    try:
        record = runner.run(1, stop_at=time.monotonic())
    finally:
        waker.close()
    assert record.outcome is RoundOutcome.ERROR
    assert record.note == "still running after the window closed: stopped"
    # SIGTERM before the gate set up its handler kills it; after, it ends interrupted (130).
    assert record.exit_code in (None, 130)
