"""GitHub Actions output (readiness/reports/github.py) on results made by the real evaluate():
workflow-command escaping read back as the runner reads it, one annotation per finding,
the cap with its notice, and the step summary appended or named as not appended."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from readiness.config import VerdictPolicy
from readiness.core.evaluate import ComponentSpec, RunFacts, evaluate
from readiness.core.formatting import printable
from readiness.core.model import CheckResult, Evidence, Outcome
from readiness.reports.github import (
    PER_LEVEL,
    annotations_of,
    append_step_summary,
    escape_data,
    escape_property,
    publish,
    workflow_command,
    workflow_commands,
)

POLICY = VerdictPolicy(go_at=90, min_coverage=0.9)
PAGES = ("/", "/about", "/products", "/login")
SPECS = [
    ComponentSpec("smoke", 50, True),
    ComponentSpec("accessibility", 30, False),
    ComponentSpec("security", 20, False),
]
HOSTILE = "50% done\r\n::error title=x::injected\n%0A, a:b"


def facts() -> RunFacts:
    return RunFacts(
        "run-1", "http://127.0.0.1:8000", None, "2026-06-01T12:00:00Z", 1.0, dt.date(2026, 6, 1)
    )


def check(cid: str, outcome: Outcome, message: str = "", blocking: bool = False) -> CheckResult:
    score = {Outcome.PASSED: 1.0, Outcome.FAILED: 0.0, Outcome.WARNED: 0.2}.get(outcome)
    comp = cid.split(".", 1)[0]
    return CheckResult(cid, comp, cid, outcome, score=score, blocking=blocking, message=message)


def axe(page: str, rules: list[str]) -> CheckResult:
    evidence = []
    for rule in rules:
        evidence.append(Evidence("table", f"{rule}: help for {rule} (1 element(s))", {}))
        evidence.append(Evidence("url", f"{rule}: how to fix", "https://example.invalid/"))
    return CheckResult(
        f"accessibility.critical.{page}",
        "accessibility",
        "no critical violations",
        Outcome.FAILED,
        score=0.0,
        value=float(len(rules)),
        blocking=True,
        message=f"{len(rules)} critical rule(s) violated: {', '.join(rules)}",
        evidence=evidence,
    )


def result_of(checks: list[CheckResult]) -> dict[str, Any]:
    return evaluate(checks, SPECS, POLICY, [], facts()).to_dict()


# --- escaping: what the runner reads back ------------------------------------------------------


def unescape(text: str, prop: bool = False) -> str:
    """The runner's reading of an escaped value (actions/runner ActionCommand): each escape
    back to its character, %25 last."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for escaped, char in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, char)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """``::name k=v,k=v::message`` as the runner splits it: the first ``::`` after the name
    ends the properties, so an escaped ``:`` in a property cannot end them early."""
    assert line.startswith("::")
    head, _, message = line[2:].partition("::")
    name, _, props = head.partition(" ")
    pairs = [p.split("=", 1) for p in props.split(",")] if props else []
    return name, {k: unescape(v, prop=True) for k, v in pairs}, unescape(message)


def test_escaping_follows_the_workflow_command_rules() -> None:
    assert escape_data("50%\r\n") == "50%25%0D%0A"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert workflow_command("warning", "x", title="", file="") == "::warning::x"


def test_hostile_text_is_one_command_read_back_as_written() -> None:
    line = workflow_command("error", HOSTILE, title=HOSTILE)
    assert "\n" not in line and "\r" not in line
    name, props, message = parse(line)
    assert name == "error"
    assert props == {"title": HOSTILE}
    assert message == HOSTILE


def test_a_hostile_finding_cannot_start_a_command_of_its_own() -> None:
    result = result_of([check("smoke.status./", Outcome.FAILED, HOSTILE, blocking=True)])
    lines = workflow_commands(result)
    assert lines and all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert all("\n" not in line for line in lines)
    # Read back, the message is the target's text (a carriage return shown escaped, as in
    # every report), its "::error" inert inside the one command.
    shown = printable(HOSTILE, lines=True)
    assert "\\x0d" in shown
    assert any(shown in parse(line)[2] for line in lines)


# --- grouping ---------------------------------------------------------------------------------


def test_one_annotation_per_finding_with_its_pages() -> None:
    checks = [axe(page, ["image-alt"]) for page in PAGES]
    checks += [check(f"security.csp.{p}", Outcome.WARNED, "CSP missing") for p in PAGES]
    checks.append(check("smoke.status./", Outcome.PASSED, blocking=True))
    notes = annotations_of(result_of(checks))
    errors = [n for n in notes if n.level == "error"]
    warnings = [n for n in notes if n.level == "warning"]
    rule = [n for n in errors if "image-alt" in n.title]
    assert len(rule) == 1, [n.title for n in errors]  # one line for the rule, not four
    assert rule[0].title == "accessibility: image-alt (critical) failed"
    assert rule[0].message.startswith("image-alt (critical) on 4 pages: help for image-alt")
    assert rule[0].message.endswith("on 4 pages: /, /about, /products, /login")
    assert [n.title for n in warnings] == ["security.csp warned"]
    assert "/, /about, /products, /login" in warnings[0].message
    # The verdict's own sentence (readiness below the GO line) is an error too.
    assert any(n.title == "readiness-gate NO-GO" for n in errors)


def test_errored_checks_are_errors_when_blocking_warnings_otherwise() -> None:
    checks = [
        check("smoke.status./", Outcome.PASSED, blocking=True),
        check("smoke.latency./", Outcome.ERRORED, "not observed: timed out", blocking=True),
        check("security.tls", Outcome.ERRORED, "handshake failed"),
    ]
    notes = {n.title: n for n in annotations_of(result_of(checks))}
    assert notes["smoke.latency not measured (blocking)"].level == "error"
    assert notes["security.tls not measured"].level == "warning"
    assert "handshake failed" in notes["security.tls not measured"].message


def test_go_has_no_error_and_waived_checks_are_not_annotated() -> None:
    checks = [check(f"smoke.status.{p}", Outcome.PASSED, blocking=True) for p in PAGES]
    checks.append(check("security.hsts", Outcome.WAIVED, "no HSTS"))
    result = result_of(checks)
    assert result["verdict"] == "GO"
    assert workflow_commands(result) == []


# --- the cap ----------------------------------------------------------------------------------


def test_capped_at_ten_of_each_then_one_notice() -> None:
    failed = [check(f"smoke.kind{i}", Outcome.FAILED, f"defect {i}", True) for i in range(14)]
    warned = [check(f"security.kind{i}", Outcome.WARNED, f"advice {i}") for i in range(13)]
    result = result_of(failed + warned)
    everything = annotations_of(result)
    lines = workflow_commands(result)
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    notices = [line for line in lines if line.startswith("::notice ")]
    assert len(errors) == len(warnings) == PER_LEVEL
    assert len(notices) == 1 and lines[-1] == notices[0]
    # 14 failures and the "below the GO line" sentence; 13 warnings.
    more_errors = sum(n.level == "error" for n in everything) - PER_LEVEL
    assert more_errors == 5
    assert parse(notices[0])[2].startswith("and 5 more errors and 3 more warnings, not annotated")
    # The most decisive are the ones kept: the engine's order, failures first.
    assert parse(errors[0])[2].startswith("smoke.kind0: defect 0")


def test_under_the_cap_there_is_no_notice() -> None:
    result = result_of([check("smoke.status./", Outcome.FAILED, "got 500", blocking=True)])
    assert not any(line.startswith("::notice") for line in workflow_commands(result))


# --- publish: the step summary and the environment ----------------------------------------------


class Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_line(self, line: str) -> None:
        self.lines.append(line)


@pytest.fixture
def nogo() -> dict[str, Any]:
    return result_of([check("smoke.status./", Outcome.FAILED, "got 500", blocking=True)])


def test_summary_appended_on_a_line_of_its_own(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("## readiness-gate: NO-GO\n\nbody\n", encoding="utf-8")
    step = tmp_path / "step.md"
    step.write_text("an earlier step's text", encoding="utf-8")
    append_step_summary(summary, step)
    assert step.read_text(encoding="utf-8") == (
        "an earlier step's text\n\n## readiness-gate: NO-GO\n\nbody\n"
    )


def test_a_summary_too_large_is_cut_at_a_line(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("".join(f"line {i}\n" for i in range(1000)), encoding="utf-8")
    step = tmp_path / "step.md"
    append_step_summary(summary, step, limit=2000)
    text = step.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 2000
    assert text.startswith("line 0\n") and "cut to fit GitHub's step summary" in text
    body = text.split("\n\n…")[0]
    assert all(line.startswith("line ") for line in body.splitlines())


def test_publish_in_github_actions(tmp_path: Path, nogo: dict[str, Any]) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("## readiness-gate: NO-GO\n", encoding="utf-8")
    step, terminal, err = tmp_path / "step.md", Lines(), io.StringIO()
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(step)}
    publish(nogo, {"markdown": summary}, terminal, environ=env, err=err)
    assert step.read_text(encoding="utf-8") == "## readiness-gate: NO-GO\n"
    assert terminal.lines == workflow_commands(nogo) and terminal.lines
    assert err.getvalue() == ""


def test_publish_outside_github_actions_does_nothing(tmp_path: Path, nogo: dict[str, Any]) -> None:
    terminal, err = Lines(), io.StringIO()
    publish(nogo, {"markdown": tmp_path / "summary.md"}, terminal, environ={}, err=err)
    assert terminal.lines == [] and err.getvalue() == ""


def test_a_summary_that_cannot_be_appended_is_one_named_warning(
    tmp_path: Path, nogo: dict[str, Any]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("text\n", encoding="utf-8")
    terminal, err = Lines(), io.StringIO()
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path)}  # a folder
    publish(nogo, {"markdown": summary}, terminal, environ=env, err=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("readiness-gate: warning: summary.md not appended to")
    assert str(tmp_path) in lines[0]
    assert terminal.lines  # the annotations still go out
    err = io.StringIO()
    publish(nogo, {}, terminal, environ={"GITHUB_STEP_SUMMARY": str(tmp_path / "s")}, err=err)
    assert "summary.md was not written" in err.getvalue()
