"""Load checks: does the target hold its latency, error and throughput budgets under load?

Gathering is in conftest.py (one Locust run, in its own processes); each test judges one
figure of that run. No run (safety refusal) skips every check with the reason; a run that
crashed or produced no statistics makes every check errored with Locust's last output lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from readiness import evidence
from readiness.config import Threshold
from readiness.load_stats import EntryStats, availability, rps, slowest_s
from readiness.model import Evidence

from .conftest import PERCENTILES, LoadResults, endpoint_threshold, threshold
from .settings import Endpoint


def requires(key: str) -> Callable[[Any], Any]:
    """Plan the decorated overall check only when gates.yaml (or a default) sets ``key``."""

    def mark(function: Any) -> Any:
        function.requires = key
        return function

    return mark


def per_endpoint(key: str) -> Callable[[Any], Any]:
    """Run the decorated check once per endpoint that has a ``key`` budget."""

    def mark(function: Any) -> Any:
        function.per_endpoint = key
        return function

    return mark


def usable(check, results: LoadResults) -> EntryStats | None:
    """The run's totals, or None after recording why there are none (skip or no data)."""
    if results.skipped:
        check.skip(results.skipped)
    if results.error or results.total is None:
        tail = [evidence.text("Locust output (last lines)", results.tail)] if results.tail else []
        check.no_data(f"no load results: {results.error}", evidence=[*tail, *_commands(results)])
        return None
    return results.total


def _commands(results: LoadResults) -> list[Evidence]:
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


def _aborted(results: LoadResults) -> str:
    a = results.abort
    if not a:
        return ""
    return (
        f"; run aborted early after {a['after_s']} s: {a['metric']} {a['value']:g}"
        f" reached {a['poor']:g} ({a['requests']} requests)"
    )


def _endpoint_table(results: LoadResults) -> Evidence:
    total = results.total
    assert total is not None
    rows = []
    for e in [*sorted(results.entries, key=lambda x: x.name), total]:
        rate = rps(e, total)
        rows.append(
            [
                e.name,
                e.method,
                e.requests,
                e.failures,
                *(e.percentile(p) for p in PERCENTILES.values()),
                None if rate is None else round(rate, 1),
            ]
        )
    columns = ["name", "method", "requests", "failures", "p50 ms", "p95 ms", "p99 ms", "req/s"]
    return evidence.table("per endpoint", columns, rows)


def _series(results: LoadResults) -> list[Evidence]:
    rows = [[p.t, p.users, p.rps, p.p95_ms, p.errors_per_s] for p in results.series]
    columns = ["t (s)", "users", "req/s", "p95 ms (10 s window)", "errors/s"]
    found = [
        evidence.table("time series", columns, rows),
        evidence.json("time series (for charts)", {"columns": columns, "rows": rows}),
    ]
    if results.chart:
        found.append(evidence.image("time series chart", results.chart, mime="image/svg+xml"))
    return found


def _failures(results: LoadResults) -> list[Evidence]:
    rows = [[f.count, f.method, f.name, f.error] for f in results.failures]
    found = [evidence.table("failures (grouped)", ["count", "method", "name", "error"], rows)]
    if results.exceptions:
        found.append(evidence.json("exceptions in the locustfile", results.exceptions))
    return found


def _judge_percentile(
    check,
    results: LoadResults,
    entry: EntryStats,
    key: str,
    limit: Threshold,
    shown: list[Evidence],
    endpoint: str | None = None,
) -> None:
    """Judge ``entry``'s percentile ``key``: the run's totals, or one endpoint's."""
    value = entry.percentile(PERCENTILES[key])
    if value is None:
        where = f" for {endpoint!r}" if endpoint else ""
        check.no_data(f"Locust recorded no response times{where}")
        return
    subject = f"{endpoint}: " if endpoint else ""
    check.metric(
        value,
        threshold=limit,
        unit="ms",
        message=f"{subject}{key.removesuffix('_ms')} {value:g} ms over {entry.requests}"
        f" requests (good at {limit.good:g}, poor at {limit.poor:g}){_aborted(results)}",
        evidence=shown,
    )


def _percentile(check, results: LoadResults, key: str, limit: Threshold) -> None:
    total = usable(check, results)
    if total is None:
        return
    shown = [_endpoint_table(results), *_series(results), *_commands(results)]
    _judge_percentile(check, results, total, key, limit, shown)


@requires("p50_ms")
@pytest.mark.check("load.p50", title="Median response time under load")
def test_p50(check, load, load_results: LoadResults) -> None:
    _percentile(check, load_results, "p50_ms", threshold(load, "p50_ms"))


@requires("p95_ms")
@pytest.mark.check("load.p95", title="95th percentile response time under load")
def test_p95(check, load, load_results: LoadResults) -> None:
    _percentile(check, load_results, "p95_ms", threshold(load, "p95_ms"))


@requires("p99_ms")
@pytest.mark.check("load.p99", title="99th percentile response time under load")
def test_p99(check, load, load_results: LoadResults) -> None:
    _percentile(check, load_results, "p99_ms", threshold(load, "p99_ms"))


def _endpoint_percentile(check, results: LoadResults, endpoint: Endpoint, key: str, load) -> None:
    if usable(check, results) is None:
        return
    entry = next((e for e in results.entries if e.name == endpoint.id), None)
    if entry is None or entry.requests == 0:
        names = sorted(e.name for e in results.entries)
        check.no_data(f"no requests named {endpoint.id!r} in the run (names: {names})")
        return
    limit = endpoint_threshold(load, endpoint, key)
    shown = [_endpoint_table(results)]
    _judge_percentile(check, results, entry, key, limit, shown, endpoint.id)


@per_endpoint("p50_ms")
@pytest.mark.check("load.p50", title="Endpoint median response time under load")
def test_endpoint_p50(check, load, endpoint: Endpoint, load_results: LoadResults) -> None:
    _endpoint_percentile(check, load_results, endpoint, "p50_ms", load)


@per_endpoint("p95_ms")
@pytest.mark.check("load.p95", title="Endpoint 95th percentile response time under load")
def test_endpoint_p95(check, load, endpoint: Endpoint, load_results: LoadResults) -> None:
    _endpoint_percentile(check, load_results, endpoint, "p95_ms", load)


@per_endpoint("p99_ms")
@pytest.mark.check("load.p99", title="Endpoint 99th percentile response time under load")
def test_endpoint_p99(check, load, endpoint: Endpoint, load_results: LoadResults) -> None:
    _endpoint_percentile(check, load_results, endpoint, "p99_ms", load)


@requires("error_ratio")
@pytest.mark.check("load.error_ratio", title="Share of failed requests under load")
def test_error_ratio(check, load, load_results: LoadResults) -> None:
    """A failure is a non-expected status, a connection error or a timeout (Locust's count)."""
    total = usable(check, load_results)
    if total is None:
        return
    check.metric(
        round(total.error_ratio or 0.0, 6),
        threshold=threshold(load, "error_ratio"),
        unit="ratio",
        message=f"{total.failures}/{total.requests} requests failed"
        f" ({(total.error_ratio or 0):.2%}){_aborted(load_results)}",
        evidence=[*_failures(load_results), _endpoint_table(load_results)],
    )


@requires("min_rps")
@pytest.mark.check("load.rps", title="Throughput reaches its minimum")
def test_rps(check, load, load_results: LoadResults) -> None:
    total = usable(check, load_results)
    if total is None:
        return
    value = rps(total, total)
    check.metric(
        None if value is None else round(value, 2),
        threshold=threshold(load, "min_rps"),
        unit="req/s",
        message=f"{value or 0:.1f} requests/s ({total.requests} requests){_aborted(load_results)}",
        evidence=[*_series(load_results), *_commands(load_results)],
    )


@requires("availability")
@pytest.mark.check("load.availability", title="Target stays available during the run")
def test_availability(check, load, load_results: LoadResults) -> None:
    """Share of the seconds under load that were up: a second is down when most of its
    requests failed, or when nothing was answered (see load_stats.availability)."""
    # A run in which nothing was answered at all has no other data, but this one: all down.
    total = load_results.total if load_results.unanswered else usable(check, load_results)
    if total is None:
        return
    settings = load.settings
    think = settings.think_time_s
    # No answer for longer than a healthy user waits between two is a hung target.
    quiet_s = (max(think) if isinstance(think, tuple) else think) + slowest_s(total) + 1
    found = availability(total, settings.availability_down_ratio, load_results.history, quiet_s)
    down = ", ".join(f"{s}s" for s in found.down[:20]) or "none"
    silent = f"; {found.silent} s without any answer" if found.silent else ""
    check.metric(
        None if found.ratio is None else round(found.ratio, 6),
        threshold=threshold(load, "availability"),
        unit="ratio",
        message=f"{found.seconds - len(found.down)}/{found.seconds} seconds up"
        f" (down at: {down}){silent}{_aborted(load_results)}",
        evidence=[*_series(load_results), *_failures(load_results)],
    )
