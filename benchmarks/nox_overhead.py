"""What nox adds to a smoke-only gate run: warm `nox -s smoke` against `readiness-gate` itself.

Issue 15's budget: a warm `nox -s smoke -- --target URL` at most 1 s slower than
`readiness-gate --component smoke --target URL`, both against the same local target. The
script uses a nox envdir of its own (a temporary folder), so the first call is a cold one
(the shared gate env created and the project installed; pip's download cache as the machine
has it) and is reported apart. It then serves the demo target from that env on 127.0.0.1
and alternates one warm nox run and one direct run (the env's own `readiness-gate`, the
program nox runs) per round, the order swapped every round; it prints the medians and
their difference.

    flock /tmp/bench.lock python benchmarks/nox_overhead.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUDGET_S = 1.0
GATE_ENV = "gate-env"  # noxfile.GATE_ENV: where the gate's sessions install the project


def nox_command() -> list[str]:
    if importlib.util.find_spec("nox") is not None:
        return [sys.executable, "-m", "nox"]
    found = shutil.which("nox")
    if found is None:
        raise SystemExit("nox is not installed: python3 -m pip install nox")
    return [found]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:  # the demo target is healthy: anything but GO is a broken run
        tail = (proc.stdout + proc.stderr)[-2000:]
        raise SystemExit(f"exit {proc.returncode}: {' '.join(command)}\n{tail}")
    return wall


@contextmanager
def demo_target(python: Path) -> Iterator[str]:
    """The demo target (healthy, plain HTTP) on a free 127.0.0.1 port, from the gate env."""
    proc = subprocess.Popen(
        [os.fspath(python), "-m", "readiness.demo", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "demo target (healthy) serving on URL — ...", once bound
        url = next((word for word in line.split() if word.startswith("http://")), None)
        if url is None:
            raise SystemExit(f"the demo target did not start: {line!r}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("--rounds must be at least 5 (the figure is a median)")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("READINESS_TARGET", None)
    nox = nox_command()
    with tempfile.TemporaryDirectory(prefix="nox-overhead-") as tmp:
        envdir = Path(tmp) / "nox"
        reports = Path(tmp) / "reports"
        common = ["--component", "smoke", "-q", "--report-dir", os.fspath(reports)]
        session = [*nox, "--envdir", os.fspath(envdir), "-s", "smoke", "--"]
        cold = timed([*session, "-q", "--report-dir", os.fspath(reports), "--demo", "healthy"], env)
        gate_bin = envdir / GATE_ENV / "bin"
        nox_walls: list[float] = []
        direct_walls: list[float] = []
        with demo_target(gate_bin / "python") as url:
            through_nox = [*session, "-q", "--report-dir", os.fspath(reports), "--target", url]
            direct = [os.fspath(gate_bin / "readiness-gate"), *common, "--target", url]
            for i in range(args.rounds):
                pair = [(through_nox, nox_walls), (direct, direct_walls)]
                for command, walls in pair if i % 2 == 0 else reversed(pair):
                    walls.append(timed(command, env))
    nox_median = statistics.median(nox_walls)
    direct_median = statistics.median(direct_walls)
    per_round = [n - d for n, d in zip(nox_walls, direct_walls, strict=True)]
    difference = nox_median - direct_median
    print(f"smoke-only gate against the demo target on 127.0.0.1, {args.rounds} rounds alternating")
    print(f"  cold `nox -s smoke -- --demo healthy` (new env, project installed): {cold:.1f} s")
    for label, median, walls in (
        ("warm `nox -s smoke`", nox_median, nox_walls),
        ("`readiness-gate` itself", direct_median, direct_walls),
    ):
        print(f"  {label:<24} median {median:.2f} s  {[round(w, 2) for w in walls]}")
    print(
        f"  nox adds {difference:.2f} s (difference of the medians; per round: median"
        f" {statistics.median(per_round):.2f} s, max {max(per_round):.2f} s)"
    )
    verdict = "within" if difference <= BUDGET_S else "OVER"
    print(f"  budget {BUDGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
