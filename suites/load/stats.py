"""Locust's machine-readable output -> statistics (pure functions, no Locust import).

Sources, all written by Locust itself:
- ``<prefix>.json`` (``--json-file``): final per-endpoint stats, written at shutdown, so it is
  exact (the ``_stats.csv`` is rewritten once a second and can miss the last second). It
  holds each endpoint's response-time histogram and its requests/failures per second.
- ``<prefix>_stats_history.csv`` (``--csv-full-history``): one row a second with the user
  count and the current (10 s window) percentiles.
- ``errors.json``: Locust's own ``stats.serialize_errors()``, dumped by the generated
  locustfile's quit hook (the failures CSV has the same staleness as the stats CSV).

One file is the gate's own: ``successes.json``, the response-time histogram of the
*successful* requests per name (in Locust's buckets), recorded by the generated locustfile's
request hook and dumped at quit. Locust's histogram counts failed requests too, so a target
that answers every request with a 500 in 1 ms would have a fast p95; latency percentiles are
taken over ``successes.json`` only, the error ratio over all requests.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from readiness.suite import latency_failure as judge_latency

AGGREGATED = "Aggregated"


# A run (or an endpoint) in which more than this share of the requests failed has no latency
# worth judging: the few that succeeded describe a collapse, not the service.
def percentile(histogram: Mapping[int, int], share: float) -> float | None:
    """Locust's own percentile rule over a response-time histogram (the same figure as its
    reports when given its histogram): the smallest bucket with more than ``share`` of the
    counted requests at or below it. None for an empty histogram."""
    count = sum(histogram.values())
    if count == 0:
        return None
    wanted = int(count * share)
    seen = 0
    for ms in sorted(histogram, reverse=True):
        seen += histogram[ms]
        if count - seen <= wanted:
            return float(ms)
    return 0.0


@dataclass
class EntryStats:
    """One request name (or all of them): what Locust's StatsEntry serialises, and the
    gate's own histogram of the successful requests."""

    name: str
    method: str
    requests: int  # all requests, failed ones included
    failures: int
    histogram: dict[int, int]  # all requests: response time (ms, Locust's buckets) -> count
    start: float  # epoch seconds of the first request
    last: float  # epoch seconds of the last request
    per_second: dict[int, int] = field(default_factory=dict)
    failures_per_second: dict[int, int] = field(default_factory=dict)
    # The successful requests only (successes.json); None: not recorded, so no latency.
    successes: dict[int, int] | None = None

    def percentile(self, share: float) -> float | None:
        """The response-time percentile of the successful requests (None: none recorded)."""
        return percentile(self.successes or {}, share)

    @property
    def succeeded(self) -> int:
        """Successful requests with a response time, by the gate's own count."""
        return sum((self.successes or {}).values())

    @property
    def error_ratio(self) -> float | None:
        return self.failures / self.requests if self.requests else None


def latency_failure(entry: EntryStats) -> str | None:
    """Why ``entry``'s latency cannot be judged (None: it can): the engine's rule for a batch
    of requests, then what only a Locust run can lack (its successes' response times)."""
    if entry.requests == 0:
        return "no request completed"
    most_failed = judge_latency(entry.failures, entry.requests)
    if most_failed is not None:
        return most_failed
    if entry.successes is None:
        return "the successful requests' response times were not recorded (no successes.json)"
    if entry.succeeded == 0:
        return f"latency not judged: none of the {entry.requests} requests succeeded"
    return None


def parse_stats_json(text: str) -> list[EntryStats]:
    """Entries of Locust's ``--json-file`` output (a list of serialised StatsEntry)."""
    entries = []
    for raw in json.loads(text):
        entries.append(
            EntryStats(
                name=str(raw["name"]),
                method=str(raw.get("method") or ""),
                requests=int(raw["num_requests"]),
                failures=int(raw["num_failures"]),
                histogram=_int_keys(raw.get("response_times") or {}),
                start=float(raw.get("start_time") or 0.0),
                last=float(raw.get("last_request_timestamp") or raw.get("start_time") or 0.0),
                per_second=_int_keys(raw.get("num_reqs_per_sec") or {}),
                failures_per_second=_int_keys(raw.get("num_fail_per_sec") or {}),
            )
        )
    return entries


def _int_keys(mapping: dict[Any, Any]) -> dict[int, int]:
    # JSON object keys are strings; Locust's buckets and seconds are integers.
    return {int(float(k)): int(v) for k, v in mapping.items()}


def parse_successes(text: str) -> dict[tuple[str, str], dict[int, int]]:
    """``successes.json`` -> (name, method) -> histogram of the successful requests."""
    found: dict[tuple[str, str], dict[int, int]] = {}
    for raw in json.loads(text):
        key = (str(raw["name"]), str(raw.get("method") or ""))
        _add(found.setdefault(key, {}), _int_keys(raw.get("response_times") or {}))
    return found


def with_successes(
    entries: Iterable[EntryStats], successes: Mapping[tuple[str, str], dict[int, int]]
) -> list[EntryStats]:
    """``entries`` with their successful requests' histograms (empty: none succeeded)."""
    entries = list(entries)
    for e in entries:
        e.successes = dict(successes.get((e.name, e.method), {}))
    return entries


def _add(target: dict[int, int], source: Mapping[int, int]) -> None:
    for key, count in source.items():
        target[key] = target.get(key, 0) + count


def aggregate(entries: Iterable[EntryStats]) -> EntryStats:
    """All entries merged, as Locust's "Aggregated" row (histograms and seconds summed); the
    successes only when every entry has them (one unrecorded share would skew them)."""
    entries = list(entries)
    total = EntryStats(AGGREGATED, "", 0, 0, {}, 0.0, 0.0)
    recorded = all(e.successes is not None for e in entries)
    total.successes = {} if recorded else None
    for e in entries:
        total.requests += e.requests
        total.failures += e.failures
        _add(total.histogram, e.histogram)
        _add(total.per_second, e.per_second)
        _add(total.failures_per_second, e.failures_per_second)
        if total.successes is not None and e.successes is not None:
            _add(total.successes, e.successes)
    if entries:
        total.start = min(e.start for e in entries)
        total.last = max(e.last for e in entries)
    return total


def rps(entry: EntryStats, window: EntryStats) -> float | None:
    """Requests per second over the whole run's window (Locust's ``total_rps``)."""
    span = window.last - window.start
    return entry.requests / span if span > 0 else None


# The percentiles the distribution reports (k6 and Locust's own set, and the maximum).
DISTRIBUTION_PERCENTILES = (50.0, 66.0, 75.0, 80.0, 90.0, 95.0, 98.0, 99.0, 99.9, 100.0)
# Histogram bin edges (ms), about three a decade: Locust's buckets are 1 ms wide below
# 100 ms, 10 ms to 1 s, 100 ms beyond, far too many to show one a bar.
HISTOGRAM_EDGES = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)


def distribution(histogram: Mapping[int, int]) -> dict[str, Any] | None:
    """The response-time distribution of ``histogram`` (the successful requests'): its
    percentiles by Locust's rule, and its requests in coarse bins from the first non-empty
    bin to the last. None for an empty histogram."""
    count = sum(histogram.values())
    if count == 0:
        return None
    rows = [[share, percentile(histogram, share / 100)] for share in DISTRIBUTION_PERCENTILES]
    bins = [0] * len(HISTOGRAM_EDGES)  # the last one is open: its edge and above
    for ms, n in histogram.items():
        bins[max(bisect.bisect_right(HISTOGRAM_EDGES, ms) - 1, 0)] += n
    used = [i for i, n in enumerate(bins) if n]
    histogram_rows = [
        [
            HISTOGRAM_EDGES[i],
            HISTOGRAM_EDGES[i + 1] if i + 1 < len(HISTOGRAM_EDGES) else None,
            bins[i],
        ]
        for i in range(used[0], used[-1] + 1)
    ]
    return {
        "requests": count,
        "percentiles": {"columns": ["percentile", "ms"], "rows": rows},
        "histogram": {"columns": ["from ms", "to ms", "requests"], "rows": histogram_rows},
    }


@dataclass(frozen=True)
class HistoryRow:
    timestamp: int
    users: int
    p95_ms: float | None  # current (10 s window) p95, as Locust's history records it


def parse_history_csv(text: str) -> list[HistoryRow]:
    """The Aggregated rows of ``_stats_history.csv``, in time order."""
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        if row.get("Name") != AGGREGATED:
            continue
        p95 = row.get("95%", "N/A")
        rows.append(
            HistoryRow(
                timestamp=int(float(row["Timestamp"])),
                users=int(float(row["User Count"])),
                p95_ms=None if p95 in ("N/A", "", None) else float(p95),
            )
        )
    return sorted(rows, key=lambda r: r.timestamp)


@dataclass(frozen=True)
class Point:
    t: int  # seconds since the first second of the run
    users: int | None
    rps: int  # requests completed in this second
    errors_per_s: int
    p95_ms: float | None


def time_series(history: list[HistoryRow], total: EntryStats) -> list[Point]:
    """One point a second: users and p95 from the history, requests and errors from the
    final per-second counts (exact, merged across workers by the master)."""
    by_second = {row.timestamp: row for row in history}
    seconds = sorted(set(by_second) | set(total.per_second))
    if not seconds:
        return []
    first = seconds[0]
    points = []
    users: int | None = None
    for second in range(first, seconds[-1] + 1):
        row = by_second.get(second)
        if row is not None:
            users = row.users
        points.append(
            Point(
                t=second - first,
                users=users,  # carried forward over a second the history skipped
                rps=total.per_second.get(second, 0),
                errors_per_s=total.failures_per_second.get(second, 0),
                p95_ms=row.p95_ms if row is not None else None,
            )
        )
    return points


@dataclass(frozen=True)
class Availability:
    ratio: float | None  # share of the judged seconds that were up
    seconds: int  # seconds judged: load was offered in them
    down: list[int]  # offsets (s) from the first judged second of the seconds that were down
    silent: int = 0  # judged seconds in which no request completed at all


def availability(
    total: EntryStats,
    down_ratio: float,
    history: list[HistoryRow] | None = None,
    quiet_s: float = 1.0,
) -> Availability:
    """Time-based availability over the seconds in which load was offered (users > 0 in the
    history, or a request completed). A second with completed requests is down when at
    least ``down_ratio`` of them failed. A second in which nothing completed is not skipped:
    the requests in flight through it ended later, so it takes the state of the next second
    with completions (timeouts after a hang: down; a slow success: up). When nothing
    completed again before the load ended, the silence is down if it lasted more than
    ``quiet_s`` (longer than a healthy user goes between answers: its think time plus the
    slowest answer seen); a shorter one is the run ending with requests in flight."""
    completed = {s: n for s, n in total.per_second.items() if n > 0}
    state: dict[int, bool] = {}  # second -> down
    for stretch in _loaded_stretches(completed, history or []):
        state.update(_judge(stretch, completed, total.failures_per_second, down_ratio, quiet_s))
    if not state:
        return Availability(None, 0, [])
    first = min(state)
    down = sorted(s - first for s, is_down in state.items() if is_down)
    silent = sum(1 for s in state if s not in completed)
    return Availability(1 - len(down) / len(state), len(state), down, silent)


def _judge(
    stretch: list[int],
    completed: dict[int, int],
    failed: dict[int, int],
    down_ratio: float,
    quiet_s: float,
) -> dict[int, bool]:
    """Down (True) or up for the seconds of one stretch of load (see ``availability``)."""
    state: dict[int, bool] = {}
    later: bool | None = None  # the state of the next second with completions
    trailing: list[int] = []
    for second in reversed(stretch):
        if second in completed:
            later = failed.get(second, 0) / completed[second] >= down_ratio
            state[second] = later
        elif later is not None:
            state[second] = later
        else:
            trailing.append(second)
    if len(trailing) > quiet_s:
        state.update(dict.fromkeys(trailing, True))  # it stopped answering
    return state


def _loaded_stretches(completed: dict[int, int], history: list[HistoryRow]) -> list[list[int]]:
    """Runs of consecutive seconds with completions or with users running (the history's
    user count, carried forward over a second it skipped); a ramp's pause splits them."""
    users = {row.timestamp: row.users for row in history}
    span = set(completed) | set(users)
    stretches: list[list[int]] = []
    current: list[int] = []
    running = 0
    for second in range(min(span, default=0), max(span, default=-1) + 1):
        running = users.get(second, running)
        if second in completed or running > 0:
            current.append(second)
        elif current:
            stretches.append(current)
            current = []
    return [*stretches, current] if current else stretches


def slowest_s(total: EntryStats) -> float:
    """The slowest response (s) by Locust's histogram buckets (0 without any)."""
    return max(total.histogram, default=0) / 1000


@dataclass(frozen=True)
class Failure:
    method: str
    name: str
    error: str
    count: int


def parse_errors(text: str) -> list[Failure]:
    """Locust's ``serialize_errors()`` dump -> failures, most frequent first."""
    data = json.loads(text)
    values = data.values() if isinstance(data, dict) else data
    failures = [
        Failure(
            str(e.get("method") or ""),
            str(e.get("name") or ""),
            str(e.get("error") or ""),
            int(e.get("occurrences") or 0),
        )
        for e in values
    ]
    return sorted(failures, key=lambda f: (-f.count, f.name, f.error))
