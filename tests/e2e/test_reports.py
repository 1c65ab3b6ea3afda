"""Report writers: schema-valid samples, content of each report, escaping, and the dashboard in a
real headless Chromium (no script errors, no network, hostile text shown as text)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from markupsafe import escape

from readiness.browser import discovery as browser
from readiness.reports.html import render_dashboard, render_matrix, write_dashboard
from readiness.reports.junit import render_junit, write_junit
from readiness.reports.markdown import render_summary, write_summary
from tests.report_samples import ATTR_XSS, SAMPLES, XSS, write_artifacts

ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for comp in result["components"] for c in comp["checks"]]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    text = (resources.files("readiness") / "schema" / "readiness-1.schema.json").read_text("utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_validates_against_schema(name: str, validator: Draft202012Validator) -> None:
    result = json.loads(json.dumps(SAMPLES[name]()))  # the writers see parsed JSON, not objects
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(result)]
    assert errors == []


@pytest.mark.parametrize("name", SAMPLES)
def test_dashboard_shows_verdict_matrix_and_checks(name: str, tmp_path: Path) -> None:
    result = SAMPLES[name]()
    write_artifacts(tmp_path)
    page = render_dashboard(result, tmp_path)
    assert f'rg-verdict">{result["verdict"]}' in page
    assert f"exit code {result['exit_code']}" in page
    for comp in result["components"]:
        assert str(escape(comp["name"])) in page
    for check in _checks(result):
        assert str(escape(check["id"])) in page
    positions = [page.index(str(escape(reason))) for reason in result["reasons"]]
    assert positions == sorted(positions), "reasons must keep their order"
    assert ("PARTIAL — interrupted" in page) == result["interrupted"]
    if result["readiness"] is None:
        assert "—" in page and "not measured" in page
        assert ">0%<" not in page and ">100%<" not in page


def test_dashboard_embeds_images_and_notes_missing_ones(tmp_path: Path) -> None:
    write_artifacts(tmp_path)
    page = render_dashboard(SAMPLES["nogo"](), tmp_path)
    assert 'src="data:image/png;base64,' in page
    assert "Image file missing; not embedded." in page
    go = render_dashboard(SAMPLES["go"](), tmp_path)
    assert 'href="evidence/axe-home.html"' in go
    assert 'href="https://docs.locust.io/" rel="noopener noreferrer"' in go
    assert '<th scope="col">p95 ms</th>' in go
    assert 'href="#check-smoke-status' in go and 'href="#component-load"' in go


def test_matrix_fragment_is_self_styled_and_links_to_dashboard() -> None:
    fragment = render_matrix(SAMPLES["nogo"]())
    assert fragment.lstrip().startswith('<div class="rg-root')
    assert "<style>" in fragment and "<script" not in fragment
    assert 'href="readiness.html#component-smoke"' in fragment
    assert "NO-GO" in fragment and "exit code 1" in fragment


def test_hostile_html_is_escaped(tmp_path: Path) -> None:
    result = SAMPLES["hostile"]()
    for page in (render_dashboard(result, tmp_path), render_matrix(result)):
        assert XSS not in page and "<img src=x" not in page
        assert "javascript:" not in page.replace("javascript:alert(1)</pre>", "")
    page = render_dashboard(result, tmp_path)
    assert ESCAPED_XSS in page
    assert 'href="javascript:' not in page
    assert "Not linked: not an http(s) URL." in page


def _table_rows(markdown: str, heading: str) -> list[str]:
    section = markdown.split(f"### {heading}", 1)[1].split("###", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def test_markdown_summary() -> None:
    result = SAMPLES["nogo"]()
    text = render_summary(result)
    assert "**Verdict: NO-GO** (exit 1)" in text
    assert len(_table_rows(text, "Readiness matrix")) == 2 + len(result["components"])
    assert "| load | 15 | — | incomplete | HIGH | 1 errored, 1 skipped |" in text
    # Fix first: largest readiness gain first, with its component and the waiver's owner.
    fixes = text.split("### Fix first", 1)[1].split("###", 1)[0].strip().splitlines()
    assert fixes[0].startswith("1. **+30.7 points** security.hsts")
    assert fixes[0].endswith("(security; expired, owner ops)")
    assert "(security; waived, owner sec-team)" in fixes[2]
    assert "- load.p95 errored: locust exited with status 1 before reporting" in text
    assert "[full report](readiness.html)" in text
    assert "PARTIAL" in render_summary(SAMPLES["interrupted"]())
    unreachable = render_summary(SAMPLES["inconclusive"]())
    assert "**Target unreachable:**" in unreachable and "— (not measured)" in unreachable


def test_markdown_reads_as_typed_and_stays_small() -> None:
    result = SAMPLES["go"]()
    result["reasons"] = ["readiness 97.5% >= 90%; regex /a\\s*b/ matched"]
    text = render_summary(result)
    assert "97.5% >= 90%" in text and "&gt;" not in text  # no raw entity for ">"
    assert "/a\\s\\*b/" in text and "\\\\" not in text  # one backslash, not two
    assert len(text.encode()) < 4096


def test_hostile_markdown_is_escaped() -> None:
    result = SAMPLES["hostile"]()
    text = render_summary(result)
    assert "<script" not in text and "<img" not in text and "\x00" not in text
    assert "&lt;script>alert(1)&lt;/script>" in text
    assert len(_table_rows(text, "Readiness matrix")) == 2 + len(result["components"])
    # Every line of the matrix keeps its 6 cells: the only unescaped pipes are separators.
    for row in _table_rows(text, "Readiness matrix"):
        assert row.replace("\\|", "").count("|") == 7
    # No target text opens a block, a link or a code span: each is backslash-escaped.
    assert "\\`code\\`" in text and "\\| pipe" in text


@pytest.mark.parametrize("name", SAMPLES)
def test_junit_counts_match(name: str) -> None:
    result = SAMPLES[name]()
    root = ET.fromstring(render_junit(result).encode("utf-8"))
    outcomes = [c["outcome"] for c in _checks(result)]
    assert root.tag == "testsuites" and root.get("name") == "readiness-gate"
    assert int(root.get("tests")) == len(outcomes) == len(root.findall(".//testcase"))
    assert int(root.get("failures")) == outcomes.count("failed") == len(root.findall(".//failure"))
    assert int(root.get("errors")) == outcomes.count("errored") == len(root.findall(".//error"))
    # warned and waived checks are <skipped type="warned|waived"> (readiness/reports/junit.py)
    skipped = sum(outcomes.count(o) for o in ("skipped", "warned", "waived"))
    assert int(root.get("skipped")) == skipped == len(root.findall(".//skipped"))
    assert [s.get("name") for s in root.findall("testsuite")] == [
        c["name"] for c in result["components"]
    ]
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        assert {"outcome", "score", "blocking"} <= props.keys()
        if props["outcome"] in ("warned", "waived"):
            assert props["outcome"].upper() in case.findtext("system-out")


def test_hostile_junit_is_escaped_and_parses() -> None:
    text = render_junit(SAMPLES["hostile"]())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert XSS not in text and ESCAPED_XSS in text and "\x00" not in text
    case = ET.fromstring(text.encode("utf-8")).find(".//testcase")
    assert case.get("name") == f"security.header.{XSS}"  # round-trips as text


def test_writers_write_their_files(tmp_path: Path) -> None:
    result = SAMPLES["go"]()
    assert write_dashboard(result, tmp_path) == tmp_path / "readiness.html"
    assert write_summary(result, tmp_path).name == "summary.md"
    assert write_junit(result, tmp_path).name == "junit.xml"


# --- browser discovery -------------------------------------------------------------------------


def test_explicit_bogus_path_raises_naming_it(tmp_path: Path) -> None:
    bogus = str(tmp_path / "no-such-chromium")
    with pytest.raises(browser.BrowserNotFound, match="no-such-chromium") as err:
        browser.discover_chromium(bogus)
    assert "install" in str(err.value).lower()


def _fake_executable(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_explicit_path_wins_over_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(browser.ENV_VAR, _fake_executable(tmp_path, "from-env"))
    explicit = _fake_executable(tmp_path, "explicit")
    assert browser.discover_chromium(explicit) == explicit


def test_env_var_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _fake_executable(tmp_path, "from-env")
    monkeypatch.setenv(browser.ENV_VAR, path)
    assert browser.discover_chromium() == path
    monkeypatch.setenv(browser.ENV_VAR, str(tmp_path / "gone"))
    with pytest.raises(browser.BrowserNotFound, match="gone"):
        browser.discover_chromium()


def test_chromium_args() -> None:
    assert "--disable-background-networking" in browser.CHROMIUM_ARGS
    assert ("--no-sandbox" in browser.CHROMIUM_ARGS) == (os.geteuid() == 0)


# --- the dashboard in headless Chromium ------------------------------------------------------


@pytest.mark.parametrize("name", ["nogo", "hostile", "inconclusive"])
def test_dashboard_in_chromium(name: str, chromium: Any, tmp_path: Path) -> None:
    write_artifacts(tmp_path)
    path = write_dashboard(SAMPLES[name](), tmp_path)
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url)
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.locator("details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    assert errors == []
    assert outside == []
    assert dialogs == []
    assert page.locator(".rg-verdict").first.is_visible()
    if name == "hostile":
        assert page.get_by_text(XSS).first.is_visible()
        assert page.locator("img[src='x']").count() == 0
        assert page.get_by_text(ATTR_XSS).first.is_visible()
    if name == "nogo":
        page.screenshot(path="/tmp/readiness-dashboard.png", full_page=True)
    context.close()


def test_compiled_templates_are_kept_for_the_next_run() -> None:
    # Compiling the templates is a fixed cost of every run; the next process loads the code.
    from jinja2 import FileSystemBytecodeCache

    from readiness.reports.html import _env

    env = _env()
    cache = env.bytecode_cache
    assert isinstance(cache, FileSystemBytecodeCache)
    render_dashboard(SAMPLES["go"]())
    template = env.get_template("dashboard.html.j2")
    key = cache.get_cache_key(template.name, template.filename)
    kept = Path(cache.directory) / (cache.pattern % key)
    assert kept.is_file() and kept.stat().st_size > 0
