"""What one Locust run produced, read from the files Locust and the generated locustfile
wrote, and the observations the load checks judge: the run, its requests, their latency."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readiness.suite import (
    Evidence,
    Observed,
    evidence,
    failed,
    observed,
)

from .runner import LoadRun
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

PERCENTILES = {"p50_ms": 0.50, "p95_ms": 0.95, "p99_ms": 0.99}


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
    # The run's Redactor.text: Locust knows each endpoint by its id without secrets.
    redact: Callable[[str], str] = field(default=str, repr=False)

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
    name = results.redact(endpoint.id)  # as plan.request_name gave it to Locust
    entry = next((e for e in results.entries if e.name == name), None)
    subject = f"requests named {name!r}"
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


def summary(results: LoadResults) -> str:
    settings, total = results.settings, results.total
    assert total is not None
    shape = f"{len(settings.stages)} stages" if settings.stages else f"{settings.users} users"
    line = f"{shape}, {settings.planned_seconds} s planned: {total.requests} requests"
    if results.abort:
        a = results.abort
        line += f"; aborted after {a['after_s']} s ({a['metric']} {a['value']:g} >= {a['poor']:g})"
    return line


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


def read_results(results: LoadResults, out_dir: Path, settings: Settings) -> None:
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
        # The report draws it (readiness/reports/charts.py) from the checks' evidence.
        results.series = time_series(results.history, total)
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
