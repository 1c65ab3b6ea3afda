"""Locust runner (separate processes) and the safety rule for where load may go.

Locust runs headless as `python -m locust` of this same interpreter, never in the gate's
process: its gevent monkey-patching must not meet Playwright. With `workers: N`, Locust's own
`--processes N` forks N workers from the master once it has imported Locust and the
locustfile (Locust's own distributed mode; no second import per worker); with `mode: master`
the master waits for remote workers. Results come back through Locust's own files (see
stats.py), never by reading its console; the console is kept only to explain a crash.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TAIL_LINES = 15  # output lines kept as evidence when Locust fails
STOP_GRACE_S = 10.0  # after SIGTERM, Locust writes its stats and exits; then SIGKILL
# The master's account of its local workers, written by the generated locustfile's quit hook
# (template.py): how many connected and which were lost before the end.
WORKERS_FILE = "workers.json"


def is_loopback(host: str) -> bool:
    """Literal loopback only: a name is never resolved (resolving it is already traffic)."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def load_refusal(target: str, allow_remote: bool, allowed_hosts: list[str]) -> str | None:
    """Why no load may be sent to ``target`` (None: it may). Both keys are needed for a
    non-loopback host: gates.yaml's ``allow_remote`` and the host repeated on the command
    line (``--allow-load-on HOST``), so neither a file nor a command alone can aim a load
    test at a real system."""
    parts = urlsplit(target)
    host = parts.hostname or ""
    if is_loopback(host):
        return None
    named = {h.strip().lower().rstrip("/") for h in allowed_hosts}
    if allow_remote and (host in named or parts.netloc.lower() in named):
        return None
    if not allow_remote:
        return (
            f"load goes to loopback targets only; {host} is not loopback (to allow it, set"
            f" load.allow_remote: true in gates.yaml and pass --allow-load-on {host})"
        )
    return (
        "load.allow_remote is set, but the command line does not name the host:"
        f" pass --allow-load-on {host}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class MasterSpec:
    """Locust's distributed mode: a master on bind_host:port with `expect` workers, which it
    forks itself (``local``: Locust's --processes) or waits for (remote workers)."""

    bind_host: str
    port: int
    expect: int
    max_wait_s: int
    local: bool = False


@dataclass
class LoadPlan:
    locustfile: Path
    out_dir: Path  # Locust's CSV/JSON output and the process logs go here
    host: str
    users: int | None  # None: a LoadTestShape in the locustfile drives users and time
    spawn_rate: float
    run_time_s: int | None
    timeout_s: float  # the whole run, start-up included; then Locust is stopped
    master: MasterSpec | None = None
    python: str = sys.executable
    env: dict[str, str] = field(default_factory=dict)  # extra variables (secret headers)

    @property
    def prefix(self) -> Path:
        return self.out_dir / "locust"

    @property
    def local_workers(self) -> int:
        """Workers the master forks itself (0: none, or remote ones)."""
        return self.master.expect if self.master is not None and self.master.local else 0

    def main_command(self) -> list[str]:
        cmd = [self.python, "-m", "locust", "-f", str(self.locustfile), "--headless"]
        cmd += ["-H", self.host, "--only-summary"]
        cmd += ["--csv", str(self.prefix), "--csv-full-history", "--json-file", str(self.prefix)]
        # Failed requests are findings, judged by the checks; a non-zero exit means a crash.
        cmd += ["--exit-code-on-error", "0"]
        if self.users is not None:
            cmd += ["-u", str(self.users), "-r", str(self.spawn_rate)]
        if self.run_time_s is not None:
            cmd += ["-t", f"{self.run_time_s}s"]
        if self.master is not None:
            cmd += self._distributed(self.master)
        return cmd

    def _distributed(self, master: MasterSpec) -> list[str]:
        cmd = ["--master-bind-host", master.bind_host, "--master-bind-port", str(master.port)]
        cmd += ["--expect-workers-max-wait", str(master.max_wait_s)]
        if master.local:
            # --processes implies --master and --expect-workers N (Locust refuses --master
            # with it); the forked workers connect to --master-host/--master-port.
            cmd += ["--processes", str(master.expect)]
            return [*cmd, "--master-host", master.bind_host, "--master-port", str(master.port)]
        return ["--master", *cmd, "--expect-workers", str(master.expect)]

    def worker_command(self, master_host: str, locustfile: str) -> list[str]:
        """The command a remote worker is started with (mode: master), as printed for a person
        to run on another machine; ``locustfile='-'`` downloads it from the master. Local
        workers are forked by the master instead (``_distributed``)."""
        assert self.master is not None
        cmd = ["locust", "-f", locustfile, "--worker", "--master-host", master_host]
        return [*cmd, "--master-port", str(self.master.port), "--exit-code-on-error", "0"]


@dataclass
class LoadRun:
    """How the Locust processes ended; ``error`` says why there are no usable results."""

    returncode: int | None
    wall_s: float
    command: list[str]
    # One log: local workers are forked by the master and write to its output (their lines,
    # a traceback included, land in locust.log too).
    log: Path
    timed_out: bool = False
    error: str | None = None
    workers: dict[str, Any] | None = None  # WORKERS_FILE: the master's account of its workers

    @functools.cached_property
    def tail(self) -> str:
        """Locust's last output lines, read once when first asked for (to explain a failure)."""
        return output_tail(self.log)


def run_locust(plan: LoadPlan) -> LoadRun:
    """Run the plan to completion (or its timeout) and return how it ended."""
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCUST_")}
    env["PYTHONUNBUFFERED"] = "1"  # the log tail must be complete when Locust crashes
    env.update(plan.env)
    command, log = plan.main_command(), plan.out_dir / "locust.log"
    started = time.monotonic()
    try:
        main = _spawn(command, log, plan.out_dir, env)
    except OSError as exc:
        return LoadRun(None, 0.0, command, log, error=f"could not start Locust: {exc}")
    # Wait for the master (woken at its exit, not polled). A lost local worker is the
    # master's to notice (its heartbeat check): the generated locustfile then ends the run
    # and says so in WORKERS_FILE.
    timed_out = False
    try:
        main.wait(plan.timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        # An overrun, or Ctrl-C or an error in the gate: no Locust process may outlive it.
        _stop(main)
        _kill_group(main.pid)
    run = LoadRun(main.returncode, time.monotonic() - started, command, log, timed_out)
    run.workers = _read_workers(plan.out_dir / WORKERS_FILE)
    run.error = _failure(run, plan)
    return run


def _spawn(cmd: list[str], log: Path, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    # cwd = the output folder: Locust reads ./locust.conf and ./pyproject.toml from its cwd,
    # and a checkout's settings must not change the gate's load test. A new session keeps a
    # terminal's Ctrl-C away from Locust (the gate stops it itself), and makes the master
    # the leader of a process group that its forked workers join (see _kill_group).
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM (Locust then writes its stats, tells its workers to quit and exits), SIGKILL
    if it does not."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _kill_group(pgid: int) -> None:
    """SIGKILL what is left of the master's process group: forked workers outlive a master
    that was killed (they wait a minute for its heartbeat). Normally the group is already
    empty: workers quit before the master does. Its id cannot be reused while a member lives."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _read_workers(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _failure(run: LoadRun, plan: LoadPlan) -> str | None:
    if run.timed_out:
        return f"Locust did not finish within {plan.timeout_s:.0f} s and was stopped"
    if run.returncode != 0:
        if "No module named locust" in run.tail:
            return "Locust is not installed in this environment (pip install locust)"
        return f"Locust exited with code {run.returncode}"
    lost = (run.workers or {}).get("lost") or []
    if lost:
        expected = (run.workers or {}).get("expected", plan.local_workers)
        return (
            f"{len(lost)} of {expected} local Locust worker(s) lost during the run (no"
            " heartbeat, or no final statistics, reached the master): its merged results"
            " would be partial"
        )
    if not plan.prefix.with_name("locust.json").is_file():
        return "Locust produced no statistics"
    return None


def output_tail(log: Path, lines: int = TAIL_LINES) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    tail = [line for line in text.splitlines() if line.strip()][-lines:]
    return f"--- {log.name} ---\n" + "\n".join(tail) if tail else ""
