"""Sessions: `nox -s gate`, `smoke`, `demo`, `tests`, `lint`, `benchmarks` (`nox -l` lists them).

Each wraps the `readiness-gate` console script or pytest; arguments after `--` pass through.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"  # the dev loop: dependencies install once per session venv
nox.options.sessions = ["lint", "tests"]


def _install(session: nox.Session, extras: str = "") -> None:
    session.install("-e", f".{extras}")


def _ensure_chromium(session: nox.Session) -> None:
    """A browser for the suites and tests: Playwright's own, else the distribution's (as root).

    The headless shell is what the suites should measure with (Playwright runs it for
    headless launches; it opens pages several times faster than the full browser), so a
    machine that only has the full Chromium gets the shell added when that is possible.
    """
    found = session.run(
        "python",
        "-c",
        "from readiness.browser.discovery import discover_chromium as d; print(d() or '')",
        silent=True,
    ).strip()
    if "headless" in Path(found).name:  # chrome-headless-shell, chromium-headless-shell, ...
        return
    as_root_with_apt = shutil.which("apt-get") is not None and os.geteuid() == 0
    if not found:
        try:
            session.run("python", "-m", "playwright", "install", "chromium")  # with its shell
            return
        except nox.command.CommandFailed:
            session.log("Playwright could not download its Chromium; trying the system package")
    if as_root_with_apt:
        packages = ["chromium-headless-shell"] + ([] if found else ["chromium"])
        session.run("apt-get", "update", "-qq", external=True)
        session.run("apt-get", "install", "-y", "-qq", *packages, external=True)
        return
    if found:
        return  # the full browser works; it is only slower
    session.error(
        "No Chromium: run `python -m playwright install chromium` or, on Debian,"
        " `sudo apt-get install -y chromium-headless-shell chromium`,"
        " or set READINESS_CHROMIUM=/path"
    )


def _run_gate(session: nox.Session, *args: str, browser: bool = False) -> None:
    _install(session)
    if browser:
        _ensure_chromium(session)
    session.run("readiness-gate", *args, *session.posargs)


@nox.session
def gate(session: nox.Session) -> None:
    """Run the whole gate (bundled demo target unless --target URL is given)."""
    _run_gate(session, browser=True)


@nox.session
def smoke(session: nox.Session) -> None:
    """Run only the smoke suite."""
    _run_gate(session, "--component", "smoke")


@nox.session
def security(session: nox.Session) -> None:
    """Run only the security suite (passive; active probes need security.active: true)."""
    _run_gate(session, "--component", "security")


@nox.session
def performance(session: nox.Session) -> None:
    """Run only the performance suite (one shared Chromium)."""
    _run_gate(session, "--component", "performance", browser=True)


@nox.session
def accessibility(session: nox.Session) -> None:
    """Run only the accessibility suite (axe-core in Chromium)."""
    _run_gate(session, "--component", "accessibility", browser=True)


@nox.session
def load(session: nox.Session) -> None:
    """Run only the load suite (Locust in its own processes; loopback unless --allow-load-on)."""
    _run_gate(session, "--component", "load")


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Serve the bundled demo target (healthy; `-- --mode broken` for the defects)."""
    _install(session)
    session.run("python", "-m", "readiness.demo", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the harness's own test suite (real servers on 127.0.0.1, real Chromium)."""
    _install(session, "[test]")
    _ensure_chromium(session)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def fast(session: nox.Session) -> None:
    """The pure and fast tests only (tests/unit: no server, no browser), for the dev loop."""
    _install(session, "[test]")
    session.run("pytest", "tests/unit", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and formatting) and mypy on the engine."""
    _install(session, "[lint]")  # mypy reads the dependencies' types (pydantic, pytest)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(default=False)
def benchmarks(session: nox.Session) -> None:
    """Measure the gate's speed; figures go to docs/PERFORMANCE.md."""
    _install(session)
    _ensure_chromium(session)
    session.run("python", "benchmarks/smoke_gate.py", *session.posargs)
    session.run("python", "benchmarks/security_suite.py")
    session.run("python", "benchmarks/browser_gate.py", "--runs", "3", "--pages", "1")
    session.run("python", "benchmarks/load_rps.py")


@nox.session(default=False)
def lighthouse(session: nox.Session) -> None:
    """Our browser metrics beside Lighthouse 12.2.3's (needs node and npm)."""
    _install(session)
    _ensure_chromium(session)
    session.run("python", "benchmarks/lighthouse_compare.py", *session.posargs)
