"""`readiness-gate watch`'s command line, and the window it settles on.

The watch's own options say how long and how often (``--for``, ``--every``, ``--rounds``),
what the window tolerates (the three limits), which profile each round runs and where the
watch's folder goes (``--report-dir``, ``--run-id``). Everything else is passed to each
round's ``readiness-gate run`` as it was written. Precedence: a flag, else the profile's
``watch:`` key in gates.yaml, else the defaults (readiness.config.WatchPolicy: Argo Rollouts'
limits, a 10 minute window, a round every 30 s).

Everything that can be wrong is checked here, before any round: the flags, the gates file
with its profile (loaded as a round will load it), the report folder. One line, exit 2.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from readiness.cli.output import InputError, OneLineParser
from readiness.config import ConfigError, GateConfig, WatchPolicy
from readiness.config.durations import EXAMPLES, format_duration, parse_duration
from readiness.watch.window import Limits

PROG = "readiness-gate watch"
DEFAULT_PROFILE = "post-deploy"
DEFAULT_REPORT_DIR = "reports"


class WatchInputError(InputError):
    """What is wrong with the watch's input, as the one line the user sees."""


def parser() -> argparse.ArgumentParser:
    out = OneLineParser(
        prog=PROG,
        raises=WatchInputError,
        usage=f"{PROG} [--for D] [--every D] [--rounds N] [LIMITS] [--profile P] [RUN OPTIONS]",
        description="Repeat a profile's checks over a window, as a rollout analysis does: one"
        " complete gate run per round, the verdict over the window with a failure, an"
        " inconclusive and a consecutive-error limit. Every other option goes to each"
        " round's `readiness-gate run` (--target, --gates, --page ...). docs/watch.md.",
        epilog="exit codes: 0 GO, 1 NO-GO, 2 usage or configuration error, 3 INCONCLUSIVE,"
        " 130 interrupted (Ctrl-C, SIGTERM: the running round is stopped, the report marked).",
        allow_abbrev=False,  # an abbreviation of a run option must reach the run
    )
    window = out.add_argument_group("window (flags beat the profile's watch: key)")
    window.add_argument(
        "--for",
        dest="window",
        metavar="DURATION",
        help=f"how long rounds start ({EXAMPLES}; default 10m)",
    )
    window.add_argument(
        "--every",
        metavar="DURATION",
        help="from one round's start to the next (default 30s; 0s: back to back)",
    )
    window.add_argument("--rounds", metavar="N", help="at most N rounds (default: no cap)")
    limits = out.add_argument_group("limits (Argo Rollouts' defaults)")
    limits.add_argument("--failure-limit", metavar="N", help="NO-GO rounds tolerated (0)")
    limits.add_argument(
        "--inconclusive-limit", metavar="N", help="INCONCLUSIVE rounds tolerated (0)"
    )
    limits.add_argument(
        "--consecutive-error-limit",
        metavar="N",
        help="rounds in a row without a verdict tolerated (4)",
    )
    runs = out.add_argument_group("rounds")
    runs.add_argument(
        "--profile", default=None, help=f"the profile each round runs (default {DEFAULT_PROFILE})"
    )
    runs.add_argument(
        "--report-dir",
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help="the watch's folder goes in DIR/<watch-id>/ (default: reports)",
    )
    runs.add_argument("--run-id", default=None, metavar="ID", help="name of the watch's folder")
    return out


@dataclass(frozen=True)
class Flags:
    """The watch's own options as given (None: not given), and what goes to each round."""

    window: str | None
    every: str | None
    rounds: str | None
    failure_limit: str | None
    inconclusive_limit: str | None
    consecutive_error_limit: str | None
    profile: str | None
    report_dir: str
    run_id: str | None
    passthrough: tuple[str, ...]


# The watch's options that take a value. A value that begins with a minus and a digit
# (`--every -1s`) is still theirs: argparse would take `-1s` for an option and say only
# "expected one argument", where the value's own check names what is wrong with it.
_VALUE_FLAGS = frozenset(
    {"--for", "--every", "--rounds", "--failure-limit", "--inconclusive-limit"}
    | {"--consecutive-error-limit"}
)
_NEGATIVE = re.compile(r"-[\d.]")


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    joined: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token == "--":  # the rest is the rounds' as it stands
            joined.append(token)
            joined.extend(tokens)
            break
        if token in _VALUE_FLAGS:
            value = next(tokens, None)
            if value is not None and _NEGATIVE.match(value):
                joined.append(f"{token}={value}")
                continue
            joined.append(token)
            if value is not None:
                joined.append(value)
            continue
        joined.append(token)
    return joined


def parse_flags(argv: Sequence[str]) -> Flags:
    """The command line split into the watch's options and the rounds' (WatchInputError)."""
    namespace, rest = parser().parse_known_args(_join_negative_values(argv))
    values = vars(namespace)
    return Flags(
        **{f.name: values[f.name] for f in fields(Flags) if f.name in values},
        passthrough=tuple(rest),
    )


@dataclass(frozen=True)
class WatchSettings:
    """The window the watch runs: every value decided, checked and in seconds."""

    window_s: float
    every_s: float
    max_rounds: int | None
    limits: Limits
    profile: str
    report_dir: Path
    passthrough: tuple[str, ...]

    @property
    def planned_rounds(self) -> int | None:
        """Rounds the window holds if none runs late (None: back to back, no cap)."""
        by_time = math.ceil(self.window_s / self.every_s) if self.every_s > 0 else None
        if by_time is None:
            return self.max_rounds
        return by_time if self.max_rounds is None else min(by_time, self.max_rounds)

    def describe(self) -> str:
        """One line: what the window is."""
        cadence = (
            "rounds back to back"
            if self.every_s == 0
            else f"a round every {format_duration(self.every_s)}"
        )
        cap = f", at most {self.max_rounds}" if self.max_rounds is not None else ""
        return (
            f"profile {self.profile}, {cadence} for {format_duration(self.window_s)}"
            f"{cap}; limits: failures {self.limits.failure_limit}, inconclusive"
            f" {self.limits.inconclusive_limit}, errors in a row"
            f" {self.limits.consecutive_error_limit}"
        )


def settle(flags: Flags, config: GateConfig) -> WatchSettings:
    """Flags over the profile's watch: key over the defaults; WatchInputError names the
    flag that is wrong."""
    policy = config.watch or WatchPolicy()
    window = _duration("--for", flags.window, policy.window_s)
    if window <= 0:
        raise WatchInputError(f"--for {flags.window}: the window must be longer than 0s")
    return WatchSettings(
        window_s=window,
        every_s=_duration("--every", flags.every, policy.every_s),
        max_rounds=_count("--rounds", flags.rounds, None, least=1),
        limits=Limits(
            failure_limit=_count("--failure-limit", flags.failure_limit, policy.failure_limit),
            inconclusive_limit=_count(
                "--inconclusive-limit", flags.inconclusive_limit, policy.inconclusive_limit
            ),
            consecutive_error_limit=_count(
                "--consecutive-error-limit",
                flags.consecutive_error_limit,
                policy.consecutive_error_limit,
            ),
        ),
        profile=flags.profile or DEFAULT_PROFILE,
        report_dir=Path(flags.report_dir),
        passthrough=flags.passthrough,
    )


def _duration(flag: str, given: str | None, default: float) -> float:
    if given is None:
        return default
    try:
        return parse_duration(given)
    except ValueError as exc:
        raise WatchInputError(f"{flag} {exc}") from None


def _count(flag: str, given: str | None, default: int | None, *, least: int = 0) -> Any:
    if given is None:
        return default
    try:
        value = int(given.strip())
    except ValueError:
        value = None
    if value is None or value < least:
        raise WatchInputError(f"{flag} '{given}': give a whole number, {least} or more")
    return value


def unknown_profile_hint(exc: ConfigError, flags: Flags) -> str:
    """The config error's line, with what to do when it is the watch's default profile
    that the file does not define."""
    text = str(exc)
    if flags.profile is None and exc.message.startswith(f"unknown profile '{DEFAULT_PROFILE}'"):
        text += (
            f"; the watch runs the {DEFAULT_PROFILE} profile unless --profile NAME names"
            f" another: add profiles: {{{DEFAULT_PROFILE}: {{components: [smoke]}}}} to the"
            " gates file, or pass --profile"
        )
    return text
