"""The Locust run a load component asks for: the generated locustfile's scenario (secrets kept
out of it), local or remote workers, the abort rules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from readiness.suite import (
    MOST_FAILED,
    Component,
    GateRun,
    Redactor,
    evidence,
)

from .locustfile import SECRET_PREFIX, render, scenario_dict
from .results import PERCENTILES
from .runner import LoadPlan, MasterSpec, free_port
from .settings import Endpoint, Settings

START_GRACE_S = 30  # interpreter + Locust start-up (and local workers connecting)


def endpoints(comp: Component, gate: GateRun | None) -> list[Endpoint]:
    settings: Settings = comp.settings
    if settings.endpoints or settings.locustfile:
        return list(settings.endpoints)
    pages = gate.config.pages if gate else ["/"]
    return [Endpoint(path=p) for p in pages]


def build_plan(gate: GateRun, comp: Component, out_dir: Path) -> LoadPlan:
    settings: Settings = comp.settings
    workers = (os.cpu_count() or 1) if settings.workers == "auto" else int(settings.workers)
    local_workers = workers if settings.mode == "local" else 0
    user_file = Path(settings.locustfile).resolve() if settings.locustfile else None
    secrets: dict[str, str] = {}
    redactor = gate.config.redactor
    scenario = scenario_dict(
        # Only a fallback: Locust's -H (the real target) sets the users' host, and a
        # master hands it to its workers; the file lands in the report folder.
        host=redactor.url(gate.target),
        endpoints=[_hide_secrets(e, secrets, redactor) for e in endpoints(comp, gate)],
        think_time_s=settings.think_time_s,
        stages=[s.model_dump() for s in settings.stages],
        spawn_rate=settings.spawn_rate,
        client=settings.client,
        verify=gate.trust.verify,
        ca_pem=gate.trust.extra_pem,
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


def request_name(endpoint: Endpoint, redactor: Redactor) -> str:
    """The name Locust groups the endpoint's requests under (and writes into its statistics
    files, in the report folder): its id, without secrets (a ``?token=`` in its path)."""
    return redactor.text(endpoint.id)


def _hide_secrets(
    endpoint: Endpoint, secrets: dict[str, str], redactor: Redactor
) -> dict[str, Any]:
    """The endpoint for the locustfile, with secret header values, and a path or body that
    holds a secret, moved to environment variables of the Locust processes: the locustfile
    is kept in the report folder, where secrets must not be."""
    data = {**endpoint.model_dump(), "name": request_name(endpoint, redactor)}

    def hidden(value: str) -> str:
        variable = f"READINESS_LOAD_SECRET_{len(secrets)}"
        secrets[variable] = value
        return SECRET_PREFIX + variable

    headers = {}
    for name, value in endpoint.headers.items():
        secret = name.lower() in evidence.SECRET_HEADERS or redactor.text(value) != value
        headers[name] = hidden(value) if secret else value
    data["headers"] = headers
    for key in ("path", "body"):
        value = data[key]
        if isinstance(value, str) and redactor.text(value) != value:
            data[key] = hidden(value)
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
