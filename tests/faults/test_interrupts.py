"""Ctrl-C in a terminal signals the whole process group: the gate, Playwright's driver,
Chromium and Locust at once. The children may die first. Whatever the timing, the run ends
interrupted: a partial report marked so, every child stopped, exit 130, and nothing a child
reported while it died of the user's signal counted as a finding."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import GateProcess, assert_ended_well

from readiness.demo import WsgiServer

SIGNALS = pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
# Generous: the gate stops in about a second (benchmarks/interrupt.py measures it); the
# bound only turns a hang into a failure.
BOUND_S = 60


def assert_interrupted(ended: Any, sent: int) -> None:
    assert_ended_well(ended, exit_code=130, cause="interrupted")
    data = ended.readiness
    assert data["interrupted"] is True
    name = signal.Signals(sent).name
    stopped = [c for c in ended.checks() if c["outcome"] == "skipped"]
    assert stopped and all(name in c["message"] for c in stopped), stopped[:3]
    # A child that died of the user's signal is not a finding.
    findings = [c["id"] for c in ended.checks() if c["outcome"] in ("errored", "failed")]
    assert findings == [], findings


@SIGNALS
def test_the_group_signalled_during_the_browser_suites(tmp_path: Path, chromium, sent) -> None:
    gate = GateProcess(
        tmp_path / "reports",
        ("--demo", "healthy", "--component", "performance", "--component", "accessibility"),
    )
    # The first browser check has finished: Chromium and the driver are busy with the next.
    gate.wait_for_line(r"suites/(performance|accessibility)/\S+::")
    gate.signal_group(sent)
    assert_interrupted(gate.end(BOUND_S), sent)


class Loaded:
    """A target that says when the load is under way (its 20th request)."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()
        self.under_way = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            self.count += 1
            if self.count >= 20:
                self.under_way.set()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


@pytest.fixture
def loaded() -> Iterator[tuple[Loaded, str]]:
    app = Loaded()
    server = WsgiServer(app).start()
    yield app, server.url
    server.stop()


@SIGNALS
def test_the_group_signalled_during_load(tmp_path: Path, loaded, sent) -> None:
    app, url = loaded
    gates = tmp_path / "gates.yaml"
    gates.write_text(
        f"target: {url}\ncomponents:\n  load:\n    weight: 1\n"
        "    users: 2\n    spawn_rate: 2\n    duration: 60s\n",
        encoding="utf-8",
    )
    gate = GateProcess(tmp_path / "reports", ("--gates", str(gates)))
    assert app.under_way.wait(BOUND_S), "Locust never sent its load"
    gate.signal_group(sent)
    assert_interrupted(gate.end(BOUND_S), sent)
