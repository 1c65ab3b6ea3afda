"""`readiness-gate run`: the gate through pytest with the engine's plugin.

Every pytest option passes through (-k, -x, -q, -p ...). The gates file is chosen here when
--gates is not given, and the choice travels to the run (``--gates-chosen``, read by
readiness/plugin/header.py) so that its first lines say which file it is and why.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

# Used when neither --gates nor ./gates.yaml is there: a generic smoke gate for any target.
DEFAULT_GATES = Path(__file__).resolve().parent.parent / "default_gates.yaml"

# What --gates-chosen says when readiness-gate picked the file (no --gates on the line).
CHOSEN_CWD = "cwd"
CHOSEN_BUILTIN = "builtin"


def default_gates() -> str:
    """The gates file when --gates is not given: ./gates.yaml, else the built-in one."""
    return "gates.yaml" if Path("gates.yaml").is_file() else str(DEFAULT_GATES)


def pytest_args(argv: Sequence[str]) -> list[str]:
    """The pytest command line for a gate run with ``argv`` from the user."""
    # Locust's pytest plugin brings a `session` fixture and -H; a gate run needs neither.
    args = [
        "-p",
        "readiness.plugin.hooks",
        "-p",
        "no:locust",
        "-p",
        "no:cacheprovider",
        "--tb=short",
        "-rN",
        # The console script imports the package before pytest can rewrite it; harmless.
        "-W",
        "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning",
    ]
    if not any(a in ("-q", "--quiet") or a.startswith("-q") for a in argv):
        args.append("-v")  # one line per check as it finishes
    if not any(a == "--gates" or a.startswith("--gates=") for a in argv):
        gates = default_gates()
        chosen = CHOSEN_BUILTIN if gates == str(DEFAULT_GATES) else CHOSEN_CWD
        args += ["--gates", gates, f"--gates-chosen={chosen}"]
    return [*args, *argv]


def run(argv: list[str]) -> int:
    """The gate; its exit code (pytest's usage error is our usage error: 2)."""

    def gate() -> int:
        try:
            return int(pytest.main(pytest_args(argv)))
        except KeyboardInterrupt:
            return 130

    code = reader_may_leave(gate)
    return 2 if code == pytest.ExitCode.USAGE_ERROR else code


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
