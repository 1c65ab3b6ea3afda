"""readiness.pdf: readiness.html as Chromium prints it (Playwright's ``page.pdf``).

Asked for with ``--pdf`` or gates.yaml ``reports: {pdf: true}``. The Chromium is found the
way the run's browser suites find theirs (readiness/browser/discovery.py: browser.executable,
$READINESS_CHROMIUM, Playwright's build, the system's). A PDF that cannot be made (no
Chromium, one that does not start) is a one-line warning: the run's reports and its exit
code stand, they are the verdict's.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from readiness.threads import start_daemon

PDF_NAME = "readiness.pdf"
# Each wait of the printing (launch, page load, print) is bounded; so is the whole.
STEP_TIMEOUT_S = 30.0
DEADLINE_S = 90.0


class PdfNotWritten(Exception):
    """readiness.pdf could not be made; the message is one line saying why."""


def write_pdf(html_path: Path, executable: str | None = None) -> Path:
    """Print ``html_path`` to readiness.pdf beside it (written whole or not at all).

    The printing runs in a thread of its own: Playwright's sync API refuses to start in a
    thread with a running event loop, and the run's own Playwright may still be open when a
    session stopped early. Raises PdfNotWritten.
    """
    target = html_path.with_name(PDF_NAME)
    outcome: dict[str, BaseException] = {}

    def work() -> None:
        try:
            _print(html_path, target, executable)
        except BaseException as exc:  # handed to the caller's thread, which names it
            outcome["error"] = exc

    # Its Playwright's own threads (asyncio's waitpid thread) inherit the mask it starts with.
    worker = start_daemon(work, "readiness-pdf")
    worker.join(DEADLINE_S)
    if worker.is_alive():
        raise PdfNotWritten(f"Chromium did not print the report within {DEADLINE_S:.0f} s")
    error = outcome.get("error")
    if isinstance(error, PdfNotWritten):
        raise error
    if error is not None:
        raise PdfNotWritten(_one_line(error)) from error
    return target


def _print(html_path: Path, target: Path, executable: str | None) -> None:
    from playwright.sync_api import Error as PlaywrightError

    from readiness.browser.discovery import (
        NOT_FOUND,
        BrowserNotFound,
        close_quietly,
        discover_chromium,
        launch_chromium,
        started_playwright,
    )

    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with started_playwright() as pw:
            # Discover first, then launch that exact binary, so a failure can name it.
            path = discover_chromium(executable, playwright=pw)
            if path is None:
                raise BrowserNotFound(NOT_FOUND)
            try:
                browser = launch_chromium(pw, path, timeout=STEP_TIMEOUT_S * 1000)
            except PlaywrightError as exc:
                raise PdfNotWritten(f"Chromium did not start ({path}): {_one_line(exc)}") from exc
            try:
                page = browser.new_page()
                page.set_default_timeout(STEP_TIMEOUT_S * 1000)
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                _print_page(page, tmp)
            finally:
                close_quietly(browser)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# A4 at 75 %: the printed page is then about 957 CSS px wide, past the report's 900 px
# single-column breakpoint, so the verdict, the reasons beside fix-first and the whole matrix
# share page one (at 100 % the broken demo's matrix starts on page two). Text prints at 9 pt.
PRINT_SCALE = 0.75


def _print_page(page: Any, path: Path) -> None:
    # The report's own print stylesheet applies (print media is what page.pdf renders);
    # backgrounds kept so the verdict banner and the matrix bars print in colour.
    page.pdf(
        path=str(path),
        format="A4",
        scale=PRINT_SCALE,
        print_background=True,
        margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
    )


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first[:300]
