"""The doctor's checks of this machine: the gates file, the report folder, Chromium (or the
browser server browser.connect names), Locust.

Each one runs the gate's own code for the same step (config loading, the report folder check,
browser discovery and launch), so the doctor and a run cannot disagree about what is wrong.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from readiness.config import ConfigError
from readiness.doctor.findings import Finding, fail, ok, skip
from readiness.plugin.gate import GateOptions, GateRun
from readiness.reports.folder import ReportDirError, check_report_dir

# Chromium's first start on a busy two-core machine takes a few seconds; Locust's import
# (gevent, its patches) about one.
LAUNCH_TIMEOUT_S = 10.0
LOCUST_TIMEOUT_S = 10.0


def check_config(options: GateOptions, chosen: str) -> tuple[Finding, GateRun | None]:
    """The gates file loaded and checked as a run does before any request (GateRun.prepare);
    ``chosen`` says why this file (--gates, ./gates.yaml, the built-in default)."""
    try:
        run = GateRun.prepare(options)
    except ConfigError as exc:
        return fail("config", str(exc), "correct it (reference: docs/gates.md)"), None
    cfg = run.config
    names = ", ".join(cfg.components)
    profile = f"profile {cfg.profile}" if cfg.profile else "no profile"
    count = len(cfg.components)
    plural = "component" if count == 1 else "components"
    found = f"{cfg.path} valid ({count} {plural}: {names}; {profile}), from {chosen}"
    return ok("config", found), run


def check_reports(report_dir: Path) -> Finding:
    """The report folder as the run checks it, before any traffic; what the check had to
    create is removed again (the doctor leaves no folder behind, and never a run folder)."""
    created = _missing_folders(report_dir)
    try:
        check_report_dir(report_dir)
    except ReportDirError as exc:
        return fail("reports", str(exc))
    finally:
        for folder in created:  # deepest first; rmdir leaves anything that is not empty
            with contextlib.suppress(OSError):
                folder.rmdir()
    return ok("reports", f"{report_dir} can be written (each run adds a folder in it)")


def _missing_folders(path: Path) -> list[Path]:
    missing = []
    for folder in [path, *path.parents]:
        try:
            if folder.exists():
                break
        except OSError:  # not searchable: check_report_dir says so
            break
        missing.append(folder)
    return missing


def check_browser(run: GateRun) -> Finding:
    """Chromium found and started headless once, as the browser suites will (its version)."""
    from readiness.browser.fixtures import needs_browser

    if not needs_browser(run):
        return skip("browser", "no component of this run uses a browser")
    try:
        from playwright.sync_api import Error as PlaywrightError
    except ImportError:
        return fail("browser", "Playwright is not installed", "pip install playwright")
    from readiness.browser.discovery import (
        ENV_VAR,
        NOT_FOUND,
        BrowserNotFound,
        discover_chromium,
        launch_chromium,
        started_playwright,
    )
    from readiness.browser.session import first_line

    if run.config.browser.connect:
        return check_remote_browser(run)
    explicit = run.config.browser.executable
    path: str | None = None
    try:
        with started_playwright() as pw:
            path = discover_chromium(explicit, playwright=pw)
            if path is None:
                raise BrowserNotFound(NOT_FOUND)
            browser = launch_chromium(pw, path, timeout=LAUNCH_TIMEOUT_S * 1000)
            try:
                version = browser.version
            finally:
                browser.close()
    except BrowserNotFound as exc:
        if explicit:
            fix = "correct or remove browser.executable in gates.yaml"
        elif os.environ.get(ENV_VAR):
            fix = f"correct or unset ${ENV_VAR}"
        else:
            fix = ""  # the message already says how to install one
        return fail("browser", str(exc), fix)
    except PlaywrightError as exc:
        where = path or "Playwright's driver"
        return fail(
            "browser",
            f"Chromium did not start ({where}): {first_line(exc)}",
            "install the libraries it names, or point browser.executable in gates.yaml at"
            " another Chromium",
        )
    return ok("browser", f"Chromium {version} starts headless ({path})")


def check_remote_browser(run: GateRun) -> Finding:
    """The browser server browser.connect names, connected to once as a run does (Playwright
    checks the versions as the connection opens) and its browser's version asked."""
    from readiness.browser.discovery import close_quietly, started_playwright
    from readiness.browser.remote import (
        BrowserServerUnavailable,
        client_version,
        connect_browser,
        shown_endpoint,
    )

    configured = str(run.config.browser.connect)
    shown = run.config.redactor.text(shown_endpoint(configured))
    try:
        with started_playwright() as pw:
            browser = connect_browser(pw, configured, LAUNCH_TIMEOUT_S)
            try:
                version = browser.version
            finally:
                close_quietly(browser)
    except BrowserServerUnavailable as exc:
        # The message says what to do; the Redactor hides an expanded ${NAME} it may hold.
        return fail("browser", run.config.redactor.text(str(exc)))
    return ok(
        "browser",
        f"Chromium {version} on the browser server at {shown} (Playwright {client_version()})",
    )


def needs_locust(run: GateRun) -> bool:
    # The load suite is the one that runs Locust; it may be the bundled one or a copy next to
    # the gates file, under any component name, but its folder is called load.
    return any(c.suite_dir.name == "load" for c in run.config.components.values())


# Printed by a child interpreter: importing Locust here would let gevent patch this process,
# which also drives Playwright (the load suite runs Locust in its own process for the same
# reason, with this same interpreter).
_LOCUST_PROBE = "import locust, sys; sys.stdout.write(locust.__version__)"


def check_locust(run: GateRun) -> Finding:
    if not needs_locust(run):
        return skip("locust", "no load component in this run")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _LOCUST_PROBE],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=LOCUST_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return fail(
            "locust",
            f"importing Locust did not finish within {LOCUST_TIMEOUT_S:g} s",
            f"try it by hand: {sys.executable} -c 'import locust'",
        )
    if proc.returncode != 0:
        if "No module named 'locust'" in proc.stderr:
            return fail(
                "locust", "Locust is not installed in this environment", "pip install locust"
            )
        last = next((ln for ln in reversed(proc.stderr.splitlines()) if ln.strip()), "")
        return fail(
            "locust",
            f"Locust does not import: {last or f'exit {proc.returncode}'}",
            "reinstall it: pip install --force-reinstall locust",
        )
    return ok("locust", f"Locust {proc.stdout.strip()} imports ({sys.executable})")
