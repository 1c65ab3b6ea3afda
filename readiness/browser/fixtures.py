"""The run's one Chromium, shared by every browser suite (registered by the engine's plugin).

A suite says it needs a browser with ``NEEDS_BROWSER: ClassVar[bool] = True`` on its Settings;
then the gate looks for Chromium before any check runs, and a missing browser is a one-line
error and exit 2 (a usage problem). One that is found but does not start errors the browser
checks (the run is INCONCLUSIVE, and exits with the report's code).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from readiness.browser.discovery import (
    NOT_FOUND,
    BrowserDidNotStart,
    BrowserNotFound,
    close_quietly,
    discover_chromium,
    launch_chromium,
    preflight_chromium,
    started_playwright,
)
from readiness.browser.session import BrowserSession, first_line, https_policy
from readiness.plugin.gate import GateRun
from readiness.plugin.stash import gate_run

# The storage state a sign-in produced before the browser suites started (the crawl's).
SIGNED_IN_KEY = pytest.StashKey[dict]()


def needs_browser(run: GateRun) -> bool:
    return any(c.needs_browser for c in run.config.components.values())


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    # Runs after the engine's own (tryfirst) pytest_cmdline_main has loaded the gate, and
    # before pytest starts the session: the same place configuration errors stop a run.
    run = gate_run(config)
    if run is None or config.option.collectonly or not needs_browser(run):
        return None
    try:
        preflight_chromium(run.config.browser.executable)
    except BrowserNotFound as exc:
        sys.stderr.write(f"readiness-gate: error: {exc}\n")
        return 2
    return None


def open_browser_session(pw: Any, gate: GateRun) -> BrowserSession:
    """Discover and launch the run's Chromium; a BrowserSession for the target, not yet signed
    in. Raises BrowserNotFound, or BrowserDidNotStart when the binary does not start."""
    from playwright.sync_api import Error as PlaywrightError

    settings = gate.config.browser
    # Discover first, then launch that exact binary: the notes name what measured.
    executable = discover_chromium(settings.executable, playwright=pw)
    if executable is None:
        raise BrowserNotFound(NOT_FOUND)
    try:
        browser = launch_chromium(pw, executable)
    except PlaywrightError as exc:
        raise BrowserDidNotStart(
            f"Chromium did not start ({executable}): {first_line(exc)}"
        ) from exc
    policy = https_policy(gate.target, gate.trust, 5.0)
    return BrowserSession(
        browser=browser,
        executable=str(executable),
        target=gate.target,
        settings=settings,
        https=policy,
        timeout_s=gate.config.timeout_s,
    )


@pytest.fixture(scope="session")
def browser_session(gate: GateRun, request: pytest.FixtureRequest) -> Iterator[BrowserSession]:
    """One headless Chromium for the run, with the target's trust and credentials."""
    with started_playwright() as pw:
        # A Chromium that is found but does not start fails this fixture: every browser check
        # is errored with the cause ("could not gather: BrowserDidNotStart: ..."), the run is
        # INCONCLUSIVE and the exit code is the report's (it was exit 2 beside a report
        # saying 130).
        session = open_browser_session(pw, gate)
        # The crawl may already have signed in (pages.py): its session is reused.
        signed_in = request.config.stash.get(SIGNED_IN_KEY, None)
        session.authenticate(signed_in=signed_in)
        for name, comp in gate.config.components.items():
            if comp.needs_browser:
                gate.note(
                    name,
                    f"Chromium {session.version} ({session.executable}); {session.https.reason}",
                )
                if session.auth_error:
                    gate.note(name, f"not signed in: {session.auth_error}")
        try:
            yield session
        finally:
            close_quietly(session.browser)
