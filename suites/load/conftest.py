"""Load suite gatherer: one Locust run for the whole session, shared by every load check."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from readiness.config import Component, Threshold
from readiness.evidence import SECRET_HEADERS
from readiness.gate import GateRun
from readiness.load import LoadPlan, LoadRun, MasterSpec, free_port, load_refusal, run_locust
from readiness.load_chart import svg_chart
from readiness.load_locustfile import SECRET_PREFIX, render, scenario_dict
from readiness.load_stats import (
    EntryStats,
    Failure,
    HistoryRow,
    Point,
    aggregate,
    parse_errors,
    parse_history_csv,
    parse_stats_json,
    time_series,
)
from readiness.plugin import component_for, gate_run, require_component
from readiness.recorder import NOT_APPLICABLE, not_applicable

from .settings import Endpoint, Settings

SUITE_DIR = Path(__file__).parent
START_GRACE_S = 30  # interpreter + Locust start-up (and local workers connecting)
# Defaults for the checks that always run; the others run only when gates.yaml sets them.
DEFAULTS = {
    "p95_ms": Threshold(good=1000, poor=3000),
    "error_ratio": Threshold(good=0.01, poor=0.05),
    "availability": Threshold(good=0.999, poor=0.99),
}
PERCENTILES = {"p50_ms": 0.50, "p95_ms": 0.95, "p99_ms": 0.99}


def threshold(comp: Component, key: str) -> Threshold | None:
    found = comp.thresholds.get(key) or DEFAULTS.get(key)
    if found is not None and key in ("min_rps", "availability") and found.good == found.poor:
        # A bare number is a floor for these (more is better), not a ceiling.
        found = found.model_copy(update={"higher_is_better": True})
    return found


def endpoints(comp: Component, gate: GateRun | None) -> list[Endpoint]:
    settings: Settings = comp.settings
    if settings.endpoints or settings.locustfile:
        return list(settings.endpoints)
    pages = gate.config.pages if gate else ["/"]
    return [Endpoint(path=p) for p in pages]


def endpoint_threshold(comp: Component, endpoint: Endpoint, key: str) -> Threshold | None:
    return getattr(endpoint, key) or threshold(comp, key)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Per-endpoint percentile checks run on the endpoints that have that budget."""
    key = getattr(metafunc.function, "per_endpoint", None)
    comp = component_for(metafunc.config, SUITE_DIR)
    if key is None or "endpoint" not in metafunc.fixturenames or comp is None:
        return
    chosen = [
        e for e in endpoints(comp, gate_run(metafunc.config)) if endpoint_threshold(comp, e, key)
    ]
    params = [pytest.param(e, id=e.id) for e in chosen] or [not_applicable()]
    metafunc.parametrize("endpoint", params)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Overall checks whose threshold gates.yaml does not set are not planned (the engine
    # drops items marked not-applicable, after this hook).
    comp = component_for(config, SUITE_DIR)
    if comp is None:
        return
    for item in items:
        key = getattr(getattr(item, "function", None), "requires", None)
        if key and item.path.is_relative_to(SUITE_DIR) and threshold(comp, key) is None:
            item.add_marker(getattr(pytest.mark, NOT_APPLICABLE))


@dataclass
class LoadResults:
    """What the run produced, or why it produced nothing usable."""

    settings: Settings
    skipped: str | None = None
    error: str | None = None
    tail: str = ""
    run: LoadRun | None = None
    entries: list[EntryStats] = field(default_factory=list)
    total: EntryStats | None = None
    series: list[Point] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)  # users and p95, each second
    unanswered: bool = False  # users ran, and not one request completed
    failures: list[Failure] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    abort: dict[str, Any] | None = None
    worker_command: str | None = None
    chart: str | None = None


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
    plan = _plan(gate, load, out_dir)
    results = LoadResults(settings)
    if settings.mode == "master":
        results.worker_command = _announce_master(gate, load, plan, request.config)
    results.run = run = run_locust(plan)
    if run.error:
        results.error, results.tail = run.error, run.tail
        return results
    _read(results, out_dir, settings)
    if results.total is not None and results.total.requests:
        gate.note("load", _summary(results))
    return results


def _summary(results: LoadResults) -> str:
    settings, total = results.settings, results.total
    assert total is not None
    shape = f"{len(settings.stages)} stages" if settings.stages else f"{settings.users} users"
    line = f"{shape}, {settings.planned_seconds} s planned: {total.requests} requests"
    if results.abort:
        a = results.abort
        line += f"; aborted after {a['after_s']} s ({a['metric']} {a['value']:g} >= {a['poor']:g})"
    return line


def _plan(gate: GateRun, comp: Component, out_dir: Path) -> LoadPlan:
    settings: Settings = comp.settings
    workers = (os.cpu_count() or 1) if settings.workers == "auto" else int(settings.workers)
    local_workers = workers if settings.mode == "local" else 0
    user_file = Path(settings.locustfile).resolve() if settings.locustfile else None
    secrets: dict[str, str] = {}
    scenario = scenario_dict(
        host=gate.target,
        endpoints=[_hide_secrets(e, secrets) for e in endpoints(comp, gate)],
        think_time_s=settings.think_time_s,
        stages=[s.model_dump() for s in settings.stages],
        spawn_rate=settings.spawn_rate,
        client=settings.client,
        verify=gate.verify,
        timeout_s=gate.config.timeout_s,
        out_dir=str(out_dir.resolve()),
        abort=_abort_rules(comp) if settings.abort_on_fail else None,
        local_workers=local_workers,
    )
    locustfile = out_dir / "locustfile.py"
    locustfile.write_text(render(scenario, user_file), encoding="utf-8")
    master = None
    if settings.mode == "master":
        master = MasterSpec(
            settings.master_bind_host,
            settings.master_port,
            settings.expect_workers,
            settings.expect_workers_max_wait_s,
        )
    elif local_workers:
        # Local workers talk to the master on loopback only, on a port free right now.
        master = MasterSpec("127.0.0.1", free_port(), local_workers, START_GRACE_S, local=True)
    waiting = master.max_wait_s if master else 0
    staged = bool(settings.stages) and user_file is None
    return LoadPlan(
        locustfile=locustfile,
        out_dir=out_dir,
        host=gate.target,
        users=None if staged else settings.users,
        spawn_rate=settings.spawn_rate,
        run_time_s=None if staged else settings.duration_s,
        timeout_s=settings.planned_seconds + START_GRACE_S + waiting,
        master=master,
        env=secrets,
    )


def _hide_secrets(endpoint: Endpoint, secrets: dict[str, str]) -> dict[str, Any]:
    """The endpoint for the locustfile, with secret header values moved to environment
    variables: the locustfile is kept in the report folder, where secrets must not be."""
    data = {**endpoint.model_dump(), "name": endpoint.id}
    headers = {}
    for name, value in endpoint.headers.items():
        if name.lower() in SECRET_HEADERS:
            variable = f"READINESS_LOAD_SECRET_{len(secrets)}"
            secrets[variable] = value
            value = SECRET_PREFIX + variable
        headers[name] = value
    data["headers"] = headers
    return data


def _abort_rules(comp: Component) -> dict[str, Any]:
    """Overall thresholds that block (component or per-check override) may abort the run."""
    rules = []
    for key in ("p50_ms", "p95_ms", "p99_ms", "error_ratio"):
        found = threshold(comp, key)
        check_id = f"load.{key.removesuffix('_ms')}"
        if found is not None and comp.is_blocking(check_id):
            rules.append(
                {
                    "metric": key,
                    "share": PERCENTILES.get(key, 0.0),
                    "poor": found.poor,
                    "budget": found.good == found.poor,
                }
            )
    return {"rules": rules, "grace_s": comp.settings.abort_grace_s, "min_requests": 50}


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


def _nothing_completed(results: LoadResults, settings: Settings) -> str:
    """Why a run has no request at all. The generated scenario's users request without
    pause, so users running and nothing completed means the target answered nothing: the
    availability check judges that run (all down); the other checks have no data."""
    loaded = sum(1 for row in results.history if row.users > 0)
    if settings.locustfile is None and loaded:
        results.unanswered = True
        return f"no request was answered in {loaded} s with users running (a hung target?)"
    return "Locust ran but made no requests (check the scenario or the locustfile)"


def _read(results: LoadResults, out_dir: Path, settings: Settings) -> None:
    # run_locust made sure Locust wrote its statistics.
    results.entries = parse_stats_json((out_dir / "locust.json").read_text(encoding="utf-8"))
    results.total = total = aggregate(results.entries)
    history = _text(out_dir / "locust_stats_history.csv")
    if history is not None:
        results.history = parse_history_csv(history)
    if total.requests == 0:
        results.error = _nothing_completed(results, settings)
        return
    if history is not None:
        results.series = time_series(results.history, total)
        (out_dir / "timeseries.svg").write_text(svg_chart(results.series), encoding="utf-8")
        results.chart = f"{out_dir.name}/timeseries.svg"  # relative to the run directory
    # Written by the generated locustfile's hooks (readiness/load_template.py).
    if (errors := _text(out_dir / "errors.json")) is not None:
        results.failures = parse_errors(errors)
    if (exceptions := _text(out_dir / "exceptions.json")) is not None:
        results.exceptions = json.loads(exceptions)
    if (abort := _text(out_dir / "abort.json")) is not None:
        results.abort = json.loads(abort)


def _text(path: Path) -> str | None:
    """A file Locust or the locustfile may have written (None: it did not)."""
    return path.read_text(encoding="utf-8") if path.is_file() else None
