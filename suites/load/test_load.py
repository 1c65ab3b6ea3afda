"""Load checks: does the target hold its latency, error and throughput budgets under load?

Gathering is in conftest.py (one Locust run, in its own processes); each test judges one
figure of that run, and declares on its marker the observations it stands on:

- ``load_results``, the run: Locust crashed, overran or produced no statistics -> errored
  with Locust's last output lines;
- ``load_requests``, its completed requests: none answered (a hung target) -> errored,
  except for availability, which judges that run as all down;
- ``load_latency`` / ``endpoint_latency``, the successful requests' response times: not
  observed when most requests failed, so a collapsing target never passes a latency check.

No run at all (the safety refusal) skips every check with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from readiness.suite import (
    Component,
    Evidence,
    Observed,
    Plan,
    Threshold,
    check,
    evidence,
)

from .conftest import endpoint_threshold
from .results import PERCENTILES, LoadResults, commands_evidence
from .settings import Endpoint
from .stats import EntryStats, availability, distribution, rps, slowest_s

# What each kind of check stands on, in order: the first that failed is the reason given.
RUN = ("load_results",)
REQUESTS = (*RUN, "load_requests")
LATENCY = (*REQUESTS, "load_latency")
ENDPOINT_LATENCY = (*LATENCY, "endpoint_latency")
# A derived observation; the engine hands the body only observed ones (None: no run, skipped).
Found = Observed[EntryStats]


def configured(key: str) -> Callable[[Plan], bool]:
    """``applies=`` for an overall check: planned when gates.yaml (or its default) sets
    ``key``."""
    return lambda plan: plan.component.threshold(key) is not None


def endpoint_budget(key: str) -> Callable[[Plan], bool]:
    """``applies=`` for a per-endpoint check: planned on the endpoints with a ``key`` budget
    (their own, or the component's)."""
    return lambda plan: (
        endpoint_threshold(plan.component, plan.params.get("endpoint"), key) is not None
    )


def refused(check, results: LoadResults) -> None:
    """No load was sent (a non-loopback target without both permissions): skip, with why."""
    if results.skipped:
        check.skip(results.skipped)


def limit(found: Threshold | None, key: str) -> Threshold:
    if found is None:  # applies= plans the check only with a threshold: a suite bug
        raise RuntimeError(f"load check planned without a {key} threshold")
    return found


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
    if total is None:
        raise RuntimeError("load statistics missing from an observed run")
    rows = []
    for e in [*sorted(results.entries, key=lambda x: x.name), total]:
        rate = rps(e, total)
        rows.append(
            [
                e.name,
                e.method,
                e.requests,
                e.failures,
                e.succeeded,
                *(e.percentile(p) for p in PERCENTILES.values()),
                None if rate is None else round(rate, 1),
            ]
        )
    # Percentiles of the successful requests only: the failed ones' times say nothing about
    # how fast the service answers (a refused request is fast).
    columns = ["name", "method", "requests", "failures", "successes (timed)"]
    columns += ["p50 ms (successes)", "p95 ms (successes)", "p99 ms (successes)", "req/s"]
    return evidence.table("per endpoint", columns, rows)


def _series(results: LoadResults) -> list[Evidence]:
    rows = [[p.t, p.users, p.rps, p.p95_ms, p.errors_per_s] for p in results.series]
    # Locust's own per-second history: its p95 window counts failed requests too.
    columns = ["t (s)", "users", "req/s", "p95 ms (10 s window)", "errors/s"]
    return [
        evidence.table("time series", columns, rows),
        evidence.json("time series (for charts)", {"columns": columns, "rows": rows}),
    ]


def _distribution(results: LoadResults) -> list[Evidence]:
    """The run's successful requests' response times: percentiles and a coarse histogram
    (the report's distribution charts)."""
    found = distribution((results.total.successes or {}) if results.total else {})
    return [] if found is None else [evidence.json("response times (for charts)", found)]


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
    threshold: Threshold,
    shown: list[Evidence],
    endpoint: str | None = None,
) -> None:
    """Judge ``entry``'s percentile ``key`` (its observation holds successes)."""
    value = entry.percentile(PERCENTILES[key])
    subject = f"{endpoint}: " if endpoint else ""
    check.metric(
        value,
        threshold=threshold,
        unit="ms",
        message=f"{subject}{key.removesuffix('_ms')} {value:g} ms over the {entry.succeeded}"
        f" successful of {entry.requests} requests (good at {threshold.good:g}, poor at"
        f" {threshold.poor:g}){_aborted(results)}",
        evidence=shown,
    )


def _percentile(check, results: LoadResults, latency: Found, key: str, load: Component) -> None:
    refused(check, results)
    total = latency.data
    if total is None:
        raise RuntimeError("an observed latency without statistics")
    shown = [
        _endpoint_table(results),
        *_distribution(results),
        *_series(results),
        *commands_evidence(results),
    ]
    _judge_percentile(check, results, total, key, limit(load.threshold(key), key), shown)


def _run_percentile(key: str, title: str):
    """The check of the run's ``key`` percentile (p50/p95/p99: the same judgement, its own id)."""

    @check(
        f"load.{key.removesuffix('_ms')}",
        title=title,
        observes=LATENCY,
        applies=configured(key),
        whole_run=True,  # every load check judges the run's one Locust run
    )
    def judge(check, load: Component, load_results: LoadResults, load_latency: Found) -> None:
        _percentile(check, load_results, load_latency, key, load)

    return judge


test_p50 = _run_percentile("p50_ms", "Median response time under load")
test_p95 = _run_percentile("p95_ms", "95th percentile response time under load")
test_p99 = _run_percentile("p99_ms", "99th percentile response time under load")


def _endpoint_percentile(
    check,
    results: LoadResults,
    endpoint: Endpoint,
    observations: list[Observed[EntryStats]],
    key: str,
    load: Component,
) -> None:
    refused(check, results)
    entry = observations[-1].data  # the endpoint's latency, observed
    if entry is None:
        raise RuntimeError(f"an observed latency of {endpoint.id!r} without statistics")
    threshold = limit(endpoint_threshold(load, endpoint, key), key)
    _judge_percentile(
        check, results, entry, key, threshold, [_endpoint_table(results)], endpoint.id
    )


def _endpoint_check(key: str, title: str):
    """The check of one endpoint's ``key`` percentile, planned where it has that budget."""

    @check(
        f"load.{key.removesuffix('_ms')}",
        title=title,
        observes=ENDPOINT_LATENCY,
        applies=endpoint_budget(key),
        whole_run=True,
    )
    def judge(
        check,
        load: Component,
        endpoint: Endpoint,
        load_results: LoadResults,
        endpoint_latency: list[Observed[EntryStats]],
    ) -> None:
        _endpoint_percentile(check, load_results, endpoint, endpoint_latency, key, load)

    return judge


test_endpoint_p50 = _endpoint_check("p50_ms", "Endpoint median response time under load")
test_endpoint_p95 = _endpoint_check("p95_ms", "Endpoint 95th percentile response time under load")
test_endpoint_p99 = _endpoint_check("p99_ms", "Endpoint 99th percentile response time under load")


@check(
    "load.error_ratio",
    title="Share of failed requests under load",
    observes=REQUESTS,
    applies=configured("error_ratio"),
    whole_run=True,
)
def test_error_ratio(
    check, load: Component, load_results: LoadResults, load_requests: Found
) -> None:
    """A failure is a non-expected status, a connection error or a timeout (Locust's count),
    over all requests."""
    refused(check, load_results)
    total = load_requests.data
    if total is None:
        raise RuntimeError("observed requests without statistics")
    check.metric(
        round(total.error_ratio or 0.0, 6),
        threshold=limit(load.threshold("error_ratio"), "error_ratio"),
        unit="ratio",
        message=f"{total.failures}/{total.requests} requests failed"
        f" ({(total.error_ratio or 0):.2%}){_aborted(load_results)}",
        evidence=[*_failures(load_results), _endpoint_table(load_results)],
    )


@check(
    "load.rps",
    title="Throughput reaches its minimum",
    observes=REQUESTS,
    applies=configured("min_rps"),
    whole_run=True,
)
def test_rps(check, load: Component, load_results: LoadResults, load_requests: Found) -> None:
    refused(check, load_results)
    total = load_requests.data
    if total is None:
        raise RuntimeError("observed requests without statistics")
    value = rps(total, total)
    check.metric(
        None if value is None else round(value, 2),
        threshold=limit(load.threshold("min_rps"), "min_rps"),
        unit="req/s",
        message=f"{value or 0:.1f} requests/s ({total.requests} requests){_aborted(load_results)}",
        evidence=[*_series(load_results), *commands_evidence(load_results)],
    )


@check(
    "load.availability",
    title="Target stays available during the run",
    observes=RUN,
    applies=configured("availability"),
    whole_run=True,
)
def test_availability(check, load: Component, load_results: LoadResults) -> None:
    """Share of the seconds under load that were up: a second is down when most of its
    requests failed, or when nothing was answered (see stats.availability). Only the run is
    needed: one in which nothing was answered is judged too (all down)."""
    refused(check, load_results)
    total = load_results.total
    if total is None:
        raise RuntimeError("an observed load run without statistics")
    settings = load.settings
    think = settings.think_time_s
    # No answer for longer than a healthy user waits between two is a hung target.
    quiet_s = (max(think) if isinstance(think, tuple) else think) + slowest_s(total) + 1
    found = availability(total, settings.availability_down_ratio, load_results.history, quiet_s)
    down = ", ".join(f"{s}s" for s in found.down[:20]) or "none"
    silent = f"; {found.silent} s without any answer" if found.silent else ""
    check.metric(
        None if found.ratio is None else round(found.ratio, 6),
        threshold=limit(load.threshold("availability"), "availability"),
        unit="ratio",
        message=f"{found.seconds - len(found.down)}/{found.seconds} seconds up"
        f" (down at: {down}){silent}{_aborted(load_results)}",
        evidence=[*_series(load_results), *_failures(load_results)],
    )
