"""GitHub Actions: the job summary and the annotations of one run (docs/ci.md).

Called once the reports are written, with the report dict the writers were given (already
redacted, so no annotation can show what readiness.json does not):

- ``$GITHUB_STEP_SUMMARY`` set: summary.md's text is appended to that file, so the run page
  shows the verdict, its reasons and the matrix.
- ``GITHUB_ACTIONS=true``: one ``::error`` / ``::warning`` workflow command per finding, grouped
  as every report groups them (readiness/reports/digest.py: one line for an axe rule on four
  pages, not four), most decisive first, at most ``PER_LEVEL`` of each (what GitHub shows per
  step), then one ``::notice`` counting the rest.

Neither can change the exit code: a failure is one named warning line on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from readiness.core.formatting import count_of, printable, shorten
from readiness.reports.digest import Finding, Reason, digest

__all__ = [
    "Annotation",
    "annotations_of",
    "append_step_summary",
    "escape_data",
    "escape_property",
    "publish",
    "workflow_command",
    "workflow_commands",
]

# GitHub shows 10 error, 10 warning and 10 notice annotations per step (the rest are dropped
# without a word): the 10 most decisive of each are sent, then one notice says how many more.
PER_LEVEL = 10
PAGES_LISTED = 20  # pages named in one annotation; the rest are counted
MESSAGE_CHARS = 1000  # one annotation's message (the report has every word)
# GitHub refuses a step summary over 1 MiB; summary.md is a few KB by design, so a larger one
# is cut at a line with a pointer to the report rather than refused as a whole.
SUMMARY_BYTES = 1024 * 1024
REPORT = "readiness.html"

# How a reason's state reads in an annotation's title, by its leading word (digest.Reason.word).
_STATE = {
    "failed: ": "failed",
    "not measured (blocking): ": "not measured (blocking)",
    "not measured: ": "not measured",
}


@dataclass(frozen=True)
class Annotation:
    level: str  # error | warning | notice
    title: str
    message: str

    @property
    def command(self) -> str:
        return workflow_command(self.level, self.message, title=self.title)


# --- workflow commands ------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A command's message as the runner reads it back (actions/toolkit ``escapeData``): ``%``
    first, so an escape typed by a target stays literal; a line break can never end the command
    and start another one."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property's value (actions/toolkit ``escapeProperty``): also ``:`` (which ends the
    properties) and ``,`` (which separates them)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(level: str, message: str, **properties: str) -> str:
    """``::level key=value,...::message``, every part escaped; empty properties are left out."""
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items() if v)
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


# --- what to annotate -------------------------------------------------------------------------


def _text(value: Any, limit: int = MESSAGE_CHARS) -> str:
    # Control characters shown escaped (a target chose them; the log would replay them).
    return shorten(printable(value, lines=True), limit)


def _pages(finding: Finding) -> str:
    """The pages a grouped finding was seen on, when its one line only counts them."""
    if len(finding.pages) <= 2:
        return ""  # the finding's text names them already ("on /, /about")
    shown = ", ".join(finding.pages[:PAGES_LISTED])
    more = len(finding.pages) - PAGES_LISTED
    return f"\non {count_of(len(finding.pages), 'page')}: {shown}" + (
        f" and {more} more" if more > 0 else ""
    )


def _label(finding: Finding) -> str:
    # "accessibility: image-alt (critical)"; a check kind already starts with its component.
    if finding.label.startswith(finding.component + "."):
        return finding.label
    return f"{finding.component}: {finding.label}"


def _finding(level: str, state: str, body: str, finding: Finding) -> Annotation:
    return Annotation(level, f"{_label(finding)} {state}", _text(body) + _pages(finding))


def _from_reason(reason: Reason, verdict: str) -> Annotation | None:
    """A verdict reason as an annotation: a failed or unmeasured finding, or the engine's own
    sentence (unreachable target, coverage, readiness below the GO line)."""
    finding = reason.finding
    if finding is None:
        if verdict == "GO":
            return None  # "no blocking check failed; ...": nothing to act on
        return Annotation("error", f"readiness-gate {verdict}", _text(reason.text))
    state = _STATE.get(reason.word, finding.outcome)
    level = "warning" if reason.word == "not measured: " else "error"  # non-blocking gap
    return _finding(level, state, reason.body, finding)


def _warned(finding: Finding) -> Annotation:
    state = "warned (blocking, between good and poor)" if finding.blocking else "warned"
    return _finding("warning", state, finding.text, finding)


def annotations_of(result: Mapping[str, Any]) -> list[Annotation]:
    """Every annotation of a run, most decisive first within each level: the verdict's reasons
    (failed and unmeasured findings, the engine's sentences), then the warned findings. Waived
    checks are not annotated: a waiver is a decision already taken (the summary lists it)."""
    d = digest(result)
    found = [a for r in d.grouped_reasons if (a := _from_reason(r, d.verdict)) is not None]
    found += [_warned(f) for f in d.outstanding if f.outcome == "warned"]
    errors = [a for a in found if a.level == "error"]
    return errors + [a for a in found if a.level != "error"]


def _more(dropped: Mapping[str, int]) -> Annotation:
    parts = [
        count_of(n, "more error" if level == "error" else "more warning")
        for level, n in dropped.items()
        if n
    ]
    return Annotation(
        "notice",
        "readiness-gate: more findings",
        f"and {' and '.join(parts)}, not annotated (GitHub shows {PER_LEVEL} of each per"
        f" step): every finding is in {REPORT} in the report folder",
    )


def workflow_commands(result: Mapping[str, Any], per_level: int = PER_LEVEL) -> list[str]:
    """The command lines to print: at most ``per_level`` errors and as many warnings, then one
    notice counting what was left out."""
    kept: list[Annotation] = []
    dropped = {"error": 0, "warning": 0}
    for note in annotations_of(result):
        if sum(k.level == note.level for k in kept) < per_level:
            kept.append(note)
        else:
            dropped[note.level] += 1
    if any(dropped.values()):
        kept.append(_more(dropped))
    return [note.command for note in kept]


# --- the job summary --------------------------------------------------------------------------


def _cut(text: str, limit: int) -> str:
    if len(text.encode("utf-8")) <= limit:
        return text
    note = f"\n\n… cut to fit GitHub's step summary: the whole summary is summary.md ({REPORT}).\n"
    budget = limit - len(note.encode("utf-8"))
    kept = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return kept[: kept.rfind("\n") + 1] + note


def append_step_summary(summary_md: Path, step_summary: Path, limit: int = SUMMARY_BYTES) -> None:
    """Append summary.md's text to the step summary file (other steps may have written to it:
    ours starts on a line of its own). Raises OSError."""
    text = _cut(summary_md.read_text(encoding="utf-8"), limit)
    with step_summary.open("a+b") as out:
        out.seek(0, os.SEEK_END)
        if out.tell():
            out.seek(-1, os.SEEK_END)
            if out.read(1) != b"\n":
                out.write(b"\n\n")
        out.write((text if text.endswith("\n") else text + "\n").encode("utf-8"))


# --- the hook ---------------------------------------------------------------------------------


class LineWriter(Protocol):
    """pytest's terminal reporter, as far as the annotations need it: each line is written at
    the start of a line of its own (pytest leaves its progress line open), or the runner would
    not read it as a command."""

    def write_line(self, line: str) -> None: ...


class _Stream:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write_line(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()


def publish(
    result: Mapping[str, Any],
    written: Mapping[str, Path],
    terminal: LineWriter | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    err: IO[str] | None = None,
) -> None:
    """What a GitHub Actions run gets, after the reports are written (readiness/plugin/finish.py):
    the annotations through ``terminal`` (stdout when there is none). Outside GitHub Actions,
    nothing. Never raises: the exit code is the verdict's."""
    env = os.environ if environ is None else environ
    out = terminal or _Stream(sys.stdout)
    err = err or sys.stderr
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        _summary(written.get("markdown"), Path(summary), err)
    if env.get("GITHUB_ACTIONS") == "true":
        try:
            _print(workflow_commands(result), out)
        except Exception as exc:  # the report stands; the annotations are named as missing
            _warn(err, f"GitHub annotations not written: {type(exc).__name__}: {exc}")


def _summary(summary_md: Path | None, step_summary: Path, err: IO[str]) -> None:
    where = f"$GITHUB_STEP_SUMMARY ({step_summary})"
    if summary_md is None:
        _warn(err, f"summary.md not appended to {where}: summary.md was not written")
        return
    try:
        append_step_summary(summary_md, step_summary)
    except (OSError, UnicodeError) as exc:
        _warn(err, f"summary.md not appended to {where}: {printable(exc)}")


def _print(lines: Sequence[str], out: LineWriter) -> None:
    # pytest's progress line ("...F.FE  [100%]") is still open when the session finishes, and
    # its reporter does not count that as a line to end: its writer does.
    writer: Any = getattr(out, "_tw", None)
    open_line: Any = getattr(writer, "width_of_current_line", None)
    if lines and open_line:
        writer.line()
    for line in lines:
        out.write_line(line)


def _warn(err: IO[str], text: str) -> None:
    err.write(f"readiness-gate: warning: {text}\n")
    err.flush()
