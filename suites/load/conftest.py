"""Load suite gatherer: one Locust run for the whole session, shared by every load check.

The run is an observation (``load_results``), and so is what the checks derive from it: its
requests (``load_requests``: none answered is not a run failure, availability still judges
it) and their latency (``load_latency``, ``endpoint_latency``: taken over the successful
requests only, and not observed at all when most requests failed). Each check declares on
its marker which of them it judges; the engine ends it as errored on the first one that
failed, before its judgement runs.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from readiness.suite import (
    Component,
    GateRun,
    Observed,
    Threshold,
    component_for,
    gate_run,
    not_applicable,
    require_component,
)

from .plan import build_plan, endpoints
from .results import (
    LoadResults,
    endpoint_entry,
    latency_observation,
    read_results,
    requests_observation,
    summary,
)
from .runner import LoadPlan, load_refusal, run_locust
from .settings import Endpoint, Settings
from .stats import (
    EntryStats,
)

SUITE_DIR = Path(__file__).parent


def endpoint_threshold(comp: Component, endpoint: Endpoint | None, key: str) -> Threshold | None:
    """The endpoint's own budget for ``key``, else the component's (None: neither)."""
    own = getattr(endpoint, key, None) if endpoint is not None else None
    return own or comp.threshold(key)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Per-endpoint checks run on every endpoint (their marker's ``applies=`` keeps those
    with a budget); none at all (a locustfile without endpoints) -> not planned."""
    comp = component_for(metafunc.config, SUITE_DIR)
    if "endpoint" not in metafunc.fixturenames or comp is None:
        return
    chosen = endpoints(comp, gate_run(metafunc.config))
    params = [pytest.param(e, id=e.id) for e in chosen] or [not_applicable()]
    metafunc.parametrize("endpoint", params)


@pytest.fixture(scope="session")
def load(request: pytest.FixtureRequest) -> Component:
    return require_component(request.config, SUITE_DIR)


@pytest.fixture(scope="session")
def load_results(gate: GateRun, load: Component, request: pytest.FixtureRequest) -> LoadResults:
    settings: Settings = load.settings
    refusal = load_refusal(gate.target, settings.allow_remote, gate.options.allow_load_on)
    if refusal:
        return LoadResults(settings, skipped=refusal)
    out_dir = gate.run_dir / "load"
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = build_plan(gate, load, out_dir)
    results = LoadResults(settings, redact=gate.config.redactor.text)
    if settings.mode == "master":
        results.worker_command = _announce_master(gate, load, plan, request.config)
    results.run = run = run_locust(plan)
    if run.error:
        results.error, results.tail = run.error, run.tail
        return results
    read_results(results, out_dir, settings)
    if results.total is not None and results.total.requests:
        gate.note("load", summary(results))
    return results


@pytest.fixture(scope="session")
def load_requests(load_results: LoadResults) -> Observed[EntryStats] | None:
    return requests_observation(load_results)


@pytest.fixture(scope="session")
def load_latency(load_results: LoadResults) -> Observed[EntryStats] | None:
    """The whole run's latency: it decides every latency check, the endpoints' too (a run
    that mostly failed describes no endpoint's service either)."""
    return (
        latency_observation(load_results.total, "all endpoints") if load_results.measured else None
    )


@pytest.fixture
def endpoint_latency(
    load_results: LoadResults, endpoint: Endpoint
) -> list[Observed[EntryStats]] | None:
    """The endpoint's requests, then their latency (by the same rule as the run's)."""
    if not load_results.measured or load_results.total is None or not load_results.total.requests:
        return None  # the run's own observations say why
    found = endpoint_entry(load_results, endpoint)
    if found.failure is not None:
        return [found]
    return [found, latency_observation(found.data, endpoint.id)]


def _announce_master(gate: GateRun, load: Component, plan: LoadPlan, config: pytest.Config) -> str:
    """Remote workers need a command to start: print it now (the master waits) and keep it."""
    assert plan.master is not None
    bind = plan.master.bind_host
    host = socket.getfqdn() if bind in ("0.0.0.0", "*", "") else bind
    # `-f -` downloads the generated locustfile from the master; a user's own locustfile
    # must be on the worker (the master's copy imports it by path).
    source = load.settings.locustfile or "-"
    command = " ".join(plan.worker_command(host, source))
    line = (
        f"load: the Locust master waits for {plan.master.expect} worker(s);"
        f" start each with: {command}"
    )
    gate.note("load", line)
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)
    return command
