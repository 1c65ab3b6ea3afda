"""Start-up of Playwright's driver (a Node.js process), with and without Node's compile cache.

Every browser run starts the driver once before Chromium is launched; it loads several MB of
JavaScript, which Node compiles anew each time unless NODE_COMPILE_CACHE names a directory
to keep the compiled code in (readiness.browser.started_playwright sets it). The two ways
alternate in one process, each start a fresh driver; the cache is a temporary directory,
filled by one untimed start first.

    python benchmarks/driver_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from readiness.browser import COMPILE_CACHE_VAR, started_playwright


def start_seconds(cache: str | None) -> float:
    """Seconds until the driver answers (Playwright started), with ``cache`` as the cache."""
    if cache:
        os.environ[COMPILE_CACHE_VAR] = cache
    try:
        began = time.perf_counter()
        with started_playwright(compile_cache=False):
            return time.perf_counter() - began
    finally:
        os.environ.pop(COMPILE_CACHE_VAR, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.pop(COMPILE_CACHE_VAR, None)
    with tempfile.TemporaryDirectory() as cache:
        start_seconds(cache)  # fills the cache
        files = sum(1 for p in Path(cache).rglob("*") if p.is_file())
        cold, warm = [], []
        for _ in range(args.runs):
            cold.append(start_seconds(None))
            warm.append(start_seconds(cache))
    print(f"cache after one start: {files} file(s)")
    for name, values in (("without cache", cold), ("with cache", warm)):
        print(
            f"{name:14s} median {statistics.median(values) * 1000:.0f} ms"
            f" (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}) over {args.runs}"
        )
    print(f"saved per run: {(statistics.median(cold) - statistics.median(warm)) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
