"""Ctrl-C and SIGTERM: the run stops, its partial report is written and marked, exit 130.

Ctrl-C in a terminal signals the whole process group at once: the gate, Playwright's driver,
Chromium and Locust. The children may die before the gate's own KeyboardInterrupt surfaces,
and Playwright's sync API can swallow that KeyboardInterrupt in its event loop, so the run used
to go on with every browser check errored ("Playwright connection closed") and end
INCONCLUSIVE, exit 3, not marked interrupted. So the signal is *recorded* the moment it
arrives, and from then on the record decides:

- the next check is not started (the run stops even when the KeyboardInterrupt was lost);
- a check that ends after the signal is not a finding: its child may have died of the user's
  signal, so it is reported "not run: interrupted", never errored or failed;
- the run is interrupted whatever exit status pytest computed.

The signal raises KeyboardInterrupt only while checks are collected and run (``armed``).
Before that (the demo starting, the run folder made) it is only recorded, and the collection
raises it at once: pytest writes no session end for a KeyboardInterrupt raised before the
session started, and so there would be no report. While the reports are written it is only
recorded too, so that no report is cut in half; the exit code is then the report's.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any


@dataclass(frozen=True)
class Interruption:
    """Which signal stopped the run, and when (time.monotonic())."""

    signal_name: str
    at: float


class InterruptWatch:
    """Holds the run's interruption, set once by the first SIGINT or SIGTERM."""

    def __init__(self) -> None:
        self.interruption: Interruption | None = None
        self.armed = False  # the signal raises KeyboardInterrupt (else it is only recorded)
        self._previous: list[tuple[signal.Signals, Any]] = []  # handlers to put back

    @property
    def interrupted(self) -> bool:
        return self.interruption is not None

    def after_interruption(self, moment: float) -> bool:
        """True if ``moment`` (time.monotonic()) is at or after the interruption."""
        return self.interruption is not None and moment >= self.interruption.at

    def record(self, signum: int) -> None:
        if self.interruption is None:
            self.interruption = Interruption(signal.Signals(signum).name, time.monotonic())

    def install(self) -> None:
        """Handle SIGINT and SIGTERM in the main thread (signals cannot be handled elsewhere;
        a pytest run from a thread keeps the process's handlers)."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous.append((signum, signal.signal(signum, self._handle)))

    def uninstall(self) -> None:
        while self._previous:
            signal.signal(*self._previous.pop())

    def arm(self) -> None:
        """From now on the signal stops the run at once; one already recorded does now."""
        self.armed = True
        if self.interruption is not None:
            raise KeyboardInterrupt(self.interruption.signal_name)

    def disarm(self) -> None:
        self.armed = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.interruption is None
        self.record(signum)
        if first and self.armed:
            # Once: the signals that follow (a second Ctrl-C, the group's copies, CI's repeat
            # of SIGTERM) must not cut short the partial report being written.
            raise KeyboardInterrupt(signal.Signals(signum).name)
