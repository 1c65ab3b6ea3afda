"""Where the browser suites' time goes, per page load and per axe scan, inside a real gate run.

Runs `readiness-gate` on the healthy demo with the N-page gates.yaml of browser_gate.py and
this file loaded as a pytest plugin (`-p browser_split`). The plugin wraps the performance
loader's steps, the accessibility scan's steps and the Playwright calls under them with a
clock, and prints the summed time and count of each when the gate exits:

    python benchmarks/browser_split.py [--pages 20]

Lines (ms summed over the run, n calls, ms per call):
  load.*   the performance suite: `measure` (one timed run, all of it), `settle` (load to the
           first quiet mark), `prepare` (the next run's context, made during the quiet
           window), `open` (a context with page, observers and CDP), `repeated` (runs measured
           again because the page was busy while the next was prepared)
  scan.*   the accessibility suite: `open` (navigation to load), `start` (axe.run until its
           synchronous part returns), `finish` (results, ignores, screenshots), `probe` (is
           the page still answering after its scan)
  pw.*     Playwright calls made by either: new_context, new_page, goto, context close
  item     pytest's whole protocol per check; `item` less load.measure, scan.* and the
           accessibility tab's set-up is the harness's own cost per check

and then the run's milestones, seconds since the runner started the gate's process: the
plugins loaded, the checks collected, Chromium launched, the first axe scan begun, the session
finished (reports follow) and the process exiting.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

T0_VAR = "BROWSER_SPLIT_T0"  # the runner's clock when it started the gate (time.time())

_spent: dict[str, float] = collections.defaultdict(float)
_calls: collections.Counter[str] = collections.Counter()
_milestones: list[tuple[float, str]] = []


def _mark(label: str) -> None:
    _milestones.append((time.time() - float(os.environ.get(T0_VAR, time.time())), label))


def _clock(owner: Any, name: str, key: str) -> None:
    """Replace ``owner.name`` with a wrapper that adds its duration to ``key``."""
    original: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _spent[key] += time.perf_counter() - start
            _calls[key] += 1

    setattr(owner, name, timed)


def pytest_configure(config: pytest.Config) -> None:
    _mark("plugins loaded, configuring")
    import playwright.sync_api as pw

    import suites.accessibility.conftest as a11y_fixtures
    import suites.accessibility.scan as a11y
    import suites.performance.collect as perf

    _clock(perf.PageLoader, "measure", "load.measure")
    _clock(perf.PageLoader, "_prepare_next", "load.prepare")
    _clock(perf.PageLoader, "_open", "load.open")
    _clock(perf, "_settle", "load.settle")
    _clock(a11y, "_open", "scan.open")
    _clock(a11y, "_start", "scan.start")
    _clock(a11y, "_finish", "scan.finish")
    _clock(a11y, "_responding", "scan.probe")
    _clock(a11y_fixtures, "axe_tabs", "scan.tab_setup")
    _clock(pw.Browser, "new_context", "pw.new_context")
    _clock(pw.BrowserContext, "new_page", "pw.new_page")
    _clock(pw.BrowserContext, "close", "pw.context_close")
    _clock(pw.Page, "goto", "pw.goto")
    close = perf.PageLoader.close

    def close_and_count(self: perf.PageLoader) -> None:
        _calls["load.repeated"] += self.repeated
        close(self)

    perf.PageLoader.close = close_and_count  # type: ignore[method-assign]
    launch = pw.BrowserType.launch

    def launch_and_mark(self: Any, *args: Any, **kwargs: Any) -> Any:
        browser = launch(self, *args, **kwargs)
        _mark("Chromium launched")
        return browser

    pw.BrowserType.launch = launch_and_mark  # type: ignore[method-assign]
    first_scan = [True]
    scan_pages = a11y_fixtures.scan_pages

    def scan_and_mark(*args: Any, **kwargs: Any) -> Any:
        if first_scan[0]:
            first_scan[0] = False
            _mark("first axe scan begins")
        return scan_pages(*args, **kwargs)

    a11y_fixtures.scan_pages = scan_and_mark


def pytest_collection_finish(session: pytest.Session) -> None:
    _mark(f"{len(session.items)} checks collected")


def pytest_sessionfinish(session: pytest.Session) -> None:
    _mark("session finished, reports next")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        _spent["item"] += time.perf_counter() - start
        _calls["item"] += 1


@atexit.register
def _report() -> None:
    if not _calls:
        return  # imported by the runner below, not loaded into a gate
    _mark("exiting")
    for key in sorted(_calls):
        ms, n = _spent[key] * 1000, _calls[key]
        per = f"{ms / n:8.1f} ms each" if ms else ""
        print(f"SPLIT {key:18s} {ms:9.1f} ms  n={n:<4d} {per}")
    for at, label in _milestones:
        print(f"SPLIT at {at:6.2f} s  {label}")


def main() -> None:
    sys.path.insert(0, str(HERE))
    from browser_gate import GATES, pages_for

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gates = Path(tmp) / "gates.yaml"
        gates.write_text(GATES.format(pages=json.dumps(pages_for(args.pages))), "utf-8")
        command = [sys.executable, "-m", "readiness", "--gates", str(gates), "-q",
                   "-p", "browser_split", "--report-dir", str(Path(tmp) / "reports")]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(REPO)])}
        env[T0_VAR] = repr(time.time())
        proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("SPLIT")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"gate exit {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr}")
    print(f"{args.pages} page(s) on the healthy demo:")
    print("\n".join(line.removeprefix("SPLIT ") for line in lines))


if __name__ == "__main__":
    main()
