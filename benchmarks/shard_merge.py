"""Two shards of a 20-page browser gate, side by side, merged: the merge's own time, and the
merged run against the single run of the same plan.

Each round gates the bundled healthy demo (one server for the whole benchmark, plain http,
so every run sees the same target) with the two browser suites on 20 pages: once as a single
run, then as ``--shard 1/2`` and ``--shard 2/2`` started together, then ``readiness-gate
merge`` of the two. Reported per round: the single run's wall time, the two shards' (both
started at once: the later end), the merge command's wall time (a fresh process: its start-up
is part of what a pipeline pays), and whether the merged verdict, coverage and check ids equal
the single run's.

    python benchmarks/shard_merge.py [--rounds 3] [--pages 20]

Budget (issue 15): the merge under 1 s; verdict, coverage and check ids equal the single run's.
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
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from browser_gate import pages_for  # noqa: E402

from readiness.demo import DemoServer  # noqa: E402

MERGE_BUDGET_S = 1.0
GATES = """
pages: {pages}
components:
  performance: {{weight: 1, runs: 3}}
  accessibility: {{weight: 1}}
"""


def gate(root: Path, gates: Path, target: str, run_id: str, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "readiness", "run", "--gates", str(gates), "--target"]
    command += [target, "--report-dir", str(root), "--run-id", run_id, "-q", *extra]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finished(*procs: subprocess.Popen) -> None:
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        if proc.returncode not in (0, 1, 3):
            sys.exit(f"a gate run failed (exit {proc.returncode}): {err.decode()[-400:]}")


def summary(run_dir: Path) -> dict[str, Any]:
    data = json.loads((run_dir / "readiness.json").read_text(encoding="utf-8"))
    ids = [c["id"] for comp in data["components"] for c in comp["checks"]]
    return {"verdict": data["verdict"], "coverage": data["confidence"]["coverage"], "ids": ids}


def one_round(work: Path, gates: Path, target: str, n: int) -> dict[str, Any]:
    root = work / f"round-{n}"
    started = time.perf_counter()
    single = gate(root, gates, target, "single")
    finished(single)
    single_s = time.perf_counter() - started
    started = time.perf_counter()
    shards = [gate(root / "shards", gates, target, f"s{i}", "--shard", f"{i}/2") for i in (1, 2)]
    finished(*shards)
    shards_s = time.perf_counter() - started
    merge = [sys.executable, "-m", "readiness", "merge", str(root / "shards" / "s1")]
    merge += [str(root / "shards" / "s2"), "--report-dir", str(root), "--run-id", "merged"]
    started = time.perf_counter()
    done = subprocess.run(merge, capture_output=True, text=True, timeout=120)
    merge_s = time.perf_counter() - started
    if done.returncode not in (0, 1, 3):
        sys.exit(f"merge failed (exit {done.returncode}): {done.stderr.strip()}")
    a, b = summary(root / "single"), summary(root / "merged")
    return {
        "single_s": single_s,
        "shards_s": shards_s,
        "merge_s": merge_s,
        "checks": len(a["ids"]),
        "same": a == b,
        "verdicts": (a["verdict"], b["verdict"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    rounds = []
    with tempfile.TemporaryDirectory() as tmp, DemoServer("healthy") as server:
        work = Path(tmp)
        gates = work / "gates.yaml"
        gates.write_text(GATES.format(pages=json.dumps(pages_for(args.pages))), encoding="utf-8")
        for n in range(1, args.rounds + 1):
            r = one_round(work, gates, server.url, n)
            rounds.append(r)
            print(
                f"round {n}: single {r['single_s']:.1f} s, 2 shards side by side"
                f" {r['shards_s']:.1f} s, merge {r['merge_s']:.2f} s; {r['checks']} checks,"
                f" verdict {r['verdicts'][0]} / merged {r['verdicts'][1]},"
                f" merged == single: {r['same']}"
            )
    merge_s = statistics.median(r["merge_s"] for r in rounds)
    ratio = statistics.median(r["shards_s"] / r["single_s"] for r in rounds)
    same = all(r["same"] for r in rounds)
    print(
        f"median merge {merge_s:.2f} s (budget {MERGE_BUDGET_S:.0f} s);"
        f" 2 shards / single run {ratio:.2f}; merged verdict, coverage and ids equal: {same}"
    )
    return 0 if merge_s < MERGE_BUDGET_S and same else 1


if __name__ == "__main__":
    sys.exit(main())
