"""junit.xml: one testsuite per component, one testcase per check, for CI test tabs.

failed -> <failure>, errored -> <error>; every other outcome that is not a plain pass is a
<skipped> whose ``type`` and message say which it is: ``skipped`` (not run), ``warned`` (below
its line, does not fail the gate), ``waived`` (its failure covered, the waiver's owner and
expiry in the message). Why warned is a <skipped> and not a pass: a passed testcase's body is
dropped by GitLab's parser (only failure, error and skipped carry details) and cut to 1,000
characters by Jenkins', so a warning kept there is invisible; <skipped> is the one status every
viewer shows apart from pass and fail, with its message, without failing the job (a failure
turns a Jenkins build UNSTABLE and a test-report check red). The testcase's name stays the check
id, so a check's history in the viewer follows it whether it passed or warned. docs/ci.md.

The shape is the Ant/Jenkins one (testsuites > testsuite > properties, testcase > properties,
one of failure/error/skipped, system-out), with testcase properties as pytest's xunit1 and
Jenkins' parser read them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from readiness.core.formatting import format_score, format_threshold, format_value, printable
from readiness.reports.folder import write_atomically

# Characters XML 1.0 forbids even when escaped (C0 controls except tab/LF/CR, surrogates,
# U+FFFE/U+FFFF). Target text can carry them, and one would make the whole file unparsable.
_ILLEGAL_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: Any) -> str:
    """Text safe for XML 1.0 (ElementTree escapes markup, but not illegal characters), its
    control characters shown escaped (a CI log would replay them)."""
    return _ILLEGAL_XML.sub("\ufffd", printable(text, lines=True))


def _seconds(value: Any) -> str:
    return f"{float(value or 0.0):.3f}"


def _measured(check: dict[str, Any]) -> str:
    unit = check.get("unit")
    return (
        f"value {format_value(check.get('value'), unit)}"
        f" vs threshold {format_threshold(check.get('threshold'), unit)}"
    )


def _detail(check: dict[str, Any]) -> str:
    """Longer text for the element body: everything a CI log reader needs without the HTML."""
    lines = [
        f"{check.get('title', '')} [{check['id']}]",
        f"outcome: {check.get('outcome')}; {_measured(check)};"
        f" score {format_score(check.get('score'))}",
    ]
    if check.get("message"):
        lines.append(f"message: {check['message']}")
    waiver = check.get("waiver")
    if waiver:
        state = "EXPIRED" if waiver.get("expired") else "active"
        lines.append(
            f"waiver ({state}): {waiver.get('reason', '')} — owner {waiver.get('owner', '?')},"
            f" expires {waiver.get('expires', '?')}"
        )
    lines += [
        f"evidence: {ev.get('label', '')} ({ev.get('kind', '')})"
        for ev in check.get("evidence", [])
    ]
    return clean("\n".join(lines))


def _properties(parent: ET.Element, props: dict[str, Any]) -> None:
    node = ET.SubElement(parent, "properties")
    for name, value in props.items():
        ET.SubElement(node, "property", name=name, value=clean(value))


# The outcomes written as <skipped type=...>: not run, below the line, waived (module docstring).
_SKIPPED_AS = ("skipped", "warned", "waived")


def _skipped_message(check: dict[str, Any]) -> str:
    """The one line a viewer shows for a <skipped>: which kind it is first."""
    outcome, text = check.get("outcome"), check.get("message", "")
    if outcome == "skipped":
        return clean(text or "not run")
    if outcome == "waived":
        waiver = check.get("waiver") or {}
        return clean(
            f"WAIVED until {waiver.get('expires', '?')} (owner {waiver.get('owner', '?')}):"
            f" {waiver.get('reason', '')} — covers: {text} ({_measured(check)})"
        )
    if check.get("blocking"):
        head = "WARNED (blocking, between its good and poor lines; fail_at: good would fail it)"
    else:
        head = "WARNED (non-blocking, below its threshold)"
    return clean(f"{head}: {text} ({_measured(check)}); does not fail the gate")


def _testcase(suite: ET.Element, comp: dict[str, Any], check: dict[str, Any]) -> str:
    outcome = check.get("outcome", "")
    case = ET.SubElement(
        suite,
        "testcase",
        classname=clean(comp["name"]),
        name=clean(check["id"]),
        time=_seconds(check.get("duration_s")),
    )
    _properties(
        case,
        {
            "outcome": outcome,
            "score": format_score(check.get("score")),
            "blocking": str(bool(check.get("blocking"))).lower(),
            "title": check.get("title", ""),
        },
    )
    message = clean(f"{check.get('message', '')} ({_measured(check)})".strip())
    if outcome == "failed":
        ET.SubElement(case, "failure", message=message, type="failed").text = _detail(check)
    elif outcome == "errored":
        ET.SubElement(case, "error", message=message, type="errored").text = _detail(check)
    elif outcome in _SKIPPED_AS:
        why = _skipped_message(check)
        # The text too: GitLab shows a <skipped>'s text, Jenkins its message.
        node = ET.SubElement(case, "skipped", message=why, type=outcome)
        node.text = why if outcome == "skipped" else why + "\n" + _detail(check)
        if outcome != "skipped":
            ET.SubElement(case, "system-out").text = node.text
    return outcome


def render_junit(result: dict[str, Any]) -> str:
    """junit.xml text (UTF-8, with XML declaration) for one readiness.json dict."""
    root = ET.Element("testsuites", name="readiness-gate")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for comp in result.get("components", []):
        suite = ET.SubElement(root, "testsuite", name=clean(comp["name"]))
        if result.get("started_at"):
            suite.set("timestamp", clean(result["started_at"]))
        _properties(
            suite,
            {
                "readiness": format_value(comp.get("readiness")),
                "status": comp.get("status", ""),
                "risk": comp.get("risk", ""),
                "weight": format_value(comp.get("weight")),
                "blocking": str(bool(comp.get("blocking"))).lower(),
                "verdict": result.get("verdict", ""),
                # <skipped> counts all three kinds; these tell them apart.
                **{
                    o: sum(c.get("outcome") == o for c in comp.get("checks", []))
                    for o in _SKIPPED_AS
                },
            },
        )
        outcomes = [_testcase(suite, comp, check) for check in comp.get("checks", [])]
        counts = {
            "tests": len(outcomes),
            "failures": outcomes.count("failed"),
            "errors": outcomes.count("errored"),
            "skipped": sum(outcomes.count(o) for o in _SKIPPED_AS),
            "time": sum(float(c.get("duration_s") or 0.0) for c in comp.get("checks", [])),
        }
        for key, value in counts.items():
            suite.set(key, _seconds(value) if key == "time" else str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, _seconds(value) if key == "time" else str(value))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def write_junit(result: dict[str, Any], run_dir: Path) -> Path:
    path = Path(run_dir) / "junit.xml"
    write_atomically(path, render_junit(result))
    return path
