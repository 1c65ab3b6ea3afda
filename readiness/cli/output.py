"""What every subcommand shares: stdout whose reader may go away (``readiness-gate ... |
head``), and the parser whose mistakes are one line.

No import of pytest or the engine here: every subcommand goes through it, and ``merge`` or
``report`` must not pay for pytest's import (0.3 s of a merge's budget of 1 s).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any


class InputError(Exception):
    """What is wrong with a subcommand's input, as the one line the user sees (exit 2)."""


class OneLineParser(argparse.ArgumentParser):
    """argparse whose mistakes are one line, ``raises`` (InputError by default) naming the
    command's --help, instead of argparse's usage block and its own exit."""

    def __init__(
        self,
        *args: Any,
        raises: type[Exception] = InputError,
        help_of: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self._raises, self._help_of = raises, help_of or self.prog

    def error(self, message: str) -> Any:
        raise self._raises(f"{message} (see {self._help_of} --help)")


class _ReaderMayLeave:
    """stdout for the run: if its reader goes away (``readiness-gate ... | head``), the rest
    of the output is dropped and the run goes on, so the reports are written and the exit
    code is the verdict's, instead of a traceback in the middle of the checks."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return int(self._stream.write(text))
            except BrokenPipeError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self.gone = True

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding ...
        return getattr(self._stream, name)


def _drop_unwritten_output(stream: Any) -> None:
    # What the closed pipe refused is still in the stream's buffer; the interpreter would try
    # it again at exit and print "Exception ignored ... BrokenPipeError".
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())
    except (AttributeError, OSError, ValueError):  # not backed by a file descriptor
        pass
    finally:
        os.close(devnull)


def reader_may_leave(command: Callable[[], int]) -> int:
    """``command()`` with stdout that survives its reader going away (see _ReaderMayLeave)."""
    previous = sys.stdout
    stdout = sys.stdout = _ReaderMayLeave(previous)
    try:
        return command()
    finally:
        sys.stdout = previous
        if stdout.gone:
            _drop_unwritten_output(previous)
