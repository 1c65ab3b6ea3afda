"""Fixtures for the harness's own tests: run the real gate, serve small WSGI apps."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import GateRunResult, run_gate_process

from readiness.browser import discovery as browser
from readiness.demo import WsgiServer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The layer is the folder: `-m unit` / `-m e2e` / `-m faults` select what tests/unit,
    # tests/e2e and tests/faults hold.
    for item in items:
        layer = Path(item.path).parent.name
        if layer in ("unit", "e2e", "faults"):
            item.add_marker(getattr(pytest.mark, layer))


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


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the browser tests (skipped locally without one, never in CI)."""
    if browser.discover_chromium() is None:
        message = "no Chromium found; install one (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs Chromium: a missing one is a broken setup
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = browser.launch_chromium(pw)
        yield instance
        instance.close()
