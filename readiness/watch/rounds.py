"""One round of the watch: a complete gate run in a subprocess, and what it answered.

A round is ``python -m readiness run --profile P --report-dir WATCH/rounds --run-id round-NNN
...`` with the watch's other options: a real run with its own folder, reports and exit code,
isolated from the others (a round that crashes cannot take the watch with it). Its output
goes to ``rounds/round-NNN.log``; the watch prints one line per round instead.

Its outcome comes from its exit code and the readiness.json it wrote, which must agree: GO,
NO-GO and INCONCLUSIVE are the round's verdict; anything else (exit 2, a crash, no
readiness.json, a report that says another exit code) is an error: the round gave no verdict.

The round runs in a process group of its own: when it must be stopped (the user's signal, or
still running well after the window closed) the signal goes to that group, as a terminal's
Ctrl-C would, and after a bounded wait the whole group is killed, Locust and all.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readiness.threads import start_daemon
from readiness.watch.signals import Stopper
from readiness.watch.window import RoundOutcome

ROUNDS = "rounds"
# The smoke suite's reachability check (suites/smoke/test_smoke.py): it passes when the
# target gave any HTTP answer.
REACHABLE = "smoke.reachable"
# How long a round has to end once it was signalled (an interrupted gate writes its partial
# report in about a second; Locust's own shutdown is bounded by the gate), then it is killed.
STOP_GRACE_S = 30.0


def round_id(number: int) -> str:
    return f"round-{number:03d}"


@dataclass(frozen=True)
class RoundRecord:
    """What one round did, as watch.json keeps it."""

    number: int
    started_s: float  # from the watch's start
    duration_s: float
    exit_code: int | None  # None: killed by a signal
    outcome: RoundOutcome
    verdict: str | None
    readiness: float | None
    answered: bool | None  # the target answered (smoke.reachable); None: not measured
    folder: str  # the round's run folder, relative to the watch's folder
    report: str | None  # its readiness.html, relative to the watch's folder (None: none)
    note: str = ""  # why it gave no verdict, or how it was stopped

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "started_s": round(self.started_s, 3),
            "duration_s": round(self.duration_s, 3),
            "exit_code": self.exit_code,
            "outcome": self.outcome.value,
            "verdict": self.verdict,
            "readiness": self.readiness,
            "answered": self.answered,
            "folder": self.folder,
            "report": self.report,
            "note": self.note,
        }


def command(number: int, rounds_dir: Path, profile: str, passthrough: tuple[str, ...]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "readiness",
        "run",
        "--profile",
        profile,
        "--report-dir",
        str(rounds_dir),
        "--run-id",
        round_id(number),
        *passthrough,
    ]


@dataclass
class RoundRunner:
    """Runs the rounds of one watch, one at a time."""

    watch_dir: Path
    profile: str
    passthrough: tuple[str, ...]
    stopper: Stopper
    started: float  # the watch's start, time.monotonic()

    @property
    def rounds_dir(self) -> Path:
        return self.watch_dir / ROUNDS

    def run(self, number: int, stop_at: float) -> RoundRecord:
        """Round ``number``, stopped if still running at ``stop_at`` (time.monotonic())."""
        self.rounds_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.rounds_dir / f"{round_id(number)}.log"
        begun = time.monotonic()
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                command(number, self.rounds_dir, self.profile, self.passthrough),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,  # the round's own group: see the module's docstring
            )
        stopped_late = self._wait(proc, stop_at)
        ended = time.monotonic()
        return self._record(
            number, begun - self.started, ended - begun, proc.returncode, stopped_late, log_path
        )

    def _wait(self, proc: subprocess.Popen[bytes], stop_at: float) -> bool:
        """Until the round's process ends; True if it was stopped for running late."""
        exited = threading.Event()

        def wait_for_exit() -> None:  # a thread: the main one waits on the waker instead
            proc.wait()
            exited.set()
            self.stopper.waker.wake()

        waiter = start_daemon(wait_for_exit, "round-exit")  # signals: the main thread's
        self.stopper.attach(proc.pid)
        late = False
        asked_at: float | None = None  # when the round was asked to stop
        killed = False
        try:
            while not exited.is_set():
                now = time.monotonic()
                if asked_at is None and (self.stopper.stopped or now >= stop_at):
                    if not self.stopper.stopped:  # (the user's signal was passed on already)
                        late = True
                        _signal_group(proc.pid, signal.SIGTERM)
                    asked_at = now
                if asked_at is not None and not killed and now >= asked_at + STOP_GRACE_S:
                    _signal_group(proc.pid, signal.SIGKILL)
                    killed = True
                if killed:
                    timeout: float | None = None  # only its exit is left to see
                elif asked_at is not None:
                    timeout = asked_at + STOP_GRACE_S - now
                else:
                    timeout = stop_at - now
                self.stopper.waker.wait(timeout)
        finally:
            self.stopper.detach()
            waiter.join()
        if asked_at is not None:
            # Whatever the round started in its group and left behind once it was stopped.
            _signal_group(proc.pid, signal.SIGKILL)
        return late

    def _record(
        self,
        number: int,
        started_s: float,
        duration_s: float,
        returncode: int,
        late: bool,
        log_path: Path,
    ) -> RoundRecord:
        folder = f"{ROUNDS}/{round_id(number)}"
        report = f"{folder}/readiness.html"
        result = _read_result(self.watch_dir / folder / "readiness.json")
        exit_code = returncode if returncode >= 0 else None
        verdict = result.get("verdict") if result else None
        readiness = result.get("readiness") if result else None
        answered = _answered(result) if result else None
        if self.stopper.stopped:
            outcome, note = RoundOutcome.INTERRUPTED, f"stopped by {self.stopper.signal_name}"
        elif late:
            outcome, note = RoundOutcome.ERROR, "still running after the window closed: stopped"
        elif result is None:
            outcome, note = RoundOutcome.ERROR, _no_report(returncode, log_path)
        elif result.get("interrupted"):
            outcome, note = RoundOutcome.ERROR, "interrupted by a signal the watch did not send"
        elif result.get("exit_code") != returncode:
            outcome = RoundOutcome.ERROR
            note = f"exit {returncode}, but its report says {result.get('exit_code')}"
        else:
            outcome, note = RoundOutcome.of_verdict(verdict), ""
        if outcome is RoundOutcome.ERROR and result is not None and not note:
            note = "no verdict"
        return RoundRecord(
            number=number,
            started_s=started_s,
            duration_s=duration_s,
            exit_code=exit_code,
            outcome=outcome,
            verdict=verdict,
            readiness=readiness,
            answered=answered,
            folder=folder,
            report=report if (self.watch_dir / report).is_file() else None,
            note=note,
        )


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def _read_result(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and "verdict" in data else None


def _answered(result: dict[str, Any]) -> bool | None:
    """Whether the target answered in this round: the reachability check passed (any HTTP
    answer), failed or errored (no answer, or no HTTP over a broken TLS); None when the
    round did not run that check (another profile, or cut short before it)."""
    for component in result.get("components") or []:
        for check in component.get("checks") or []:
            if check.get("id") == REACHABLE:
                outcome = check.get("outcome")
                if outcome == "passed":
                    return True
                if outcome in ("failed", "errored"):
                    return False
                return None
    return None


def _no_report(returncode: int, log_path: Path) -> str:
    """Why a round that wrote no readiness.json gave no verdict: its exit and its last line."""
    how = (
        f"killed by {signal.Signals(-returncode).name}"
        if returncode < 0 and -returncode in signal.valid_signals()
        else f"exit {returncode}"
    )
    last = _telling_line(log_path)
    return f"{how}, no readiness.json" + (f": {last}" if last else "")


def _telling_line(path: Path, limit: int = 300) -> str:
    try:
        with path.open("rb") as log:
            log.seek(0, os.SEEK_END)
            size = log.tell()
            log.seek(max(0, size - 4096))
            tail = log.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    # pytest follows its usage error with lines about its rootdir; the error says more.
    telling = [line for line in lines if "error:" in line.lower()] or lines
    return telling[-1][:limit] if telling else ""
