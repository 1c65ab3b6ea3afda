"""`readiness-gate`: the gate from the command line, a thin layer over pytest + the plugin.

``readiness-gate [run] [options]`` runs the gate (readiness/cli/run.py): every pytest option
works (-k, -x, -q, -p ...). ``readiness-gate doctor`` checks the set-up without running the
gate (readiness.doctor); ``readiness-gate report`` writes a run's reports again from its
readiness.json (readiness/cli/report.py). ``--help`` is the gate's own (readiness/cli/usage.py),
``--help-pytest`` pytest's, ``--version`` the versions a run's figures depend on. The first
argument, when it is not an option, names the subcommand; any other word is a usage error
before anything runs.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence

from readiness.cli.output import reader_may_leave
from readiness.core.formatting import printable

__all__ = ["main", "unknown_subcommand"]

HELP = ("-h", "--help")
HELP_PYTEST = "--help-pytest"
VERSION = ("--version", "-V")  # pytest's own spellings, which print pytest's version
PYTEST_HELP_INTRO = (
    "readiness-gate run passes pytest's options through; pytest's own help follows"
    " (the gate's options are under 'readiness gate'; readiness-gate --help has them"
    " grouped).\n\n"
)


def unknown_subcommand(word: str) -> str:
    """The one line for a first argument that is neither an option nor a subcommand: before
    subcommands it was taken as a pytest path, and the demo ran and wrote a report."""
    from readiness.cli.usage import SUBCOMMANDS

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
            return _run(rest)
        # Imported here: a gate run does not pay for the other commands' modules.
        if word == "doctor":
            from readiness.cli.run import default_gates
            from readiness.doctor import main as doctor

            gates = default_gates()
            return reader_may_leave(lambda: doctor(rest, default_gates=gates))
        if word == "report":
            from readiness.cli.report import main as report

            return reader_may_leave(lambda: report(rest))
        if word == "watch":
            from readiness.watch import main as watch

            return reader_may_leave(lambda: watch(rest))
        if word == "merge":
            from readiness.cli.merge import main as merge

            return reader_may_leave(lambda: merge(rest))
        sys.stderr.write(unknown_subcommand(word) + "\n")
        return 2
    return _run(argv)


def _run(argv: list[str]) -> int:
    """`run`, or the help or versions when asked for anywhere on its line."""
    from readiness.cli.run import run  # pytest's import: paid by runs, not by merge or report

    if any(a in HELP for a in argv):
        from readiness.cli.usage import gate_help

        return reader_may_leave(lambda: _say(gate_help()))
    if HELP_PYTEST in argv:
        # pytest's help, with the gate's plugin loaded (its options are listed there too).
        reader_may_leave(lambda: _say(PYTEST_HELP_INTRO))
        return run(["--help", *(a for a in argv if a != HELP_PYTEST)])
    if any(a in VERSION for a in argv):
        from readiness.cli.version import version_lines

        return reader_may_leave(lambda: _say("\n".join(version_lines()) + "\n"))
    return run(argv)


def _say(text: str) -> int:
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
