"""SIGINT and SIGTERM reach the main thread: the threads the gate starts block them.

The kernel gives a process-directed signal to any thread that does not block it. Python runs
its handlers in the main thread only, once that thread wakes: a SIGTERM that landed in the
request-deadline thread left the main thread asleep in a check's 60 s wait, and the run
ignored it for the whole wait (tests/e2e/test_engine.py's interrupt test, once in five runs
of the suite). Which thread the kernel picks cannot be forced from a test, so this checks
the mechanism itself: each such thread's signal mask, as /proc shows it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from readiness.browser.discovery import started_playwright
from readiness.demo import DemoServer
from readiness.plugin.deadline import deadline
from readiness.plugin.progress_live import LiveLine
from readiness.threads import start_daemon
from suites.security.probes import Probe, send_all

STOP = (signal.SIGINT, signal.SIGTERM)


def _sigblk(status_file: str) -> set[int]:
    """The signals a /proc status file's SigBlk line says are blocked."""
    status = Path(status_file).read_text(encoding="ascii")
    mask = int(
        next(line for line in status.splitlines() if line.startswith("SigBlk:")).split()[1], 16
    )
    return {n for n in range(1, 65) if mask >> (n - 1) & 1}


def blocked(thread: threading.Thread) -> set[int]:
    """The signals ``thread`` (of this process) blocks."""
    return _sigblk(f"/proc/self/task/{thread.native_id}/status")


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


def test_a_thread_from_start_daemon_leaves_the_signals_and_its_maker_keeps_them() -> None:
    release = threading.Event()
    thread = start_daemon(release.wait, "test-daemon")
    try:
        assert thread.daemon and thread.is_alive()
        assert set(STOP) <= blocked(thread)
        assert not set(STOP) & blocked(threading.main_thread())
    finally:
        release.set()
        thread.join()


def test_the_security_probes_workers_leave_the_signals_to_the_main_thread(
    serve: Callable[[Callable[..., Any]], str],
) -> None:
    # The app runs while the probes are in flight: that is when their workers exist.
    seen: dict[str, set[int]] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        for thread in threading.enumerate():
            if thread.name.startswith("security-probe"):
                # An idle worker of an earlier pool may end meanwhile: its /proc entry goes.
                with contextlib.suppress(FileNotFoundError):
                    seen[thread.name] = blocked(thread)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    base = serve(app)
    with requests.Session() as session:
        answers = send_all(
            session,
            [Probe(f"{base}/p{i}") for i in range(3)],
            timeout=10.0,
            concurrency=3,
            deadline_s=30.0,
        )
    assert [a.status for a in answers] == [200, 200, 200]
    assert seen  # the workers were there to be seen
    for name, signals in seen.items():
        assert set(STOP) <= signals, name
    assert not set(STOP) & blocked(threading.main_thread())


def _children() -> set[int]:
    return {
        int(pid)
        for task in Path("/proc/self/task").iterdir()
        for pid in (task / "children").read_text(encoding="ascii").split()
    }


def _process_blocked(pid: int) -> set[int]:
    """The signals process ``pid``'s main thread blocks."""
    return _sigblk(f"/proc/{pid}/status")


def test_playwrights_threads_leave_the_signals_and_its_driver_still_takes_them() -> None:
    # Python 3.11's asyncio waits for the driver in a thread that lasts the whole session.
    # The driver is forked while the signals are blocked; it must not keep them blocked, or
    # Ctrl-C would no longer reach it. Run in a thread of its own: a sync Playwright cannot
    # start where another (the session's `chromium` fixture) has its loop.
    found: dict[str, Any] = {}

    def work() -> None:
        threads_before, children_before = set(threading.enumerate()), _children()
        with started_playwright():
            found["threads"] = {
                t.name: blocked(t) for t in threading.enumerate() if t not in threads_before
            }
            found["children"] = {
                pid: _process_blocked(pid) for pid in _children() - children_before
            }

    worker = threading.Thread(target=work, name="test-playwright")
    worker.start()
    worker.join()
    assert found["children"], "the driver was not seen"
    for pid, signals in found["children"].items():
        assert not set(STOP) & signals, f"driver {pid} blocks {signals}"
    for name, signals in found["threads"].items():
        assert set(STOP) <= signals, name


def test_the_live_progress_lines_refresh_thread_leaves_the_signals(tmp_path: Path) -> None:
    with open(tmp_path / "terminal", "w", encoding="utf-8") as terminal:
        writer = SimpleNamespace(_file=terminal)
        before = set(threading.enumerate())
        line = LiveLine.start(writer, lambda: "3 of 9 checks")
        try:
            started = [t for t in threading.enumerate() if t not in before]
            assert started  # rich's refresh thread
            for thread in started:
                assert set(STOP) <= blocked(thread), thread.name
        finally:
            line.close()
        assert writer._file is terminal
