"""Smoke suite gatherers: one request per endpoint, shared by every check on it.

Each endpoint's answer is an observation: a response (whatever its status: a 500 is a
finding) or the reason there was none (refused, timed out, TLS), which makes every check of
that endpoint errored instead of judged."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from readiness.suite import (
    BodyNotRead,
    Component,
    Observed,
    component_for,
    evidence,
    failed,
    gate_run,
    not_applicable,
    require_component,
    why_no_answer,
)

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
    failure: str | None = None  # why there was no answer (the checks are then errored)
    truncated: bool = False  # the body went past gates.yaml's http.max_body_bytes
    redirect_loop: int = 0  # redirects followed before giving up (an endless chain), else 0

    @property
    def subject(self) -> str:
        return f"{self.method} {evidence.redact_url(self.url)}"

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def endpoints(config: pytest.Config) -> list[Endpoint]:
    comp = component_for(config, SUITE_DIR)
    if comp is None:
        return []
    run = gate_run(config)
    pages = run.config.pages if run else ["/"]
    return comp.settings.endpoints or [Endpoint(path=p) for p in pages]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each check runs on every endpoint (its marker's ``applies=`` keeps the ones it judges);
    none -> not planned (not skipped)."""
    if "endpoint" in metafunc.fixturenames:
        chosen = endpoints(metafunc.config)
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
        try:
            response = http.request(
                endpoint.method,
                url,
                headers=endpoint.headers,
                data=endpoint.body,
                allow_redirects=True,
                **options,
            )
            body = response.content  # the latency includes the whole body, as a user waits
        except requests.TooManyRedirects as exc:
            # Every hop answered: an endless redirect is what the target does, a finding the
            # status and redirect checks judge (failed), not a reason to judge nothing.
            if exc.response is None:
                raise
            return _redirect_loop(url, endpoint.method, exc.response)
        except requests.RequestException as exc:
            # No answer is no observation: every check of this endpoint is errored with why.
            # (A status and headers followed by a body that never arrived is said so.)
            kind = "no complete answer" if isinstance(exc, BodyNotRead) else "no answer"
            why = f"{kind}: {type(exc).__name__}: {why_no_answer(exc)}"
            return Observation(url, endpoint.method, 0, {}, b"", url, [], failure=why)
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
        truncated=bool(getattr(first, "truncated", False)),
    )


def _redirect_loop(url: str, method: str, last: requests.Response) -> Observation:
    chain = [(r.status_code, r.url) for r in [*last.history, last]]
    return Observation(
        url=url,
        method=method,
        status=last.status_code,
        headers=dict(last.headers),
        body=b"",
        final_url=last.headers.get("Location", last.url),
        chain=chain,
        redirect_loop=len(chain),
    )


@pytest.fixture
def observed(observe, endpoint: Endpoint) -> Observation:
    return observe(endpoint)


@pytest.fixture
def timed(observed: Observation, endpoint: Endpoint) -> Observed[list[float]]:
    """The endpoint's latencies, observed only when it answered as expected: the time an
    error page takes says nothing about the service's latency."""
    if observed.failure is not None:
        return failed(observed.subject, observed.failure)
    if observed.status not in endpoint.status:
        return failed(
            observed.subject,
            f"latency not judged: answered HTTP {observed.status}, not {endpoint.status}",
        )
    return Observed(observed.subject, observed.latencies_ms)
