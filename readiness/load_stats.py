"""Locust's machine-readable output -> statistics (pure functions, no Locust import).

Sources, all written by Locust itself:
- ``<prefix>.json`` (``--json-file``): final per-endpoint stats, written at shutdown, so it is
  exact (the ``_stats.csv`` is rewritten once a second and can miss the last second). It
  holds each endpoint's response-time histogram and its requests/failures per second.
- ``<prefix>_stats_history.csv`` (``--csv-full-history``): one row a second with the user
  count and the current (10 s window) percentiles.
- ``errors.json``: Locust's own ``stats.serialize_errors()``, dumped by the generated
  locustfile's quit hook (the failures CSV has the same staleness as the stats CSV).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

AGGREGATED = "Aggregated"


@dataclass
class EntryStats:
    """One request name (or all of them): what Locust's StatsEntry serialises."""

    name: str
    method: str
    requests: int
    failures: int
    histogram: dict[int, int]  # response time (ms, Locust's ~2-digit buckets) -> count
    total_ms: float
    start: float  # epoch seconds of the first request
    last: float  # epoch seconds of the last request
    per_second: dict[int, int] = field(default_factory=dict)
    failures_per_second: dict[int, int] = field(default_factory=dict)

    def percentile(self, share: float) -> float | None:
        """Locust's own percentile over the histogram (same figure as its reports)."""
        if self.requests == 0 or not self.histogram:
            return None
        wanted = int(self.requests * share)
        seen = 0
        for ms in sorted(self.histogram, reverse=True):
            seen += self.histogram[ms]
            if self.requests - seen <= wanted:
                return float(ms)
        return 0.0

    @property
    def error_ratio(self) -> float | None:
        return self.failures / self.requests if self.requests else None

    @property
    def avg_ms(self) -> float | None:
        return self.total_ms / self.requests if self.requests else None


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
                total_ms=float(raw.get("total_response_time") or 0.0),
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


def aggregate(entries: Iterable[EntryStats]) -> EntryStats:
    """All entries merged, as Locust's "Aggregated" row (histograms and seconds summed)."""
    entries = list(entries)
    total = EntryStats(AGGREGATED, "", 0, 0, {}, 0.0, 0.0, 0.0)
    for e in entries:
        total.requests += e.requests
        total.failures += e.failures
        total.total_ms += e.total_ms
        for target, source in (
            (total.histogram, e.histogram),
            (total.per_second, e.per_second),
            (total.failures_per_second, e.failures_per_second),
        ):
            for key, count in source.items():
                target[key] = target.get(key, 0) + count
    if entries:
        total.start = min(e.start for e in entries)
        total.last = max(e.last for e in entries)
    return total


def rps(entry: EntryStats, window: EntryStats) -> float | None:
    """Requests per second over the whole run's window (Locust's ``total_rps``)."""
    span = window.last - window.start
    return entry.requests / span if span > 0 else None


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
    ratio: float | None  # share of measured seconds that were up
    seconds: int  # seconds with at least one completed request
    down: list[int]  # offsets (s) of the seconds that were down


def availability(total: EntryStats, down_ratio: float) -> Availability:
    """Time-based availability: a second is down when at least ``down_ratio`` of the requests
    completed in it failed. Seconds without a completed request are not judged."""
    judged = sorted(s for s, n in total.per_second.items() if n > 0)
    if not judged:
        return Availability(None, 0, [])
    first = judged[0]
    down = [
        s - first
        for s in judged
        if total.failures_per_second.get(s, 0) / total.per_second[s] >= down_ratio
    ]
    return Availability(1 - len(down) / len(judged), len(judged), down)


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
