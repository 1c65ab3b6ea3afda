"""Wall time and peak memory of the browser suites (performance + accessibility) end to end.

Each run is a fresh `readiness-gate` process on the bundled healthy demo target with only the
two browser components: N pages x (3 fresh-context loads + 1 axe scan), all reports. Peak
memory is the largest summed PSS (proportional set size: shared pages split between the
processes sharing them, so Chromium's many processes are not counted once each for the same
libraries) of the gate's whole process tree (Python, Playwright's driver, every Chromium
process, the demo target), sampled every 200 ms; the summed RSS is printed beside it.

    python benchmarks/browser_gate.py [--runs 3] [--pages 1 20]

Budgets (issue 4): one page under 4 s; 20 pages under 6x the one-page time; peak under 1 GB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
DEMO_PAGES = ["/", "/about", "/products", "/login"]
GATES = """
target: demo
tls: {{ca_bundle: demo}}
pages: {pages}
components:
  performance: {{weight: 1, runs: 3}}
  accessibility: {{weight: 1}}
"""


def pages_for(count: int) -> list[str]:
    """``count`` distinct page URLs on the demo (its 4 pages, then with a query string)."""
    return [DEMO_PAGES[i % 4] + ("" if i < 4 else f"?copy={i}") for i in range(count)]


def _tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """(summed PSS, summed RSS) of ``proc`` and all its descendants, in bytes."""
    pss = rss = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        pss += getattr(info, "pss", info.rss)
        rss += info.rss
    return pss, rss


def one_run(tmp: Path, count: int) -> tuple[float, float, float, float]:
    """(wall s, in-gate s, peak PSS MiB, peak RSS MiB) of one gate process, ``count`` pages."""
    gates = tmp / "gates.yaml"
    gates.write_text(GATES.format(pages=json.dumps(pages_for(count))), encoding="utf-8")
    command = [sys.executable, "-m", "readiness", "--gates", str(gates), "-q",
               "--report-dir", str(tmp / "reports")]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_pss = peak_rss = 0
    watched = psutil.Process(proc.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss, peak_rss
        while not done.is_set():
            with contextlib.suppress(psutil.Error):  # the gate may just have exited
                pss, rss = _tree_memory(watched)
                peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=600)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"gate exit {proc.returncode}:\n{out.decode()[-2000:]}{err.decode()}")
    data = json.loads((tmp / "reports" / "latest" / "readiness.json").read_text())
    return wall, data["duration_s"], peak_pss / 2**20, peak_rss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 20])
    args = parser.parse_args()
    medians: dict[int, float] = {}
    print(f"load average before: {psutil.getloadavg()}")
    for count in args.pages:
        results = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                results.append(one_run(Path(tmp), count))
        walls = [r[0] for r in results]
        medians[count] = statistics.median(walls)
        print(
            f"{count:>3} page(s): median wall {medians[count]:.2f} s"
            f" (min {min(walls):.2f}, max {max(walls):.2f}),"
            f" in-gate {statistics.median(r[1] for r in results):.2f} s,"
            f" peak memory {max(r[2] for r in results):.0f} MiB PSS"
            f" ({max(r[3] for r in results):.0f} MiB summed RSS) over {args.runs} runs"
        )
    if 1 in medians and 20 in medians:
        print(f"20 pages / 1 page = {medians[20] / medians[1]:.1f}x (budget 6x)")
    print(f"load average after: {psutil.getloadavg()}")


if __name__ == "__main__":
    main()
