"""`readiness-gate merge DIR...`: the shards of one run (``run --shard I/N``) as that run.

The shards' readiness.json are checked to belong together (readiness/core/shards.py
merge_problem: one target, gates file, tool and scoring version, plan; every slice once),
weighed as one run (readiness/core/merge.py) and written as a run of its own,
reports/<run-id>/, with every report, the evidence files the reports show, its history line
and ``reports/latest``. The exit code is the merged verdict's; a refusal is one line, exit 2.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from readiness.cli.output import OneLineParser
from readiness.cli.report import ReportInputError, evidence_files, load_result
from readiness.core.formatting import printable

PROG = "readiness-gate merge"


def parser() -> OneLineParser:
    out = OneLineParser(
        prog=PROG,
        raises=ReportInputError,
        description="Weigh the shards of one run (readiness-gate run --shard I/N) as that run:"
        " one verdict, every report, one exit code.",
    )
    out.add_argument("shards", nargs="+", metavar="DIR", help="every shard's run folder")
    out.add_argument(
        "--report-dir",
        default="reports",
        metavar="DIR",
        help="where the merged run's folder is written (default: reports)",
    )
    out.add_argument("--run-id", default=None, help="name of the merged run's folder")
    return out


def load_shards(folders: Sequence[str]) -> list[tuple[str, dict[str, Any], Path]]:
    """Each folder as the user named it, its readiness.json and the folder that holds it."""
    loaded = []
    for folder in folders:
        data, path = load_result(Path(folder))
        loaded.append((folder, data, path.parent))
    return loaded


def main(argv: Sequence[str]) -> int:
    import datetime as dt

    from readiness.core.merge import merge
    from readiness.core.shards import merge_problem
    from readiness.reports.folder import (
        ReportDirError,
        check_report_dir,
        check_run_dir_free,
        new_run_id,
        start_run_dir,
    )
    from readiness.reports.terminal import written_lines
    from readiness.reports.writer import write_reports

    try:
        args = parser().parse_args(list(argv))
        loaded = load_shards(args.shards)
        shards = [(name, data) for name, data, _ in loaded]
        problem = merge_problem(shards)
        if problem:
            raise ReportInputError(problem)
        report_root = Path(args.report_dir)
        run_id = args.run_id or new_run_id(dt.datetime.now(dt.UTC))
        run_dir = report_root.resolve() / run_id
        check_report_dir(report_root)
        check_run_dir_free(run_dir)
        result = merge(shards, run_id)
    except (ReportInputError, ReportDirError, OSError) as exc:
        sys.stderr.write(f"{PROG}: error: {printable(exc)}\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    report = result.to_dict()
    start_run_dir(run_dir, report["started_at"])
    for _, data, source in loaded:
        _copy_evidence(data, source, run_dir)
    written = write_reports(report, run_dir, report_root)
    count = len(shards)
    sys.stdout.write(
        f"merged {count} shards of {printable(report['target'])}:"
        f" {report['verdict']} ({report['confidence']['checks_ran']} of"
        f" {report['confidence']['checks_planned']} checks ran)\n"
    )
    for line in written_lines(written):
        sys.stdout.write(line + "\n")
    return result.exit_code


def _copy_evidence(result: dict[str, Any], source: Path, run_dir: Path) -> None:
    """The screenshots and pages a shard's reports show, into the merged run's folder (the
    slices are disjoint, so are their files: a name already there is the same file)."""
    for relative in evidence_files(result, source):
        dest = run_dir / relative
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / relative, dest)
