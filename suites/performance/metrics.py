"""Metric math, as pure functions on the entries a page reported (tested on literals).

Definitions follow web-vitals (github.com/GoogleChrome/web-vitals) and Lighthouse:
- CLS: the largest *session window* of layout shifts. A window keeps growing while each shift
  comes less than 1 s after the previous one and the window spans at most 5 s; shifts within
  500 ms of user input (``hadRecentInput``) never count (web.dev/articles/cls).
- TBT: each long task is clipped to [FCP, TTI]; what remains of it beyond 50 ms is blocking
  time, and TBT is the sum (web.dev/articles/tbt; Lighthouse core/lib/tbt-utils.js
  ``calculateTbtImpactForEvent`` clips first, then subtracts the 50 ms).
- TTI (web.dev/articles/tti; Lighthouse's interactive audit): from FCP, find the first quiet
  window of 5 s with no long task and at most two requests in flight; TTI is the start of that
  window (the end of the long task before it, or FCP), never before DOMContentLoaded. The
  observation ends after ``settle_ms`` of quiet, so time after it is taken as quiet.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

BLOCKING_AFTER_MS = 50.0  # a task longer than this blocks input for the excess
SESSION_GAP_MS = 1000.0
SESSION_MAX_MS = 5000.0
QUIET_WINDOW_MS = 5000.0  # TTI: how long the main thread and the network must stay quiet
MAX_QUIET_REQUESTS = 2  # TTI: requests that may be in flight during the quiet window


@dataclass(frozen=True)
class Shift:
    start: float  # ms since navigation start
    value: float
    had_recent_input: bool = False


@dataclass(frozen=True)
class Task:
    start: float  # ms since navigation start
    duration: float

    @property
    def end(self) -> float:
        return self.start + self.duration


def cumulative_layout_shift(shifts: Sequence[Shift]) -> float:
    """The largest session window's sum of layout-shift scores."""
    best = current = 0.0
    window_start = previous = -math.inf
    for shift in sorted(shifts, key=lambda s: s.start):
        if shift.had_recent_input:
            continue
        if shift.start - previous < SESSION_GAP_MS and shift.start - window_start < SESSION_MAX_MS:
            current += shift.value
        else:
            current, window_start = shift.value, shift.start
        previous = shift.start
        best = max(best, current)
    return best


def time_to_interactive(
    fcp: float,
    dcl: float,
    tasks: Sequence[Task],
    requests: Sequence[tuple[float, float]] = (),
) -> float:
    """Lab TTI: a CPU-quiet period (after FCP or after a long task) that overlaps a
    network-quiet period (at most two of ``requests`` -- (start, end) in ms -- in flight) for
    5 s; TTI is where that CPU-quiet period starts, not earlier than DCL."""
    long_tasks = sorted(
        (t for t in tasks if t.duration > BLOCKING_AFTER_MS and t.end > fcp), key=lambda t: t.start
    )
    starts = [fcp, *(t.end for t in long_tasks)]
    ends = [*(t.start for t in long_tasks), math.inf]  # the observation's end counts as quiet
    network_quiet = _network_quiet_periods(requests, fcp)
    for cpu_start, cpu_end in zip(starts, ends, strict=True):
        for net_start, net_end in network_quiet:
            begin = max(cpu_start, net_start)
            if begin + QUIET_WINDOW_MS <= min(cpu_end, net_end):
                return max(cpu_start, dcl)
    return max(starts[-1], dcl)  # unreachable while the last periods are open-ended


def _network_quiet_periods(
    requests: Sequence[tuple[float, float]], since: float
) -> list[tuple[float, float]]:
    """The periods after ``since`` in which at most MAX_QUIET_REQUESTS requests are in flight."""
    edges = sorted([(b, 1) for b, _ in requests] + [(e, -1) for _, e in requests])
    periods: list[tuple[float, float]] = []
    in_flight, quiet_from = 0, since
    for at, step in edges:  # at equal times an end (-1) sorts before a start (+1)
        was_quiet = in_flight <= MAX_QUIET_REQUESTS
        in_flight += step
        if was_quiet and in_flight > MAX_QUIET_REQUESTS:
            if at > quiet_from:
                periods.append((quiet_from, at))
        elif not was_quiet and in_flight <= MAX_QUIET_REQUESTS:
            quiet_from = max(at, since)
    periods.append((quiet_from, math.inf))
    return periods


def total_blocking_time(tasks: Sequence[Task], start: float, end: float) -> float:
    """Sum over tasks of (duration clipped to [start, end]) - 50 ms, where that is positive."""
    total = 0.0
    for task in tasks:
        clipped = min(task.end, end) - max(task.start, start)
        total += max(0.0, clipped - BLOCKING_AFTER_MS)
    return total


def aggregate(values: Sequence[float], mode: str, *, higher_is_better: bool = False) -> float:
    """One figure from repeated runs: the median, or the worst / best run."""
    if not values:
        raise ValueError("no values to aggregate")
    if mode == "median":
        return float(statistics.median(values))
    worst = min if higher_is_better else max
    best = max if higher_is_better else min
    return float((worst if mode == "pessimistic" else best)(values))


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (the value at or below which ``pct`` % of samples lie)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return float(ordered[rank - 1])
