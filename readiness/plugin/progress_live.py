"""A one-line rich Live display under pytest's own terminal output (readiness/plugin/progress.py).

pytest's terminal writer is pointed here for as long as the line is shown: its complete
lines are printed by rich's console, above the live line; the line it has begun and not
ended (a check's name, waiting for its outcome) is held, and written out at the end. rich
writes to a duplicate of the terminal's descriptor: pytest redirects descriptor 1 into a
file while each check runs, which is when the line matters most.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console, ConsoleOptions
from rich.live import Live
from rich.text import Text

from readiness.threads import signals_left_to_main_thread

REFRESH_PER_S = 4
_SPINNER = "|/-\\"


class _Line:
    """The live line: a spinner and ``describe()``, cut to the terminal's width (a line that
    wrapped would leave copies of itself behind as it is redrawn)."""

    def __init__(self, describe: Callable[[], str]) -> None:
        self._describe = describe

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        try:
            text = self._describe()
        except Exception as exc:  # never a traceback from the refresh thread
            text = f"(progress unavailable: {type(exc).__name__})"
        frame = _SPINNER[int(time.monotonic() * REFRESH_PER_S) % len(_SPINNER)]
        yield Text(f"{frame} {text}", no_wrap=True, overflow="ellipsis", style="dim")


class LiveLine:
    """The live line and the stand-in for pytest's output file while it is shown."""

    def __init__(self, writer: Any, console: Console, out: Any, describe: Callable[[], str]):
        self._writer = writer
        self._stream = writer._file
        self._console = console
        self._out = out
        self._pending = ""
        self._live = Live(
            _Line(describe),
            console=console,
            transient=True,  # gone at the end: the summary follows pytest's last line
            auto_refresh=True,
            refresh_per_second=REFRESH_PER_S,
            redirect_stdout=False,  # pytest swaps sys.stdout per check; rich must not
            redirect_stderr=False,
        )

    @classmethod
    def start(cls, writer: Any, describe: Callable[[], str]) -> LiveLine:
        """Show the line under ``writer``'s (pytest's TerminalWriter's) output from now on."""
        stream = writer._file
        out = open(  # noqa: SIM115 - closed by close(), at the session's end
            os.dup(stream.fileno()),
            "w",
            encoding=getattr(stream, "encoding", None) or "utf-8",
            errors="replace",
        )
        console = Console(file=out, force_terminal=True, highlight=False, emoji=False)
        line = cls(writer, console, out, describe)
        try:
            with signals_left_to_main_thread():  # rich's refresh thread
                line._live.start()
        except BaseException:
            out.close()
            raise
        writer._file = line  # only once the line is shown: close() gives the writer back
        return line

    # pytest's writer writes here while the line is shown.
    def write(self, text: str) -> int:
        self._pending += text
        *complete, self._pending = self._pending.split("\n")
        for line in complete:
            self._console.print(Text.from_ansi(line), soft_wrap=True)
        return len(text)

    def flush(self) -> None:
        pass  # the console writes each line as it is printed

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno ...
        return getattr(self._stream, name)

    def refresh(self) -> None:
        self._live.refresh()

    def close(self) -> None:
        """Remove the line and give pytest its writer back, with the line it left open."""
        try:
            self._live.stop()
        finally:
            self._writer._file = self._stream
            self._out.close()
        if self._pending:
            self._stream.write(self._pending)
            self._stream.flush()
