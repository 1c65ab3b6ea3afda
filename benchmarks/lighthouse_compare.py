"""Fidelity and speed of the browser suites against Lighthouse, on the same local pages.

Installs Lighthouse from npm into a temporary folder (or reuses --lighthouse-dir), serves the
test pages of tests/browser_pages.py on 127.0.0.1, and for each page prints our LCP / CLS /
FCP / TBT (median of 3 fresh-context loads) beside Lighthouse's (desktop preset, provided
throttling, same viewport and Chromium flags), the axe rule ids we report beside Lighthouse's
failed accessibility audits, and both wall times.

    python benchmarks/lighthouse_compare.py [--lighthouse-dir DIR] [--pages /lcp /shift]
                                            [--lighthouse-runs 3]

With --lighthouse-runs N, Lighthouse's figures are the median of N runs (ours are the median of
3 loads), its time is per run, and its own spread (min-max) is printed beside each metric:
on paints ~100 ms after navigation, run-to-run noise is of the order of the 15 % tolerance.

Lighthouse records a trace while it loads the page, with a screenshot of every frame; on two
cores that recording delays the page's first paints by tens of ms. So each page is also loaded
3 more times by our loader while the same trace categories (Lighthouse 12's defaults, with
screenshots) record: "ours traced" is the like-for-like figure, the page under the same
observer; "ours" is what the gate reports. Both verdicts are printed.

Targets: LCP and FCP within 15 %, CLS within 0.02, same rule ids (we may add best-practice
rules Lighthouse does not score), our time per page at most a quarter of Lighthouse's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from browser_pages import pages_app  # noqa: E402

from readiness import browser  # noqa: E402
from readiness.browser.session import BrowserSession, HttpsPolicy  # noqa: E402
from readiness.browser.settings import BrowserSettings  # noqa: E402
from readiness.demo import WsgiServer  # noqa: E402
from suites.accessibility.scan import axe_tabs, scan  # noqa: E402
from suites.accessibility.settings import Settings as A11y  # noqa: E402
from suites.performance.collect import PageLoader  # noqa: E402
from suites.performance.settings import PRESETS  # noqa: E402
from suites.performance.settings import Settings as Performance  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
PAGES = ["/clean", "/lcp", "/lcp-flat", "/shift", "/long-task", "/slow", "/a11y-bad"]
FLAGS = [*browser.CHROMIUM_ARGS, "--headless=new"]
# Lighthouse 12.2.3's default trace categories (core/gather/gatherers/trace.js).
LIGHTHOUSE_TRACE = [
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
    "disabled-by-default-devtools.timeline.invalidationTracking",
]


class TracedLoader(PageLoader):
    """Our loader with Lighthouse's trace recording each load (the observer it imposes)."""

    def __init__(self, session: BrowserSession, settle_ms: int) -> None:
        # No overlap: one trace at a time, on the page about to be loaded.
        super().__init__(session, PRESETS["none"], settle_ms, overlap=False)

    def _open(self) -> Any:
        tab = super()._open()
        browser = self.session.browser
        # Screenshots are only recorded for a page's own trace, and that trace must end
        # before its context closes: the loader closes the context after each load.
        browser.start_tracing(page=tab.page, screenshots=True, categories=LIGHTHOUSE_TRACE)
        return replace(tab, context=_StopTracingOnClose(tab.context, browser))


class _StopTracingOnClose:
    def __init__(self, context: Any, browser: Any) -> None:
        self._context, self._browser = context, browser

    def close(self) -> None:
        self._browser.stop_tracing()
        self._context.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def install_lighthouse(folder: Path) -> Path:
    cli = folder / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.is_file():
        subprocess.run(
            ["npm", "i", "--no-audit", "--no-fund", "--prefix", str(folder), LIGHTHOUSE],
            check=True,
            capture_output=True,
        )
    return cli


def run_lighthouse(cli: Path, url: str, chrome: str) -> tuple[dict[str, Any], float]:
    env = {**os.environ, "CHROME_PATH": chrome}
    start = time.perf_counter()
    proc = subprocess.run(
        [
            "node",
            str(cli),
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            "--preset=desktop",
            "--throttling-method=provided",
            "--only-categories=performance,accessibility",
            f"--chrome-flags={' '.join(FLAGS)}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(proc.stdout), time.perf_counter() - start


def lighthouse_figures(report: dict[str, Any]) -> dict[str, Any]:
    audits = report["audits"]
    a11y = report["categories"]["accessibility"]["auditRefs"]
    failed = {r["id"] for r in a11y if audits[r["id"]].get("score") == 0}
    return {
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "rules": failed,
    }


def ours(loader: PageLoader, tabs: list[Any], path: str) -> tuple[dict[str, Any], float]:
    settings = A11y()
    start = time.perf_counter()
    figures = _median_of_3(loader, path)
    scanned = scan(loader.session, tabs, path, settings.axe_options(), [], None, Path("."))
    elapsed = time.perf_counter() - start
    figures["rules"] = {v.rule for v in scanned.violations}
    return figures, elapsed


def _median_of_3(loader: PageLoader, path: str) -> dict[str, Any]:
    runs = [loader.measure(path) for _ in range(3)]
    return {
        key: statistics.median(getattr(r, key) or 0.0 for r in runs)
        for key in ("lcp", "fcp", "cls", "tbt")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse-dir", type=Path, default=None)
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--lighthouse-runs", type=int, default=1)
    args = parser.parse_args()
    chrome = browser.discover_chromium() or sys.exit("no Chromium found")
    with tempfile.TemporaryDirectory() as tmp:
        cli = install_lighthouse(args.lighthouse_dir or Path(tmp))
        server = WsgiServer(pages_app).start()
        from playwright.sync_api import sync_playwright

        rows = []
        with sync_playwright() as pw:
            chromium = browser.launch_chromium(pw, chrome)
            session = BrowserSession(
                chromium, chrome, server.url, BrowserSettings(), HttpsPolicy(False, ""), 10
            )
            _, tabs = axe_tabs(session, 1, viewport={"width": 1350, "height": 940})
            # As the gate measures: one loader for all pages (one warm-up load, the next
            # context prepared during each quiet window), the suite's default quiet window.
            settle_ms = Performance().settle_ms
            loader = PageLoader(session, PRESETS["none"], settle_ms)
            traced_loader = TracedLoader(session, settle_ms)
            for path in args.pages:
                mine, my_s = ours(loader, tabs, path)
                traced = _median_of_3(traced_loader, path)
                lh_runs = [
                    run_lighthouse(cli, server.url + path, chrome)
                    for _ in range(args.lighthouse_runs)
                ]
                figures = [lighthouse_figures(report) for report, _ in lh_runs]
                lh_s = statistics.median(seconds for _, seconds in lh_runs)
                rows.append((path, mine, traced, _median_figures(figures), my_s, lh_s))
            loader.close()
            traced_loader.close()
            chromium.close()
        server.stop()
    print(f"Chromium {chrome}; Lighthouse {LIGHTHOUSE}; ours = median of 3 loads + 1 axe scan")
    print(
        "| page | LCP ours / traced / LH | FCP ours / traced / LH | CLS ours / LH |"
        " TBT ours / LH | axe rules ours | LH failed audits | time ours / LH |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for path, mine, traced, lh, my_s, lh_s in rows:
        my_rules = ", ".join(sorted(mine["rules"])) or "-"
        lh_rules = ", ".join(sorted(lh["rules"])) or "-"
        print(
            f"| {path} | {mine['lcp']:.0f} / {traced['lcp']:.0f} / {lh['lcp']:.0f}"
            f"{_spread(lh, 'lcp')}"
            f" | {mine['fcp']:.0f} / {traced['fcp']:.0f} / {lh['fcp']:.0f}{_spread(lh, 'fcp')}"
            f" | {mine['cls']:.3f} / {lh['cls']:.3f} | {mine['tbt']:.0f} / {lh['tbt']:.0f}"
            f" | {my_rules} | {lh_rules} | {my_s:.2f} s / {lh_s:.2f} s |"
        )
    print()
    for path, mine, traced, lh, my_s, lh_s in rows:
        verdicts = [
            _within("LCP", mine["lcp"], lh["lcp"]),
            _within("FCP", mine["fcp"], lh["fcp"]),
            _within("traced LCP", traced["lcp"], lh["lcp"]),
            _within("traced FCP", traced["fcp"], lh["fcp"]),
            ("CLS ok" if abs(mine["cls"] - lh["cls"]) <= 0.02 else "CLS off"),
            (
                "rules ok"
                if lh["rules"] <= mine["rules"]
                else f"rules differ: {lh['rules'] - mine['rules']}"
            ),
            ("time ok" if my_s <= lh_s / 4 else f"time {my_s / lh_s:.0%} of LH"),
        ]
        print(f"{path}: {'; '.join(verdicts)}")


def _median_figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Lighthouse's figures over its runs: the median of each metric, with its range."""
    out: dict[str, Any] = {"rules": set.union(*(r["rules"] for r in runs))}
    for key in ("lcp", "fcp", "cls", "tbt"):
        values = [r[key] for r in runs]
        out[key] = statistics.median(values)
        out[f"{key}_range"] = (min(values), max(values))
    return out


def _spread(lh: dict[str, Any], key: str) -> str:
    low, high = lh[f"{key}_range"]
    return "" if low == high else f" ({low:.0f}-{high:.0f})"


def _within(name: str, mine: float, reference: float) -> str:
    if reference <= 0:
        return f"{name} n/a"
    off = abs(mine - reference) / reference
    return f"{name} {'ok' if off <= 0.15 else 'off'} ({off:+.0%})"


if __name__ == "__main__":
    main()
