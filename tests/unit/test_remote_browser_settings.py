"""browser.connect: the address is checked as gates.yaml loads, and every way connecting to a
browser server fails is one line saying what to do (judged on Playwright's own messages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.browser.remote import (
    BrowserServerUnavailable,
    client_version,
    connect_failure,
    endpoint,
)
from readiness.browser.settings import endpoint_problem
from readiness.config import ConfigError, load

GATES = """\
target: http://127.0.0.1:9
browser:
  connect: {connect}
components:
  accessibility: {{weight: 1}}
"""


@pytest.mark.parametrize(
    "bad",
    ["http://127.0.0.1:3000/", "127.0.0.1:3000", "ws:///no-host", "'ws://[not-ipv6/'", "''"],
)
def test_a_connect_that_is_no_ws_url_is_one_line_naming_the_key(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(GATES.format(connect=bad), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(path)
    error = caught.value
    assert (error.line, error.field) == (3, "browser.connect")
    assert "\n" not in str(error)
    assert "give the ws:// or wss:// URL of a Playwright browser server" in str(error)
    assert "e.g. ws://127.0.0.1:3000/" in str(error)


@pytest.mark.parametrize(
    "good",
    ["ws://127.0.0.1:3000/", "wss://farm.example/playwright?token=${FARM_TOKEN}", "${BROWSER_WS}"],
)
def test_ws_and_wss_urls_load(tmp_path: Path, good: str) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(GATES.format(connect=good), encoding="utf-8")
    assert load(path).browser.connect == good


def test_a_value_from_the_environment_is_checked_once_expanded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BROWSER_WS", "http://farm.example/")
    with pytest.raises(BrowserServerUnavailable) as caught:
        endpoint("${BROWSER_WS}")
    assert str(caught.value).startswith("browser.connect (${BROWSER_WS}): not a browser server")
    monkeypatch.delenv("BROWSER_WS")
    with pytest.raises(BrowserServerUnavailable) as caught:
        endpoint("${BROWSER_WS}")
    assert str(caught.value) == (
        "browser.connect: environment variable BROWSER_WS is not set (named in gates.yaml browser:)"
    )
    monkeypatch.setenv("FARM_TOKEN", "tok-123456")
    assert endpoint("wss://f.example/?token=${FARM_TOKEN}") == "wss://f.example/?token=tok-123456"


def test_endpoint_problem_accepts_only_ws_with_a_host() -> None:
    assert endpoint_problem("ws://[::1]:3000/") is None
    assert endpoint_problem("WSS://farm.example") is None  # urlsplit lower-cases the scheme
    assert endpoint_problem("ftp://farm.example/") is not None


SHOWN = "ws://127.0.0.1:3000/"
CALL_LOG = "\nCall log:\n  - <ws connecting> ws://127.0.0.1:3000/\n"

# Playwright 1.65's messages, as its Python client raises them (the call log abridged).
REFUSED = "BrowserType.connect: WebSocket error: connect ECONNREFUSED 127.0.0.1:3000" + CALL_LOG
MISMATCH = (
    "BrowserType.connect: WebSocket error: ws://127.0.0.1:3000/ 428 Precondition Required\n"
    "╔════════════════════════════════════════════════════╗\n"
    "║ Playwright version mismatch:                       ║\n"
    "║   - server version: v1.40                          ║\n"
    "║   - client version: v1.65                          ║\n"
    "╚════════════════════════════════════════════════════╝" + CALL_LOG
)
WRONG_PATH = "BrowserType.connect: WebSocket error: ws://127.0.0.1:3000/x 400 Bad Request" + (
    CALL_LOG
)
NO_BROWSER = (
    "BrowserType.connect: Executable doesn't exist at /root/.cache/ms-playwright/"
    "chromium_headless_shell-1255/chrome-headless-shell-linux64/chrome-headless-shell\n╔═══╗"
)


def test_refused() -> None:
    assert connect_failure(REFUSED, SHOWN, 30, timed_out=False) == (
        "no browser server answers at ws://127.0.0.1:3000/: connection refused; start one"
        " with `playwright run-server --port N` or fix browser.connect"
    )


def test_a_version_mismatch_names_both_versions_and_what_to_install() -> None:
    text = connect_failure(MISMATCH, SHOWN, 30, timed_out=False)
    client = client_version()
    assert f"runs Playwright 1.40 and this gate Playwright {client}" in text
    assert "install playwright==1.40.* beside the gate" in text
    assert f"or run a server of Playwright {'.'.join(client.split('.')[:2])}" in text


def test_another_answer_than_a_websocket_names_the_status() -> None:
    assert connect_failure(WRONG_PATH, SHOWN, 30, timed_out=False) == (
        "ws://127.0.0.1:3000/ answered HTTP 400 Bad Request instead of a Playwright browser"
        " server's WebSocket: check the host, port and path of browser.connect"
    )


def test_a_server_without_its_browser_says_where_to_install_it() -> None:
    text = connect_failure(NO_BROWSER, SHOWN, 30, timed_out=False)
    assert text.startswith("the browser server at ws://127.0.0.1:3000/ could not launch")
    assert "Executable doesn't exist at /root/.cache/ms-playwright/" in text
    assert text.endswith("(playwright install chromium)")


def test_a_timeout_says_how_long_and_what_to_check() -> None:
    message = "BrowserType.connect: Timeout 30000ms exceeded." + CALL_LOG
    text = connect_failure(message, SHOWN, 30, timed_out=True)
    assert text.startswith(
        "the browser server at ws://127.0.0.1:3000/ did not complete the connection within 30 s"
    )


def test_anything_else_keeps_playwrights_first_line() -> None:
    message = "BrowserType.connect: WebSocket error: self-signed certificate" + CALL_LOG
    assert connect_failure(message, SHOWN, 30, timed_out=False) == (
        "could not connect to the browser server at ws://127.0.0.1:3000/:"
        " WebSocket error: self-signed certificate"
    )
