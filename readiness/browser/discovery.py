"""Find and launch Chromium: an explicit path, $READINESS_CHROMIUM, Playwright's managed build,
or the system one.

Within Playwright's builds and the system's, the headless shell (Chromium's "old headless"
build, made for automation; Playwright itself runs it for headless launches) comes before the
full browser: it opens a page in 65-80 ms where the full build in new-headless mode takes
about 300 ms, and launches faster, with the same Blink and the same metrics
(benchmarks/browser_breakdown.py).

``discover_chromium`` always returns a concrete executable path (also for Playwright's managed
browser), so a run can log exactly which binary produced its measurements.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from readiness.threads import signals_left_to_main_thread

ENV_VAR = "READINESS_CHROMIUM"
SYSTEM_CANDIDATES = (
    "chromium-headless-shell",  # Debian's package of the headless shell
    "/usr/bin/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
)
# Playwright keeps the headless shell beside the full build of the same revision:
# <root>/chromium-1255/chrome-linux64/chrome and <root>/chromium_headless_shell-1255/<dir>/<exe>.
HEADLESS_SHELL_NAMES = ("chrome-headless-shell", "chrome-headless-shell.exe", "headless_shell")

# Chromium refuses to start as root with its sandbox on; elsewhere keep the sandbox.
_ROOT = getattr(os, "geteuid", lambda: -1)() == 0
CHROMIUM_ARGS: tuple[str, ...] = (("--no-sandbox",) if _ROOT else ()) + (
    "--disable-gpu",
    # No background traffic (updates, sync, safe browsing): measurements see only the target.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


# Node.js (v22.1+) keeps the V8 code it compiled for a script in this directory and reuses it
# while the script is unchanged: Playwright's driver, a Node process loading several MB of
# JavaScript at every run, then starts about 0.15 s sooner (benchmarks/startup_caches.py). Node
# skips the cache without a word when the directory cannot be written.
COMPILE_CACHE_VAR = "NODE_COMPILE_CACHE"


def compile_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "readiness-gate" / "node-compile-cache"


@contextlib.contextmanager
def started_playwright(*, compile_cache: bool = True) -> Iterator[Any]:
    """Playwright's sync API, started (its driver spawned) with Node's compile cache unless
    the environment already says where (or ``compile_cache`` is false), and stopped after."""
    from playwright.sync_api import sync_playwright

    own = compile_cache and COMPILE_CACHE_VAR not in os.environ
    if own:
        os.environ[COMPILE_CACHE_VAR] = str(compile_cache_dir())
    try:
        # Python 3.11's asyncio waits for the driver in a thread of its own, for the whole
        # session: it must leave the signals to the main thread. The driver (Node) inherits
        # the blocked mask and resets it; tests/unit/test_signal_threads.py checks that.
        with signals_left_to_main_thread():
            playwright = sync_playwright().start()  # the driver inherits the environment now
    finally:
        if own:  # only the driver needs it; nothing else this process starts reads it
            del os.environ[COMPILE_CACHE_VAR]
    try:
        yield playwright
    finally:
        # A driver that is already gone (it died of the user's Ctrl-C with the rest of the
        # process group) has nothing left to stop; its error is not the run's.
        with contextlib.suppress(Exception):
            playwright.stop()


def close_quietly(closable: Any) -> None:
    """Close a Playwright browser, context or page at teardown. One whose connection is
    already gone (Chromium or the driver died, often of the user's own Ctrl-C, which reaches
    the whole process group) has nothing left to close, and raising here would turn an
    interrupted run's clean exit into tracebacks and exit 1."""
    from playwright.sync_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):
        closable.close()


def install_hint() -> str:
    if Path("/etc/debian_version").exists():
        return (
            "apt-get install -y chromium-headless-shell chromium"
            "  (or: python -m playwright install chromium)"
        )
    return "python -m playwright install chromium"


NOT_FOUND = (
    "No Chromium found (browser.executable in gates.yaml, $READINESS_CHROMIUM,"
    " Playwright's managed browser, chromium-headless-shell/chromium/chromium-browser/"
    "google-chrome on PATH)"
)


class BrowserNotFound(RuntimeError):
    """No usable Chromium; the message says how to install one."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{detail}. Install Chromium with: {install_hint()}")


class BrowserDidNotStart(RuntimeError):
    """A Chromium was found but does not start (not Chromium, missing libraries)."""


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _require(path: str, source: str) -> str:
    # A path the user named that does not work is a configuration error, not a cue to fall back.
    if not _executable(path):
        raise BrowserNotFound(f"Chromium from {source} is not an executable file: {path}")
    return path


def _playwright_managed(playwright: Any | None) -> str | None:
    """Path of Playwright's downloaded Chromium, if it has been installed."""
    try:
        if playwright is not None:
            path = playwright.chromium.executable_path
        else:
            # Starting the driver costs ~0.5 s; callers that hold a Playwright pass it in.
            with started_playwright() as pw:
                path = pw.chromium.executable_path
    except Exception:
        return None
    if not path or not _executable(path):
        return None
    return headless_shell_beside(path) or path


def headless_shell_beside(managed: str) -> str | None:
    """The headless shell Playwright installed with the same revision as ``managed``."""
    for parent in Path(managed).parents:
        if parent.name.startswith("chromium-"):
            revision = parent.name.removeprefix("chromium-")
            shell_dir = parent.parent / f"chromium_headless_shell-{revision}"
            for candidate in sorted(shell_dir.glob("*/*")):
                if candidate.name in HEADLESS_SHELL_NAMES and _executable(str(candidate)):
                    return str(candidate)
            return None
    return None


def discover_chromium(explicit: str | None = None, *, playwright: Any | None = None) -> str | None:
    """The Chromium executable to use, or None if there is none.

    Order: ``explicit`` (raises BrowserNotFound if it is not an executable file), then
    $READINESS_CHROMIUM (same), Playwright's managed browser, then the system's. Pass a running
    ``playwright`` (sync API) when you have one: a second sync_playwright can't start inside it.
    """
    if explicit:
        return _require(explicit, "the explicit path")
    env = os.environ.get(ENV_VAR)
    if env:
        return _require(env, f"${ENV_VAR}")
    return _playwright_managed(playwright) or system_chromium()


def system_chromium() -> str | None:
    """The first of SYSTEM_CANDIDATES on this machine (headless shell first)."""
    for candidate in SYSTEM_CANDIDATES:
        found = shutil.which(candidate)  # also accepts the absolute /usr/bin/chromium
        if found:
            return found
    return None


def launch_chromium(playwright: Any, explicit: str | None = None, **kwargs: Any) -> Any:
    """Launch headless Chromium with the gate's flags; returns a Playwright Browser."""
    path = discover_chromium(explicit, playwright=playwright)
    if path is None:
        raise BrowserNotFound(NOT_FOUND)
    args = [*CHROMIUM_ARGS, *kwargs.pop("args", [])]
    kwargs.setdefault("headless", True)
    return playwright.chromium.launch(executable_path=path, args=args, **kwargs)


def preflight_chromium(explicit: str | None = None) -> str:
    """Fail fast (BrowserNotFound) when no Chromium will be found, before any check runs.

    Cheap in the common case: an explicit path, $READINESS_CHROMIUM or a system browser
    answers without starting Playwright's driver; only when none of those exists is the
    managed browser looked up (about 0.5 s). Returns a description of what was found.
    """
    if explicit or os.environ.get(ENV_VAR):
        return str(discover_chromium(explicit))
    found = system_chromium()
    if found:
        return found
    path = discover_chromium(None)
    if path is None:
        raise BrowserNotFound(NOT_FOUND)
    return path
