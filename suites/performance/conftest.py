"""Performance suite gatherers: each page measured once per run (N loads), shared by its checks.

Pages are measured one at a time, never concurrently: two cores shared by the browser, the
target and the harness would skew every timing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from readiness.suite import (
    NOT_APPLICABLE,
    BrowserSession,
    Component,
    MissingSecret,
    component_for,
    expand_env,
    latency_failure,
    not_applicable,
    planned_pages,
    require_component,
)

from .collect import PageLoader, PageRun
from .settings import ApiEndpoint, Settings

SUITE_DIR = Path(__file__).parent


@dataclass
class PageMeasurement:
    """All runs of one page; ``runs`` holds only the loads that measured something."""

    path: str
    runs: list[PageRun] = field(default_factory=list)
    error: str | None = None  # set when no run measured anything

    @property
    def subject(self) -> str:
        return f"page {self.path}"

    @property
    def failure(self) -> str | None:
        return self.error


@dataclass
class ApiTiming:
    endpoint: ApiEndpoint
    latencies_ms: list[float]  # successful responses only
    failures: dict[str, int]

    @property
    def subject(self) -> str:
        return f"{self.endpoint.method} {self.endpoint.path} x{self.endpoint.requests}"

    @property
    def failure(self) -> str | None:
        return latency_failure(sum(self.failures.values()), self.endpoint.requests)


def _settings(config: pytest.Config) -> Settings | None:
    comp = component_for(config, SUITE_DIR)
    return comp.settings if comp is not None else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Page checks run on every planned page; budget checks on each configured type x page."""
    settings = _settings(metafunc.config)
    pages = planned_pages(metafunc.config) if settings is not None else []
    names = metafunc.fixturenames
    if "page_path" in names and "resource_type" in names:
        pairs = [(t, p) for p in pages for t in (settings.budgets if settings else {})]
        params = [pytest.param(t, p, id=f"{t}.{p}") for t, p in pairs]
        metafunc.parametrize(
            "resource_type,page_path",
            params
            or [pytest.param(None, None, id="n/a", marks=getattr(pytest.mark, NOT_APPLICABLE))],
        )
    elif "page_path" in names:
        params = [pytest.param(p, id=p) for p in pages] or [not_applicable()]
        metafunc.parametrize("page_path", params)
    if "api_endpoint" in names:
        api = settings.api if settings else []
        params = [pytest.param(a, id=a.id) for a in api] or [not_applicable()]
        metafunc.parametrize("api_endpoint", params)


@pytest.fixture(scope="session")
def performance(request: pytest.FixtureRequest) -> Component:
    return require_component(request.config, SUITE_DIR)


@pytest.fixture(scope="session")
def measure_page(
    browser_session: BrowserSession, performance: Component
) -> Iterator[Callable[[str], PageMeasurement]]:
    """measure_page(path) -> PageMeasurement, loaded ``runs`` times once for the whole run."""
    settings: Settings = performance.settings
    cache: dict[str, PageMeasurement] = {}
    # One loader for every page: each run's context is prepared during the previous run's
    # quiet window, across pages too.
    with PageLoader(browser_session, settings.profile, settings.settle_ms) as loader:

        def get(path: str) -> PageMeasurement:
            if path not in cache:
                cache[path] = measure_runs(loader, path, settings.runs)
            return cache[path]

        yield get


def measure_runs(loader: PageLoader, path: str, runs: int) -> PageMeasurement:
    """``path`` loaded ``runs`` times; the runs that measured something, or why none did."""
    if loader.session.auth_error:
        return PageMeasurement(path, error=loader.session.auth_error)
    result = PageMeasurement(path)
    errors = []
    for _ in range(runs):
        run = loader.measure(path)
        if run.error:
            errors.append(run.error)
            if run.final and not result.runs:
                # The first answer was not the page (an error, not HTML, the sign-in form, a
                # redirect of its own, a script that never yields, no load event within
                # timeout_s): it would be again. After a good run it is flaky.
                break
        else:
            result.runs.append(run)
    if not result.runs:
        result.error = errors[0] if errors else "no run measured anything"
    return result


@pytest.fixture
def measured(measure_page, page_path: str) -> PageMeasurement:
    return measure_page(page_path)


@pytest.fixture
def api_timing(time_api, api_endpoint: ApiEndpoint) -> ApiTiming:
    return time_api(api_endpoint)


@pytest.fixture(scope="session")
def time_api(http: requests.Session, target: str, gate) -> Callable[[ApiEndpoint], ApiTiming]:
    """time_api(endpoint) -> ApiTiming: N sequential requests, timed once per run."""
    cache: dict[str, ApiTiming] = {}

    def get(endpoint: ApiEndpoint) -> ApiTiming:
        if endpoint.id not in cache:
            cache[endpoint.id] = _time_api(http, target, endpoint, gate.config.timeout_s)
        return cache[endpoint.id]

    return get


def _time_api(
    http: requests.Session, target: str, endpoint: ApiEndpoint, timeout_s: float
) -> ApiTiming:
    try:
        headers = {k: expand_env(v) for k, v in endpoint.headers.items()}
    except MissingSecret as exc:
        return ApiTiming(endpoint, [], {str(exc): endpoint.requests})
    latencies: list[float] = []
    failures: dict[str, int] = {}
    for _ in range(endpoint.requests):
        start = time.perf_counter()
        try:
            response = http.request(
                endpoint.method,
                target + endpoint.path,
                data=endpoint.body,
                json=endpoint.json_body,
                headers=headers,
                timeout=timeout_s,
            )
            _ = response.content  # the latency includes the whole body
        except requests.RequestException as exc:
            key = exc.__class__.__name__
            failures[key] = failures.get(key, 0) + 1
            continue
        elapsed = (time.perf_counter() - start) * 1000.0
        if response.status_code in endpoint.status:
            latencies.append(elapsed)
        else:
            key = f"HTTP {response.status_code}"
            failures[key] = failures.get(key, 0) + 1
    return ApiTiming(endpoint, latencies, failures)
