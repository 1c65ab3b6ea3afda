"""Requests per second of the load suite, of bare Locust and of wrk, side by side.

The endpoint is nginx answering `return 200` on 127.0.0.1 (started here; Debian's
`nginx-light` and `wrk` are installed when missing and this runs as root). In every round, in
turn: the load suite (single process, 1 worker, one worker per core), bare
`locust --headless --processes -1` with an equivalent FastHttpUser locustfile, and wrk (the
physical reference). Also the suite's start-up + tear-down overhead (Locust's wall time
beyond the configured duration) and the peak memory (RSS summed over the process tree).
Figures are medians over the rounds; the machine may be shared, so compare within a run.

    python benchmarks/load_rps.py [--rounds 3] [--users 20] [--duration 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from suites.load.runner import free_port
from suites.load.stats import aggregate, parse_stats_json, rps

REPO = Path(__file__).resolve().parent.parent
NGINX_CONF = """daemon off; worker_processes auto; pid {dir}/nginx.pid; error_log {dir}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 1000000;
  server {{ listen 127.0.0.1:{port}; location / {{ return 200 "ok"; }} }} }}
"""
BARE_LOCUSTFILE = """from locust import FastHttpUser, constant, task


class Bare(FastHttpUser):
    wait_time = constant(0)

    @task
    def root(self):
        with self.client.request("GET", "/", name="root", catch_response=True) as r:
            r.success() if r.status_code == 200 else r.failure(f"HTTP {r.status_code}")
"""


def ensure_tools() -> None:
    missing = [t for t in ("nginx", "wrk") if shutil.which(t) is None]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit(f"missing {missing}: apt-get install -y nginx-light wrk")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light", "wrk"], check=True)


def measured(cmd: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``cmd``; return it, its wall time and the peak RSS (MiB) of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done = subprocess.CompletedProcess(cmd, proc.returncode, out.decode(), err.decode())
    return done, wall, peak / 2**20


def suite(url: str, tmp: Path, workers: str, users: int, duration: int) -> dict:
    gates = tmp / f"gates-{workers}.yaml"
    gates.write_text(
        f"target: {url}\ncomponents:\n  load:\n    weight: 1\n    workers: {workers}\n"
        f"    users: {users}\n    spawn_rate: {users * 10}\n    duration: {duration}s\n"
        "    thresholds: {min_rps: 1}\n    endpoints: [{path: /, name: root}]\n"
    )
    reports = tmp / "reports"
    cmd = [sys.executable, "-m", "readiness", "--gates", str(gates), "--report-dir", str(reports)]
    done, wall, peak = measured([*cmd, "-q", "-p", "no:hypothesispytest"], REPO)
    data = json.loads((reports / "latest" / "readiness.json").read_text())
    checks = {c["id"]: c for comp in data["components"] for c in comp["checks"]}
    rate = checks["load.rps"]
    if rate["value"] is None:
        raise SystemExit(f"suite run failed: {rate['message']}\n{done.stderr[-2000:]}")
    run = next(e["content"] for e in rate["evidence"] if e["label"] == "Locust run")
    return {"rps": rate["value"], "overhead_s": run["wall_s"] - duration, "gate_s": wall,
            "peak_mib": peak}  # fmt: skip


def bare(url: str, tmp: Path, users: int, duration: int) -> dict:
    (tmp / "bare.py").write_text(BARE_LOCUSTFILE)
    cmd = [sys.executable, "-m", "locust", "-f", "bare.py", "--headless", "--processes", "-1"]
    cmd += ["-u", str(users), "-r", str(users * 10), "-t", f"{duration}s", "-H", url]
    cmd += ["--only-summary", "--json-file", "bare", "--exit-code-on-error", "0"]
    _done, wall, peak = measured(cmd, tmp)
    total = aggregate(parse_stats_json((tmp / "bare.json").read_text()))
    return {"rps": rps(total, total), "wall_s": wall, "peak_mib": peak}


def wrk(url: str, users: int, duration: int) -> dict:
    cmd = ["wrk", "-t", str(os.cpu_count() or 1), "-c", str(users), "-d", f"{duration}s", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per run")
    args = parser.parse_args()
    ensure_tools()
    port = free_port()
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(dir=tmp, port=port))
        nginx = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])
        url = f"http://127.0.0.1:{port}"
        try:
            time.sleep(0.5)
            runs = {
                **{
                    f"suite workers={w}": (
                        lambda w=w: suite(url, tmp, w, args.users, args.duration)
                    )
                    for w in ("0", "1", "auto")
                },
                "bare locust --processes -1": lambda: bare(url, tmp, args.users, args.duration),
                "wrk": lambda: wrk(url, args.users, args.duration),
            }
            for i in range(args.rounds):
                # Alternate the order each round: other load on a shared machine drifts, and
                # a fixed order would hand that drift to whichever runs last.
                for name in list(runs) if i % 2 == 0 else reversed(list(runs)):
                    results.setdefault(name, []).append(runs[name]())
        finally:
            nginx.terminate()
            nginx.wait(10)
    report(results, args)


def report(results: dict[str, list[dict]], args: argparse.Namespace) -> None:
    cores = os.cpu_count()
    print(f"{args.rounds} rounds, {args.users} users, {args.duration} s each, {cores} cores"
          " (shared machine: compare within this run)")  # fmt: skip
    med = {
        name: {f: statistics.median(row[f] for row in rows) for f in rows[0]}
        for name, rows in results.items()
    }
    for name, figures in med.items():
        shown = ", ".join(
            f"{f} {v:.2f}" if f != "rps" else f"rps {v:.0f}" for f, v in figures.items()
        )
        print(f"  {name:28} {shown}")
    # The overhead budget is per run, not per median: show every round's figure.
    for name, rows in results.items():
        if "overhead_s" in rows[0]:
            shown = ", ".join(f"{row['overhead_s']:.2f}" for row in rows)
            print(f"  overhead per round, {name}: {shown} s")

    def paired(a: str, b: str) -> tuple[float, list[float]]:
        # Ratios within each round (same moment, same background load), then their median.
        ratios = [x["rps"] / y["rps"] for x, y in zip(results[a], results[b], strict=True)]
        return statistics.median(ratios), ratios

    ratio, each = paired("suite workers=auto", "bare locust --processes -1")
    shown = ", ".join(f"{r:.0%}" for r in each)
    print(f"  suite (all cores) / bare Locust, median of rounds: {ratio:.0%} ({shown});"
          " target >= 90%")  # fmt: skip
    scale, each = paired("suite workers=auto", "suite workers=1")
    shown = ", ".join(f"x{r:.2f}" for r in each)
    print(f"  suite workers=auto / workers=1, median of rounds: x{scale:.2f} ({shown})"
          f" on {cores} cores")  # fmt: skip
    print(f"  wrk / suite (all cores): x{med['wrk']['rps'] / med['suite workers=auto']['rps']:.1f}")


if __name__ == "__main__":
    main()
