"""Load suite gatherer: one Locust run for the whole session, shared by every load check.

The run is an observation (``load_results``), and so is what the checks derive from it: its
requests (``load_requests``: none answered is not a run failure, availability still judges
it) and their latency (``load_latency``, ``endpoint_latency``: taken over the successful
requests only, and not observed at all when most requests failed). Each check declares on
its marker which of them it judges; the engine ends it as errored on the first one that
failed, before its judgement runs.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from readiness.suite import (
    MOST_FAILED,
    Component,
    Evidence,
    GateRun,
    Observed,
    Threshold,
    component_for,
    evidence,
    failed,
    gate_run,
    not_applicable,
    observed,
    require_component,
)

from .chart import svg_chart
from .locustfile import SECRET_PREFIX, render, scenario_dict
from .runner import LoadPlan, LoadRun, MasterSpec, free_port, load_refusal, run_locust
from .settings import Endpoint, Settings
from .stats import (
    EntryStats,
    Failure,
    HistoryRow,
    Point,
    aggregate,
    latency_failure,
    parse_errors,
    parse_history_csv,
    parse_stats_json,
    parse_successes,
    time_series,
    with_successes,
)

SUITE_DIR = Path(__file__).parent
START_GRACE_S = 30  # interpreter + Locust start-up (and local workers connecting)
PERCENTILES = {"p50_ms": 0.50, "p95_ms": 0.95, "p99_ms": 0.99}


def endpoints(comp: Component, gate: GateRun | None) -> list[Endpoint]:
    settings: Settings = comp.settings
    if settings.endpoints or settings.locustfile:
        return list(settings.endpoints)
    pages = gate.config.pages if gate else ["/"]
    return [Endpoint(path=p) for p in pages]


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


@dataclass
class LoadResults:
    """What the run produced, or why it produced nothing usable: an observation whose
    ``failure`` is the run's error. A refused target (``skipped``) is no failure: the
    checks skip with its reason."""

    settings: Settings
    skipped: str | None = None
    error: str | None = None
    tail: str = ""
    run: LoadRun | None = None
    entries: list[EntryStats] = field(default_factory=list)
    total: EntryStats | None = None
    series: list[Point] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)  # users and p95, each second
    unanswered: str | None = None  # why not one request completed while users ran
    failures: list[Failure] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    abort: dict[str, Any] | None = None
    worker_command: str | None = None
    chart: str | None = None

    @property
    def subject(self) -> str:
        s = self.settings
        shape = f"{len(s.stages)} stages" if s.stages else f"{s.users} users"
        return f"load run ({shape}, {s.planned_seconds} s)"

    @property
    def failure(self) -> str | None:
        return self.error

    @property
    def evidence(self) -> list[Evidence]:
        """What explains a failed run, shown on every check it leaves errored."""
        return run_failure_evidence(self) if self.error else []

    @property
    def measured(self) -> bool:
        """Locust ran and its statistics were read (what the derived observations need)."""
        return self.skipped is None and self.error is None and self.total is not None


def requests_observation(results: LoadResults) -> Observed[EntryStats] | None:
    """The run's completed requests; failed when none completed (a hung target). None when
    there is no run to derive them from (its own observation says why)."""
    if not results.measured or results.total is None:
        return None
    subject = "requests under load"
    if results.total.requests == 0:
        return failed(subject, results.unanswered or "no request completed")
    return observed(subject, results.total)


def latency_observation(entry: EntryStats | None, scope: str) -> Observed[EntryStats]:
    """``entry``'s successful requests' response times, unless they cannot describe the
    service (stats.latency_failure: most requests failed, or none succeeded)."""
    subject = f"response times ({scope})"
    if entry is None:
        return failed(subject, "no such requests in the run")
    reason = latency_failure(entry)
    return observed(subject, entry) if reason is None else failed(subject, reason)


def endpoint_entry(results: LoadResults, endpoint: Endpoint) -> Observed[EntryStats]:
    """The endpoint's statistics; failed when the run has no requests under its name."""
    entry = next((e for e in results.entries if e.name == endpoint.id), None)
    subject = f"requests named {endpoint.id!r}"
    if entry is None or entry.requests == 0:
        names = sorted(e.name for e in results.entries)
        return failed(subject, f"none in the run (names: {names})")
    return observed(subject, entry)


def run_failure_evidence(results: LoadResults) -> list[Evidence]:
    """What explains a failed run: Locust's last output lines and how it was run."""
    tail = [evidence.text("Locust output (last lines)", results.tail)] if results.tail else []
    return [*tail, *commands_evidence(results)]


def commands_evidence(results: LoadResults) -> list[Evidence]:
    """How Locust was run: its command lines, and its wall time against the planned time
    (the difference is the suite's start-up and tear-down overhead)."""
    run = results.run
    if run is None:
        return []
    found = {
        "wall_s": round(run.wall_s, 3),
        "planned_s": results.settings.planned_seconds,
        "returncode": run.returncode,
        "local_workers": run.workers,  # the master's account: expected, connected, lost
        "aborted": results.abort,
    }
    if results.worker_command:
        found["remote_worker_command"] = results.worker_command
    shown = " ".join(run.command)
    return [evidence.text("Locust command(s)", shown), evidence.json("Locust run", found)]


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
        if name.lower() in evidence.SECRET_HEADERS:
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
        found = comp.threshold(key)
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
    grace = comp.settings.abort_grace_s
    # Latency is not judged while most requests fail, in the run as in the checks.
    return {"rules": rules, "grace_s": grace, "min_requests": 50, "most_failed": MOST_FAILED}


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


def _nothing_completed(results: LoadResults, settings: Settings) -> None:
    """Why a run has no request at all. The generated scenario's users request without
    pause, so users running and nothing completed means the target answered nothing: the
    run is observed (availability judges it: all down), its requests are not. Otherwise
    Locust itself made no requests: the run failed."""
    loaded = sum(1 for row in results.history if row.users > 0)
    if settings.locustfile is None and loaded:
        results.unanswered = (
            f"no request was answered in {loaded} s with users running (a hung target?)"
        )
    else:
        results.error = "Locust ran but made no requests (check the scenario or the locustfile)"


def _read(results: LoadResults, out_dir: Path, settings: Settings) -> None:
    # run_locust made sure Locust wrote its statistics.
    entries = parse_stats_json((out_dir / "locust.json").read_text(encoding="utf-8"))
    # Written by the generated locustfile's quit hook (template.py); without it the entries
    # keep no successes, and their latency is not observed.
    if (successes := _text(out_dir / "successes.json")) is not None:
        entries = with_successes(entries, parse_successes(successes))
    results.entries = entries
    results.total = total = aggregate(entries)
    history = _text(out_dir / "locust_stats_history.csv")
    if history is not None:
        results.history = parse_history_csv(history)
    if total.requests == 0:
        _nothing_completed(results, settings)
        return
    if history is not None:
        results.series = time_series(results.history, total)
        (out_dir / "timeseries.svg").write_text(svg_chart(results.series), encoding="utf-8")
        results.chart = f"{out_dir.name}/timeseries.svg"  # relative to the run directory
    # Written by the generated locustfile's hooks (template.py).
    if (errors := _text(out_dir / "errors.json")) is not None:
        results.failures = parse_errors(errors)
    if (exceptions := _text(out_dir / "exceptions.json")) is not None:
        results.exceptions = json.loads(exceptions)
    if (abort := _text(out_dir / "abort.json")) is not None:
        results.abort = json.loads(abort)


def _text(path: Path) -> str | None:
    """A file Locust or the locustfile may have written (None: it did not)."""
    return path.read_text(encoding="utf-8") if path.is_file() else None
