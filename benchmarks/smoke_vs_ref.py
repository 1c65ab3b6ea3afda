"""The smoke-only gate on the demo, this checkout against another (a ref), side by side.

Alternates one run of each per round (`python -m readiness --component smoke --demo
healthy`, each from its own tree) and prints the medians and their ratio: what a change
costs the engine's fixed path (start-up, collection, recording, reports), measured as a
ratio in one run rather than as an absolute time. Plugin autoloading is off for both runs:
the installed entry point names one tree's plugin module; each tree's CLI passes its own.

    git worktree add /tmp/ref <commit>
    python benchmarks/smoke_vs_ref.py --ref /tmp/ref [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def one_run(tree: Path, report_dir: Path) -> float:
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "NO_COLOR": "1"}
    env.pop("READINESS_TARGET", None)
    start = time.perf_counter()
    command = [sys.executable, "-m", "readiness", "--component", "smoke", "--demo", "healthy"]
    proc = subprocess.run(
        [*command, "-q", "--report-dir", str(report_dir)],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: exit {proc.returncode}:\n{proc.stdout[-1500:]}{proc.stderr}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", type=Path, required=True, help="a checkout of the reference")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    here: list[float] = []
    ref: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            pair = [(REPO, here), (args.ref.resolve(), ref)]
            for tree, walls in pair if i % 2 == 0 else reversed(pair):
                walls.append(one_run(tree, Path(tmp) / tree.name))
    ratios = [h / r for h, r in zip(here, ref, strict=True)]
    print(f"{args.rounds} rounds, alternating (smoke-only gate on the demo)")
    print(f"  this checkout  median {statistics.median(here):.2f} s  {[round(w, 2) for w in here]}")
    print(f"  ref {args.ref}  median {statistics.median(ref):.2f} s  {[round(w, 2) for w in ref]}")
    print(f"  this / ref, median of rounds: x{statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
