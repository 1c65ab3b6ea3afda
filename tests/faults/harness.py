"""The fault matrix's harness: the real gate in a session of its own, and what every faulty
run must still do (issue 13): end within its bound, leave a complete report, name the cause in
one line, exit with the code its report states, print no traceback, leave no process behind."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from helpers import wait_for_file  # noqa: F401  (the faults tests import it from here)

REPO = Path(__file__).resolve().parent.parent.parent
REPORTS = ("readiness.json", "readiness.html", "summary.md", "junit.xml")


@dataclass
class Ended:
    """A finished gate process: its exit code, its output and where it wrote its reports."""

    returncode: int
    stdout: str
    stderr: str
    report_dir: Path
    session: int  # the process group / session id its children inherit
    earlier: frozenset[str]  # the run folders that were there before it started
    descendants: dict[int, float] = field(default_factory=dict)  # pid -> its start time

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def run_dir(self) -> Path:
        """This run's own folder (`latest` moves only for a complete run)."""
        (new,) = set(run_folders(self.report_dir)) - self.earlier
        return self.report_dir / new

    @property
    def readiness(self) -> dict[str, Any]:
        return json.loads((self.run_dir / "readiness.json").read_text(encoding="utf-8"))

    def checks(self) -> list[dict[str, Any]]:
        return [c for comp in self.readiness["components"] for c in comp["checks"]]


@dataclass
class GateProcess:
    """``readiness-gate ARGS`` started in a new session, as a terminal starts a job: a signal
    to its group reaches the gate and every child (Playwright's driver, Chromium, Locust)."""

    report_dir: Path
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = REPO

    def __post_init__(self) -> None:
        self.earlier = frozenset(run_folders(self.report_dir))
        env = {k: v for k, v in os.environ.items() if k != "READINESS_TARGET"}
        env.update({"NO_COLOR": "1", **self.env})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "readiness", "--report-dir", str(self.report_dir), *self.args],
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._out: list[str] = []
        self._err: list[str] = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self._out), daemon=True).start()
        self._err_reader = threading.Thread(
            target=self._read_err, args=(self.proc.stderr,), daemon=True
        )
        self._err_reader.start()
        # Chromium runs in a session of its own (Playwright detaches it), so the session id
        # does not find it: every descendant seen while the gate ran is remembered instead.
        self.descendants: dict[int, float] = {}
        threading.Thread(target=self._watch_children, daemon=True).start()

    def _watch_children(self) -> None:
        try:
            root = psutil.Process(self.proc.pid)
        except psutil.Error:
            return
        while self.proc.poll() is None:
            try:
                for child in root.children(recursive=True):
                    self.descendants.setdefault(child.pid, child.create_time())
            except psutil.Error:
                pass
            time.sleep(0.1)  # a sampling monitor, not a wait: nothing waits on it

    def _read(self, stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def _read_err(self, stream: Any) -> None:
        for line in stream:
            self._err.append(line)

    def wait_for_line(self, pattern: str, bound_s: float = 120) -> str:
        """The first line of stdout matching ``pattern`` (an event, not a clock: the bound
        only keeps a broken run from hanging the test)."""
        wanted = re.compile(pattern)
        while True:
            line = self._lines.get(timeout=bound_s)
            if line is None:
                raise AssertionError(
                    f"the gate ended before printing {pattern!r}:\n"
                    + "".join(self._out)[-2000:]
                    + "".join(self._err)[-1000:]
                )
            if wanted.search(line):
                return line

    def signal_group(self, signum: int) -> None:
        os.killpg(self.proc.pid, signum)

    def end(self, bound_s: float) -> Ended:
        """Wait for the gate's exit; past ``bound_s`` it is a hang, and a failure."""
        try:
            self.proc.wait(timeout=bound_s)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.proc.wait()
            raise AssertionError(
                f"the gate did not end within {bound_s} s:\n" + "".join(self._out)[-3000:]
            ) from None
        assert self.proc.stdout is not None
        self._err_reader.join(timeout=bound_s)
        while self._lines.get(timeout=bound_s) is not None:  # the rest of stdout
            pass
        return Ended(
            self.proc.returncode,
            "".join(self._out),
            "".join(self._err),
            self.report_dir,
            self.proc.pid,
            self.earlier,
            dict(self.descendants),
        )


def run_folders(report_dir: Path) -> list[str]:
    if not report_dir.is_dir():
        return []
    return [p.name for p in report_dir.iterdir() if p.is_dir() and not p.is_symlink()]


def run_to_end(report_dir: Path, *args: str, bound_s: float, **kwargs: Any) -> Ended:
    return GateProcess(report_dir, args, **kwargs).end(bound_s)


def left_behind(session: int, descendants: dict[int, float] | None = None) -> list[str]:
    """Live processes of the gate's session, or that it started (zombies are dead, only
    not yet reaped; a pid reused since is another process, told apart by its start time)."""
    found = []
    for proc in psutil.process_iter(["pid", "name", "status", "create_time"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            ours = (descendants or {}).get(proc.pid) == proc.info["create_time"]
            if ours or os.getsid(proc.pid) == session:
                found.append(f"{proc.pid} {proc.info['name']}")
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def assert_ended_well(ended: Ended, *, exit_code: int, cause: str | None = None) -> None:
    """What every faulty run must still do (issue 13's fault matrix)."""
    context = ended.output[-3000:]
    assert "Traceback" not in ended.output, context
    assert "INTERNALERROR" not in ended.output, context
    assert left_behind(ended.session, ended.descendants) == [], context
    assert ended.returncode == exit_code, context
    if exit_code == 2:  # refused before anything ran: one line, no report
        lines = [line for line in ended.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("readiness-gate: error:"), ended.stderr
        if cause:
            assert re.search(cause, lines[0]), lines[0]
        assert set(run_folders(ended.report_dir)) == ended.earlier, "a run folder was made"
        return
    for name in REPORTS:
        assert (ended.run_dir / name).is_file(), f"{name} missing: {context}"
    data = ended.readiness
    assert data["exit_code"] == ended.returncode, context
    if cause:
        texts = [*data["reasons"], *(c["message"] for c in ended.checks())]
        named = [t for t in texts if re.search(cause, t)]
        assert named, f"{cause!r} not among {texts[:10]}"
        assert all("\n" not in t for t in named), named
