"""suites.load.runner.run_locust against real processes: Locust missing, Locust overrunning its
timeout, a forked local worker dying. No request is sent: the target port is closed and no
task makes a request."""

from __future__ import annotations

import signal
import stat
import sys
from pathlib import Path

from helpers import closed_port, wait_for_exit, wait_for_file

from suites.load.locustfile import render, scenario_dict
from suites.load.runner import (
    LoadPlan,
    MasterSpec,
    _kill_group,
    _spawn,
    _stop,
    free_port,
    run_locust,
)

IDLE_LOCUSTFILE = """from locust import User, constant, task


class Idle(User):
    wait_time = constant(60)

    @task
    def nothing(self):
        pass
"""


# Worker 1 of 2 dies half a second into the run, after saying so on its output.
DYING_WORKER = """import os

import gevent
from locust import User, constant, events, task
from locust.runners import WorkerRunner


class Idle(User):
    wait_time = constant(0.1)

    @task
    def nothing(self):
        pass


@events.test_start.add_listener
def _die(environment, **_kw):
    runner = environment.runner
    if isinstance(runner, WorkerRunner) and runner.worker_index == 1:

        def exit_now():
            print("worker 1 exits now", flush=True)
            os._exit(3)

        gevent.spawn_later(0.5, exit_now)
"""


def _plan(tmp_path: Path, **changes) -> LoadPlan:
    locustfile = tmp_path / "idle.py"
    locustfile.write_text(IDLE_LOCUSTFILE)
    plan = LoadPlan(
        locustfile=locustfile,
        out_dir=tmp_path / "out",
        host=f"http://127.0.0.1:{closed_port()}",
        users=1,
        spawn_rate=1,
        run_time_s=60,
        timeout_s=30,
    )
    for key, value in changes.items():
        setattr(plan, key, value)
    return plan


def test_locust_missing_is_an_error_with_its_output(tmp_path: Path) -> None:
    # An interpreter without site-packages: the same Python, where `locust` cannot import.
    python = tmp_path / "python-without-locust"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    run = run_locust(_plan(tmp_path, python=str(python)))
    assert run.error == "Locust is not installed in this environment (pip install locust)"
    assert "No module named locust" in run.tail


def test_interpreter_missing_is_an_error(tmp_path: Path) -> None:
    run = run_locust(_plan(tmp_path, python=str(tmp_path / "no-such-python")))
    assert run.error is not None and run.error.startswith("could not start Locust")


# The timeout of the overrun tests: far above Locust's start-up (its workers reported ready
# about 2 s after the start with one core kept busy, on 2 cores), so that the overrun comes
# once Locust is up (its SIGTERM handler installed, its workers connected), not during its
# imports. The run itself is 60 s long: only the timeout can end it.
OVERRUN_TIMEOUT_S = 10


def test_overrun_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    run = run_locust(_plan(tmp_path, timeout_s=OVERRUN_TIMEOUT_S))
    assert run.timed_out, run.tail
    assert run.error == f"Locust did not finish within {OVERRUN_TIMEOUT_S} s and was stopped"
    # Stopped by the SIGTERM, within STOP_GRACE_S: the SIGKILL that follows an unheeded one
    # would show as -9. A clean shutdown writes its (empty) statistics.
    assert run.returncode != -signal.SIGKILL, run.tail
    assert (tmp_path / "out" / "locust.json").is_file()
    assert "Shutting down" in run.tail


def _with_workers(tmp_path: Path, user_locustfile: str, workers: int, **changes) -> LoadPlan:
    """A plan whose master forks ``workers`` local workers, with the gate's own hooks
    wrapped around ``user_locustfile`` (as for a user's locustfile)."""
    user = tmp_path / "user_locustfile.py"
    user.write_text(user_locustfile)
    out = tmp_path / "out"
    scenario = scenario_dict(
        host="http://127.0.0.1:1", endpoints=[], think_time_s=0, stages=[], spawn_rate=10,
        client="fast", verify=True, timeout_s=5, out_dir=str(out), abort=None,
        local_workers=workers,
    )  # fmt: skip
    plan = _plan(tmp_path, out_dir=out, users=4, spawn_rate=10)
    plan.master = MasterSpec("127.0.0.1", free_port(), workers, 20, local=True)
    plan.locustfile = tmp_path / "locustfile.py"
    plan.locustfile.write_text(render(scenario, user))
    for key, value in changes.items():
        setattr(plan, key, value)
    return plan


def _processes_running(marker: Path) -> list[int]:
    """Live (not zombie) processes whose command line names ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if str(marker).encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def test_a_forked_worker_that_dies_ends_the_run_as_an_error(tmp_path: Path) -> None:
    # A 10-minute run with a 2-minute timeout (a hang guard): neither can be what ends it.
    run = run_locust(_with_workers(tmp_path, DYING_WORKER, 2, run_time_s=600, timeout_s=120))
    # Locust's master marks the worker missing after 3 s without a heartbeat; the gate's
    # hook then ends the run: the master quit by itself (not timed out, exit 0), and the
    # hook's own record says it acted (missing_after_s is set only where it quits the run).
    assert not run.timed_out and run.returncode == 0, run.tail
    assert run.workers is not None and run.workers["connected"] == 2
    assert len(run.workers["lost"]) == 1 and run.workers["missing_after_s"] is not None
    # The gate says why there are no results.
    assert run.error is not None and "1 of 2 local Locust worker(s) lost" in run.error, run.tail
    # The forked worker's own output is in the master's log, so in the evidence tail.
    assert "worker 1 exits now" in run.tail


def test_forked_workers_do_not_outlive_an_overrun(tmp_path: Path) -> None:
    plan = _with_workers(tmp_path, IDLE_LOCUSTFILE, 2, timeout_s=OVERRUN_TIMEOUT_S)
    run = run_locust(plan)
    assert run.timed_out and run.error is not None and "did not finish" in run.error
    assert _processes_running(plan.locustfile) == []
    log = (plan.out_dir / "locust.log").read_text()
    assert "2 workers connected" in log and log.count("Got quit message from master") == 2


def test_what_a_master_leaves_behind_is_killed(tmp_path: Path) -> None:
    # A master killed outright leaves its forked workers waiting (a minute) for its heartbeat.
    # Here a shell stands in for the master: it dies on SIGTERM, its child would not.
    marker = tmp_path / "left-behind"
    # The child says it is up by writing the marker file (then waits for a minute).
    code = "import pathlib, sys, time; pathlib.Path(sys.argv[1]).touch(); time.sleep(60)"
    child = f'"{sys.executable}" -c "{code}" {marker}'
    master = _spawn(["sh", "-c", f"{child} & wait"], tmp_path / "log", tmp_path, {})
    wait_for_file(marker)
    assert len(_processes_running(marker)) == 2  # the "master" and its child
    _stop(master)
    (left,) = _processes_running(marker)  # the child is left behind
    _kill_group(master.pid)
    wait_for_exit(left)
    assert _processes_running(marker) == []
