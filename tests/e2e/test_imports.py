"""Every engine and suite module imports on its own, in a fresh interpreter: no import cycle
hides behind the order in which the plugin happens to load them (one did: importing a browser
suite's module first failed on config <-> browser settings)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import REPO


def modules() -> list[str]:
    found = []
    for root in ("readiness", "suites"):
        for path in sorted((REPO / root).rglob("*.py")):
            if path.name == "__main__.py" or path.parent.name in ("js", "templates"):
                continue
            parts = path.relative_to(REPO).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


@pytest.mark.parametrize("module", modules())
def test_module_imports_on_its_own(module: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.strip().splitlines()[-1:]
