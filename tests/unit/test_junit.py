"""junit.xml (readiness/reports/junit.py): the Ant/Jenkins shape every JUnit viewer reads, and
the outcome mapping: failed a failure, errored an error, warned / waived / skipped each a
<skipped> that says which, a waiver's owner and expiry in its message."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from report_samples import SAMPLES

from readiness.reports.junit import render_junit

# The Ant/Jenkins JUnit schema's elements (Jenkins' junit-10.xsd, which pytest validates its
# xunit2 output against): which children each may hold, which attributes it must have. A
# testcase's <properties> is the xunit1 extension pytest writes and Jenkins' parser reads.
CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"properties", "testcase", "system-out", "system-err"},
    "properties": {"property"},
    "testcase": {"properties", "failure", "error", "skipped", "system-out", "system-err"},
}
LEAVES = {"property", "failure", "error", "skipped", "system-out", "system-err"}
REQUIRED = {
    "testsuite": {"name", "tests", "failures", "errors"},
    "testcase": {"name", "classname"},
    "property": {"name", "value"},
}
RESULTS = ("failure", "error", "skipped")
SUREFIRE_TIME = re.compile(r"^\d+(\.\d{1,3})?$")


def shape_errors(root: ET.Element) -> list[str]:
    """Everything in the tree that the schema would refuse."""
    errors = [] if root.tag == "testsuites" else [f"root is <{root.tag}>"]
    for node in root.iter():
        allowed = CHILDREN.get(node.tag, set())
        if node.tag not in CHILDREN and node.tag not in LEAVES:
            errors.append(f"unknown element <{node.tag}>")
        for child in node:
            if child.tag not in allowed:
                errors.append(f"<{child.tag}> inside <{node.tag}>")
        missing = REQUIRED.get(node.tag, set()) - node.attrib.keys()
        if missing:
            errors.append(f"<{node.tag}> without {sorted(missing)}")
        if "time" in node.attrib and not SUREFIRE_TIME.match(node.attrib["time"]):
            errors.append(f"<{node.tag} time={node.attrib['time']!r}>")
        if node.tag == "testcase":
            tags = [c.tag for c in node]
            if sum(t in RESULTS for t in tags) > 1:
                errors.append(f"testcase {node.get('name')} has {tags}")
            # properties first, then the result, then the output
            order = [0 if t == "properties" else 1 if t in RESULTS else 2 for t in tags]
            if order != sorted(order):
                errors.append(f"testcase {node.get('name')} children out of order: {tags}")
    return errors


def cases(result: dict[str, Any]) -> dict[str, ET.Element]:
    root = ET.fromstring(render_junit(result).encode("utf-8"))
    return {c.get("name", ""): c for c in root.iter("testcase")}


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_has_the_jenkins_shape(name: str) -> None:
    root = ET.fromstring(render_junit(SAMPLES[name]()).encode("utf-8"))
    assert shape_errors(root) == []
    for suite in root.iter("testsuite"):
        found = {t: len(suite.findall(f"testcase/{t}")) for t in RESULTS}
        assert int(suite.get("tests", "-1")) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "-1")) == found["failure"]
        assert int(suite.get("errors", "-1")) == found["error"]
        assert int(suite.get("skipped", "-1")) == found["skipped"]


def test_the_outcome_mapping() -> None:
    by_name = cases(SAMPLES["nogo"]())
    failed = by_name["smoke.status./api/orders"]
    assert failed.find("failure") is not None and failed.find("failure").get("type") == "failed"
    errored = by_name["load.p95"]
    assert errored.find("error") is not None and errored.find("error").get("type") == "errored"
    # Not run: a <skipped type="skipped"> with the reason.
    skipped = by_name["load.error_ratio"].find("skipped")
    assert skipped is not None and skipped.get("type") == "skipped"
    assert skipped.get("message") == "skipped: load run did not complete" == skipped.text
    # A passed check has no result element at all.
    assert [c.tag for c in by_name["smoke.status./"]] == ["properties"]


def test_warned_is_a_skipped_that_says_warned() -> None:
    case = cases(SAMPLES["nogo"]())["performance.lcp./"]
    node = case.find("skipped")
    assert node is not None and node.get("type") == "warned"
    message = node.get("message", "")
    assert message.startswith("WARNED (non-blocking, below its threshold): median LCP 3120 ms")
    assert message.endswith("does not fail the gate")
    assert node.text and node.text.startswith(message)  # GitLab shows the text, Jenkins the message
    assert "WARNED" in (case.findtext("system-out") or "")
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["outcome"] == "warned"
    # The name is the check id, as for a pass: the viewer's history of the check follows it.
    assert case.get("name") == "performance.lcp./"


def test_waived_is_a_skipped_with_the_owner_and_expiry() -> None:
    node = cases(SAMPLES["nogo"]())["security.csp"].find("skipped")
    assert node is not None and node.get("type") == "waived"
    assert node.get("message", "").startswith(
        "WAIVED until 2099-01-31 (owner sec-team): CSP rollout, SEC-12 — covers: no CSP header"
    )


def test_suite_properties_tell_the_skipped_kinds_apart() -> None:
    root = ET.fromstring(render_junit(SAMPLES["nogo"]()).encode("utf-8"))
    props = {
        suite.get("name"): {
            p.get("name"): p.get("value") for p in suite.iterfind("properties/property")
        }
        for suite in root.iter("testsuite")
    }
    assert props["security"]["waived"] == "1" and props["security"]["warned"] == "1"
    assert props["load"]["skipped"] == "1"
