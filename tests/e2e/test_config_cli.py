"""Configuration errors through the real console script: one line, exit 2, nothing run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from config_cases import BAD_FILES, SMOKE, waiver_file


def _cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("READINESS_TARGET", None)
    return env


CLI_CASES: dict[str, tuple[str | None, list[str], str]] = {
    # (gates file text or None for a missing file, extra arguments, stderr after "error: ")
    "yaml-syntax": (BAD_FILES["yaml-unclosed-bracket"][0], [], "{file}:2: invalid YAML"),
    "alias-bomb": (BAD_FILES["alias-bomb"][0], [], "{file}:14: the file expands to more than"),
    "alias-to-itself": (BAD_FILES["alias-to-itself"][0], [], "{file}:1: components.smoke: an"),
    "unknown-key": (
        BAD_FILES["typo-of-required-top-level-key"][0],
        [],
        "{file}:1: componets: unknown key 'componets'; did you mean 'components'?",
    ),
    "negative-weight": (
        BAD_FILES["weight-negative"][0],
        [],
        "{file}:3: components.smoke.weight: Input should be greater than or equal to 0",
    ),
    "waiver-unknown-component": (
        waiver_file(check="securty.csp"),
        [],
        "{file}:4: waivers.0.check: unknown component 'securty'",
    ),
    "waiver-bad-date": (
        waiver_file(expires="2027-13-01"),
        [],
        "{file}:7: waivers.0.expires: Input should be a valid date",
    ),
    "smoke-setting": (
        BAD_FILES["smoke-endpoint-unknown-key"][0],
        [],
        "{file}:5: components.smoke.endpoints.0.statuss: unknown key 'statuss'",
    ),
    "unknown-profile": (SMOKE, ["--profile", "nope"], "{file}:1: profile: unknown profile"),
    "missing-file": (None, [], "{file}: file not found"),
    "bad-target": (SMOKE, ["--target", "ftp://x"], "target: 'ftp://x' is not an absolute"),
    "bad-page": (SMOKE, ["--page", "about"], "pages: --page 'about' must start with '/'"),
    "demo-with-target": (
        SMOKE,
        ["--demo", "healthy", "--target", "http://127.0.0.1:9"],
        "--demo: --demo starts the bundled demo target",
    ),
}


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("text", "args", "expected"), list(CLI_CASES.values()), ids=list(CLI_CASES)
)
def test_cli_config_error_is_one_line_and_exit_2(
    tmp_path: Path, text: str | None, args: list[str], expected: str
) -> None:
    gates = tmp_path / "gates.yaml"
    if text is not None:
        gates.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "--gates", str(gates), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=_cli_env(),
    )
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("readiness-gate: error: " + expected.format(file=gates))
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "reports").exists()  # failed before any check ran: nothing written
