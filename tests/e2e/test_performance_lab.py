"""Lab metrics measured by the performance suite on local pages with known properties.

Each page's construction (tests/browser_pages.py) says what the exact value would be. What a
page's construction guarantees is asserted (a figure is never earlier than the work that
makes it; one event comes before another); how much later a busy machine makes a figure is
not: upper bounds are the same run's other events, or follow from the construction.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browser_pages import BUSY_MS, LCP_DELAY_MS, SHIFT_PX, SLOW_TTFB_S, TIMER_MS, pages_app
from helpers import browsing

from readiness.browser.session import BrowserSession
from suites.performance.collect import (
    MAX_OBSERVE_AFTER_LOAD_S,
    TIMER_HORIZON_MS,
    PageLoader,
    PageRun,
    _settle,
    measure,
)
from suites.performance.conftest import measure_runs
from suites.performance.settings import PRESETS

VIEWPORT_W, VIEWPORT_H = PRESETS["none"].width, PRESETS["none"].height


@pytest.fixture(scope="module")
def pages(chromium: Any) -> Any:
    with browsing(chromium, pages_app) as session:
        yield session


@pytest.fixture
def load(pages: BrowserSession) -> Callable[..., PageRun]:
    def run(path: str, preset: str = "none") -> PageRun:
        # A 500 ms quiet wait (the default is shorter; see the tests below for it): the pages'
        # timers (up to 600 ms after navigation, after a fast load's quiet window) are seen
        # because the observation waits for timers due soon after load.
        result = measure(pages, path, PRESETS[preset], settle_ms=500)
        assert result.error is None, result.error
        return result

    return run


def test_lcp_is_the_late_high_entropy_image(load) -> None:
    run = load("/lcp")
    assert run.lcp_element == "img#hero"
    # Painted after it was inserted, and seen within the observation.
    assert LCP_DELAY_MS <= run.lcp <= run.wall_ms, run.lcp
    assert run.fcp < run.lcp  # the heading painted before the image


def test_a_poller_does_not_hold_the_observation_to_its_cap(pages: BrowserSession) -> None:
    # /poller sets a 300 ms timer again and again, forever: the observation waits for timers
    # due within TIMER_HORIZON_MS of load, then ends after one quiet window by itself. The
    # loader's own wait (_settle) is given a deadline far past MAX_OBSERVE_AFTER_LOAD_S, so
    # that only the page's quiet can end it: it says whether the deadline did (capped).
    with PageLoader(pages, PRESETS["none"], 500, overlap=False, warm_up=False) as loader:
        tab = loader._open()
        try:
            tab.page.goto(pages.url("/poller"), wait_until="load")
            guard = time.perf_counter() + 12 * MAX_OBSERVE_AFTER_LOAD_S  # a hang guard
            data = _settle(tab.page, tab.network, 500, guard)
        finally:
            tab.context.close()
    assert data["capped"] is False
    # In the page's own clock: it ended only after the timers due within the horizon ran.
    assert data["now"] >= data["load"] + TIMER_HORIZON_MS, data


def test_flat_image_is_not_an_lcp_candidate(load) -> None:
    # An 800x500 single-colour image paints at once, but Chrome ignores low-entropy images:
    # the LCP is the text block inserted later.
    run = load("/lcp-flat")
    assert run.lcp_element == "p#text"
    assert run.lcp >= LCP_DELAY_MS


def expected_cls() -> float:
    """/shift: a 400 px block moves down SHIFT_PX: impact fraction
    (400 + SHIFT_PX) / viewport height, distance fraction SHIFT_PX / the larger side."""
    return (400 + SHIFT_PX) / VIEWPORT_H * SHIFT_PX / max(VIEWPORT_W, VIEWPORT_H)


def test_cls_of_a_known_shift(load) -> None:
    run = load("/shift")
    assert run.cls == pytest.approx(expected_cls(), abs=0.01)


def test_tbt_of_one_long_task(load) -> None:
    run = load("/long-task")
    # The busy loop ends by the page's clock, so the task lasts BUSY_MS however busy the
    # machine (10 ms below: where the task's start is taken). Counted once: a second count
    # would double it; tasks a busy machine stretches past 50 ms add far less.
    assert BUSY_MS - 50 - 10 <= run.tbt < 2 * (BUSY_MS - 50), run.tbt


def test_clean_page_has_no_shift_and_no_blocking(load) -> None:
    run = load("/clean")
    assert run.cls == 0.0
    assert run.tbt < 50
    assert run.status == 200
    assert run.ttfb < run.fcp <= run.lcp


def test_requests_and_transferred_bytes(load) -> None:
    run = load("/clean")
    by_type = run.by_type()
    assert run.requests == 2
    assert by_type["document"][0] == 1 and by_type["image"][0] == 1
    # The random 480x360 PNG does not compress: about 507 KiB on the wire.
    assert 500 < by_type["image"][1] < 520
    assert 500 < run.transfer_kb < 530


def test_ttfb_of_a_slow_server(load) -> None:
    run = load("/slow")
    # No earlier than the server's delay; the first byte, before the document was parsed.
    assert SLOW_TTFB_S * 1000 <= run.ttfb < run.dcl <= run.load, run


def test_mobile_preset_throttles_network_and_viewport(load) -> None:
    run = load("/clean", "mobile")
    # DevTools throttling delays responses by 562.5 ms (Navigation Timing's responseStart
    # does not show it, but the first paint waits for the document).
    assert run.fcp >= 562
    # 507 KiB at 1.47 Mbit/s takes about 2.8 s: the image (LCP candidate) lands late.
    assert run.load > 2500


def test_late_hero_is_seen_with_the_shortest_quiet_window(pages: BrowserSession) -> None:
    # The observation waits for the page's scheduled work, not for a long fixed window: with
    # the smallest settle_ms allowed, the timer-revealed hero is still the LCP element.
    run = measure(pages, "/lcp", PRESETS["none"], settle_ms=50)
    assert run.lcp_element == "img#hero"
    assert LCP_DELAY_MS <= run.lcp <= run.wall_ms, run.lcp


def test_activity_while_the_next_run_is_prepared_repeats_the_run_alone(
    pages: BrowserSession,
) -> None:
    # /shifts-while-confirmed shifts its content once the loader confirms its quiet window,
    # that is while the next context is prepared. That run is discarded and the page loaded
    # again alone: nothing confirms then, nothing shifts, and the figures are that run's.
    with PageLoader(pages, PRESETS["none"], 1000, warm_up=False) as loader:
        run = loader.measure("/shifts-while-confirmed")
        assert loader.repeated == 1
        assert run.error is None and run.cls == 0.0, run


def test_a_tracked_timer_is_waited_for_before_the_next_run_is_prepared(
    pages: BrowserSession,
) -> None:
    # /timer-after-load's timer runs TIMER_MS after load, and nothing else happens: the
    # observation waits for it (it is due soon) before preparing, so nothing is repeated.
    with PageLoader(pages, PRESETS["none"], 50, warm_up=False) as loader:
        run = loader.measure("/timer-after-load")
        assert run.error is None, run.error
        assert loader.repeated == 0
        assert run.load is not None and run.wall_ms >= run.load + TIMER_MS


@pytest.mark.parametrize("warm_up, documents", [(True, [2, 3]), (False, [1, 2])])
def test_a_warm_up_load_comes_before_the_first_timed_run_only(
    chromium: Any, warm_up: bool, documents: list[int]
) -> None:
    # Counted where the loads arrive: the target's own log of document requests.
    with _counting_loader(chromium, 10, warm_up=warm_up) as (loader, served):
        seen = []
        for _ in documents:
            assert loader.measure("/clean").error is None
            seen.append(served.count("/clean"))
    assert seen == documents


@contextlib.contextmanager
def _counting_loader(
    chromium: Any, timeout_s: float, warm_up: bool
) -> Iterator[tuple[PageLoader, list[str]]]:
    """A loader on the test pages, and the log of the paths they were asked for."""
    served: list[str] = []

    def counting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        served.append(environ["PATH_INFO"])
        return pages_app(environ, start_response)

    with (
        browsing(chromium, counting, timeout_s) as session,
        PageLoader(session, PRESETS["none"], 80, warm_up=warm_up) as loader,
    ):
        yield loader, served


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/data.json", "page answered application/json (not HTML): not timed"),
        ("/nope", "page answered HTTP 404 (an error page): not timed"),
        ("/redirects-itself", "the page went on to /clean by itself"),
        ("/refresh", "the page went on to /clean by itself"),
        ("/refresh-to-silence", "the page went on to /held by itself"),
        ("/moves-while-confirmed", "the page went on to /clean by itself"),
        ("/spins", "page not observed: the page's main thread stayed busy for more than"),
        ("/loads-late", "page did not load: Page.goto: Timeout 2000ms exceeded."),
    ],
)
def test_a_page_that_gives_no_figures_is_loaded_once_and_not_timed(
    chromium: Any, path: str, reason: str
) -> None:
    # A short timeout: /spins is given up on after it (capped at 5 s) plus 2 s.
    with _counting_loader(chromium, 2, warm_up=False) as (loader, served):
        measured = measure_runs(loader, path, runs=3)
    assert measured.error is not None and measured.error.startswith(reason), measured.error
    assert measured.runs == []
    assert served.count(path) == 1  # the server's answer would not change: no second load
