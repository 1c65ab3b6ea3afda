"""Every request of the shared HTTP session has a whole-request deadline and a body cap
(gates.yaml http:): a body that trickles no longer holds the run forever, a huge one is not
read whole, and what was cut is said."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import write_gates


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def test_a_body_that_trickles_is_cut_at_the_deadline(
    run_gate, serve, tmp_path: Path, release: threading.Event
) -> None:
    # One byte, then one more each time the server's clock ticks (0.4 s): every read answers
    # well within timeout_s, so only a deadline on the whole request ends it.
    def trickle(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])

        def body() -> Iterator[bytes]:
            for _ in range(10_000):
                yield b"x"
                if release.wait(0.4):
                    return

        return body()

    gates = write_gates(
        tmp_path,
        f"target: {serve(trickle)}\ntimeout_s: 5\nhttp: {{deadline_s: 2}}\n"
        "components:\n  smoke: {weight: 1, blocking: true, availability: null}\n",
    )
    result = run_gate("--gates", str(gates))
    status = result.check("smoke.status./")
    assert status["outcome"] == "errored", status
    assert "no complete answer within 2 s" in status["message"], status
    assert result.readiness["verdict"] == "INCONCLUSIVE"


def test_a_body_past_the_cap_is_read_up_to_it_and_said(run_gate, serve, tmp_path: Path) -> None:
    chunk = b"<p>" + b"y" * 65_533

    def huge(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        return (chunk for _ in range(16 * 30))  # 30 MiB, never held whole by the server

    gates = write_gates(
        tmp_path,
        f"target: {serve(huge)}\nhttp: {{max_body_bytes: 100000}}\n"
        "components:\n  smoke:\n    weight: 1\n    availability: null\n"
        "    endpoints: [{path: /, max_bytes: 200000}]\n",
    )
    result = run_gate("--gates", str(gates))
    status = result.check("smoke.status./")
    assert status["outcome"] == "passed"
    read = next(e for e in status["evidence"] if e["label"] == "body read")
    assert read["content"] == "the first 100000 bytes (http.max_body_bytes); more followed"
    size = result.check("smoke.size./")
    # 100 KB read of a 30 MiB body proves nothing about a 200 KB cap: not judged, not passed.
    assert size["outcome"] == "errored" and "longer than http.max_body_bytes" in size["message"]
