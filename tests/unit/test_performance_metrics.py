"""Metric math of the performance suite, on literal entries (no browser)."""

from __future__ import annotations

import pytest

from suites.performance.metrics import (
    Shift,
    Task,
    aggregate,
    cumulative_layout_shift,
    percentile,
    time_to_interactive,
    total_blocking_time,
)


def test_cls_sums_one_session_window() -> None:
    shifts = [Shift(100, 0.05), Shift(600, 0.05), Shift(1500, 0.02)]  # gaps < 1 s
    assert cumulative_layout_shift(shifts) == pytest.approx(0.12)


def test_cls_is_the_largest_window_not_the_total() -> None:
    # A 1 s gap starts a new window: windows sum to 0.1 and 0.15; CLS is 0.15, not 0.25.
    shifts = [Shift(0, 0.1), Shift(1000, 0.05), Shift(1500, 0.1)]
    assert cumulative_layout_shift(shifts) == pytest.approx(0.15)


def test_cls_window_is_capped_at_five_seconds() -> None:
    # Shifts every 900 ms never leave a 1 s gap, but a window spans at most 5 s.
    shifts = [Shift(t * 900.0, 0.01) for t in range(12)]  # 0 .. 9900 ms
    # Windows: [0, 4500] holds 6 shifts (5400 starts anew), [5400, 9900] holds 6.
    assert cumulative_layout_shift(shifts) == pytest.approx(0.06)


def test_cls_ignores_shifts_after_input() -> None:
    shifts = [Shift(100, 0.3, had_recent_input=True), Shift(200, 0.02)]
    assert cumulative_layout_shift(shifts) == pytest.approx(0.02)


def test_cls_without_shifts_is_zero() -> None:
    assert cumulative_layout_shift([]) == 0.0


def test_tbt_counts_time_beyond_50ms_per_task() -> None:
    tasks = [Task(1000, 300), Task(2000, 40), Task(3000, 120)]
    assert total_blocking_time(tasks, start=500, end=5000) == pytest.approx(250 + 0 + 70)


def test_tbt_clips_tasks_to_the_window_before_subtracting() -> None:
    # Lighthouse clips to [FCP, TTI] first: 200 ms of this task lie after FCP -> 150 ms.
    assert total_blocking_time([Task(900, 300)], start=1000, end=5000) == pytest.approx(150)
    # Only 30 ms after FCP: below the 50 ms threshold, nothing blocks.
    assert total_blocking_time([Task(900, 130)], start=1000, end=5000) == 0.0
    # Tasks entirely outside the window do not count.
    assert total_blocking_time([Task(100, 300), Task(6000, 300)], 1000, 5000) == 0.0


def test_tti_is_end_of_last_long_task_but_not_before_dcl_or_fcp() -> None:
    assert time_to_interactive(500, 400, [Task(1000, 300), Task(2000, 30)]) == 1300
    assert time_to_interactive(500, 800, []) == 800
    assert time_to_interactive(900, 400, [Task(100, 200)]) == 900  # before FCP: ignored


def test_tti_is_the_start_of_the_first_quiet_window() -> None:
    # A long task 6 s after the previous one comes after a 5 s quiet window: it does not move
    # TTI (web.dev/articles/tti).
    tasks = [Task(1000, 300), Task(7400, 200)]
    assert time_to_interactive(500, 400, tasks) == 1300
    # Three requests in flight until 2500: the network is quiet only from 2500, and
    # [2500, 7400) is under 5 s, so the quiet window is the one after the second task.
    requests = [(1200, 2500), (1250, 2500), (1280, 2600)]
    assert time_to_interactive(500, 400, tasks, requests) == 7600
    # Two in flight are allowed.
    assert time_to_interactive(500, 400, tasks, requests[:2]) == 1300
    # Network quiet from 2500 and no task until 9000: the window [2500, 7500] fits in the
    # CPU-quiet period that began at 1300, so TTI is 1300 (Lighthouse's interactive audit).
    assert time_to_interactive(500, 400, [Task(1000, 300), Task(9000, 100)], requests) == 1300
    # A request that ended exactly when the window starts is not in flight.
    assert time_to_interactive(500, 400, [Task(1000, 300)], [(0, 1300)] * 3) == 1300


@pytest.mark.parametrize(
    ("mode", "expected"), [("median", 200), ("pessimistic", 900), ("optimistic", 100)]
)
def test_aggregate_modes(mode: str, expected: float) -> None:
    assert aggregate([900, 100, 200], mode) == expected


def test_aggregate_higher_is_better_flips_worst_and_best() -> None:
    assert aggregate([1, 5, 3], "pessimistic", higher_is_better=True) == 1


def test_percentile_nearest_rank() -> None:
    values = list(range(1, 21))  # 1..20
    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)
