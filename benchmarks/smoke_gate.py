"""Wall time of the smoke-only gate on the bundled demo target, end to end.

Each run is a fresh `readiness-gate --component smoke` process: interpreter start, config
load, demo target start, every smoke check (incl. the 50-request availability probe), all
reports. Budget (issue 2): under 5 s on a 2-core machine. Prints the median of N runs.

    python benchmarks/smoke_gate.py [--runs 7] [--mode healthy]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUDGET_S = 5.0


def one_run(report_dir: Path, mode: str) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "readiness",
            "--component",
            "smoke",
            "--demo",
            mode,
            "-q",
            "--report-dir",
            str(report_dir),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"gate failed with exit {proc.returncode}:\n{proc.stderr[-2000:]}")
    data = json.loads((report_dir / "latest" / "readiness.json").read_text())
    return wall, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--mode", choices=("healthy", "broken"), default="healthy")
    args = parser.parse_args()
    walls, inner = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            wall, data = one_run(Path(tmp), args.mode)
            walls.append(wall)
            inner.append(data["duration_s"])
            checks = data["confidence"]["checks_planned"]
    median = statistics.median(walls)
    print(f"smoke-only gate on the demo ({args.mode}), {args.runs} runs, {checks} checks")
    print(
        f"  wall time (process start to exit): median {median:.2f} s,"
        f" min {min(walls):.2f} s, max {max(walls):.2f} s"
    )
    print(f"  inside the gate (config to verdict): median {statistics.median(inner):.2f} s")
    verdict = "within" if median < BUDGET_S else "OVER"
    print(f"  budget {BUDGET_S:.0f} s: {verdict} ({median / BUDGET_S:.0%} of budget)")


if __name__ == "__main__":
    main()
