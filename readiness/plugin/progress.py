"""What the run is doing while it runs: a line as each component starts and, on a terminal, a
live line (rich) under pytest's own: the check running, page i of n for the browser suites,
and the load run's elapsed seconds with its live requests per second and errors.

A browser suite gathers a page for seconds and Locust runs for its whole duration inside one
check's set-up, while pytest prints nothing. The live line is redrawn a few times a second
by rich's own thread, on a duplicate of the terminal's descriptor taken as the first check
begins: pytest captures file descriptor 1 while a check runs. pytest's lines still go out whole,
above the live line (its writer is pointed through rich's console until the session ends);
a line pytest has begun but not ended is held until it ends. Not on a terminal (a CI log, a
pipe), or under -q, there is no live line: one plain line per component start, or nothing.

The load suite exposes no live figures through the suite contract; Locust itself appends a
row a second to ``<prefix>_stats_history.csv`` in the run folder (``--csv-full-history``),
flushed to the file every 5 s, and the last "Aggregated" row there is what the live line
shows, with its age. Always shown: the load's elapsed seconds and its planned seconds (the
suite's settings' ``planned_seconds``).
"""

from __future__ import annotations

import contextlib
import csv
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from readiness.core.formatting import count_of, format_number, printable
from readiness.plugin.gate import GateRun
from readiness.plugin.recorder import CheckMeta
from readiness.plugin.stash import META_KEY, gate_run

PAGE_PARAM = "page_path"  # the browser suites' parameter: one check per page
LOCUST_HISTORY = "*/*_stats_history.csv"  # under the run folder


@dataclass
class _Step:
    """The check now running."""

    meta: CheckMeta
    index: int  # 1-based, among the planned checks
    page: tuple[int, int, str] | None  # (i, n, path) for a check of one page
    started: float  # when the check began
    component_started: float  # when the component's first check began (its gathering)


@pytest.hookimpl(trylast=True)  # after pytest's terminal reporter is registered
def pytest_configure(config: pytest.Config) -> None:
    run = gate_run(config)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    # -v is readiness-gate's default; -q (or pytest run directly, at 0) shows no progress.
    if run is None or reporter is None or config.option.collectonly:
        return
    if config.get_verbosity() < 1:
        return
    config.pluginmanager.register(Progress(run, reporter), "readiness-progress")


class Progress:
    """The run's progress, registered for gate runs with -v (readiness-gate's default)."""

    def __init__(self, run: GateRun, reporter: Any) -> None:
        self._run = run
        self._reporter = reporter
        self._tty = bool(reporter.isatty) and os.environ.get("TERM") not in ("dumb", "unknown")
        self._items: dict[str, pytest.Item] = {}
        self._index: dict[str, int] = {}  # node id -> 1-based place in the run
        self._pages: dict[str, list[str]] = {}  # component -> its pages, in run order
        self._counts: dict[str, int] = {}
        self._started: dict[str, float] = {}  # component -> when its first check began
        self._step: _Step | None = None
        self._live: Any = None  # a progress_live.LiveLine once the first check starts

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            meta = item.stash.get(META_KEY, None)
            if meta is None:
                continue
            self._items[item.nodeid] = item
            self._index[item.nodeid] = len(self._items)
            self._counts[meta.component] = self._counts.get(meta.component, 0) + 1
            page = _page_of(item)
            pages = self._pages.setdefault(meta.component, [])
            if page is not None and page not in pages:
                pages.append(page)

    @pytest.hookimpl(tryfirst=True)  # before pytest's own line for the check is begun
    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        item = self._items.get(nodeid)
        meta = item.stash.get(META_KEY, None) if item is not None else None
        if item is None or meta is None:
            return
        now = time.monotonic()
        first = meta.component not in self._started
        started = self._started.setdefault(meta.component, now)
        page = _page_of(item)
        pages = self._pages.get(meta.component, [])
        where = (pages.index(page) + 1, len(pages), page) if page in pages else None
        self._step = _Step(meta, self._index[nodeid], where, now, started)
        if self._tty and self._live is None:
            self._live = _start_live(self._reporter, self.describe)
        if first:
            self._say(self._component_line(meta.component))
        if self._live is not None:
            self._live.refresh()  # every check is shown at least once, however short

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> Any:
        self.close()  # before the reports' warnings and the summary are written
        return (yield)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.close()

    def close(self) -> None:
        live, self._live, self._tty = self._live, None, False
        if live is not None:
            live.close()

    def _say(self, text: str) -> None:
        """A line of its own between two checks' lines. pytest ends a check's line only when
        the next one begins, so this one is left open the same way (no blank line after)."""
        self._reporter.write_line("")  # a blank line ahead: the component's section begins
        self._reporter.write(text, bold=True)
        self._reporter.currentfspath = -2  # pytest's mark for "a line is open"

    def _component_line(self, component: str) -> str:
        text = f"{printable(component)}: {count_of(self._counts[component], 'check')}"
        pages = self._pages.get(component)
        if pages:
            text += f" on {count_of(len(pages), 'page')}"
        planned = _planned_seconds(self._run, component)
        if planned is not None:
            text += f", {format_number(planned)} s of load"
        return text

    def describe(self) -> str:
        """The live line's text (rich's refresh thread calls this a few times a second)."""
        step = self._step
        if step is None:
            return "starting"
        now = time.monotonic()
        parts = [f"{step.index}/{len(self._items)}", printable(step.meta.id)]
        if step.page is not None:
            i, n, path = step.page
            parts.append(f"page {i} of {n}: {printable(path)}")
        planned = _planned_seconds(self._run, step.meta.component)
        if planned is None:
            parts.append(f"{int(now - step.started)} s")
        else:  # the load runs in the first check's set-up: its time is the component's
            elapsed = int(now - step.component_started)
            parts.append(f"load {elapsed} s, {format_number(planned)} s planned")
            parts.append(_load_figures(self._run.run_dir) or "no requests from Locust yet")
        return " · ".join(parts)


def _page_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    page = callspec.params.get(PAGE_PARAM) if callspec is not None else None
    return page if isinstance(page, str) else None


def _planned_seconds(run: GateRun, component: str) -> int | None:
    """How long the component's load lasts, for a suite that says (the load suite's
    settings); None for every other component."""
    comp = run.config.components.get(component)
    planned = getattr(comp.settings, "planned_seconds", None) if comp is not None else None
    return planned if isinstance(planned, int) else None


def _load_figures(run_dir: Path) -> str | None:
    """The latest second of Locust's own history in this run's folder, or None."""
    for path in run_dir.glob(LOCUST_HISTORY):
        row = last_aggregated_row(path)
        if row is None:
            continue
        try:
            rps, second = float(row["Requests/s"]), int(float(row["Timestamp"]))
            total, failures = int(row["Total Request Count"]), int(row["Total Failure Count"])
        except (KeyError, TypeError, ValueError):
            return None
        if not total:
            return None
        # Locust flushes the file every 5 s (CSV_STATS_FLUSH_INTERVAL_SEC): say how old.
        age = int(time.time()) - second
        return f"{rps:.1f} req/s · {count_of(total, 'request')} · {count_of(failures, 'error')}" + (
            f" (as of {age} s ago)" if age >= 2 else ""
        )
    return None


def last_aggregated_row(path: Path, tail_bytes: int = 16384) -> dict[str, str] | None:
    """The last complete "Aggregated" row of a Locust stats history CSV (None before one)."""
    try:
        with path.open("rb") as f:
            header = f.readline().decode("utf-8", "replace")
            size = f.seek(0, os.SEEK_END)
            start = max(len(header.encode()), size - tail_bytes)
            f.seek(start)
            tail = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    lines = tail.split("\n")[:-1]  # the text after the last newline is a row being written
    if start > len(header.encode()) and lines:
        lines = lines[1:]  # begun mid-row
    for line in reversed(lines):
        row = next(csv.DictReader([header, line]), None)
        if row is not None and row.get("Name") == "Aggregated":
            return row
    return None


def _start_live(reporter: Any, describe: Any) -> Any:
    # Imported on a terminal only: a CI run does not pay for rich's live display.
    from readiness.plugin.progress_live import LiveLine

    with contextlib.suppress(AttributeError, OSError, ValueError):  # no descriptor: no line
        return LiveLine.start(reporter._tw, describe)
    return None
