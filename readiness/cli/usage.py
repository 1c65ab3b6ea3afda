"""`readiness-gate --help`: the gate's own help, a screen long.

The options are the plugin's own (readiness/plugin/options.py ``pytest_addoption``, read
through a recorder, never copied here); this module only says which group each belongs to.
An option it does not place is still shown, under "other gate options". pytest's ~300
lines of help are one flag away (``--help-pytest``), and its options still pass through.
"""

from __future__ import annotations

import argparse
import shutil
import textwrap
from dataclasses import dataclass
from typing import Any, cast

import pytest

from readiness.core.model import Verdict

# name -> one line; the order of `readiness-gate --help` (readiness/cli/__init__.py dispatches).
SUBCOMMANDS = {
    "run": "run the gate (the default: also what no subcommand means)",
    "doctor": "check the set-up (gates file, report folder, Chromium, Locust, target); no run",
    "report": "re-render a run's reports from its readiness.json (report --help)",
    "watch": "repeat a profile's checks over a window, one verdict for it (watch --help)",
    "merge": "weigh the shards of one run (run --shard I/N) as that run (merge --help)",
}

# (group title, its options, a note for what has no option of its own)
GROUPS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("target", ("--target", "--demo"), None),
    ("gates and profile", ("--gates", "--profile"), None),
    ("pages", ("--page",), None),
    ("components", ("--component",), None),
    ("reports", ("--report-dir", "--run-id", "--pdf"), None),
    (
        "browser",
        (),
        "Chromium is found on its own; gates.yaml browser.executable names one,"
        " `readiness-gate doctor` starts it once",
    ),
    ("load", ("--allow-load-on",), None),
    ("shards", ("--shard", "--load-shard"), None),
)
OTHER_GROUP = "other gate options"

_MEANING = {
    Verdict.GO: "GO",
    Verdict.NO_GO: "NO-GO: a blocking check failed, or readiness is below go_at",
    Verdict.INCONCLUSIVE: "INCONCLUSIVE: the target was unreachable, or too few checks ran",
}
EXIT_CODES: tuple[tuple[int, str], ...] = (
    *((v.exit_code, _MEANING[v]) for v in Verdict if v is not Verdict.INCONCLUSIVE),
    (2, "usage or configuration error (one line on stderr)"),
    (Verdict.INCONCLUSIVE.exit_code, _MEANING[Verdict.INCONCLUSIVE]),
    (130, "interrupted (Ctrl-C, SIGTERM): a partial report, marked as such"),
)

USAGE = """readiness-gate [run] [OPTIONS] [PYTEST OPTIONS]
       readiness-gate doctor [OPTIONS]
       readiness-gate report RUN_DIR|readiness.json [--to DIR]
       readiness-gate watch [--for 10m] [--every 30s] [OPTIONS]
       readiness-gate merge SHARD_DIR... [--report-dir DIR] [--run-id ID]
       readiness-gate --help | --help-pytest | --version"""

DESCRIPTION = (
    "Gates a deploy: runs the suites of gates.yaml against a target and answers GO, NO-GO or"
    " INCONCLUSIVE, with reports in reports/<run-id>/. Without --target it gates the bundled"
    " demo target."
)


@dataclass(frozen=True)
class GateOption:
    """One option as the plugin declares it to pytest."""

    names: tuple[str, ...]
    attrs: dict[str, Any]

    @property
    def name(self) -> str:
        return max(self.names, key=len)


class _Recorder:
    """Stands in for pytest's Parser: keeps what pytest_addoption declares."""

    def __init__(self) -> None:
        self.options: list[GateOption] = []

    def getgroup(self, name: str, description: str = "", after: str | None = None) -> _Recorder:
        return self

    def addoption(self, *names: str, **attrs: Any) -> None:
        self.options.append(GateOption(names, attrs))

    def addini(self, *args: Any, **kwargs: Any) -> None:
        pass  # ini settings are pytest's business, not the command line's


def gate_options() -> list[GateOption]:
    """The gate's command-line options, as readiness/plugin/options.py declares them."""
    from readiness.plugin.options import pytest_addoption

    recorder = _Recorder()
    pytest_addoption(cast(pytest.Parser, recorder))
    return recorder.options


class _Formatter(argparse.HelpFormatter):
    """argparse's layout; prose is wrapped, and lines indented by two spaces (the tables of
    subcommands and exit codes) are kept as written."""

    def __init__(self, prog: str) -> None:
        width = min(max(shutil.get_terminal_size().columns, 80), 100)
        super().__init__(prog, max_help_position=26, width=width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = [
            line
            if line.startswith("  ") or not line
            else textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent)
            for line in text.splitlines()
        ]
        return "\n".join(lines)


def _description() -> str:
    commands = "\n".join(f"  {name:<8} {summary}" for name, summary in SUBCOMMANDS.items())
    return f"{DESCRIPTION}\n\nsubcommands:\n{commands}"


def _epilog() -> str:
    codes = "\n".join(f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES)
    return (
        f"exit codes:\n{codes}\n\n"
        "pytest's options pass through to run (-k EXPR, -x, -q, --tb ...); all of them:\n"
        "  readiness-gate --help-pytest\n"
        "Every gates.yaml key: docs/gates.md."
    )


def parser() -> argparse.ArgumentParser:
    """An argparse parser used only to lay out the help (pytest parses the real command)."""
    out = argparse.ArgumentParser(
        prog="readiness-gate",
        usage=USAGE,
        description=_description(),
        epilog=_epilog(),
        formatter_class=_Formatter,
        add_help=False,
    )
    options = {o.name: o for o in gate_options()}
    placed = {name for _, names, _ in GROUPS for name in names}
    groups = [*GROUPS, (OTHER_GROUP, tuple(n for n in options if n not in placed), None)]
    for title, names, note in groups:
        present = [options[n] for n in names if n in options]
        if not present and note is None:
            continue
        group = out.add_argument_group(title, note)
        for option in present:
            group.add_argument(*option.names, **_shown(option.attrs))
    general = out.add_argument_group("help and versions")
    general.add_argument("-h", "--help", action="store_true", help="this help")
    general.add_argument("--help-pytest", action="store_true", help="pytest's own options")
    general.add_argument(
        "--version", action="store_true", help="versions: tool, scoring, bundled axe-core"
    )
    return out


def _shown(attrs: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in attrs.items() if k in ("action", "choices", "metavar", "dest")}
    # argparse %-formats help texts: a literal percent sign must be doubled.
    kept["help"] = str(attrs.get("help", "")).replace("%", "%%")
    return kept


def gate_help() -> str:
    return parser().format_help()
