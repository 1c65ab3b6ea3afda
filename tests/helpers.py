"""Helpers for the harness's own tests: run the real gate in a subprocess, find free ports."""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import trustme

REPO = Path(__file__).resolve().parent.parent


@dataclass
class GateRunResult:
    returncode: int
    stdout: str
    stderr: str
    report_dir: Path

    @property
    def run_dir(self) -> Path:
        # `latest` is the newest complete run; an interrupted run's folder is the newest.
        latest = self.report_dir / "latest"
        if latest.exists():
            return latest.resolve()
        return max(p for p in self.report_dir.iterdir() if p.is_dir() and p.name[0] not in ".l")

    @property
    def readiness(self) -> dict[str, Any]:
        return json.loads((self.run_dir / "readiness.json").read_text(encoding="utf-8"))

    def check(self, check_id: str) -> dict[str, Any]:
        for component in self.readiness["components"]:
            for check in component["checks"]:
                if check["id"] == check_id:
                    return check
        raise KeyError(f"{check_id} not in {self.check_ids()}")

    def check_ids(self) -> list[str]:
        return [c["id"] for comp in self.readiness["components"] for c in comp["checks"]]


def run_gate_process(
    report_dir: Path,
    *args: str,
    cwd: Path = REPO,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> GateRunResult:
    """Run the real console entry point (`python -m readiness`) in a subprocess."""
    # The developer's own READINESS_TARGET must not leak into a test's run.
    full_env = {k: v for k, v in os.environ.items() if k != "READINESS_TARGET"}
    full_env.update({"NO_COLOR": "1", **(env or {})})
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "--report-dir", str(report_dir), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )
    return GateRunResult(proc.returncode, proc.stdout, proc.stderr, report_dir)


def run_cli(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``readiness-gate ARGS...`` (a subcommand's line: nothing is added to it) in ``cwd``."""
    env = {k: v for k, v in os.environ.items() if k != "READINESS_TARGET"} | {"NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "readiness", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def server_tls(ca: trustme.CA, *names: str, **cert_options: Any) -> ssl.SSLContext:
    """A server's TLS context holding a certificate from ``ca`` for ``names`` (127.0.0.1
    when none are given); ``cert_options`` go to trustme (``not_after=`` for an expired one)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*(names or ("127.0.0.1",)), **cert_options).configure_cert(context)
    return context


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_gates(directory: Path, text: str) -> Path:
    path = directory / "gates.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class PageWatch:
    """What a page did while it loaded: errors, dialogs and any request off the file system."""

    page: Any
    errors: list[str]
    dialogs: list[str]
    requests: list[str]


def open_report(chromium: Any, path: Path) -> PageWatch:
    page = chromium.new_page()
    watch = PageWatch(page, [], [], [])
    page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:")) else watch.requests.append(r.url),
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.locator("details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    return watch


@contextlib.contextmanager
def browsing(chromium: Any, app: Callable[..., Any], timeout_s: float = 10) -> Iterator[Any]:
    """A BrowserSession in ``chromium`` on ``app``, served on 127.0.0.1 while it is open
    (plain http, no sign-in); ``timeout_s`` bounds every wait of the suites."""
    from readiness.browser.session import BrowserSession, HttpsPolicy
    from readiness.browser.settings import BrowserSettings
    from readiness.demo import WsgiServer

    with WsgiServer(app) as server:
        yield BrowserSession(
            chromium, "", server.url, BrowserSettings(), HttpsPolicy(False, ""), timeout_s
        )


# How long the waits below allow for their event: far beyond what it takes on a busy machine,
# so reaching it means the event is not coming (a hang guard, not a time budget).
EVENT_GUARD_S = 60.0


def wait_for_file(path: Path, guard_s: float = EVENT_GUARD_S) -> None:
    """Return once ``path`` exists (a process under test wrote it); fail if it never does.

    A short look every 20 ms: the file is the event. The bound only turns a process that
    never writes it into a failure instead of a hang."""
    deadline = time.monotonic() + guard_s
    while not path.exists():
        if time.monotonic() >= deadline:
            raise AssertionError(f"{path} was never written (waited {guard_s:.0f} s)")
        time.sleep(0.02)


def wait_for_exit(pid: int, guard_s: float = EVENT_GUARD_S) -> None:
    """Return once process ``pid`` (any process, not only a child) has exited; fail if it
    has not within ``guard_s``. Woken by the kernel (a pidfd becomes readable at the exit),
    not polled."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return  # already gone (and reaped)
    try:
        ready, _, _ = select.select([fd], [], [], guard_s)
    finally:
        os.close(fd)
    if not ready:
        raise AssertionError(f"process {pid} was still running after {guard_s:.0f} s")
