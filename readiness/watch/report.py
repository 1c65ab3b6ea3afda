"""The watch's reports: watch.json (the source), watch.md and watch.html from it.

watch.json is written after every round (``complete: false`` until the end), so a watch that
is killed outright still leaves what its rounds found; the Markdown and HTML are written at
the end. Every file goes through a temporary file and a rename (folder.write_atomically).
Round notes can hold target-controlled text: Markdown escapes it (markdown.md), the HTML
template autoescapes it, and the whole document passes the run's redactor first.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from readiness.config.durations import format_duration
from readiness.core.formatting import format_percent, format_seconds, format_share, printable
from readiness.core.redaction import Redactor
from readiness.reports.folder import write_atomically
from readiness.reports.markdown import md
from readiness.watch.options import WatchSettings
from readiness.watch.rounds import RoundRecord
from readiness.watch.window import USAGE_EXIT, Availability, Tally, WindowVerdict, go_share

WATCH_VERSION = "1"
TEMPLATES = Path(__file__).resolve().parent.parent / "reports" / "templates"
TEMPLATE = "watch.html.j2"


@dataclass(frozen=True)
class WatchState:
    """Everything the reports show: the settings, the rounds so far, the judgement."""

    watch_id: str
    started_at: dt.datetime
    duration_s: float
    settings: WatchSettings
    target: str | None
    gates_file: str
    rounds: list[RoundRecord]
    verdict: WindowVerdict | None  # None while the watch is still going
    interrupted: bool
    signal_name: str | None
    stopped_early: bool


def document(state: WatchState, redactor: Redactor) -> dict[str, Any]:
    """watch.json's content."""
    outcomes = [r.outcome for r in state.rounds]
    tally = Tally.of(outcomes)
    availability = Availability.of([r.answered for r in state.rounds])
    settings = state.settings
    doc: dict[str, Any] = {
        "watch_version": WATCH_VERSION,
        "watch_id": state.watch_id,
        "started_at": state.started_at.isoformat(timespec="seconds"),
        "duration_s": round(state.duration_s, 3),
        "complete": state.verdict is not None,
        "target": state.target,
        "gates_file": state.gates_file,
        "settings": {
            "profile": settings.profile,
            "for_s": settings.window_s,
            "every_s": settings.every_s,
            "max_rounds": settings.max_rounds,
            "planned_rounds": settings.planned_rounds,
            "failure_limit": settings.limits.failure_limit,
            "inconclusive_limit": settings.limits.inconclusive_limit,
            "consecutive_error_limit": settings.limits.consecutive_error_limit,
        },
        "rounds": [r.as_json() for r in state.rounds],
        "totals": {
            "rounds": tally.rounds,
            "success": tally.successes,
            "failure": tally.failures,
            "inconclusive": tally.inconclusive,
            "error": tally.errors,
            "interrupted": tally.interrupted,
            "most_errors_in_a_row": tally.most_errors_in_a_row,
        },
        "availability": {
            "answered": availability.answered,
            "measured": availability.measured,
            "share": availability.share,
        },
        "go_share": go_share(outcomes),
        "verdict": state.verdict.verdict.value if state.verdict and state.verdict.verdict else None,
        "exit_code": state.verdict.exit_code if state.verdict else None,
        "reasons": list(state.verdict.reasons) if state.verdict else [],
        "interrupted": state.interrupted,
        "signal": state.signal_name,
        "stopped_early": state.stopped_early,
    }
    redacted: dict[str, Any] = redactor.data(doc)
    return redacted


def write_json(doc: dict[str, Any], watch_dir: Path) -> Path:
    return write_atomically(watch_dir / "watch.json", json.dumps(doc, indent=2) + "\n")


def _label(doc: dict[str, Any]) -> str:
    if doc["interrupted"]:
        return "INTERRUPTED"
    if doc["verdict"]:
        return str(doc["verdict"])
    return "USAGE ERROR" if doc["exit_code"] == USAGE_EXIT else "NOT FINISHED"


def _result(round_: dict[str, Any]) -> str:
    """A round's verdict, or what it was instead: error, interrupted."""
    if round_["outcome"] in ("error", "interrupted"):
        return str(round_["outcome"])
    return str(round_["verdict"])


def _view(doc: dict[str, Any]) -> dict[str, Any]:
    """What both human-readable reports show, formatted once."""
    settings = doc["settings"]
    availability = Availability(doc["availability"]["answered"], doc["availability"]["measured"])
    share = doc["go_share"]
    planned = settings["planned_rounds"]
    rows = [
        {
            "number": r["number"],
            "of": f"{r['number']}/{planned}" if planned else str(r["number"]),
            "start": f"+{r['started_s']:.1f} s",
            "duration": format_seconds(r["duration_s"]),
            "outcome": r["outcome"],
            "result": _result(r),
            "readiness": format_percent(r["readiness"]),
            "answered": {True: "yes", False: "no", None: "—"}[r["answered"]],
            "exit": "—" if r["exit_code"] is None else str(r["exit_code"]),
            "link": r["report"],
            "note": r["note"],
        }
        for r in doc["rounds"]
    ]
    return {
        "doc": doc,
        "label": _label(doc),
        "exit_code": doc["exit_code"],
        "reasons": doc["reasons"],
        "availability": availability.text,
        "go_share": "—" if share is None else format_share(share),
        "window": format_duration(settings["for_s"])
        + (f" (at most {settings['max_rounds']} rounds)" if settings.get("max_rounds") else ""),
        "cadence": (
            "rounds back to back"
            if settings["every_s"] == 0
            else f"a round every {format_duration(settings['every_s'])}"
        ),
        "limits": [
            ("failure limit (NO-GO rounds tolerated)", settings["failure_limit"]),
            ("inconclusive limit", settings["inconclusive_limit"]),
            (
                "consecutive-error limit (rounds in a row without a verdict)",
                settings["consecutive_error_limit"],
            ),
        ],
        "rows": rows,
    }


def write_markdown(doc: dict[str, Any], watch_dir: Path) -> Path:
    view = _view(doc)
    settings = doc["settings"]
    lines = [
        f"# Watch {md(doc['watch_id'])}: {view['label']}",
        "",
        f"Target {md(doc['target'] or '—')} · profile {md(settings['profile'])}"
        f" · {md(view['cadence'])} for {md(view['window'])} · exit {doc['exit_code']}",
        "",
        *(f"- {md(reason)}" for reason in view["reasons"]),
        f"- availability over the window: {md(view['availability'])}",
        f"- GO rounds: {md(view['go_share'])}",
        "",
        "| Limit | Value |",
        "|---|---|",
        *(f"| {md(name)} | {value} |" for name, value in view["limits"]),
        "",
        "| Round | Start | Duration | Result | Readiness | Answered | Exit | Note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in view["rows"]:
        shown = f"[{md(row['result'])}]({row['link']})" if row["link"] else md(row["result"])
        lines.append(
            f"| {row['of']} | {row['start']} | {row['duration']} | {shown} | {row['readiness']}"
            f" | {row['answered']} | {row['exit']} | {md(row['note'])} |"
        )
    return write_atomically(watch_dir / "watch.md", "\n".join(lines) + "\n")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        # Every value shown has its control characters escaped before HTML escaping.
        finalize=lambda v: printable(v) if isinstance(v, str) else v,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def write_html(doc: dict[str, Any], watch_dir: Path) -> Path:
    html = _env().get_template(TEMPLATE).render(**_view(doc))
    return write_atomically(watch_dir / "watch.html", html)


def write_all(doc: dict[str, Any], watch_dir: Path) -> dict[str, Path]:
    """The three reports; watch.json first (the others are rendered from it)."""
    return {
        "json": write_json(doc, watch_dir),
        "markdown": write_markdown(doc, watch_dir),
        "html": write_html(doc, watch_dir),
    }
