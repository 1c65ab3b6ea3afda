"""readiness.load.run_locust against real processes: Locust missing, and Locust overrunning
its timeout. No request is sent: the target port is closed and no task makes a request."""

from __future__ import annotations

import stat
import sys
import time
from pathlib import Path

from helpers import closed_port

from readiness.load import STOP_GRACE_S, LoadPlan, run_locust

IDLE_LOCUSTFILE = """from locust import User, constant, task


class Idle(User):
    wait_time = constant(60)

    @task
    def nothing(self):
        pass
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


def test_overrun_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    run = run_locust(_plan(tmp_path, timeout_s=3))
    elapsed = time.monotonic() - started
    assert run.timed_out and run.error == "Locust did not finish within 3 s and was stopped"
    assert elapsed < 3 + STOP_GRACE_S
    # SIGTERM lets Locust shut down cleanly, so its (empty) statistics are still written.
    assert (tmp_path / "out" / "locust.json").is_file()
