"""`readiness-gate watch`: the rounds over the window, then the window's verdict.

Round 1 starts at once; each next one ``every`` seconds after the previous one was due (at
once when that moment has passed: a slow round delays the next, it does not make a burst).
No round starts once ``for`` has elapsed, and the watch stops early when the verdict can no
longer change (readiness.watch.window.decided). A round still running well after the window
closed (``every``, at least OVERRUN_MIN_S) is stopped and counts as an error, so a watch ends
within ``for`` plus that overrun plus the round's stop grace.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from readiness.cli.output import OneLineParser
from readiness.config import ConfigError, GateConfig
from readiness.core.formatting import format_percent, printable
from readiness.reports.folder import (
    ReportDirError,
    check_report_dir,
    check_run_dir_free,
    new_run_id,
)
from readiness.watch import report
from readiness.watch.options import (
    DEFAULT_PROFILE,
    PROG,
    Flags,
    WatchInputError,
    WatchSettings,
    parse_flags,
    settle,
    unknown_profile_hint,
)
from readiness.watch.rounds import RoundRecord, RoundRunner
from readiness.watch.signals import Stopper, Waker
from readiness.watch.window import (
    USAGE_EXIT,
    Availability,
    RoundOutcome,
    WindowVerdict,
    decided,
    judge,
    refused,
)

_PARSED_ATTRS = ("action", "dest", "default", "choices")
# A round running past the window's end gets `every` more, and at least this, to finish.
OVERRUN_MIN_S = 60.0


@dataclass(frozen=True)
class Prepared:
    """What the checks before any round found: the settings, the gates file, its config."""

    settings: WatchSettings
    gates_file: str
    config: GateConfig
    watch_id: str
    watch_dir: Path


def prepare(flags: Flags) -> Prepared:
    """Every check that needs no round; WatchInputError / ConfigError / ReportDirError."""
    # Imported here: the gate's own option set and its start-up checks, as a round makes them.
    from readiness.cli.run import default_gates
    from readiness.cli.usage import gate_options
    from readiness.plugin.gate import GateOptions, GateRun

    run_options = _run_options(flags.passthrough, gate_options())
    gates = run_options.get("gates") or default_gates()
    wanted = {f.name for f in fields(GateOptions)}
    given = {k: v for k, v in run_options.items() if k in wanted and v is not None}
    options = GateOptions(**{**given, "gates": gates, "profile": flags.profile or DEFAULT_PROFILE})
    try:
        run = GateRun.prepare(options)
    except ConfigError as exc:
        raise WatchInputError(unknown_profile_hint(exc, flags)) from None
    settings = settle(flags, run.config)
    check_report_dir(settings.report_dir)
    watch_id = flags.run_id or new_run_id(dt.datetime.now(dt.UTC))
    watch_dir = settings.report_dir.resolve() / watch_id
    check_run_dir_free(watch_dir)
    return Prepared(settings, gates, run.config, watch_id, watch_dir)


def _run_options(passthrough: Sequence[str], declared: Sequence[Any]) -> dict[str, Any]:
    """The gate options among the rounds' arguments, parsed as the plugin declares them
    (pytest's own options, which the gate does not declare, are left for the rounds)."""
    lenient = OneLineParser(
        prog=f"{PROG} (run options)",
        raises=WatchInputError,
        help_of=PROG,
        add_help=False,
        allow_abbrev=False,
    )
    for option in declared:
        kept = {k: v for k, v in option.attrs.items() if k in _PARSED_ATTRS}
        lenient.add_argument(*option.names, **kept)
    namespace, _ = lenient.parse_known_args(list(passthrough))
    values: dict[str, Any] = vars(namespace)
    return values


def main(argv: Sequence[str]) -> int:
    try:
        flags = parse_flags(argv)
        prepared = prepare(flags)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except KeyboardInterrupt:  # Ctrl-C before any round: nothing was started or written
        return 130
    except (WatchInputError, ConfigError, ReportDirError) as exc:
        sys.stderr.write(f"{PROG}: error: {printable(exc)}\n")
        return 2
    return Watch(prepared).run()


class Watch:
    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.settings = prepared.settings
        self.rounds: list[RoundRecord] = []
        self.started_at = dt.datetime.now(dt.UTC)
        self.started = time.monotonic()
        self.waker = Waker()
        self.stopper = Stopper(self.waker)
        self.stopped_early = False
        self.refusal: str | None = None  # what round 1 said when it refused its options

    def run(self) -> int:
        watch_dir = self.prepared.watch_dir
        watch_dir.mkdir(parents=True)
        self._say(f"watch {self.prepared.watch_id}: {self.settings.describe()}")
        self._say(f"watch folder: {printable(watch_dir)}")
        self.stopper.install()
        try:
            self._write_progress()
            self._rounds()
            # Decided here: a signal from now on is only recorded (no report is cut short).
            interrupted = self.stopper.stopped
            verdict = (
                refused(self.refusal)
                if self.refusal is not None and not interrupted
                else judge(
                    [r.outcome for r in self.rounds], self.settings.limits, interrupted=interrupted
                )
            )
            written = report.write_all(self._document(verdict, interrupted), watch_dir)
        finally:
            self.stopper.uninstall()
            self.waker.close()
        self._say(
            f"window verdict: {verdict.label} (exit {verdict.exit_code}) · "
            + " · ".join(printable(r) for r in verdict.reasons)
        )
        if self.refusal is not None and verdict.exit_code == USAGE_EXIT:
            sys.stderr.write(f"{PROG}: error: {printable(verdict.reasons[0])}\n")
        availability = Availability.of([r.answered for r in self.rounds])
        self._say(f"availability over the window: {availability.text}")
        for path in written.values():
            self._say(f"{path.name}: {printable(path)}")
        return verdict.exit_code

    def _rounds(self) -> None:
        settings = self.settings
        window_end = self.started + settings.window_s
        stop_at = window_end + max(settings.every_s, OVERRUN_MIN_S)
        runner = RoundRunner(
            self.prepared.watch_dir,
            settings.profile,
            settings.passthrough,
            self.stopper,
            self.started,
        )
        due = self.started
        number = 0
        while not self.stopper.stopped:
            number += 1
            if settings.max_rounds is not None and number > settings.max_rounds:
                return
            if number > 1:
                due = max(due + settings.every_s, time.monotonic())
                if due >= window_end:
                    return  # no round starts once the window has elapsed
                self._wait_until(due)
                if self.stopper.stopped:
                    return
            record = runner.run(number, stop_at)
            self.rounds.append(record)
            self._say(self._round_line(record))
            self._write_progress()
            if number == 1 and record.exit_code == USAGE_EXIT and record.verdict is None:
                self.refusal = record.note
                return
            if decided([r.outcome for r in self.rounds], settings.limits):
                self.stopped_early = not self.stopper.stopped
                return

    def _wait_until(self, moment: float) -> None:
        """Until ``moment`` (time.monotonic()) or the user's signal, whichever is first."""
        while not self.stopper.stopped:
            left = moment - time.monotonic()
            if left <= 0:
                return
            self.waker.wait(left)

    def _round_line(self, record: RoundRecord) -> str:
        planned = self.settings.planned_rounds
        which = f"round {record.number}/{planned}" if planned else f"round {record.number}"
        if record.outcome in (RoundOutcome.ERROR, RoundOutcome.INTERRUPTED):
            what = f"{record.outcome.value} ({printable(record.note)})"
        else:
            ready = (
                "readiness not measured"
                if record.readiness is None
                else f"{format_percent(record.readiness)} ready"
            )
            what = f"{record.verdict}, {ready}"
        return f"{which}: {what}, {record.duration_s:.1f} s"

    def _document(self, verdict: WindowVerdict | None, interrupted: bool) -> dict[str, Any]:
        state = report.WatchState(
            watch_id=self.prepared.watch_id,
            started_at=self.started_at,
            duration_s=time.monotonic() - self.started,
            settings=self.settings,
            target=self.prepared.config.target,
            gates_file=str(self.prepared.config.path),
            rounds=list(self.rounds),
            verdict=verdict,
            interrupted=interrupted,
            signal_name=self.stopper.signal_name if interrupted else None,
            stopped_early=self.stopped_early,
        )
        return report.document(state, self.prepared.config.redactor)

    def _write_progress(self) -> None:
        """watch.json as it stands (complete: false): what a killed watch leaves behind."""
        report.write_json(self._document(None, self.stopper.stopped), self.prepared.watch_dir)

    def _say(self, line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
