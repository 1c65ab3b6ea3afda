"""SIGINT and SIGTERM reach the main thread: the threads the engine starts block them.

The kernel gives a process-directed signal to any thread that does not block it. Python runs
its handlers in the main thread only, once that thread wakes: a SIGTERM that landed in the
request-deadline thread left the main thread asleep in a check's 60 s wait, and the run
ignored it for the whole wait (tests/e2e/test_engine.py's interrupt test, once in five runs
of the suite). Which thread the kernel picks cannot be forced from a test, so this checks
the mechanism itself: each such thread's signal mask, as /proc shows it.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest
import requests

from readiness.demo import DemoServer
from readiness.plugin.deadline import deadline

STOP = (signal.SIGINT, signal.SIGTERM)


def blocked(thread: threading.Thread) -> set[int]:
    """The signals ``thread`` blocks (SigBlk in /proc/self/task/<tid>/status)."""
    status = Path(f"/proc/self/task/{thread.native_id}/status").read_text(encoding="ascii")
    mask = int(
        next(line for line in status.splitlines() if line.startswith("SigBlk:")).split()[1], 16
    )
    return {n for n in range(1, 65) if mask >> (n - 1) & 1}


pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")


def test_the_request_deadline_thread_leaves_the_signals_to_the_main_thread() -> None:
    with deadline(30.0):
        (thread,) = [t for t in threading.enumerate() if t.name == "request-deadlines"]
        assert set(STOP) <= blocked(thread)
    assert not set(STOP) & blocked(threading.main_thread())


def test_the_demo_servers_threads_leave_the_signals_to_the_main_thread() -> None:
    before = set(threading.enumerate())
    with DemoServer("healthy") as server:
        assert requests.get(server.url + "/api/health", timeout=10).ok
        started = [t for t in threading.enumerate() if t not in before]
        assert started  # cheroot's workers and the serve thread
        for thread in started:
            assert set(STOP) <= blocked(thread), thread.name
    assert not set(STOP) & blocked(threading.main_thread())
