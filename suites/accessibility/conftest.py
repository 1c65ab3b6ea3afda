"""Accessibility suite gatherers: each page scanned once per run, shared by its impact checks.

Scans reuse one browser context (accessibility does not depend on a cold cache) and the same
``concurrency`` tabs, navigated from page to page. The first check of a page not yet scanned
scans it together with the next planned pages, ``concurrency`` at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from readiness.suite import (
    BrowserSession,
    Component,
    GateRun,
    close_quietly,
    component_for,
    not_applicable,
    planned_pages,
    require_component,
)

from .scan import PageScan, axe_tabs, scan_pages

SUITE_DIR = Path(__file__).parent
VIEWPORT = {"width": 1350, "height": 940}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One check per page and impact: ids like accessibility.serious./login."""
    if "page_path" not in metafunc.fixturenames:
        return
    comp = component_for(metafunc.config, SUITE_DIR)
    pages = planned_pages(metafunc.config) if comp is not None else []
    params = [pytest.param(p, id=p) for p in pages] or [not_applicable()]
    metafunc.parametrize("page_path", params)


@pytest.fixture(scope="session")
def accessibility(request: pytest.FixtureRequest) -> Component:
    return require_component(request.config, SUITE_DIR)


@pytest.fixture(scope="session")
def scan_tabs(browser_session: BrowserSession, accessibility: Component) -> Iterator[list[Any]]:
    count = accessibility.settings.concurrency
    context, tabs = axe_tabs(browser_session, count, viewport=VIEWPORT)
    yield tabs
    close_quietly(context)


@pytest.fixture(scope="session")
def scan_page(
    request: pytest.FixtureRequest,
    browser_session: BrowserSession,
    scan_tabs: list[Any],
    accessibility: Component,
    gate: GateRun,
) -> Callable[[str], PageScan]:
    """scan_page(path) -> PageScan, scanned once for the whole run."""
    settings = accessibility.settings
    options = settings.axe_options()
    shots = gate.run_dir / "accessibility" if settings.screenshots else None
    planned = planned_pages(request.config)
    cache: dict[str, PageScan] = {}

    def get(path: str) -> PageScan:
        if path in cache:
            return cache[path]
        error = browser_session.auth_error
        if error:
            cache[path] = PageScan(path, browser_session.url(path), error=error)
            return cache[path]
        if browser_session.is_signed_out(path):
            # Its own context, without the session's cookies, for this page alone.
            context, tabs = axe_tabs(browser_session, 1, signed_out=True, viewport=VIEWPORT)
            try:
                found = scan_pages(
                    browser_session, tabs, [path], options, settings.ignore, shots, gate.run_dir
                )
            finally:
                context.close()
            cache[path] = found[0]
            return cache[path]
        later = [
            p
            for p in planned
            if p not in cache and p != path and not browser_session.is_signed_out(p)
        ]
        batch = [path, *later][: len(scan_tabs)]
        found = scan_pages(
            browser_session, scan_tabs, batch, options, settings.ignore, shots, gate.run_dir
        )
        cache.update(zip(batch, found, strict=True))
        return cache[path]

    return get


@pytest.fixture
def scanned(scan_page, page_path: str) -> PageScan:
    return scan_page(page_path)
