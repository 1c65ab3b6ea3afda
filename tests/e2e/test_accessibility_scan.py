"""axe scans by the accessibility suite on local pages with known defects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_pages import EXPECTED_BAD_RULES, pages_app
from helpers import browsing

from suites.accessibility.scan import (
    Node,
    PageScan,
    Violation,
    apply_ignores,
    axe_tabs,
    scan,
    scan_pages,
)
from suites.accessibility.settings import Ignore, Settings


@pytest.fixture(scope="module")
def site(chromium: Any) -> Any:
    with browsing(chromium, pages_app) as session:
        context, tabs = axe_tabs(session, 1)
        yield session, tabs
        context.close()


def _scan_in_a_new_tab(session, paths: list[str], tmp_path: Path) -> tuple[list[PageScan], bool]:
    """``paths`` scanned one after another in a tab of their own (default settings); the scans,
    and whether the tab they were scanned in was replaced on the way."""
    context, tabs = axe_tabs(session, 1)
    first = tabs[0]
    try:
        found = scan_pages(session, tabs, paths, Settings().axe_options(), [], None, tmp_path)
    finally:
        context.close()
    return found, tabs[0] is not first


def _scan(site, path: str, tmp_path: Path, **settings: Any) -> PageScan:
    session, tabs = site
    chosen = Settings.model_validate(settings)
    return scan(
        session, tabs, path, chosen.axe_options(), chosen.ignore, tmp_path / "a11y", tmp_path
    )


@pytest.mark.parametrize("standard", ["wcag21aa", "wcag22aa"])
def test_known_defects_are_exactly_the_reported_rules(site, tmp_path: Path, standard: str) -> None:
    result = _scan(site, "/a11y-bad", tmp_path, standard=[standard, "best-practice"])
    assert result.error is None
    assert {v.rule for v in result.violations} == EXPECTED_BAD_RULES
    impacts = {v.rule: v.impact for v in result.violations}
    assert impacts == {
        "image-alt": "critical",
        "label": "critical",
        "color-contrast": "serious",
        "html-has-lang": "serious",
    }
    label = next(v for v in result.violations if v.rule == "label")
    assert label.nodes[0].selector == "#nameless"
    assert label.nodes[0].html.startswith("<input")
    assert label.help_url.startswith("https://dequeuniversity.com/rules/axe/")


def test_clean_page_has_no_violation(site, tmp_path: Path) -> None:
    result = _scan(site, "/clean", tmp_path, standard=["wcag22aa", "best-practice"])
    assert result.error is None
    assert result.violations == []
    assert result.screenshots == {}


def test_screenshots_per_impact_are_pngs_in_the_run_dir(site, tmp_path: Path) -> None:
    result = _scan(site, "/a11y-bad", tmp_path)
    assert set(result.screenshots) == {"critical", "serious"}
    for relative in result.screenshots.values():
        assert not Path(relative).is_absolute()
        assert (tmp_path / relative).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rules_exclude_and_a_selector_scoped_ignore(site, tmp_path: Path) -> None:
    result = _scan(
        site,
        "/a11y-bad",
        tmp_path,
        rules={"exclude": ["color-contrast"]},
        ignore=[{"rule": "label", "selector": "main", "reason": "legacy form"}],
    )
    assert {v.rule for v in result.violations} == {"image-alt", "html-has-lang"}
    assert result.ignored == 1


def test_an_ignore_for_another_page_does_not_apply(site, tmp_path: Path) -> None:
    ignore = [{"rule": "image-alt", "page": "/elsewhere", "reason": "not this page"}]
    result = _scan(site, "/a11y-bad", tmp_path, ignore=ignore)
    assert "image-alt" in {v.rule for v in result.violations}
    assert result.ignored == 0


def test_a_defect_inside_a_frame_is_found(site, tmp_path: Path) -> None:
    result = _scan(site, "/framed", tmp_path)
    assert result.error is None
    assert [(v.rule, [n.selector for n in v.nodes]) for v in result.violations] == [
        ("image-alt", ["#inner-img"])
    ]


def test_concurrent_scans_find_what_one_at_a_time_finds(site, tmp_path: Path) -> None:
    session, _ = site
    options = Settings().axe_options()
    paths = ["/a11y-bad", "/clean", "/framed", "/a11y-bad", "/nope"]
    context, tabs = axe_tabs(session, 2)
    try:
        together = scan_pages(session, tabs, paths, options, [], None, tmp_path)
        alone = scan_pages(session, tabs[:1], paths, options, [], None, tmp_path)
    finally:
        context.close()
    assert [r.path for r in together] == paths
    found = [(sorted(v.rule for v in r.violations), r.error) for r in together]
    assert found == [(sorted(v.rule for v in r.violations), r.error) for r in alone]
    assert found[0][0] == sorted(EXPECTED_BAD_RULES) and found[1] == ([], None)
    assert found[4] == ([], "page answered HTTP 404 (an error page): not scanned")


def test_a_response_that_is_not_html_is_not_scanned(site, tmp_path: Path) -> None:
    # Chromium shows JSON in a viewer document of its own; axe would audit that viewer.
    result = _scan(site, "/data.json", tmp_path)
    assert result.error == "page answered application/json (not HTML): not scanned"
    assert result.violations == []


def test_apply_ignores_needs_rule_and_scope() -> None:
    violations = [
        Violation("image-alt", "critical", "", "", [Node("img.a", ""), Node("img.b", "")]),
        Violation("label", "critical", "", "", [Node("img.a", "")]),
    ]
    ignores = [Ignore(rule="image-alt", selector=".a", reason="x")]
    kept, dropped = apply_ignores(violations, "/", ignores, lambda t, s: t.endswith(s))
    assert dropped == 1
    assert [(v.rule, [n.selector for n in v.nodes]) for v in kept] == [
        ("image-alt", ["img.b"]),
        ("label", ["img.a"]),  # same element, other rule: not ignored
    ]
    whole_page = [Ignore(rule="label", page="/", reason="x")]
    kept, dropped = apply_ignores(violations, "/", whole_page, lambda t, s: False)
    assert [v.rule for v in kept] == ["image-alt"] and dropped == 1


def test_an_unscoped_ignore_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="selector or page"):
        Ignore(rule="label", reason="everywhere")


def test_a_page_that_redirects_itself_is_named_and_does_not_reach_the_next(
    site, tmp_path: Path
) -> None:
    session, _ = site
    # A script redirect 30 ms after load may come before or after a fast scan (both honest);
    # this page moves while its scan is read, so it always moves during the scan.
    paths = ["/refresh", "/redirects-while-scanned", "/a11y-bad", "/clean"]
    found, replaced = _scan_in_a_new_tab(session, paths, tmp_path)
    moved = "the page went on to /clean by itself (a script or <meta> refresh redirect)"
    # A <meta> refresh may even land before the scan reads the address: it is still the page
    # going on by itself (the server's answer left it at /refresh), never a server redirect.
    refreshed = found[0].error or ""
    assert refreshed.startswith(moved), refreshed
    assert [r.error and r.error.split(":")[0] for r in found[1:]] == [moved, None, None]
    assert {v.rule for v in found[2].violations} == EXPECTED_BAD_RULES
    assert found[3].violations == []
    assert replaced  # the tab those pages left behind


@pytest.mark.parametrize(
    ("path", "first"),
    [
        # Busy before axe could start or finish: errored, its tab replaced.
        ("/spins", "the page's main thread stayed busy for more than 2.0 s"),
        # Busy only after a clean scan: passed, and its tab replaced all the same.
        ("/spins-after-scan", None),
    ],
)
def test_a_page_that_never_yields_costs_a_bounded_wait_and_not_the_next_page(
    chromium: Any, tmp_path: Path, path: str, first: str | None
) -> None:
    with browsing(chromium, pages_app, timeout_s=2) as session:
        found, replaced = _scan_in_a_new_tab(session, [path, "/a11y-bad"], tmp_path)
    if first is None:
        assert found[0].error is None and found[0].violations == []
    else:
        assert found[0].error is not None and first in found[0].error, found[0].error
    assert found[1].error is None
    assert {v.rule for v in found[1].violations} == EXPECTED_BAD_RULES
    assert replaced


def test_a_page_slower_than_the_timeout_says_which_setting_to_raise(
    chromium: Any, tmp_path: Path
) -> None:
    with browsing(chromium, pages_app, timeout_s=1) as session:
        (found,), _ = _scan_in_a_new_tab(session, ["/loads-late"], tmp_path)
    assert found.error is not None
    assert found.error.startswith("page did not load: Page.goto: Timeout 1000ms exceeded")
    assert found.error.endswith(
        "(its load event did not come within timeout_s; if the page is only slow,"
        " raise timeout_s in gates.yaml)"
    )


def test_the_rule_ids_read_from_axes_source_are_the_ones_axe_runs(chromium: Any) -> None:
    # gates.yaml's rule ids are checked against these when it loads, without a browser.
    from suites.accessibility.axe_source import AXE_SOURCE, rule_ids

    page = chromium.new_page()
    try:
        page.set_content("<p>x</p>")
        page.add_script_tag(content=AXE_SOURCE)
        running = set(page.evaluate("() => axe.getRules().map((r) => r.ruleId)"))
    finally:
        page.close()
    assert len(running) > 90
    assert rule_ids() == running
