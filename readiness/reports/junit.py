"""junit.xml: one testsuite per component, one testcase per check, for CI test tabs.

failed -> <failure>, errored -> <error>, skipped -> <skipped>. Warned and waived checks pass
(they do not block the gate) but say so in <properties> and <system-out>, so a CI view that only
counts failures still shows them to anyone who looks.
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
    elif outcome == "skipped":
        ET.SubElement(case, "skipped", message=clean(check.get("message", "")))
    elif outcome in ("warned", "waived"):
        if outcome == "waived":
            why = "WAIVED: failure covered by a waiver; does not fail the gate."
        elif check.get("blocking"):
            why = (
                "WARNED (blocking): between its good and poor lines; does not fail the gate"
                " (fail_at: good in gates.yaml would)."
            )
        else:
            why = "WARNED: non-blocking check below its threshold; does not fail the gate."
        ET.SubElement(case, "system-out").text = clean(why + "\n") + _detail(check)
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
            },
        )
        outcomes = [_testcase(suite, comp, check) for check in comp.get("checks", [])]
        counts = {
            "tests": len(outcomes),
            "failures": outcomes.count("failed"),
            "errors": outcomes.count("errored"),
            "skipped": outcomes.count("skipped"),
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
