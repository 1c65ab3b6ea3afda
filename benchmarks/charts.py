"""The report's charts for a 20-page, all-suites run: how long charts_for takes and how
large each chart's SVG is.

The source is one real run's readiness.json (default: a fresh all-suites run of the broken
demo, made by this checkout); its performance and accessibility checks are copied until
they cover 20 pages (as benchmarks/report_render.py does), and the trend gets 20 history
records. Prints the median of the timed renders, wall and CPU time (after one untimed
warm-up, which also pays pygal's import), and the size of every chart.

    python benchmarks/charts.py [--source RUN_DIR] [--pages 20] [--repeat 7]

The figures in docs/charts.md come from this script.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from report_render import make_source, page_of  # noqa: E402  (this folder's: one source run)

from readiness.reports.charts import charts_for  # noqa: E402
from readiness.reports.history import history_record  # noqa: E402

PAGED = ("performance", "accessibility")


def expand(result: dict[str, Any], pages: int) -> int:
    """The per-page checks copied, each page standing for as many as reach ``pages``."""
    measured = sorted(
        {
            found[1]
            for comp in result["components"]
            if comp["name"] == "accessibility"
            for check in comp["checks"]
            if (found := page_of(check["id"]))
        }
    )
    if not measured:
        return 0
    copies = -(-pages // len(measured))
    for comp in result["components"]:
        if comp["name"] not in PAGED:
            continue
        checks = []
        for check in comp["checks"]:
            checks.append(check)
            found = page_of(check["id"])
            if found is None or found[1] not in measured:
                continue
            for k in range(2, copies + 1):
                copy = json.loads(json.dumps(check))
                copy["id"] = f"{found[0]}.{found[1].rstrip('/') or '/home'}-{k}"
                checks.append(copy)
        comp["checks"] = checks
    return len(measured) * copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="a run folder holding readiness.json")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or make_source(Path(tmp))
        result = json.loads((source / "readiness.json").read_text(encoding="utf-8"))
    pages = expand(result, args.pages)
    history = []
    for i in range(20):
        record = history_record(result, source)
        record["run_id"] = f"202612{i + 1:02d}T120000Z-{i:04x}"
        history.append(record)
    charts_for(result, history)  # warm-up: imports, pygal's first chart
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        charts = charts_for(result, history)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    sizes = {c.id: len(c.svg.encode("utf-8")) for c in charts}
    print(f"pages: {pages}, history records: {len(history)}, charts: {len(charts)}")
    print(
        f"charts_for: median {statistics.median(times):.0f} ms over {args.repeat}"
        f" (min {min(times):.0f}, max {max(times):.0f}); CPU time median"
        f" {statistics.median(cpu):.0f} ms (wall time grows on a busy machine, CPU time less)"
    )
    for chart_id, size in sizes.items():
        print(f"  {chart_id:<22} {size / 1024:6.1f} KB")
    print(f"  {'all charts':<22} {sum(sizes.values()) / 1024:6.1f} KB")


if __name__ == "__main__":
    main()
