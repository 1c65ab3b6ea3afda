"""Where a browser page's time goes: each step of a fresh-context load, per Chromium build, and
the accessibility scan in a fresh tab, in one reused tab, and with N tabs side by side.

Serves the broken demo target over http on 127.0.0.1 (its pages without the slow /products)
and, for every executable given (default: the one discovery picks, and the full build at
/usr/bin/chromium when both exist), launches it and prints medians over the loads of:
context creation, page creation, navigation to `load`, closing; then axe timings.

    python benchmarks/browser_breakdown.py [--loads 5] [--executable PATH ...] [--pages 16]

The figures in docs/PERFORMANCE.md's browser section ("Where one page's time goes",
"accessibility concurrency") come from this script.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from readiness import browser  # noqa: E402
from readiness.browser.session import BrowserSession, HttpsPolicy  # noqa: E402
from readiness.browser.settings import BrowserSettings  # noqa: E402
from readiness.demo import DemoServer  # noqa: E402
from suites.accessibility.scan import AXE_SOURCE, axe_tabs, scan_pages  # noqa: E402
from suites.accessibility.settings import Settings as A11y  # noqa: E402

FAST_PAGES = ["/", "/about", "/login"]  # the broken demo's /products is slow on purpose


def _timed(action: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, (time.perf_counter() - start) * 1000


def load_steps(chromium: Any, url: str, loads: int) -> dict[str, float]:
    """Median ms of each step of a fresh-context load (what the performance suite repeats)."""
    steps: dict[str, list[float]] = {"context": [], "page": [], "goto": [], "close": []}
    for _ in range(loads):
        context, ms = _timed(lambda: chromium.new_context(viewport={"width": 1350, "height": 940}))
        steps["context"].append(ms)
        page, ms = _timed(context.new_page)
        steps["page"].append(ms)
        steps["goto"].append(_timed(lambda p=page: p.goto(url, wait_until="load"))[1])
        steps["close"].append(_timed(context.close)[1])
    return {k: statistics.median(v) for k, v in steps.items()}


def axe_fresh_vs_reused(chromium: Any, url: str, loads: int) -> tuple[float, float]:
    """Median ms of one page's scan (open, load, axe) in a fresh tab each time, as the suite
    did before, and in one reused tab whose documents get axe from an init script."""
    options = A11y().axe_options()
    fresh = []
    for _ in range(loads):
        start = time.perf_counter()
        context = chromium.new_context()
        page = context.new_page()
        page.goto(url)
        page.evaluate(AXE_SOURCE)
        page.evaluate("(o) => axe.run(document, o).then(() => 0)", options)
        fresh.append((time.perf_counter() - start) * 1000)
        context.close()
    session = BrowserSession(chromium, "", url, BrowserSettings(), HttpsPolicy(False, ""), 10)
    context, tabs = axe_tabs(session, 1)
    scan_pages(session, tabs, ["/"], options, [], None, Path("."))  # warm the renderer
    reused = []
    for _ in range(loads):
        start = time.perf_counter()
        scan_pages(session, tabs, ["/"], options, [], None, Path("."))
        reused.append((time.perf_counter() - start) * 1000)
    context.close()
    return statistics.median(fresh), statistics.median(reused)


def concurrency(chromium: Any, url: str, count: int) -> dict[int, float]:
    """Seconds to scan ``count`` pages with 1..4 tabs side by side (warm renderers)."""
    session = BrowserSession(chromium, "", url, BrowserSettings(), HttpsPolicy(False, ""), 10)
    options = A11y().axe_options()
    paths = [FAST_PAGES[i % len(FAST_PAGES)] for i in range(count)]
    out = {}
    for tabs_count in (1, 2, 3, 4):
        context, tabs = axe_tabs(session, tabs_count)
        start = time.perf_counter()
        scan_pages(session, tabs, paths, options, [], None, Path("."))
        out[tabs_count] = time.perf_counter() - start
        context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--executable", nargs="*", default=None)
    args = parser.parse_args()
    found = browser.discover_chromium()
    executables = args.executable or [
        e for e in dict.fromkeys([found, "/usr/bin/chromium"]) if e and Path(e).exists()
    ]
    from playwright.sync_api import sync_playwright

    with DemoServer("broken") as demo, sync_playwright() as pw:
        for executable in executables:
            chromium, launch_ms = _timed(lambda e=executable: browser.launch_chromium(pw, e))
            print(f"{executable}: launch {launch_ms:.0f} ms")
            steps = load_steps(chromium, demo.url + "/about", args.loads)
            print("  fresh-context load, median ms: "
                  + ", ".join(f"{k} {v:.0f}" for k, v in steps.items()))  # fmt: skip
            fresh, reused = axe_fresh_vs_reused(chromium, demo.url + "/about", args.loads)
            print(f"  axe scan, median ms: fresh tab {fresh:.0f}, reused tab {reused:.0f}")
            if executable == executables[0]:
                seconds = concurrency(chromium, demo.url, args.pages)
                print(f"  {args.pages} pages scanned with N tabs: "
                      + ", ".join(f"{n}: {s:.2f} s" for n, s in seconds.items()))  # fmt: skip
            chromium.close()


if __name__ == "__main__":
    main()
