"""The report folder is checked before any traffic: a run that could not write its reports is
a one-line usage error (exit 2), and one index file that cannot be written later costs only
itself (the reports stand, the exit code is the verdict's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO, run_gate_process, write_gates


def _gates(tmp_path: Path) -> Path:
    return write_gates(
        tmp_path, "target: demo\ntls: {ca_bundle: demo}\ncomponents:\n  smoke: {weight: 1}\n"
    )


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("under-a-file", "is a file, not a folder; pass another --report-dir"),
        ("history-is-a-folder", "history.jsonl is not a file; move it away"),
        ("latest-is-a-folder", "latest is a folder; move it away"),
    ],
)
def test_a_report_folder_that_cannot_take_the_run_is_a_usage_error(
    tmp_path: Path, layout: str, expected: str
) -> None:
    reports = tmp_path / "reports"
    if layout == "under-a-file":
        (tmp_path / "file").write_text("x", encoding="utf-8")
        reports = tmp_path / "file" / "reports"
    elif layout == "history-is-a-folder":
        (reports / "history.jsonl").mkdir(parents=True)
    else:
        (reports / "latest").mkdir(parents=True)
    gates = _gates(tmp_path)
    result = run_gate_process(reports, "--gates", str(gates), "--demo", "healthy")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr
    assert len(lines) == 1 and lines[0].startswith("readiness-gate: error: "), result.stderr
    assert expected in lines[0]
    assert "collected" not in result.stdout  # no check ran: nothing was sent
    assert not list(tmp_path.rglob("readiness.json"))


def test_an_index_file_that_fails_later_costs_only_itself(tmp_path: Path) -> None:
    # history.jsonl made unwritable by the run itself (a plugin, after the check above).
    plugin = tmp_path / "spoil_history.py"
    plugin.write_text(
        "import pathlib\n\n\n"
        "def pytest_collection_finish(session):\n"
        f"    (pathlib.Path({str(tmp_path / 'reports')!r}) / 'history.jsonl').mkdir()\n",
        encoding="utf-8",
    )
    gates = _gates(tmp_path)
    result = run_gate_process(
        tmp_path / "reports",
        "--gates",
        str(gates),
        "--demo",
        "healthy",
        "-p",
        "spoil_history",
        env={"PYTHONPATH": f"{tmp_path}:{REPO}"},
    )
    assert result.returncode == result.readiness["exit_code"] == 0, result.readiness["reasons"]
    assert "could not write the history line" in result.stderr
    for name in ("readiness.json", "readiness.html", "summary.md", "junit.xml"):
        assert (result.run_dir / name).is_file(), name
