"""Threads the gate starts leave SIGINT and SIGTERM to the main thread.

The kernel gives a process-directed signal to any thread that does not block it. Python's C
handler then runs in that thread and only flags the signal; the Python handler runs in the
main thread once that thread wakes. A SIGTERM that landed in the request-deadline thread left
the main thread asleep in a check's 60 s wait, and the run ignored it for the whole wait
(once in five runs of the test suite). So every thread the gate or a library starts on its
behalf is made with the two signals blocked: a thread inherits its maker's mask.

Linux (and any POSIX system) only: ``signal.pthread_sigmask`` is what makes this possible.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_left_to_main_thread() -> Iterator[None]:
    """Threads started inside this block block SIGINT and SIGTERM for their whole life.

    The calling thread blocks them too for the block's length; a signal that arrives then is
    held, not lost, and delivered as the block ends. A process forked inside the block
    inherits the mask as well: start only children that reset it (Playwright's Node driver
    does), or start them elsewhere.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def start_daemon(target: Callable[[], object], name: str) -> threading.Thread:
    """``target`` in a daemon thread of its own, started, that leaves the signals alone."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    with signals_left_to_main_thread():
        thread.start()
    return thread
