"""`readiness-gate --version`: what a run's figures depend on, one line each.

The tool's version (the installed distribution's metadata), the scoring version (a change
makes readiness figures of different runs not directly comparable; readiness.json records
it) and the axe-core the accessibility suite injects (its rules decide the violations).
"""

from __future__ import annotations

import re
from importlib import metadata, resources

from readiness import __version__
from readiness.core.scoring import SCORING_VERSION

DISTRIBUTION = "readiness-gate"
# axe-playwright-python ships axe-core as package data; its licence banner names the version.
AXE_PACKAGE, AXE_FILE = "axe_playwright_python", "axe.min.js"
_AXE_BANNER = re.compile(r"axe v(\d+\.\d+\.\d+)")


def tool_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree on sys.path, not installed
        return f"{__version__} (not installed)"


def axe_version() -> str:
    """The bundled axe-core's version, read from the first bytes of the file the suite runs."""
    try:
        with resources.files(AXE_PACKAGE).joinpath(AXE_FILE).open("r", encoding="utf-8") as f:
            head = f.read(200)
    except (ModuleNotFoundError, OSError) as exc:
        return f"unknown ({AXE_PACKAGE}/{AXE_FILE}: {exc})"
    found = _AXE_BANNER.search(head)
    return found.group(1) if found else f"unknown (no version in {AXE_PACKAGE}/{AXE_FILE})"


def version_lines() -> list[str]:
    return [
        f"readiness-gate {tool_version()}",
        f"scoring {SCORING_VERSION}",
        f"axe-core {axe_version()}",
    ]
