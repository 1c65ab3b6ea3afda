"""Accessibility suite gatherers: each page scanned once per run, shared by its impact checks.

Scans reuse one browser context (accessibility does not depend on a cold cache) and open a
new page per scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from readiness.browser_session import BrowserSession
from readiness.config import Component
from readiness.gate import GateRun
from readiness.pages import planned_pages
from readiness.plugin import component_for, require_component
from readiness.recorder import not_applicable

from .scan import PageScan, scan

SUITE_DIR = Path(__file__).parent


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
def scan_context(browser_session: BrowserSession) -> Iterator[Any]:
    context = browser_session.new_context(viewport={"width": 1350, "height": 940})
    yield context
    context.close()


@pytest.fixture(scope="session")
def scan_page(
    browser_session: BrowserSession, scan_context: Any, accessibility: Component, gate: GateRun
) -> Callable[[str], PageScan]:
    """scan_page(path) -> PageScan, scanned once for the whole run."""
    settings = accessibility.settings
    options = settings.axe_options()
    shots = gate.run_dir / "accessibility" if settings.screenshots else None
    cache: dict[str, PageScan] = {}

    def get(path: str) -> PageScan:
        if path not in cache:
            if browser_session.auth_error:
                cache[path] = PageScan(
                    path, browser_session.url(path), error=browser_session.auth_error
                )
            else:
                cache[path] = scan(
                    browser_session,
                    scan_context,
                    path,
                    options,
                    settings.ignore,
                    shots,
                    gate.run_dir,
                )
        return cache[path]

    return get


@pytest.fixture
def scanned(scan_page, page_path: str) -> PageScan:
    return scan_page(page_path)
