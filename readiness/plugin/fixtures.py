"""Fixtures a suite's checks use: the run, the target, their component, the recorder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from readiness import __version__
from readiness.config import Component
from readiness.plugin.gate import GateRun
from readiness.plugin.http import BoundedSession
from readiness.plugin.recorder import CheckRecorder
from readiness.plugin.stash import META_KEY, RECORDER_KEY, gate_run

USER_AGENT = f"readiness-gate/{__version__}"


@pytest.fixture(scope="session")
def gate(request: pytest.FixtureRequest) -> GateRun:
    """The current gate run (configuration, target, run directory)."""
    run = gate_run(request.config)
    if run is None:
        raise pytest.UsageError(
            "readiness checks need a gate: run `readiness-gate` or pass --gates/--target"
        )
    return run


@pytest.fixture(scope="session")
def target(gate: GateRun) -> str:
    """Base URL of the target, without a trailing slash."""
    return gate.target.rstrip("/")


@pytest.fixture
def component(gate: GateRun, request: pytest.FixtureRequest) -> Component:
    """Configuration of the component the requesting check belongs to."""
    return gate.config.components[request.node.stash[META_KEY].component]


@pytest.fixture
def check(request: pytest.FixtureRequest, gate: GateRun) -> CheckRecorder:
    """Record this check's result: ``check.metric(...)``, ``check.expect(...)``."""
    meta = request.node.stash.get(META_KEY, None)
    if meta is None:
        raise pytest.UsageError(f"{request.node.nodeid} is not inside a configured suite folder")
    recorder = CheckRecorder(meta)
    request.node.stash[RECORDER_KEY] = recorder
    return recorder


@pytest.fixture(scope="session")
def http(gate: GateRun) -> Iterator[requests.Session]:
    """One HTTP session for the run: a stable User-Agent, connection reuse, no env proxies
    (a gate measures the target, not a corporate proxy in front of it), and every request
    within gates.yaml's http: deadline and body cap, verified against the run's one trust
    store (readiness/plugin/trust.py; requests alone would use certifi's bundle)."""
    with BoundedSession(gate.limits) as session:
        session.headers["User-Agent"] = USER_AGENT
        session.trust_env = False
        session.verify = gate.verify
        yield session
