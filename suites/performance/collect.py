"""Gather lab metrics from one page load in a fresh browser context.

The page reports its own timings: an init script registers PerformanceObservers before any of
the page's scripts run (paint, largest-contentful-paint, layout-shift, longtask), and Navigation
Timing gives TTFB, DOMContentLoaded and load. The DevTools protocol (CDP) adds what the page
cannot see: bytes on the wire per request, and throttling.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from readiness.browser_session import BrowserSession

from .metrics import Shift, Task, cumulative_layout_shift, time_to_interactive, total_blocking_time
from .settings import Throttling

# Timers the page set that are due within this long after the load event are waited for (then
# settle_ms more); later ones (pollers, carousels) are not, so a polling page ends in time.
TIMER_HORIZON_MS = 2000

OBSERVERS_JS = """
(() => {
  if (window !== window.top || window.__readinessVitals) return;
  const store = {fcp: null, lcp: [], shifts: [], tasks: [], last: 0};
  // TTI needs every request's timing; the default buffer keeps only 250.
  performance.setResourceTimingBufferSize(100000);
  Object.defineProperty(window, '__readinessVitals', {value: store});
  const describe = (el) => {
    if (!el) return null;
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\\s+/).join('.');
    return s;
  };
  const observe = (type, each) => {
    try {
      new PerformanceObserver((list) => {
        list.getEntries().forEach(each);
        store.last = performance.now();
      }).observe({type, buffered: true});
    } catch (e) { /* entry type not supported: the metric stays empty */ }
  };
  observe('paint', (e) => { if (e.name === 'first-contentful-paint') store.fcp = e.startTime; });
  observe('largest-contentful-paint', (e) => store.lcp.push(
    {time: e.startTime, size: e.size, url: e.url || '', element: describe(e.element)}));
  observe('layout-shift', (e) => store.shifts.push(
    {start: e.startTime, value: e.value, input: e.hadRecentInput}));
  observe('longtask', (e) => store.tasks.push({start: e.startTime, duration: e.duration}));
  // Work the page has scheduled: a hero revealed by a timer 600 ms after navigation paints
  // after a 500 ms quiet window from a fast load has ended. One-shot timers are tracked (due
  // time per id) so the observation waits for those due soon; the untouched original is kept
  // for our own waiting, which must not count as the page's work.
  const timers = new Map();
  const nativeSet = window.setTimeout.bind(window);
  const nativeClear = window.clearTimeout.bind(window);
  store.setTimeout = nativeSet;
  store.nextTimer = () => Math.min(Infinity, ...timers.values());
  window.setTimeout = function (fn, delay, ...rest) {
    if (typeof fn !== 'function') return nativeSet(fn, delay, ...rest);
    let id;
    const run = function (...args) {
      timers.delete(id);
      // A timer firing is activity (its paint and requests follow), unless it fires after the
      // horizon: a poller must not keep the observation open until the cap.
      const load = (performance.getEntriesByType('navigation')[0] || {}).loadEventEnd;
      if (!load || performance.now() <= load + __TIMER_HORIZON_MS__) store.last = performance.now();
      return fn.apply(this, args);
    };
    id = nativeSet(run, delay, ...rest);
    timers.set(id, performance.now() + Math.max(0, Number(delay) || 0));
    return id;
  };
  window.clearTimeout = function (id) { timers.delete(id); return nativeClear(id); };
})();
""".replace("__TIMER_HORIZON_MS__", str(TIMER_HORIZON_MS))

# Resolves, inside the page, once nothing new has been observed for `settle` ms since the
# load event and no timer the page set is due within `timerHorizon` ms of the load event (or
# `maxWait` ms have passed), with everything the observers and Navigation Timing hold.
# Waiting in the page wakes exactly when the quiet window ends: polling from Python overshot
# by up to a poll interval and cost a round trip per poll.
SETTLE_JS = """
([settle, maxWait, timerHorizon]) => new Promise((resolve) => {
  const began = performance.now();
  const v0 = window.__readinessVitals || {};
  const wait = v0.setTimeout || setTimeout;
  const read = () => {
    const nav = performance.getEntriesByType('navigation')[0] || {};
    const v = window.__readinessVitals || {};
    return {now: performance.now(), last: v.last || 0, fcp: v.fcp ?? null, lcp: v.lcp || [],
            shifts: v.shifts || [], tasks: v.tasks || [],
            requests: [[0, nav.responseEnd || 0], ...performance.getEntriesByType('resource')
              .map((e) => [e.startTime, e.responseEnd])],
            ttfb: nav.responseStart ?? null, dcl: nav.domContentLoadedEventEnd || null,
            load: nav.loadEventEnd || null};
  };
  const check = () => {
    const data = read();
    const quietFor = data.now - Math.max(data.last, data.load || 0);
    const waited = data.now - began;
    const next = v0.nextTimer ? v0.nextTimer() : Infinity;
    const timerDue = next <= (data.load || data.now) + timerHorizon;
    if ((quietFor >= settle && !timerDue) || waited >= maxWait) return resolve(data);
    const untilQuiet = Math.max(settle - quietFor, timerDue ? next - data.now : 0);
    wait(check, Math.min(untilQuiet, maxWait - waited) + 1);
  };
  check();
})
"""


@dataclass
class Resource:
    url: str
    type: str
    bytes: int = 0


@dataclass
class PageRun:
    """One page load's lab metrics (times in ms since navigation start)."""

    url: str
    status: int | None
    ttfb: float | None
    fcp: float | None
    lcp: float | None
    lcp_element: str | None
    cls: float
    tbt: float | None
    dcl: float | None
    load: float | None
    resources: list[Resource] = field(default_factory=list)
    wall_ms: float = 0.0
    error: str | None = None  # why this run measured nothing (the checks become errored)

    @property
    def requests(self) -> int:
        return len(self.resources)

    @property
    def transfer_kb(self) -> float:
        return sum(r.bytes for r in self.resources) / 1024.0

    def by_type(self) -> dict[str, tuple[int, float]]:
        """resource type -> (requests, KiB transferred)."""
        out: dict[str, tuple[int, float]] = {}
        for r in self.resources:
            count, kb = out.get(r.type, (0, 0.0))
            out[r.type] = (count + 1, kb + r.bytes / 1024.0)
        return out


class _Network:
    """Requests seen over CDP: what was transferred, and how many are still in flight."""

    def __init__(self, cdp: Any) -> None:
        self.resources: dict[str, Resource] = {}
        self.pending: set[str] = set()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", lambda e: self.pending.discard(e["requestId"]))

    def _sent(self, event: dict[str, Any]) -> None:
        url = event["request"]["url"]
        if not url.startswith("data:"):
            self.pending.add(event["requestId"])
            self.resources.setdefault(
                event["requestId"], Resource(url, event.get("type", "Other").lower())
            )

    def _response(self, event: dict[str, Any]) -> None:
        resource = self.resources.get(event["requestId"])
        if resource is not None:
            resource.type = event.get("type", resource.type).lower()

    def _finished(self, event: dict[str, Any]) -> None:
        self.pending.discard(event["requestId"])
        resource = self.resources.get(event["requestId"])
        if resource is not None:
            resource.bytes = int(event.get("encodedDataLength", 0))


def _throttle(cdp: Any, profile: Throttling) -> None:
    if profile.cpu_slowdown > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile.cpu_slowdown})
    if profile.latency_ms or profile.download_kbps or profile.upload_kbps:
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": profile.latency_ms,
                # CDP wants bytes per second; -1 disables the limit.
                "downloadThroughput": profile.download_kbps * 1024 / 8 or -1,
                "uploadThroughput": profile.upload_kbps * 1024 / 8 or -1,
            },
        )


def measure(session: BrowserSession, path: str, profile: Throttling, settle_ms: int) -> PageRun:
    """Load ``path`` once in a fresh context (cold cache, no cookies but the run's own)."""
    url = session.url(path)
    context = session.new_context(
        viewport={"width": profile.width, "height": profile.height},
        device_scale_factor=profile.device_scale_factor,
        is_mobile=profile.mobile,
        has_touch=profile.mobile,
    )
    started = time.perf_counter()
    try:
        context.add_init_script(OBSERVERS_JS)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        network = _Network(cdp)
        cdp.send("Network.enable")
        _throttle(cdp, profile)
        try:
            response = page.goto(url, wait_until="load")
        except Exception as exc:
            return _failed(url, f"page did not load: {str(exc).strip().splitlines()[0]}")
        status = response.status if response is not None else None
        if session.landed_on_login(page, path):
            return _failed(url, f"landed on the sign-in form ({page.url}), not on {path}")
        data = _settle(page, network, settle_ms, session.timeout_s * 1000)
        run = _page_run(url, status, data, list(network.resources.values()))
        run.wall_ms = (time.perf_counter() - started) * 1000
        return run
    finally:
        context.close()


# A page that never goes quiet (polling, animation, a long-lived request) is observed this long
# after load at most, so one busy page cannot cost runs x timeout_s.
MAX_OBSERVE_AFTER_LOAD_S = 5.0


def _settle(page: Any, network: _Network, settle_ms: int, timeout_ms: float) -> dict[str, Any]:
    """Wait until nothing new was observed for ``settle_ms`` after load and no request is in
    flight (a late LCP image or long task is still counted), or until the time is up."""
    deadline = time.perf_counter() + min(timeout_ms / 1000, MAX_OBSERVE_AFTER_LOAD_S)
    while True:
        left_ms = max(0.0, (deadline - time.perf_counter()) * 1000)
        data = page.evaluate(SETTLE_JS, [settle_ms, left_ms, TIMER_HORIZON_MS])
        if not network.pending or time.perf_counter() >= deadline:
            return data
        # A request is still in flight: let it finish (its LCP entry, if any, restarts the
        # quiet window), then settle again.
        page.wait_for_timeout(50)


def _page_run(url: str, status: int | None, data: dict[str, Any], res: list[Resource]) -> PageRun:
    tasks = [Task(t["start"], t["duration"]) for t in data["tasks"]]
    fcp, dcl = data["fcp"], data["dcl"]
    tbt = None
    if fcp is not None:
        requests = [(float(start), float(end)) for start, end in data["requests"]]
        tti = time_to_interactive(fcp, dcl or fcp, tasks, requests)
        tbt = total_blocking_time(tasks, fcp, tti)
    last_lcp = data["lcp"][-1] if data["lcp"] else None
    return PageRun(
        url=url,
        status=status,
        ttfb=data["ttfb"],
        fcp=fcp,
        lcp=last_lcp["time"] if last_lcp else None,
        lcp_element=(last_lcp["element"] or last_lcp["url"] or None) if last_lcp else None,
        cls=cumulative_layout_shift(
            [Shift(s["start"], s["value"], s["input"]) for s in data["shifts"]]
        ),
        tbt=tbt,
        dcl=dcl,
        load=data["load"],
        resources=res,
    )


def _failed(url: str, reason: str) -> PageRun:
    return PageRun(url, None, None, None, None, None, 0.0, None, None, None, error=reason)
