"""Ctrl-C and SIGTERM for the watch: stop starting rounds, pass the signal to the running one.

Each round runs in a process group of its own (readiness/watch/rounds.py), so that a round
that does not stop in time can be killed with everything it started (Locust), and the
watch's own group is not touched. So a Ctrl-C, which the terminal sends to the watch's group,
does not reach the round by itself: the watch passes it on to the round's group, as the
terminal would have. A SIGTERM sent to the watch alone (a CI runner, a deploy controller) is
passed on the same way. The round then ends as any interrupted gate run does: a partial
report marked as such, exit 130.

Waiting is on a pipe: the handler writes a byte to it, and so does the thread that sees the
round's process end, so one ``select`` wakes for whichever comes first. Nothing in the handler
takes a lock (a threading.Event set from a handler can deadlock on the lock the interrupted
main thread holds).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Waker:
    """A pipe to wait on: ``wake()`` from anywhere (a handler, a thread) ends ``wait()``."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)  # a full pipe already wakes the reader
        os.set_blocking(self._read, False)

    def wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._write, b"!")

    def wait(self, timeout_s: float | None) -> bool:
        """Until woken or ``timeout_s`` (None: no timeout) has passed; True if woken. A wake
        before the call counts (the byte waits in the pipe)."""
        if timeout_s is not None and timeout_s < 0:
            timeout_s = 0
        ready, _, _ = select.select([self._read], [], [], timeout_s)
        if ready:
            self.drain()
        return bool(ready)

    def drain(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            while os.read(self._read, 512):
                pass

    def close(self) -> None:
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


class Stopper:
    """The watch's record of the first SIGINT or SIGTERM, and where to pass it on."""

    def __init__(self, waker: Waker) -> None:
        self.waker = waker
        self.signal_name: str | None = None
        self._signum: int | None = None
        self._round_group: int | None = None  # the running round's process group
        self._previous: list[tuple[int, Any]] = []

    @property
    def stopped(self) -> bool:
        return self._signum is not None

    def install(self) -> None:
        # Signals are handled in the main thread only (a watch run from a thread keeps the
        # process's handlers: a test calling main() in-process).
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in SIGNALS:
            self._previous.append((signum, signal.signal(signum, self._handle)))

    def uninstall(self) -> None:
        while self._previous:
            signal.signal(*self._previous.pop())

    def attach(self, group: int) -> None:
        """A round started in process group ``group``: a signal from now on goes to it too,
        and one that came while it was being started is passed on now."""
        self._round_group = group
        if self._signum is not None:
            self.forward(self._signum)

    def detach(self) -> None:
        self._round_group = None

    def forward(self, signum: int) -> None:
        group = self._round_group
        if group is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signum)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._signum is not None:
            return  # the round already has the first one; it stops within its own bound
        self._signum = signum
        self.signal_name = signal.Signals(signum).name
        self.forward(signum)
        self.waker.wake()
