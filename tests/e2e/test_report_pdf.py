"""readiness.pdf: readiness.html printed by Chromium when --pdf or gates.yaml asks; its text
can be extracted and page one holds the verdict and the matrix. A run that cannot print it
says so in one warning line and exits with its verdict's code."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import run_gate_process, write_gates

from readiness.browser import discovery

pypdf = pytest.importorskip("pypdf")


def _need_chromium() -> None:
    if discovery.discover_chromium() is None:
        message = "no Chromium found; install one (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs Chromium: a missing one is a broken setup
        pytest.skip(message)


def test_the_pdf_holds_the_verdict_and_the_matrix_on_page_one(tmp_path: Path) -> None:
    _need_chromium()
    gates = write_gates(
        tmp_path,
        # The broken demo's many findings (accessibility's above all) before the matrix.
        "target: demo\npages: [/, /about, /login]\n"
        "components:\n  smoke: {weight: 25, blocking: true}\n  security: {weight: 20}\n"
        "  accessibility:\n    weight: 20\n    blocking: true\n"
        "    standard: [wcag21aa, best-practice]\n",
    )
    result = run_gate_process(
        tmp_path / "reports", "--gates", str(gates), "--demo", "broken", "--pdf"
    )
    report = result.readiness
    assert result.returncode == report["exit_code"] == 1, result.stderr
    assert "warning" not in result.stderr
    pdf = result.run_dir / "readiness.pdf"
    first = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert report["verdict"] == "NO-GO" and "NO-GO" in first
    assert "Readiness matrix" in first, first
    matrix = first[first.index("Readiness matrix") :]
    for component in report["components"]:
        assert component["name"] in matrix, (component["name"], first)
    assert not list(result.run_dir.glob(".*.tmp"))


def _not_chromium(tmp_path: Path) -> Path:
    # An executable that exits at once: a Chromium that does not start.
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return fake


@pytest.mark.parametrize(
    ("browser", "said"),
    [
        ("missing", "is not an executable file"),
        ("does-not-start", "Chromium did not start ("),
    ],
)
def test_no_chromium_to_print_is_one_warning_and_the_verdicts_exit(
    tmp_path: Path, browser: str, said: str
) -> None:
    chromium = tmp_path / "no-such-chromium" if browser == "missing" else _not_chromium(tmp_path)
    gates = write_gates(
        tmp_path,
        "target: demo\ntls: {ca_bundle: demo}\nreports: {pdf: true}\n"
        "components:\n  smoke: {weight: 1}\n",
    )
    result = run_gate_process(
        tmp_path / "reports",
        "--gates",
        str(gates),
        "--demo",
        "healthy",
        env={"READINESS_CHROMIUM": str(chromium)},
    )
    assert result.returncode == result.readiness["exit_code"] == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "readiness.pdf" in line]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("readiness-gate: warning: readiness.pdf not written: ")
    assert said in warnings[0]
    assert "Traceback" not in result.stderr
    assert not (result.run_dir / "readiness.pdf").exists()
    assert not list(result.run_dir.glob(".*.tmp"))
    for name in ("readiness.json", "readiness.html", "summary.md", "junit.xml"):
        assert (result.run_dir / name).is_file(), name
