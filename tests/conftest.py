"""Fixtures for the harness's own tests: run the real gate, serve small WSGI apps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import GateRunResult, run_gate_process

from readiness.demo import WsgiServer


@pytest.fixture
def run_gate(tmp_path: Path) -> Callable[..., GateRunResult]:
    """run_gate(*args, env=...) -> the finished run, its exit code, output and reports."""

    def run(*args: str, **kwargs: Any) -> GateRunResult:
        return run_gate_process(tmp_path / "reports", *args, **kwargs)

    return run


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[..., Any]], str]]:
    """serve(wsgi_app) -> base URL on 127.0.0.1; every server is stopped after the test."""
    servers: list[WsgiServer] = []

    def start(app: Callable[..., Any]) -> str:
        server = WsgiServer(app).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()
