"""The run's one Chromium, shared by every browser suite (registered by the engine's plugin).

A suite says it needs a browser with ``NEEDS_BROWSER: ClassVar[bool] = True`` on its Settings;
then the gate looks for Chromium before any check runs, and a missing browser is a one-line
error and exit 2 (a usage problem). One that is found but does not start errors the browser
checks (the run is INCONCLUSIVE, and exits with the report's code). With ``browser.connect``
the browser is a Playwright browser server's (readiness/browser/remote.py): no local Chromium
is looked for, and a server that cannot be used errors the browser checks the same way.
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
from readiness.browser.remote import (
    BrowserServerUnavailable,
    connect_browser,
    endpoint,
    shown_endpoint,
)
from readiness.browser.session import BrowserSession, first_line, https_policy
from readiness.plugin.gate import GateRun
from readiness.plugin.stash import gate_run

# What BrowserSession.executable starts with for a browser server's browser (browser.connect).
REMOTE = "remote: "
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
    connect = run.config.browser.connect
    try:
        if connect:
            # The server's browser is its own: only the address is checked here (an unset
            # ${NAME} in it, or one that expands to no ws:// URL, is a set-up error).
            endpoint(connect)
        else:
            preflight_chromium(run.config.browser.executable)
    except (BrowserNotFound, BrowserServerUnavailable) as exc:
        sys.stderr.write(f"readiness-gate: error: {exc}\n")
        return 2
    return None


def open_browser_session(pw: Any, gate: GateRun) -> BrowserSession:
    """Discover and launch the run's Chromium, or connect to the browser server
    ``browser.connect`` names; a BrowserSession for the target, not yet signed in. Raises
    BrowserNotFound, or BrowserDidNotStart when the binary does not start (its
    BrowserServerUnavailable when the server cannot be used)."""
    from playwright.sync_api import Error as PlaywrightError

    settings = gate.config.browser
    if settings.connect:
        # The target's certificate is verified here, with the run's trust store, as for a
        # local browser: the remote one must reach the target by the same URL.
        return BrowserSession(
            browser=connect_browser(pw, settings.connect),
            executable=REMOTE + shown_endpoint(settings.connect),
            target=gate.target,
            settings=settings,
            https=https_policy(gate.target, gate.trust, 5.0),
            timeout_s=gate.config.timeout_s,
        )
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


def browser_note(session: BrowserSession) -> str:
    """Which browser measured, for the notes: its version and binary, or its server."""
    if session.executable.startswith(REMOTE):
        # The address last, before the "; ": the Redactor reads a credential parameter's
        # value up to a ";" or a space, so a ")" after it would be hidden with the value.
        return f"Chromium {session.version} (remote) at {session.executable.removeprefix(REMOTE)}"
    return f"Chromium {session.version} ({session.executable})"


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
                gate.note(name, f"{browser_note(session)}; {session.https.reason}")
                if session.auth_error:
                    gate.note(name, f"not signed in: {session.auth_error}")
        try:
            yield session
        finally:
            close_quietly(session.browser)
