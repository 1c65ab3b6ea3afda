"""readiness.html as a person reads it: fixed readiness.json fixtures (real demo runs, made by
tests/data/reports/make_fixtures.py) rendered and opened in headless Chromium, and scanned by
the harness's own accessibility suite at WCAG 2.1 AA."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from helpers import open_report, write_gates

from readiness.reports.charts import charts_for
from readiness.reports.digest import digest
from readiness.reports.history import read_history
from readiness.reports.html import render_dashboard
from readiness.reports.page_model import band, headline, shares

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "reports"
NAMES = ["go", "nogo", "inconclusive", "waivers-noload", "hostile"]
PAYLOAD = "<script>alert('xss')</script>"  # what the hostile target put in its page and headers


def _fixture(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return result


def _history(name: str) -> list[dict[str, Any]]:
    """The three runs of the fixtures' report root for the GO page; no trend for the others."""
    return read_history(FIXTURES, 20) if name == "go" else []


def _png(width: int, height: int) -> bytes:
    """A grey picture with a red frame: the stand-in for an outlined screenshot."""
    rows = b""
    for y in range(height):
        edge = y < 3 or y >= height - 3
        row = b"".join(
            b"\xc6\x28\x28" if edge or x < 3 or x >= width - 3 else b"\xe4\xe8\xec"
            for x in range(width)
        )
        rows += b"\x00" + row

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for comp in result["components"] for c in comp["checks"]]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture rendered to <name>.html in one folder, with stand-in screenshots."""
    out = tmp_path_factory.mktemp("pages")
    picture = _png(160, 90)
    for name in NAMES:
        result = _fixture(name)
        for check in _checks(result):
            for item in check["evidence"]:
                if item["kind"] == "image" and not str(item["content"]).startswith("/"):
                    (out / item["content"]).parent.mkdir(parents=True, exist_ok=True)
                    (out / item["content"]).write_bytes(picture)
        page = render_dashboard(result, out, _history(name))
        (out / f"{name}.html").write_text(page, encoding="utf-8")
    return out


@pytest.mark.parametrize("name", NAMES)
def test_page_shows_the_verdict_and_every_component(name: str, pages: Path, chromium: Any) -> None:
    result = _fixture(name)
    watch = open_report(chromium, pages / f"{name}.html")
    page = watch.page
    assert watch.errors == [] and watch.requests == [] and watch.dialogs == []
    assert page.locator("#rg-verdict").inner_text() == result["verdict"]
    assert f"exit code {result['exit_code']}" in page.locator(".rg-stamp").inner_text()
    rows = page.locator("#readiness-matrix tbody th")
    assert rows.all_inner_texts() == [
        c["name"] + (" blocking" if c["blocking"] else "") for c in result["components"]
    ]
    for comp in result["components"]:
        section = page.locator(f".rg-component[data-rg-component='{comp['name']}']")
        assert section.is_visible()
        assert section.locator("details.rg-check").count() == len(comp["checks"])
    page.close()


def test_failed_checks_come_first_and_passed_ones_fold(pages: Path, chromium: Any) -> None:
    result = _fixture("nogo")
    page = chromium.new_page()
    page.goto((pages / "nogo.html").as_uri())
    for comp in result["components"]:
        section = page.locator(f".rg-component[data-rg-component='{comp['name']}']")
        shown = section.locator("> details.rg-check").evaluate_all(
            "ds => ds.map(d => d.dataset.rgOutcome)"
        )
        assert "passed" not in shown
        passed = [c for c in comp["checks"] if c["outcome"] == "passed"]
        fold = section.locator("details.rg-passed")
        if passed:
            summary = fold.locator("> summary")
            assert summary.inner_text().startswith(f"{len(passed)} passed")
            assert not fold.locator("details.rg-check").first.is_visible()
            summary.click()
            assert fold.locator("details.rg-check").first.is_visible()
        else:
            assert fold.count() == 0
    page.close()


def _visible_components(page: Any) -> list[str]:
    return page.locator(".rg-component:visible").evaluate_all(
        "ss => ss.map(s => s.dataset.rgComponent)"
    )


def test_failures_only_filter(pages: Path, chromium: Any) -> None:
    result = _fixture("nogo")
    healthy = [c["name"] for c in result["components"] if c["status"] == "passed"]
    assert healthy, "the NO-GO fixture needs a component that passed to filter out"
    page = chromium.new_page()
    page.goto((pages / "nogo.html").as_uri())
    page.get_by_label("Failures only").check()
    names = [c["name"] for c in result["components"]]
    assert _visible_components(page) == [n for n in names if n not in healthy]
    assert page.locator(".rg-passed:visible").count() == 0
    for name in healthy:
        assert not page.locator(f"#readiness-matrix tr[data-rg-component='{name}']").is_visible()
    page.get_by_label("Failures only").uncheck()
    assert _visible_components(page) == names
    page.close()


def test_component_filter(pages: Path, chromium: Any) -> None:
    page = chromium.new_page()
    page.goto((pages / "nogo.html").as_uri())
    page.get_by_label("Show component").select_option("security")
    assert _visible_components(page) == ["security"]
    matrix = page.locator("#readiness-matrix tbody tr:visible")
    assert matrix.evaluate_all("rs => rs.map(r => r.dataset.rgComponent)") == ["security"]
    assert page.locator("#rg-shown").inner_text() == "1 component shown"
    page.get_by_label("Show component").select_option("")
    assert len(_visible_components(page)) == len(_fixture("nogo")["components"])
    page.close()


def test_a_reason_opens_its_check(pages: Path, chromium: Any) -> None:
    page = chromium.new_page()
    page.goto((pages / "nogo.html").as_uri())
    link = page.locator("#reasons a").first
    target = link.get_attribute("href")
    assert target and target.startswith("#check-")
    link.click()
    check = page.locator(target)
    assert check.evaluate("d => d.open") is True
    assert check.locator(".rg-check-body").is_visible()
    page.close()


def test_readable_with_javascript_off(pages: Path, chromium: Any) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((pages / "nogo.html").as_uri())
    assert not page.locator(".rg-filters").is_visible()  # nothing to click that does nothing
    assert len(_visible_components(page)) == len(_fixture("nogo")["components"])
    first = page.locator(".rg-component details.rg-check").first
    first.locator("> summary").click()
    assert first.locator(".rg-check-body").is_visible()
    context.close()


def test_print_leaves_the_controls_out(pages: Path, chromium: Any) -> None:
    page = chromium.new_page()
    page.goto((pages / "nogo.html").as_uri())
    page.emulate_media(media="print")
    assert not page.locator(".rg-filters").is_visible()
    assert page.locator("#readiness-matrix").is_visible()
    page.close()


def test_markup_from_the_target_is_shown_as_text(pages: Path, chromium: Any) -> None:
    html = (pages / "hostile.html").read_text(encoding="utf-8")
    assert PAYLOAD not in html and "<img src=x" not in html
    watch = open_report(chromium, pages / "hostile.html")  # every <details> opened
    assert watch.dialogs == [] and watch.errors == []
    assert watch.page.locator("img[src='x']").count() == 0
    assert watch.page.get_by_text(PAYLOAD).first.is_visible()
    watch.page.close()


@pytest.mark.parametrize("name", ["go", "nogo"])
def test_charts_sit_where_a_person_looks(name: str, pages: Path, chromium: Any) -> None:
    result = _fixture(name)
    charts = charts_for(result, _history(name))
    page = chromium.new_page()
    page.goto((pages / f"{name}.html").as_uri())
    for chart in charts:
        figure = page.locator(f"figure[id='chart-{chart.id}']")
        where = ".rg-banner" if chart.component is None else f"#component-{chart.component}"
        assert page.locator(f"{where} figure[id='chart-{chart.id}']").count() == 1, chart.id
        assert figure.locator("svg").count() == 1
        assert figure.locator(".rg-alt p").text_content() == chart.alt
    placed = {c.component for c in charts}
    expected = {"performance", "load", None} if name == "go" else {"accessibility"}
    assert expected <= placed, placed
    page.close()


def test_not_measured_is_grouped_by_cause(pages: Path, chromium: Any) -> None:
    result = _fixture("inconclusive")
    gaps = digest(result).not_measured
    skipped = [c for c in _checks(result) if c["outcome"] in ("skipped", "errored")]
    assert 0 < len(gaps) < len(skipped)
    page = chromium.new_page()
    page.goto((pages / "inconclusive.html").as_uri())
    items = page.locator("#not-measured .rg-gaps > li")
    assert items.count() == len(gaps)
    for gap, text in zip(gaps, items.all_inner_texts(), strict=True):
        assert gap.cause in text
    page.close()


def test_not_enabled_is_listed_once(pages: Path) -> None:
    result = _fixture("go")
    html = (pages / "go.html").read_text(encoding="utf-8")
    for item in digest(result).not_enabled:
        assert html.count(f"<code>{item.checks}</code>") == 1


def test_waivers_show_their_owner_and_expiry(pages: Path, chromium: Any) -> None:
    waived = [c for c in _checks(_fixture("waivers-noload")) if c.get("waiver")]
    expired = [c for c in waived if c["waiver"].get("expired")]
    assert expired and len(expired) < len(waived), "the fixture has a live and an expired waiver"
    page = chromium.new_page()
    page.goto((pages / "waivers-noload.html").as_uri())
    for check in waived:  # said on the summary line: no need to open the check to see it
        summary = page.locator(f"details.rg-check:has(code:text-is('{check['id']}')) > summary")
        summary = summary.inner_text()
        state = "waiver expired" if check in expired else "waived"
        assert f"{state} · {check['waiver']['owner']}" in summary
    # An expired waiver waives nothing: its failure is to fix, and its owner is named there.
    fix = page.locator("#fix-first").inner_text()
    assert all(f"waiver owner {c['waiver']['owner']} (expired)" in fix for c in expired), fix
    page.close()


@pytest.mark.parametrize("name", ["go", "nogo"])
def test_each_measured_value_is_shown_once(name: str, pages: Path, chromium: Any) -> None:
    """A check on a good/poor band says its value once in its summary line (not again as the
    message), and leaves the thresholds to the band."""
    page = chromium.new_page()
    page.goto((pages / f"{name}.html").as_uri())
    banded = page.locator("details.rg-check:has(.rg-band) > summary")
    assert banded.count() > 0
    for text, value in banded.evaluate_all(
        "ss => ss.map(s => [s.textContent, s.parentElement.querySelector('.rg-band')"
        ".getAttribute('aria-label').split(';')[0]])"
    ):
        assert text.count(value) == 1, (value, text)
        assert "good at" not in text and "poor at" not in text, text
    page.close()


# --- the page's shapes (page_model.py), on the fixtures' real figures ------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_made_of_table_adds_up_to_readiness(name: str) -> None:
    result = _fixture(name)
    parts = shares(result)
    if result["readiness"] is None:
        assert parts == []
    else:
        assert sum(p.earned for p in parts) == pytest.approx(result["readiness"], abs=0.01)
        assert sum(p.weight_share for p in parts) == pytest.approx(100)


def test_a_band_puts_the_value_between_good_and_poor() -> None:
    lower = {"value": 1511.0, "unit": "ms", "threshold": {"good": 500.0, "poor": 1200.0}}
    b = band(lower)
    assert b is not None and b.good_at < b.poor_at < b.value_at <= 100
    assert (b.good, b.poor, b.value) == ("≤ 500 ms", "≥ 1,200 ms", "1,511 ms")
    higher = {"value": 26.5, "threshold": {"good": 30, "poor": 10, "higher_is_better": True}}
    h = band(higher)
    assert h is not None and h.poor_at < h.value_at < h.good_at
    assert band({"value": 3, "threshold": {"good": 0, "poor": 0}}) is None  # a plain budget
    assert band({"value": "200", "threshold": {"expected": 200}}) is None


def test_the_summary_line_says_each_figure_once() -> None:
    check = {
        "value": 1511.0,
        "unit": "ms",
        "threshold": {"good": 500.0, "poor": 1200.0},
        "message": "1,511 ms (good at 500, poor at 1,200)",
    }
    assert headline(check) == ("1,511 ms", None)
    check["message"] = "p95 1,511 ms over 93 of 127 requests (good at 500, poor at 1,200)"
    assert headline(check) == (None, "p95 1,511 ms over 93 of 127 requests")
    assert headline({"value": 500, "message": "got 500, expected 200"}) == (
        None,
        "got 500, expected 200",
    )


# --- the page passes the harness's own accessibility suite ----------------------------------

CONTROL = b"<!doctype html><html lang=en><title>control</title><main><img src=a.png></main>"


def _report_app(root: Path) -> Any:
    """Serve the rendered pages; /open/<name> with every <details> open (axe skips what is
    folded away); /control.html, a page with a known defect, proves the scan looks."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        name = path.removeprefix("/open/").lstrip("/")
        if name == "control.html":
            body = CONTROL
        elif name in {f"{n}.html" for n in NAMES}:
            body = (root / name).read_bytes()
            if path.startswith("/open/"):
                body = body.replace(b"<details", b"<details open")
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]

    return app


def test_the_page_passes_its_own_accessibility_suite(
    pages: Path, serve: Any, run_gate: Any, tmp_path: Path
) -> None:
    url = serve(_report_app(pages))
    paths = [f"/{n}.html" for n in NAMES] + [f"/open/{n}.html" for n in NAMES]
    gates = write_gates(
        tmp_path,
        f"target: {url}\n"
        f"pages: {json.dumps([*paths, '/control.html'])}\n"
        "timeout_s: 60\n"  # a busy two-core machine: every page's charts and screenshots open
        "components:\n"
        "  accessibility:\n"
        "    weight: 1\n"
        "    blocking: true\n"
        "    standard: [wcag21aa]\n"
        "    max: {critical: 0, serious: 0, moderate: 0, minor: 0}\n",
    )
    run = run_gate("--gates", str(gates), "-q")
    checks = {c["id"]: c for c in _checks(run.readiness)}
    assert checks["accessibility.critical./control.html"]["outcome"] == "failed", run.stderr
    for path in paths:
        for impact in ("critical", "serious", "moderate", "minor"):
            check = checks[f"accessibility.{impact}.{path}"]
            assert check["outcome"] == "passed", (path, check["message"])
