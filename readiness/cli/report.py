"""`readiness-gate report RUN_DIR|readiness.json [--to DIR]`: every report again, from the JSON.

readiness.json is the source of every other report (DESIGN.md), so a run's readiness.html,
summary.md and junit.xml can be written again by the same writers the run used
(readiness.reports.writer.WRITERS): after an upgrade of the templates, or in another folder.
Nothing is measured and no history line is added: the reports show what the JSON holds.

In place (no --to) the run's own reports are replaced. With ``--to DIR`` the folder gets
readiness.json too, and the evidence files the reports embed or link (screenshots, Locust's
pages), so it is a report folder of its own. The trend is read from DIR's parent, as a run's
is from its report folder (reports/history.jsonl).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import readiness
from readiness.cli.output import InputError, OneLineParser
from readiness.core.formatting import printable

PROG = "readiness-gate report"
SOURCE_NAME = "readiness.json"
SCHEMA = Path(readiness.__file__).resolve().parent / "schema" / "readiness-1.schema.json"
SCHEMA_MAJOR = "1"
FILE_EVIDENCE = ("image", "html")  # evidence kinds whose content is a path in the run folder


class ReportInputError(InputError):
    """What is wrong with the command's input, as the one line the user sees."""


def parser() -> argparse.ArgumentParser:
    out = OneLineParser(
        prog=PROG,
        raises=ReportInputError,
        description="Write readiness.html, summary.md and junit.xml again from a run's"
        " readiness.json, with the writers a run uses. Nothing is measured.",
    )
    out.add_argument("source", metavar="RUN_DIR|readiness.json", help="a run folder or its JSON")
    out.add_argument(
        "--to",
        metavar="DIR",
        default=None,
        help="write into this new folder (with readiness.json and the evidence files)"
        " instead of the run's own",
    )
    return out


def _required_keys() -> list[str]:
    return list(json.loads(SCHEMA.read_text(encoding="utf-8"))["required"])


def load_result(source: Path) -> tuple[dict[str, Any], Path]:
    """The run's result and the path it was read from; ReportInputError says what is wrong."""
    source = _followed(source)
    path = source / SOURCE_NAME if source.is_dir() else source
    hint = "give a run folder (reports/<run-id>/) or its readiness.json"
    if not path.is_file():
        if source.is_dir():
            raise ReportInputError(f"{source}: no readiness.json in this folder; {hint}")
        raise ReportInputError(f"{path}: file not found; {hint}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportInputError(f"{path}:{exc.lineno}: not JSON ({exc.msg}); {hint}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(f"{path}: cannot be read ({exc}); {hint}") from exc
    if not isinstance(data, dict):
        raise ReportInputError(f"{path}: not a readiness.json (not a JSON object); {hint}")
    missing = [key for key in _required_keys() if key not in data]
    if missing:
        raise ReportInputError(
            f"{path}: not a readiness.json (no {', '.join(missing[:3])}"
            f"{' ...' if len(missing) > 3 else ''}); {hint}"
        )
    version = str(data["schema_version"])
    if version.split(".")[0] != SCHEMA_MAJOR:
        raise ReportInputError(
            f"{path}: schema_version {printable(version)} is not one this readiness-gate"
            f" renders ({SCHEMA_MAJOR}.x); render it with the version that wrote it"
        )
    if not isinstance(data["components"], list):
        raise ReportInputError(f"{path}: components is not a list; {hint}")
    return data, path


def _followed(source: Path) -> Path:
    """reports/latest as the run folder it points at, also where it is a file holding the
    folder's path (no symlinks there: readiness/reports/folder.py point_latest)."""
    if source.name != "latest" or not source.is_file() or source.stat().st_size > 4096:
        return source
    try:
        target = Path(source.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return source
    return target if target.is_dir() else source


def evidence_files(result: dict[str, Any], run_dir: Path) -> list[Path]:
    """The files under ``run_dir`` that the reports embed or link, relative to it."""
    base = run_dir.resolve()
    found: list[Path] = []
    for component in result["components"]:
        for check in component.get("checks") or []:
            for item in check.get("evidence") or []:
                content = item.get("content") if isinstance(item, dict) else None
                if item.get("kind") not in FILE_EVIDENCE or not isinstance(content, str):
                    continue
                path = (base / content).resolve()
                if path.is_relative_to(base) and path.is_file() and path not in found:
                    found.append(path)
    return [p.relative_to(base) for p in found]


def _destination(to: str | None, source_dir: Path) -> Path:
    if to is None:
        return source_dir
    dest = Path(to)
    if dest.exists() and not dest.is_dir():
        raise ReportInputError(f"--to {dest}: not a folder; give a new folder's path")
    same = dest.exists() and dest.resolve() == source_dir.resolve()
    if not same and (dest / SOURCE_NAME).exists():
        raise ReportInputError(
            f"--to {dest}: already holds a run's readiness.json; give a new folder"
            f" (or re-render that run in place: {PROG} {dest})"
        )
    return dest


def render_all(result: dict[str, Any], source_dir: Path, dest: Path) -> dict[str, Path]:
    """Every writer of writer.WRITERS into ``dest`` (the JSON itself only into another
    folder); ReportInputError names the first writer that failed."""
    from readiness.reports.writer import WRITERS

    in_place = dest.resolve() == source_dir.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    if not in_place:
        for relative in evidence_files(result, source_dir):
            (dest / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source_dir / relative, dest / relative)
    written: dict[str, Path] = {}
    for name, write in WRITERS.items():
        if name == "json" and in_place:
            continue  # the source itself
        try:
            written[name] = write(result, dest)
        except Exception as exc:  # a writer that cannot render this JSON: named, exit 2
            raise ReportInputError(
                f"the {name} report could not be written: {type(exc).__name__}: {exc}"
            ) from exc
    return written


def main(argv: Sequence[str]) -> int:
    from readiness.reports.terminal import written_lines

    try:
        args = parser().parse_args(list(argv))
        result, path = load_result(Path(args.source))
        dest = _destination(args.to, path.parent)
        written = render_all(result, path.parent, dest)
    except (ReportInputError, OSError) as exc:
        sys.stderr.write(f"{PROG}: error: {printable(exc)}\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    for line in written_lines(written):
        sys.stdout.write(line + "\n")
    return 0
