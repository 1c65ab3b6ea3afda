"""A Playwright browser server instead of a local Chromium (gates.yaml ``browser.connect``).

``playwright run-server`` (and the browser farms that speak its protocol) launch the browser on
their side for each client that connects over a WebSocket; the gate then drives it exactly as a
local one. Playwright checks the versions itself as the connection opens: a server whose
major.minor differs from the client's answers the upgrade with HTTP 428 and a message naming
both. Every way connecting can fail becomes one line here (``connect_failure``, pure), raised as
``BrowserServerUnavailable``: a ``BrowserDidNotStart``, so a run treats it as it treats a local
Chromium that does not start (the browser checks errored, naming the cause; INCONCLUSIVE).

The address is shown with ``redact_url`` applied to the value as gates.yaml writes it: its
``${NAME}`` stay names and a password or token in it is never shown; the run's Redactor hides
the expanded values as well (readiness/config/secrets.py walks the browser settings).
"""

from __future__ import annotations

import re
from importlib import metadata
from typing import Any

from readiness.browser.discovery import BrowserDidNotStart
from readiness.browser.settings import MissingSecret, endpoint_problem, expand_env
from readiness.core.redaction import redact_url

# How long connecting may take: the server launches the browser before the connection is
# complete, so this is a launch's time too; Playwright's own default for a local launch.
CONNECT_TIMEOUT_S = 30.0

_MISMATCH = re.compile(r"server version: v(?P<server>[\d.]+).*?client version: v(?P<client>[\d.]+)")
_UNEXPECTED = re.compile(r" (?P<status>\d{3}) (?P<reason>[A-Za-z][A-Za-z -]*)$")
_PREFIX = "BrowserType.connect: "


class BrowserServerUnavailable(BrowserDidNotStart):
    """browser.connect names no usable Playwright browser server; the message says why."""


def shown_endpoint(configured: str) -> str:
    """The address as the notes and messages show it (``configured`` is gates.yaml's value)."""
    return redact_url(configured)


def client_version() -> str:
    """The installed Playwright's version (its Python package's, which pins its driver's)."""
    try:
        return metadata.version("playwright")
    except metadata.PackageNotFoundError:
        return "unknown"


def endpoint(configured: str) -> str:
    """gates.yaml's ``browser.connect`` with its ``${NAME}`` expanded and checked; raises
    BrowserServerUnavailable naming the unset variable or what is wrong with the address."""
    try:
        url = expand_env(configured)
    except MissingSecret as exc:
        raise BrowserServerUnavailable(f"browser.connect: {exc}") from None
    problem = endpoint_problem(url)
    if problem:
        raise BrowserServerUnavailable(f"browser.connect ({shown_endpoint(configured)}): {problem}")
    return url


def connect_browser(pw: Any, configured: str, timeout_s: float = CONNECT_TIMEOUT_S) -> Any:
    """A Playwright Browser on the server gates.yaml's ``browser.connect`` names, or
    BrowserServerUnavailable with one line saying why not."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url = endpoint(configured)
    try:
        return pw.chromium.connect(url, timeout=timeout_s * 1000)
    except PlaywrightError as exc:
        # Playwright's text names the expanded address: show it as gates.yaml writes it.
        message = redact_url(str(exc).replace(url, shown_endpoint(configured)))
        timed_out = isinstance(exc, PlaywrightTimeout)
        raise BrowserServerUnavailable(
            connect_failure(message, shown_endpoint(configured), timeout_s, timed_out=timed_out)
        ) from None


def connect_failure(message: str, shown: str, timeout_s: float, *, timed_out: bool) -> str:
    """One line for Playwright's ``message`` about a failed connect to ``shown``: what went
    wrong and what to do. Pure: tests/unit/test_remote_browser.py feeds it Playwright's
    own messages."""
    lines = [ln.strip() for ln in message.strip().splitlines() if ln.strip()]
    first = lines[0].removeprefix(_PREFIX) if lines else "no message"
    if timed_out:
        return (
            f"the browser server at {shown} did not complete the connection within"
            f" {timeout_s:g} s: check that browser.connect names a Playwright browser server"
            " (playwright run-server) reachable from here, and that it can launch its browser"
        )
    if "ECONNREFUSED" in first:
        return (
            f"no browser server answers at {shown}: connection refused; start one with"
            " `playwright run-server --port N` or fix browser.connect"
        )
    if "ENOTFOUND" in first or "EAI_AGAIN" in first:
        return f"the host of browser.connect ({shown}) does not resolve: fix browser.connect"
    mismatch = _MISMATCH.search(" ".join(lines))
    if mismatch:
        server, client = mismatch["server"], client_version()
        return (
            f"the browser server at {shown} runs Playwright {server} and this gate Playwright"
            f" {client}: a server takes only clients of its own major.minor; install"
            f" playwright=={server}.* beside the gate, or run a server of Playwright"
            f" {'.'.join(client.split('.')[:2])}"
        )
    unexpected = _UNEXPECTED.search(first)
    if unexpected and "WebSocket error" in first:
        return (
            f"{shown} answered HTTP {unexpected['status']} {unexpected['reason']} instead of"
            " a Playwright browser server's WebSocket: check the host, port and path of"
            " browser.connect"
        )
    if "Executable doesn't exist" in first:
        return (
            f"the browser server at {shown} could not launch its browser ({first}): install"
            " it where the server runs (playwright install chromium)"
        )
    return f"could not connect to the browser server at {shown}: {first}"
