"""How much a Lighthouse-style trace delays early paints: our FCP with and without it.

Lighthouse records a trace (with screenshots) while it loads a page; this loads the same test
pages with our collector, 5 times plain and 5 times with the same trace categories started over
the DevTools protocol, and prints both medians. Used to explain why early paints read 10-36 ms
lower here than in Lighthouse (docs/PERFORMANCE.md).

    python benchmarks/trace_overhead.py [--loads 5] [--pages /a11y-bad /clean /long-task]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from browser_pages import pages_app  # noqa: E402

from readiness import browser  # noqa: E402
from readiness.browser_session import BrowserSession, HttpsPolicy  # noqa: E402
from readiness.browser_settings import BrowserSettings  # noqa: E402
from readiness.demo import WsgiServer  # noqa: E402
from suites.performance.collect import measure  # noqa: E402
from suites.performance.settings import PRESETS  # noqa: E402

# Lighthouse 12's default trace categories (core/gather/driver/trace... "defaultCategories").
LIGHTHOUSE_TRACE = ",".join(
    [
        "-*",
        "disabled-by-default-lighthouse",
        "loading",
        "v8",
        "v8.execute",
        "blink.user_timing",
        "blink.console",
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "disabled-by-default-devtools.screenshot",
        "disabled-by-default-devtools.timeline.stack",
        "disabled-by-default-devtools.timeline.frame",
        "latencyInfo",
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--pages", nargs="*", default=["/a11y-bad", "/clean", "/long-task"])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = WsgiServer(pages_app).start()
    try:
        with sync_playwright() as pw:
            chromium = browser.launch_chromium(pw, browser.discover_chromium())
            session = BrowserSession(
                chromium, "", server.url, BrowserSettings(), HttpsPolicy(False, ""), 10
            )
            for path in args.pages:
                plain = [measure(session, path, PRESETS["none"], 500).fcp or 0.0
                         for _ in range(args.loads)]  # fmt: skip
                traced = []
                for _ in range(args.loads):
                    cdp = chromium.new_browser_cdp_session()
                    cdp.send("Tracing.start", {"categories": LIGHTHOUSE_TRACE})
                    traced.append(measure(session, path, PRESETS["none"], 500).fcp or 0.0)
                    cdp.send("Tracing.end")
                    time.sleep(0.3)  # let the trace flush before the next load
                    cdp.detach()
                print(
                    f"{path}: FCP median {statistics.median(plain):.0f} ms plain,"
                    f" {statistics.median(traced):.0f} ms traced"
                    f" (plain {[round(v) for v in plain]}, traced {[round(v) for v in traced]})"
                )
            chromium.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
