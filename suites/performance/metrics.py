"""Metric math, as pure functions on the entries a page reported (tested on literals).

Definitions follow web-vitals (github.com/GoogleChrome/web-vitals) and Lighthouse:
- CLS: the largest *session window* of layout shifts. A window keeps growing while each shift
  comes less than 1 s after the previous one and the window spans at most 5 s; shifts within
  500 ms of user input (``hadRecentInput``) never count (web.dev/articles/cls).
- TBT: each long task is clipped to [FCP, TTI]; what remains of it beyond 50 ms is blocking
  time, and TBT is the sum (web.dev/articles/tbt; Lighthouse core/lib/tbt-utils.js
  ``calculateTbtImpactForEvent`` clips first, then subtracts the 50 ms).
- TTI (lab estimate): the end of the last long task after FCP, and never before
  DOMContentLoaded -- the observation only ends after a quiet window, so the last long task
  seen is the one before the quiet window Lighthouse looks for.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

BLOCKING_AFTER_MS = 50.0  # a task longer than this blocks input for the excess
SESSION_GAP_MS = 1000.0
SESSION_MAX_MS = 5000.0


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


def time_to_interactive(fcp: float, dcl: float, tasks: Sequence[Task]) -> float:
    """Lab TTI: end of the last long task after FCP, not earlier than FCP or DCL."""
    ends = [t.end for t in tasks if t.duration > BLOCKING_AFTER_MS and t.end > fcp]
    return max([fcp, dcl, *ends])


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
