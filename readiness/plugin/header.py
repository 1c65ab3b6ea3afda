"""The run's first line of its own: which gates file it uses, and why that one.

A run outside a checkout used to take the built-in smoke-only gate and answer GO without
saying so. readiness-gate picks the file when --gates is not given (readiness/cli/run.py)
and says how with ``--gates-chosen`` (not in the help: it is the command's own, not the
user's); pytest run directly without --gates reads the ``readiness_gates`` ini setting.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from readiness.core.formatting import printable
from readiness.plugin.stash import gate_run

# --gates-chosen -> why that file (readiness/cli/run.py CHOSEN_*).
_WHY = {
    "cwd": "./gates.yaml in the working folder",
    "builtin": "the built-in default: no --gates FILE and no ./gates.yaml here",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--gates-chosen", default=None, choices=tuple(_WHY), help=argparse.SUPPRESS)


def gates_line(config: pytest.Config) -> str | None:
    """``gates file: PATH (why)``; None when pytest runs without a gate."""
    run = gate_run(config)
    if run is None:
        return None
    chosen = config.getoption("gates_chosen", None)
    if chosen in _WHY:
        why = _WHY[chosen]
    elif config.option.gates:
        why = "--gates"
    else:
        why = "the readiness_gates ini setting (no --gates given)"
    path = Path(run.config.path).resolve()
    return f"gates file: {printable(str(path))} ({why})"


@pytest.hookimpl(trylast=True)  # pytest prints the last answer first: right below "platform"
def pytest_report_header(config: pytest.Config) -> str | None:
    return gates_line(config)
