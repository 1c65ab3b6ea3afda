"""`readiness-gate doctor [--target URL] [--gates FILE] ...`: the checks in order, one line
each as it is known, a summary, exit 0 (all ok, warnings allowed) or 2 (something failed)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from readiness.core.formatting import printable
from readiness.doctor import local, network
from readiness.doctor.findings import Finding, exit_code, fail, line, skip, summary
from readiness.plugin.gate import GateOptions, GateRun

# Every network step (resolve, connect, the handshake, the request) gets at most this long;
# the run's own timeout_s and http.deadline_s, when shorter, bound it further.
STEP_S = 5.0


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="readiness-gate doctor",
        description="Check the set-up without running the gate: the gates file, the report"
        " folder, Chromium and Locust when the run needs them, and the target (resolved,"
        " reachable, its certificate trusted). Exit 0 when nothing failed, 2 otherwise.",
    )
    p.add_argument("--gates", metavar="FILE", help="gate definition (default: gates.yaml)")
    p.add_argument("--target", metavar="URL", help="base URL to check (default: as a run)")
    p.add_argument("--profile", help="profile from the gates file")
    p.add_argument(
        "--component",
        action="append",
        default=[],
        dest="components",
        metavar="NAME",
        help="check only what this component needs (repeatable)",
    )
    p.add_argument("--report-dir", default="reports", metavar="DIR", help="(default: reports)")
    return p


def main(argv: Sequence[str], *, default_gates: str) -> int:
    try:
        args = parser().parse_args(list(argv))
    except UsageError as exc:
        sys.stderr.write(f"readiness-gate doctor: error: {printable(exc)}\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    options = GateOptions(
        gates=args.gates or default_gates,
        target=args.target,
        profile=args.profile,
        report_dir=args.report_dir,
        components=list(args.components),
    )
    # Which file and why, as a run will choose it (readiness.cli.default_gates).
    if args.gates:
        chosen = "--gates"
    elif default_gates == "gates.yaml":
        chosen = "./gates.yaml"
    else:
        chosen = "the built-in default (no --gates, no ./gates.yaml)"
    found: list[Finding] = []
    try:
        for finding in diagnose(options, chosen):
            found.append(finding)
            _say(sys.stdout, line(finding))
    except KeyboardInterrupt:
        sys.stderr.write("readiness-gate doctor: interrupted\n")
        return 130
    _say(sys.stdout, summary(found))
    return exit_code(found)


def diagnose(options: GateOptions, chosen: str = "--gates") -> Iterator[Finding]:
    """Every check, in the order a run meets them; what needs a valid gates file is skipped
    when it is not one."""
    config, run = _one("config", lambda: local.check_config(options, chosen))
    yield config
    yield from _guarded("reports", lambda: [local.check_reports(Path(options.report_dir))])
    if run is None:
        for item in ("browser", "locust", "target"):
            yield skip(item, "not checked: the gates file is not valid")
        return
    gate: GateRun = run
    yield from _guarded("browser", lambda: [local.check_browser(gate)])
    yield from _guarded("locust", lambda: [local.check_locust(gate)])
    yield from _guarded("target", lambda: network.check_target(gate, STEP_S))


def _one(
    item: str, probe: Callable[[], tuple[Finding, GateRun | None]]
) -> tuple[Finding, GateRun | None]:
    try:
        return probe()
    except Exception as exc:
        return _crashed(item, exc), None


def _guarded(item: str, probe: Callable[[], Iterable[Finding]]) -> Iterator[Finding]:
    """The findings of ``probe()``, as they come; a bug of the doctor's own is a FAIL line
    naming it, never a traceback."""
    try:
        yield from probe()
    except Exception as exc:
        yield _crashed(item, exc)


def _crashed(item: str, exc: Exception) -> Finding:
    text = str(exc).strip().splitlines()
    return fail(
        item,
        f"the check itself failed: {type(exc).__name__}: {text[0] if text else ''}".rstrip(": "),
        "please report this with the line above",
    )


def _say(stream: TextIO, text: str) -> None:
    # A terminal that cannot show a character (an ASCII locale) gets it escaped, not an error.
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding) + "\n")
    stream.flush()
