"""`readiness-gate run`: the gate through pytest with the engine's plugin.

Every pytest option passes through (-k, -x, -q, -p ...). The gates file is chosen here when
--gates is not given, and the choice travels to the run (``--gates-chosen``, read by
readiness/plugin/header.py) so that its first lines say which file it is and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from readiness.cli.output import reader_may_leave

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
