"""browser.connect: the browser suites through a real Playwright browser server on 127.0.0.1
(`playwright run-server`), and the one-line errors when none can be used.

`playwright install` cannot download browsers here, so the server gets a browsers folder laid
out as Playwright expects (browsers.json gives the revision) whose headless shell is a link to
the machine's Chromium: the server stays an ordinary one (no --unsafe, no launch options from
the client) and the gate's ws:// URL is the plain one it prints.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_pages import pages_app
from helpers import EVENT_GUARD_S, closed_port, write_gates

from readiness.browser import discovery
from readiness.browser.discovery import started_playwright
from readiness.browser.remote import BrowserServerUnavailable, connect_browser

GATES = """
target: {target}
pages: [/clean, /a11y-bad]
browser:
  connect: {connect}
components:
  performance: {{weight: 1, runs: 1}}
  accessibility:
    weight: 1
    checks: {{"accessibility.critical.*": {{blocking: true}}}}
"""
A11Y_ONLY = """
target: {target}
pages: [/clean]
browser:
  connect: {connect}
components:
  accessibility: {{weight: 1}}
"""
# The gate's own environment: no local Chromium can be found, so a run that used one would
# stop with exit 2 ("Chromium from $READINESS_CHROMIUM is not an executable file").
NO_LOCAL_CHROMIUM = {discovery.ENV_VAR: "/no/such/chromium"}
TOKEN = "farm-token-4f9a2c"  # a browser farm's credential in the URL: never in a report


@dataclass
class BrowserServer:
    url: str  # ws://127.0.0.1:PORT/, as the server printed it
    log: Path  # its DEBUG=pw:server lines


def _browsers_folder(root: Path, chromium: str) -> Path:
    """A PLAYWRIGHT_BROWSERS_PATH whose headless shell (what Playwright launches headless) is
    ``chromium``."""
    import playwright

    package = Path(playwright.__file__).parent / "driver" / "package"
    browsers = json.loads((package / "browsers.json").read_text(encoding="utf-8"))["browsers"]
    revision = next(b["revision"] for b in browsers if b["name"] == "chromium-headless-shell")
    arch = "linux-arm64" if platform.machine() in ("aarch64", "arm64") else "linux64"
    folder = root / f"chromium_headless_shell-{revision}" / f"chrome-headless-shell-{arch}"
    folder.mkdir(parents=True)
    (folder / "chrome-headless-shell").symlink_to(chromium)
    return root


@contextlib.contextmanager
def browser_server(folder: Path, **env: str) -> Iterator[BrowserServer]:
    """`python -m playwright run-server` on 127.0.0.1 (a free port), up once it printed its
    "Listening on ws://…" line; stopped, with its process group, at the end."""
    log = folder / "server.log"
    full_env = {**os.environ, "DEBUG": "pw:server", **env}
    command = [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1"]
    with log.open("w", encoding="utf-8") as errors:
        proc = subprocess.Popen(
            [*command, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=full_env,
            start_new_session=True,  # its own group: python -m playwright runs Node below it
        )
    listening = threading.Event()
    found: list[str] = []

    def read() -> None:  # drains stdout to the end, so the server never blocks on it
        assert proc.stdout is not None
        for text in proc.stdout:
            if text.startswith("Listening on ") and not found:
                found.append(text.removeprefix("Listening on ").strip())
                listening.set()
        listening.set()  # the server ended without listening: found stays empty

    threading.Thread(target=read, daemon=True).start()
    try:
        listening.wait(EVENT_GUARD_S)
        assert found, f"the browser server did not start: {log.read_text(encoding='utf-8')}"
        yield BrowserServer(found[0], log)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(EVENT_GUARD_S)


@pytest.fixture
def local_chromium() -> str:
    found = discovery.discover_chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium found; CI installs one")
        pytest.skip("no Chromium found; install one (apt-get install -y chromium)")
    return found


@pytest.fixture
def server(tmp_path: Path, local_chromium: str) -> Iterator[BrowserServer]:
    browsers = _browsers_folder(tmp_path / "browsers", local_chromium)
    with browser_server(tmp_path, PLAYWRIGHT_BROWSERS_PATH=str(browsers)) as running:
        yield running


def _notes(readiness: dict) -> dict[str, str]:
    return {c["name"]: " ".join(c.get("notes", [])) for c in readiness["components"]}


def test_the_browser_suites_run_through_a_browser_server(
    run_gate, serve, tmp_path: Path, server: BrowserServer
) -> None:
    connect = server.url + "?token=${FARM_TOKEN}"  # a farm's token, from the environment
    gates = write_gates(tmp_path, GATES.format(target=serve(pages_app), connect=connect))
    result = run_gate("--gates", str(gates), "-q", env={**NO_LOCAL_CHROMIUM, "FARM_TOKEN": TOKEN})
    data = result.readiness
    # /a11y-bad's critical violations fail (made blocking): NO-GO, as with a local browser.
    assert result.returncode == data["exit_code"] == 1, result.stdout[-3000:] + result.stderr
    assert result.check("accessibility.critical./clean")["outcome"] == "passed"
    bad = result.check("accessibility.critical./a11y-bad")
    assert bad["outcome"] == "failed" and "image-alt" in bad["message"]
    lcp = result.check("performance.lcp./clean")
    assert lcp["outcome"] == "passed" and lcp["value"] > 0 and lcp["unit"] == "ms"
    errored = [c["id"] for comp in data["components"] for c in comp["checks"]]
    assert not [i for i in errored if result.check(i)["outcome"] == "errored"]
    # The notes name the server, its token hidden; the token is nowhere in the run folder.
    for name in ("performance", "accessibility"):
        note = _notes(data)[name]
        assert note.startswith("Chromium ") and " (remote) at " in note, note
        assert f" at {server.url}?token=[redacted]; plain http" in note, note
    for file in result.run_dir.rglob("*"):
        if file.is_file():
            assert TOKEN.encode() not in file.read_bytes(), file
    # The server served the gate's one connection (no crawl, no sign-in: just the browser
    # session), with the token expanded, and launched a Chromium for it.
    log = server.log.read_text(encoding="utf-8")
    assert log.count(f"serving connection: /?token={TOKEN}") == 1, log
    assert 'engaged launch mode for "chromium"' in log, log


def test_nothing_listening_errors_the_browser_checks_in_one_line(
    run_gate, serve, tmp_path: Path
) -> None:
    url = f"ws://127.0.0.1:{closed_port()}/"
    gates = write_gates(tmp_path, A11Y_ONLY.format(target=serve(pages_app), connect=url))
    result = run_gate("--gates", str(gates), "-q", env=NO_LOCAL_CHROMIUM)
    data = result.readiness
    assert result.returncode == data["exit_code"] == 3, result.stdout[-2000:] + result.stderr
    assert data["verdict"] == "INCONCLUSIVE"
    checks = [c for comp in data["components"] for c in comp["checks"]]
    assert checks and all(c["outcome"] == "errored" for c in checks)
    expected = (
        f"could not gather: BrowserServerUnavailable: no browser server answers at {url}:"
        " connection refused; start one with `playwright run-server --port N` or fix"
        " browser.connect"
    )
    assert all(c["message"] == expected for c in checks), checks[0]["message"]
    assert "Traceback" not in result.stderr


def test_a_server_of_another_playwright_version_names_both(run_gate, serve, tmp_path: Path) -> None:
    # A real Playwright server told it is 1.40 (PW_VERSION_OVERRIDE, Playwright's own switch):
    # it refuses this client at the upgrade with HTTP 428, before any browser is involved.
    with browser_server(tmp_path, PW_VERSION_OVERRIDE="1.40.0") as old:
        gates = write_gates(tmp_path, A11Y_ONLY.format(target=serve(pages_app), connect=old.url))
        result = run_gate("--gates", str(gates), "-q", env=NO_LOCAL_CHROMIUM)
    data = result.readiness
    assert result.returncode == data["exit_code"] == 3, result.stdout[-2000:] + result.stderr
    message = result.check("accessibility.critical./clean")["message"]
    assert message.startswith(
        f"could not gather: BrowserServerUnavailable: the browser server at {old.url} runs"
        " Playwright 1.40 and this gate Playwright 1."
    ), message
    assert "install playwright==1.40.* beside the gate" in message and "\n" not in message


def test_an_unset_variable_in_connect_stops_before_any_check(run_gate, tmp_path: Path) -> None:
    connect = "ws://127.0.0.1:9/?token=${NO_SUCH_FARM_TOKEN}"
    gates = write_gates(tmp_path, A11Y_ONLY.format(target="http://127.0.0.1:9", connect=connect))
    result = run_gate("--gates", str(gates), env=NO_LOCAL_CHROMIUM)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "readiness-gate: error: browser.connect: environment variable NO_SUCH_FARM_TOKEN is"
        " not set (named in gates.yaml browser:)"
    )
    assert not (result.report_dir / "latest").exists()


def doctor(cwd: Path, gates: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "READINESS_TARGET"} | NO_LOCAL_CHROMIUM
    return subprocess.run(
        [sys.executable, "-m", "readiness", "doctor", "--gates", str(gates)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def _browser_line(proc: subprocess.CompletedProcess[str]) -> str:
    return next(ln for ln in proc.stdout.splitlines() if ln.split()[1:2] == ["browser"])


def test_doctor_connects_to_the_browser_server(
    serve, tmp_path: Path, server: BrowserServer
) -> None:
    gates = write_gates(tmp_path, A11Y_ONLY.format(target=serve(pages_app), connect=server.url))
    proc = doctor(tmp_path, gates)
    line = _browser_line(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert line.startswith("ok   browser  Chromium "), line
    assert f"on the browser server at {server.url} (Playwright 1." in line
    closed = f"ws://127.0.0.1:{closed_port()}/"
    gates = write_gates(tmp_path, A11Y_ONLY.format(target=serve(pages_app), connect=closed))
    proc = doctor(tmp_path, gates)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert _browser_line(proc) == (
        f"FAIL browser  no browser server answers at {closed}: connection refused; start one"
        " with `playwright run-server --port N` or fix browser.connect"
    )


def test_a_server_that_never_answers_is_a_timeout_in_one_line() -> None:
    # Accepts the connection (the kernel's backlog) and never answers the upgrade.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"ws://127.0.0.1:{silent.getsockname()[1]}/"

        def connect() -> None:
            with started_playwright() as pw:
                connect_browser(pw, url, timeout_s=1)

        # In a thread of its own: a Playwright the suite's `chromium` fixture started in this
        # thread refuses a second sync Playwright here ("Sync API inside the asyncio loop").
        with ThreadPoolExecutor(1) as pool, pytest.raises(BrowserServerUnavailable) as caught:
            pool.submit(connect).result(timeout=120)  # a hang guard; the timeout is 1 s
    assert str(caught.value) == (
        f"the browser server at {url} did not complete the connection within 1 s: check that"
        " browser.connect names a Playwright browser server (playwright run-server) reachable"
        " from here, and that it can launch its browser"
    )
