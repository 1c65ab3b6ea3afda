"""Gather lab metrics from one page load in a fresh browser context.

The page reports its own timings: an init script registers PerformanceObservers before any of
the page's scripts run (paint, largest-contentful-paint, layout-shift, longtask), and Navigation
Timing gives TTFB, DOMContentLoaded and load. The DevTools protocol (CDP) adds what the page
cannot see: bytes on the wire per request, and throttling.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readiness.suite import (
    BrowserSession,
    PageNotResponding,
    close_quietly,
    evaluate_within,
    first_line,
    load_failure,
    moved_on,
    not_a_page,
    went_elsewhere,
    went_to,
)

from .network import Network, throttle
from .runs import PageRun, failed_run, page_run
from .settings import Throttling

# The scripts the browser runs live in js/ as package data (shipped by pyproject.toml), so they
# can be read, linted and diffed as JavaScript; each is read once, at import.
_JS_DIR = Path(__file__).parent / "js"


def _script(name: str) -> str:
    """The text of js/``name`` exactly as stored (universal newlines: a CRLF checkout sends the
    browser the same text as an LF one)."""
    return (_JS_DIR / name).read_text(encoding="utf-8")


# Work the page scheduled that is due within this long after the load event is waited for (then
# a quiet window more); later work (pollers, carousels) is not, so a polling page ends in time.
TIMER_HORIZON_MS = 2000

# The init script: registers the PerformanceObservers before any of the page's scripts run and
# tracks the timers, idle callbacks and animations the page schedules (see the file).
OBSERVERS_JS = _script("observe_vitals.js").replace("__TIMER_HORIZON_MS__", str(TIMER_HORIZON_MS))

# Resolves, inside the page, once nothing new has been observed for `settle` ms since the
# load event and no work the page scheduled is due within `timerHorizon` ms of the load event
# (or `maxWait` ms have passed, then with `capped` set), with everything the observers and
# Navigation Timing hold. Waiting in the page wakes exactly when the quiet window ends:
# polling from Python overshot by up to a poll interval and cost a round trip per poll.
SETTLE_JS = _script("wait_until_quiet.js")

# The second half of the quiet window runs while the next run's context is being prepared:
# started without waiting, collected afterwards. `mark` says when the harness began working.
CONFIRM_START_JS = (
    f"(args) => {{ window.__readinessConfirm = ({SETTLE_JS})(args); return performance.now(); }}"
)
CONFIRM_END_JS = "() => window.__readinessConfirm"


# A page that never goes quiet (polling, animation, a long-lived request) is observed this long
# after load at most, so one busy page cannot cost runs x timeout_s.
MAX_OBSERVE_AFTER_LOAD_S = 5.0


# How long past the observation's own deadline the page's main thread may take to answer
# before the page counts as not responding (a script that never yields).
ANSWER_GRACE_S = 2.0


# How long the page must have been quiet before the next run's context is prepared beside it
# (the rest of the quiet window overlaps that work). Any activity after this point makes the
# run repeat alone, so a short wait costs repeated runs on pages with late work, never a
# skewed figure.
PREPARE_AFTER_QUIET_MS = 25


@dataclass
class _Tab:
    """A fresh context with one blank page, observers and network accounting in place."""

    context: Any
    page: Any
    network: Network
    signed_out: bool = False  # opened without the session's cookies (browser.signed_out)
    # Every navigation request of the page's main frame: the load's own, and any the page
    # starts by itself (a script, a <meta> refresh), committed or still in flight.
    navigations: list[Any] = field(default_factory=list)


class PageLoader:
    """Times page loads one after another, each in a fresh context (cold cache, no cookies but
    the run's own).

    A load is observed until the page has been quiet for ``settle_ms`` with nothing it
    scheduled due soon. The first ``PREPARE_AFTER_QUIET_MS`` of that window are waited out
    alone; during the rest the next run's context is prepared (a new renderer), so that work
    costs no time of its own. If the page does anything during that rest, its timing may have
    shared the CPU with the preparation, so that run is discarded and the page loaded again
    with nothing alongside: no reported figure ever overlapped harness work.
    """

    def __init__(
        self,
        session: BrowserSession,
        profile: Throttling,
        settle_ms: int,
        *,
        overlap: bool = True,
        warm_up: bool = True,
    ) -> None:
        self.session = session
        self.profile = profile
        self.settle_ms = settle_ms
        self.overlap = overlap
        self.repeated = 0  # runs measured again because the page was busy during preparation
        self._spare: _Tab | None = None
        # The browser's first page load pays one-time costs (font set-up, its network
        # service's first connection): in a fresh browser the first run painted later than
        # the runs after it. One untimed load comes first so that no page's figures carry them.
        self._cold = warm_up

    def __enter__(self) -> PageLoader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._spare is not None:
            close_quietly(self._spare.context)
            self._spare = None

    def measure(self, path: str) -> PageRun:
        """Load ``path`` once and return its lab metrics."""
        if self._cold:
            self._cold = False
            warm_up, _ = self._load(path, self.overlap)  # its figures are discarded
            if warm_up.final:
                return warm_up  # not a page to time: a timed load would say the same
        run, disturbed = self._load(path, self.overlap)
        if disturbed:
            self.repeated += 1
            run, _ = self._load(path, overlap=False)
        return run

    def _open(self, signed_out: bool = False) -> _Tab:
        profile = self.profile
        context = self.session.new_context(
            signed_out=signed_out,
            viewport={"width": profile.width, "height": profile.height},
            device_scale_factor=profile.device_scale_factor,
            is_mobile=profile.mobile,
            has_touch=profile.mobile,
        )
        try:
            context.add_init_script(OBSERVERS_JS)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            network = Network(cdp)
            cdp.send("Network.enable")
            throttle(cdp, profile)
        except Exception:
            context.close()
            raise
        tab = _Tab(context, page, network, signed_out)
        page.on("request", lambda r: _record_navigation(tab, r))
        return tab

    def _prepare_next(self) -> None:
        try:
            self._spare = self._open()
        except Exception:  # the next run opens its own and reports what goes wrong there
            self._spare = None

    def _load(self, path: str, overlap: bool) -> tuple[PageRun, bool]:
        """One observed load; the flag says the page was busy while the next was prepared."""
        signed_out = self.session.is_signed_out(path)
        tab, self._spare = self._spare, None
        if tab is not None and tab.signed_out != signed_out:  # prepared for the other kind
            tab.context.close()
            tab = None
        tab = tab or self._open(signed_out)
        url = self.session.url(path)
        started = time.perf_counter()
        try:
            try:
                response = tab.page.goto(url, wait_until="load")
            except Exception as exc:
                failure = load_failure(exc)
                return failed_run(url, failure.reason, final=failure.final), False
            status = response.status if response is not None else None
            why = not_a_page(status, response.headers.get("content-type") if response else None)
            if why:
                return failed_run(url, f"page answered {why}: not timed", status, final=True), False
            # Where the server's answer (redirects included) left the page. A <meta> refresh
            # can land before the next line runs: that is the page going on by itself, not a
            # server redirect to list in browser.redirects.
            loaded = response.url if response is not None else tab.page.url
            moved = _went_on(tab, loaded, response)
            if moved:
                return failed_run(url, moved, status, final=True), False
            elsewhere = self.session.ended_elsewhere(tab.page, path)
            if elsewhere:
                return failed_run(url, elsewhere, status, final=True), False
            try:
                data, disturbed = self._observe(tab, overlap)
            except PageNotResponding as exc:  # it would be again: not loaded `runs` times
                # Playwright runs nothing in a page whose own navigation is in flight: one
                # that never commits looks like a busy main thread, and is not one.
                why = _went_on(tab, loaded, response) or f"page not observed: {exc}"
                return failed_run(url, why, status, final=True), False
            except Exception as exc:  # the page navigated away (or crashed) while observed
                elsewhere = went_elsewhere(tab.page, exc, loaded) or _went_on(tab, loaded, response)
                if elsewhere:
                    return failed_run(url, elsewhere, status, final=True), False
                return failed_run(url, f"page not observed: {first_line(exc)}", status), False
            moved = _went_on(tab, loaded, response)
            if moved:  # the timings are of the page it went on to, not of this one
                return failed_run(url, moved, status, final=True), False
            run = page_run(url, status, data, list(tab.network.resources.values()))
            run.wall_ms = (time.perf_counter() - started) * 1000
            return run, disturbed
        finally:
            tab.context.close()

    def _observe(self, tab: _Tab, overlap: bool) -> tuple[dict[str, Any], bool]:
        """Watch the loaded page until it is quiet; (what it reported, whether it was busy
        while the next run's context was prepared)."""
        cap_s = min(self.session.timeout_s, MAX_OBSERVE_AFTER_LOAD_S)
        deadline = time.perf_counter() + cap_s
        first = min(PREPARE_AFTER_QUIET_MS, self.settle_ms) if overlap else self.settle_ms
        data = _settle(tab.page, tab.network, first, deadline)
        if not overlap or data["capped"]:
            return data, False
        left_ms = max(0.0, (deadline - time.perf_counter()) * 1000)
        bound_s = left_ms / 1000 + ANSWER_GRACE_S
        mark = evaluate_within(
            tab.page, bound_s, CONFIRM_START_JS, [self.settle_ms, left_ms, TIMER_HORIZON_MS]
        )
        self._prepare_next()
        confirmed = evaluate_within(tab.page, bound_s, CONFIRM_END_JS)
        if confirmed is None:
            # No confirmation to collect: the document that answered is the one the page went
            # on to meanwhile. The caller finds where it went (_went_on); this run is spoilt.
            return data, True
        return confirmed, confirmed["last"] > mark or bool(tab.network.pending)


def _record_navigation(tab: _Tab, request: Any) -> None:
    if request.is_navigation_request() and request.frame == tab.page.main_frame:
        tab.navigations.append(request)


def _went_on(tab: _Tab, loaded: str, response: Any) -> str | None:
    """Why the figures are not the page's own because it went on by itself, or None: it is
    at another address than ``loaded`` now, or a navigation it started (not the load's own
    request or a server redirect of it) is still in flight, however slow its answer."""
    moved = moved_on(tab.page, loaded)
    if moved or response is None:  # no response: no request of the load's own to tell apart
        return moved
    own = []
    request = response.request
    while request is not None:
        own.append(request)
        request = request.redirected_from
    started = [r for r in tab.navigations if not any(r is o for o in own)]
    return went_to(started[0].url) if started else None


def measure(session: BrowserSession, path: str, profile: Throttling, settle_ms: int) -> PageRun:
    """Load ``path`` once in a fresh context (one run, nothing prepared alongside)."""
    with PageLoader(session, profile, settle_ms, overlap=False, warm_up=False) as loader:
        return loader.measure(path)


def _settle(page: Any, network: Network, settle_ms: int, deadline: float) -> dict[str, Any]:
    """Wait until nothing new was observed for ``settle_ms`` after load, nothing the page
    scheduled is due soon and no request is in flight (a late LCP image or long task is still
    counted), or until ``deadline`` (then ``capped`` is set)."""
    while True:
        left_ms = max(0.0, (deadline - time.perf_counter()) * 1000)
        bound_s = left_ms / 1000 + ANSWER_GRACE_S
        data = evaluate_within(page, bound_s, SETTLE_JS, [settle_ms, left_ms, TIMER_HORIZON_MS])
        if not network.pending or data["capped"]:
            return data
        if time.perf_counter() >= deadline:
            data["capped"] = True
            return data
        # A request is still in flight: when it finishes, its Resource Timing entry is
        # activity and restarts the quiet window in the page.
        page.wait_for_timeout(20)
