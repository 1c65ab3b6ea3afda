"""`readiness-gate`: the gate from the command line, a thin wrapper over pytest + the plugin.

``readiness-gate [run] [options]`` runs the gate: every pytest option works (-k, -x, -q,
-p ...); the gate's own options are listed under "readiness gate" in `readiness-gate --help`.
``readiness-gate doctor [options]`` checks the set-up without running the gate
(readiness.doctor). The first argument, when it is not an option, names the subcommand; any
other word is a usage error before anything runs.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from readiness.core.formatting import printable

# Used when neither --gates nor ./gates.yaml is there: a generic smoke gate for any target.
DEFAULT_GATES = Path(__file__).resolve().parent / "default_gates.yaml"


# The words the first argument may be; `run` is also what no word (or an option) means.
SUBCOMMANDS = ("run", "doctor")


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
        args += ["--gates", default_gates()]
    return [*args, *argv]


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


def unknown_subcommand(word: str) -> str:
    """The one line for a first argument that is neither an option nor a subcommand: before
    subcommands it was taken as a pytest path, and the demo ran and wrote a report."""
    close = difflib.get_close_matches(word, SUBCOMMANDS, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    if not close and ("/" in word or "::" in word or word.endswith(".py")):
        hint = f"; a pytest path goes after run: readiness-gate run {printable(word)}"
    return (
        f"readiness-gate: error: unknown subcommand '{printable(word)}'{hint}"
        f" (subcommands: {', '.join(SUBCOMMANDS)}; options start with '-')"
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-"):
        word, rest = argv[0], argv[1:]
        if word == "run":
            return run(rest)
        if word == "doctor":
            # Imported here: a gate run does not pay for the doctor's modules.
            from readiness.doctor import main as doctor

            gates = default_gates()
            return _reader_may_leave(lambda: doctor(rest, default_gates=gates))
        sys.stderr.write(unknown_subcommand(word) + "\n")
        return 2
    return run(argv)


def run(argv: list[str]) -> int:
    """`readiness-gate run`: the gate through pytest with the engine's plugin."""

    def gate() -> int:
        try:
            return int(pytest.main(pytest_args(argv)))
        except KeyboardInterrupt:
            return 130

    code = _reader_may_leave(gate)
    # pytest's own usage error (an unknown option, say) is our usage error: exit 2.
    return 2 if code == pytest.ExitCode.USAGE_ERROR else code


def _reader_may_leave(command: Callable[[], int]) -> int:
    """``command()`` with stdout that survives its reader going away (see _ReaderMayLeave)."""
    previous = sys.stdout
    stdout = sys.stdout = _ReaderMayLeave(previous)
    try:
        return command()
    finally:
        sys.stdout = previous
        if stdout.gone:
            _drop_unwritten_output(previous)


if __name__ == "__main__":
    sys.exit(main())
