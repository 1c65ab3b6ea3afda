"""Two fixed costs of every run, with and without the caches that cut them.

- Playwright's driver (a Node.js process) loads several MB of JavaScript at each start, which
  Node compiles anew unless NODE_COMPILE_CACHE names a directory to keep the compiled code
  in (readiness.browser.discovery.started_playwright sets it). Measured in this process, each
  start a fresh driver.
- The report templates are compiled by Jinja2 at each run unless its bytecode cache (a
  per-user directory under the temporary directory, readiness/reports/html.py) holds them.
  Measured as a fresh `python` that imports the report module and loads every template, with
  TMPDIR pointing at an empty directory (no cache) or at one filled by a first run.

The two ways alternate, --runs times each; medians are printed side by side.

    python benchmarks/startup_caches.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from readiness.browser.discovery import COMPILE_CACHE_VAR, started_playwright

LOAD_TEMPLATES = """
import time
began = time.perf_counter()
from readiness.reports.html import _env
env = _env()
for name in env.list_templates(filter_func=lambda n: n.endswith(".j2")):
    env.get_template(name)
print(time.perf_counter() - began)
"""


def driver_start(cache: str | None) -> float:
    """Seconds until Playwright's driver answers, with ``cache`` as Node's compile cache."""
    if cache:
        os.environ[COMPILE_CACHE_VAR] = cache
    try:
        began = time.perf_counter()
        with started_playwright(compile_cache=False):
            return time.perf_counter() - began
    finally:
        os.environ.pop(COMPILE_CACHE_VAR, None)


def template_load(tmpdir: str) -> float:
    """Seconds a fresh interpreter takes to import the report module and load its templates,
    with ``tmpdir`` as its temporary directory (where Jinja keeps its cache)."""
    env = {**os.environ, "TMPDIR": tmpdir}
    out = subprocess.run(
        [sys.executable, "-c", LOAD_TEMPLATES], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def compare(name: str, cold: Callable[[], float], warm: Callable[[], float], runs: int) -> None:
    warm()  # fills the cache
    without, with_cache = [], []
    for _ in range(runs):
        without.append(cold())
        with_cache.append(warm())
    a, b = statistics.median(without) * 1000, statistics.median(with_cache) * 1000
    print(
        f"{name}: median {a:.0f} ms without the cache, {b:.0f} ms with it"
        f" ({a - b:.0f} ms saved; {runs} runs each, alternating)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.pop(COMPILE_CACHE_VAR, None)
    with tempfile.TemporaryDirectory() as node_cache, tempfile.TemporaryDirectory() as kept:
        compare(
            "Playwright driver start",
            lambda: driver_start(None),
            lambda: driver_start(node_cache),
            args.runs,
        )

        def cold_templates() -> float:
            with tempfile.TemporaryDirectory() as empty:
                return template_load(empty)

        compare("report templates", cold_templates, lambda: template_load(kept), args.runs)


if __name__ == "__main__":
    main()
