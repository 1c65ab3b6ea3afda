"""How long the gate takes to stop after Ctrl-C (SIGINT to the whole process group, as a
terminal sends it) or SIGTERM (CI cancelling a job): issue 13 asks for exit 130 within 5 s.

Each round runs the bundled demo gate in a session of its own and signals its group at two
moments, in turn: while the browser suites run (the first browser check has printed its line)
and while the load suite runs (its locustfile is written). The time is from the signal to the
process's exit; every round also checks the exit was 130. Figures are the median and the worst
over the rounds.

    python benchmarks/interrupt.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BROWSER_LINE = re.compile(r"suites/(performance|accessibility)/\S+::")


def one_round(moment: str, signum: int) -> float:
    reports = Path(tempfile.mkdtemp(prefix="interrupt-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "READINESS_TARGET"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "readiness", "--demo", "healthy", "--report-dir", str(reports)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**env, "NO_COLOR": "1"},
        start_new_session=True,
    )
    assert proc.stdout is not None
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            if moment == "browser" and BROWSER_LINE.search(line):
                ready.set()
        ready.set()  # the run ended first: the round says so below

    threading.Thread(target=read, daemon=True).start()
    if moment == "browser":
        ready.wait(300)
    else:  # the load suite has written its locustfile: Locust is starting or running
        while not list(reports.glob("*/load/locustfile.py")) and proc.poll() is None:
            time.sleep(0.05)
    if proc.poll() is not None:
        raise SystemExit(f"the run ended before the {moment} moment; nothing to measure")
    sent = time.perf_counter()
    os.killpg(proc.pid, signum)
    code = proc.wait(timeout=120)
    took = time.perf_counter() - sent
    if code != 130:
        raise SystemExit(f"{moment} {signal.Signals(signum).name}: exit {code}, not 130")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = [(m, s) for m in ("browser", "load") for s in (signal.SIGINT, signal.SIGTERM)]
    times: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for moment, signum in cases:  # alternating, so a noisy minute hits every case
            name = f"{moment:8} {signal.Signals(signum).name}"
            times.setdefault(name, []).append(one_round(moment, signum))
    print(f"signal to exit 130, {args.rounds} rounds (budget 5 s):")
    for name, values in times.items():
        print(f"  {name}  median {statistics.median(values):.2f} s  worst {max(values):.2f} s")


if __name__ == "__main__":
    main()
