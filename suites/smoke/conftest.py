"""Smoke suite gatherers: one request per endpoint, shared by every check on it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from readiness.config import Component
from readiness.plugin import component_for, require_component
from readiness.recorder import not_applicable

from .settings import Endpoint

SUITE_DIR = Path(__file__).parent


@dataclass
class Observation:
    """What one endpoint answered: the first response in full, the others timed."""

    url: str
    method: str
    status: int
    headers: dict[str, str]
    body: bytes
    final_url: str
    chain: list[tuple[int, str]]  # redirects followed, in order: (status, url)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def latency_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def endpoints(config: pytest.Config) -> list[Endpoint]:
    comp = component_for(config, SUITE_DIR)
    if comp is None:
        return []
    from readiness.plugin import gate_run

    run = gate_run(config)
    pages = run.config.pages if run else ["/"]
    return comp.settings.endpoints or [Endpoint(path=p) for p in pages]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each check runs on the endpoints it applies to; none -> not planned (not skipped)."""
    if "endpoint" in metafunc.fixturenames:
        applies: Callable[[Endpoint], bool] = getattr(metafunc.function, "applies", lambda e: True)
        chosen = [e for e in endpoints(metafunc.config) if applies(e)]
        params = [pytest.param(e, id=e.id) for e in chosen] or [not_applicable()]
        metafunc.parametrize("endpoint", params)
    if "availability" in metafunc.fixturenames:
        comp = component_for(metafunc.config, SUITE_DIR)
        probe = comp.settings.availability if comp else None
        param = pytest.param(probe, id=probe.path) if probe else not_applicable()
        metafunc.parametrize("availability", [param])


@pytest.fixture(scope="session")
def smoke(request: pytest.FixtureRequest) -> Component:
    return require_component(request.config, SUITE_DIR)


@pytest.fixture(scope="session")
def request_options(gate) -> dict[str, Any]:
    # TLS verification (and any trusted CA) is set on the shared `http` session.
    return {"timeout": gate.config.timeout_s}


@pytest.fixture(scope="session")
def observe(http: requests.Session, target: str, smoke, request_options):
    """observe(endpoint) -> Observation, fetched once per endpoint for the whole run."""
    cache: dict[str, Observation] = {}

    def fetch(endpoint: Endpoint) -> Observation:
        if endpoint.id not in cache:
            cache[endpoint.id] = _fetch(
                http, target, endpoint, smoke.settings.latency_samples, request_options
            )
        return cache[endpoint.id]

    return fetch


def _fetch(
    http: requests.Session, target: str, endpoint: Endpoint, samples: int, options: dict[str, Any]
) -> Observation:
    url = target + endpoint.path
    latencies = []
    first: requests.Response | None = None
    for _ in range(samples):
        start = time.perf_counter()
        response = http.request(
            endpoint.method,
            url,
            headers=endpoint.headers,
            data=endpoint.body,
            allow_redirects=True,
            **options,
        )
        body = response.content  # the latency includes the whole body, as a user waits for it
        latencies.append((time.perf_counter() - start) * 1000.0)
        if first is None:
            first, first_body = response, body
    assert first is not None
    return Observation(
        url=url,
        method=endpoint.method,
        status=first.status_code,
        headers=dict(first.headers),
        body=first_body,
        final_url=first.url,
        chain=[(r.status_code, r.url) for r in first.history],
        latencies_ms=latencies,
    )


@pytest.fixture
def observed(observe, endpoint: Endpoint) -> Observation:
    return observe(endpoint)
