"""`readiness-gate` as a command, through the real console entry point: its own help and
versions, `report` (every report again from readiness.json), the line naming the gates file,
progress on a real terminal (a pty), and the matrix's notes wrapped instead of cut."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, run_gate_process
from helpers import run_cli as cli

from readiness.browser import discovery
from readiness.core.scoring import SCORING_VERSION
from readiness.demo import WsgiServer

pytestmark = pytest.mark.e2e

GROUPS = ("target", "gates and profile", "pages", "components", "reports", "browser", "load")
REPORTS = ("readiness.html", "summary.md", "junit.xml", "readiness.json")
# A note longer than the matrix's Notes column at 80 columns, made of words that wrap.
LONG_NOTE = (
    "this note is long on purpose: every word of it must reach the terminal, wrapped inside"
    " its column, and none of it may be cut to an ellipsis"
)
NOTES_SUITE = f"""
import pytest

from readiness.suite import check, observed


@pytest.fixture
def seen():
    return observed("a literal", 1)


@check("notes.long", title="A check whose component has a long note", observes="seen")
def test_long(check, seen, gate):
    gate.note("notes", {LONG_NOTE!r})
    check.expect(True, value=seen.data, expected=1)
"""


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/html")])
    return [b"<!doctype html><html lang=en><title>hello</title><main>hello</main></html>"]


@pytest.fixture(scope="module")
def pytest_help(tmp_path_factory: pytest.TempPathFactory) -> str:
    proc = cli(tmp_path_factory.mktemp("help"), "--help-pytest")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def gate_options(pytest_help: str) -> list[str]:
    """The options pytest's own help lists under the plugin's group, "readiness gate"."""
    section = pytest_help.split("\nreadiness gate:\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^  (--[a-z][a-z-]+)", section, re.MULTILINE)


def test_help_pytest_is_pytests_own_help(pytest_help: str) -> None:
    assert "usage:" in pytest_help and "-k EXPRESSION" in pytest_help
    assert "--tb=style" in pytest_help and "general:" in pytest_help
    assert len(pytest_help.splitlines()) > 150  # all of it, with the plugin loaded
    assert {"--target", "--gates", "--page", "--component"} <= set(gate_options(pytest_help))


def test_help_is_the_gates_own_and_short(tmp_path: Path, pytest_help: str) -> None:
    outputs = [cli(tmp_path, *args) for args in (["--help"], ["-h"], ["run", "--help"])]
    for proc in outputs:
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        assert proc.stdout == outputs[0].stdout
    text = outputs[0].stdout
    lines = text.splitlines()
    assert len(lines) < 80, text
    assert lines[0].startswith("usage: readiness-gate [run]")
    for title in GROUPS:
        assert f"{title}:" in lines, title
    for option in gate_options(pytest_help):  # every option the plugin declares
        assert re.search(rf"^  (-\w, )?{option}\b", text, re.MULTILINE), option
    for command in ("run", "doctor", "report"):
        assert re.search(rf"^  {command}\s+\w", text, re.MULTILINE), command
    codes = text.split("exit codes:\n", 1)[1]
    for code, word in (("0", "GO"), ("1", "NO-GO"), ("2", "usage"), ("3", "INCONCLUSIVE")):
        assert re.search(rf"^  {code}\s+{word}", codes, re.MULTILINE), code
    assert re.search(r"^  130\s+interrupted", codes, re.MULTILINE)
    assert "readiness-gate --help-pytest" in text
    assert "pytest.main()" not in text
    assert list(tmp_path.iterdir()) == []  # nothing ran: no report, no demo


def test_version_is_the_tool_the_scoring_and_axe(tmp_path: Path) -> None:
    from suites.accessibility.axe_source import AXE_VERSION  # the script the suite injects

    proc = cli(tmp_path, "--version")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout.splitlines() == [
        f"readiness-gate {metadata.version('readiness-gate')}",
        f"scoring {SCORING_VERSION}",
        f"axe-core {AXE_VERSION}",
    ]
    assert re.fullmatch(r"\d+\.\d+\.\d+", AXE_VERSION)


@pytest.fixture(scope="module")
def notes_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real run from a folder with its own gates.yaml: smoke, and a suite with a long note."""
    folder = tmp_path_factory.mktemp("notes-gate")
    suite = folder / "suites" / "notes"
    suite.mkdir(parents=True)
    (suite / "__init__.py").write_text("", encoding="utf-8")
    (suite / "test_notes.py").write_text(NOTES_SUITE, encoding="utf-8")
    with WsgiServer(hello) as server:
        (folder / "gates.yaml").write_text(
            f"target: {server.url}\ncomponents:\n  smoke: {{weight: 1, blocking: true}}\n"
            "  notes: {weight: 1}\n",
            encoding="utf-8",
        )
        result = run_gate_process(folder / "reports", cwd=folder, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    yield result


def test_the_run_names_the_working_folders_gates_file(notes_run: Any) -> None:
    gates = (notes_run.report_dir.parent / "gates.yaml").resolve()
    assert f"gates file: {gates} (./gates.yaml in the working folder)" in notes_run.stdout


def test_the_run_names_a_gates_file_given_with_the_flag(tmp_path: Path) -> None:
    gates = tmp_path / "my-gates.yaml"
    gates.write_text("target: http://127.0.0.1:9\ncomponents: {smoke: {weight: 1}}\n")
    proc = cli(tmp_path, "--gates", str(gates), "--collect-only")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"gates file: {gates.resolve()} (--gates)" in proc.stdout.splitlines()


def test_the_run_names_the_built_in_default(tmp_path: Path) -> None:
    proc = cli(tmp_path, "--collect-only")  # an empty folder: no gates.yaml here
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("gates file: "))
    builtin = REPO / "readiness" / "default_gates.yaml"
    assert line.startswith(f"gates file: {builtin} (the built-in default: no --gates")


def test_plain_output_has_a_line_per_component_and_no_live_line(notes_run: Any) -> None:
    lines = notes_run.stdout.splitlines()
    starts = [x for x in lines if re.fullmatch(r"(smoke|notes): \d+ checks?", x)]
    assert starts[0].startswith("smoke: ") and starts[1] == "notes: 1 check" and len(starts) == 2
    for start, module in zip(starts, ("test_smoke.py::", "test_notes.py::"), strict=True):
        first_check = next(i for i, x in enumerate(lines) if module in x)
        assert lines[first_check - 1] == start  # right above its component's first check
    assert "\x1b" not in notes_run.stdout and "\r" not in notes_run.stdout


def _notes_cells(stdout: str, component: str) -> list[str]:
    """The Notes cells of ``component``'s row in the matrix, one per terminal line."""
    rows = [line.split("│")[1:-1] for line in stdout.splitlines() if line.startswith("│")]
    start = next(i for i, cells in enumerate(rows) if cells[0].strip() == component)
    cells = [rows[start][-1].strip()]
    for row in rows[start + 1 :]:
        if row[0].strip():  # the next component's row
            break
        cells.append(row[-1].strip())
    return cells


def test_the_matrix_wraps_a_long_note_instead_of_cutting_it(notes_run: Any) -> None:
    cells = _notes_cells(notes_run.stdout, "notes")
    assert len(cells) > 2  # wrapped over several lines of its cell
    assert " ".join(cells).startswith(LONG_NOTE + " ")  # whole, the outcome count after it
    assert "…" not in notes_run.stdout.split("Readiness matrix", 1)[1]


def test_every_written_report_is_named(notes_run: Any) -> None:
    run_dir = notes_run.run_dir
    for label, name in (
        ("html report", "readiness.html"),
        ("json report", "readiness.json"),
        ("markdown summary", "summary.md"),
        ("junit report", "junit.xml"),
    ):
        assert f"{label}: {run_dir / name}" in notes_run.stdout.splitlines(), label
        assert (run_dir / name).is_file()


def test_report_renders_every_report_again(notes_run: Any) -> None:
    run_dir = notes_run.run_dir
    copy = notes_run.report_dir / "again"  # beside the run: the same trend (history.jsonl)
    proc = cli(run_dir, "report", str(run_dir), "--to", str(copy))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert len(proc.stdout.splitlines()) == 4
    for name in REPORTS:
        assert f": {copy / name}" in proc.stdout
        # The same writers over the same JSON: byte for byte the run's own reports.
        assert (copy / name).read_bytes() == (run_dir / name).read_bytes(), name
    # In place (a folder or its readiness.json): the reports come back as they were.
    for name in REPORTS[:3]:
        (copy / name).unlink()
    proc = cli(copy, "report", str(copy / "readiness.json"))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert len(proc.stdout.splitlines()) == 3  # readiness.json is the source, not rewritten
    for name in REPORTS:
        assert (copy / name).read_bytes() == (run_dir / name).read_bytes(), name


BAD_SOURCES: dict[str, tuple[str | None, str]] = {
    # (readiness.json's text, or None for no file; the line's text after "error: <path>")
    "missing": (None, ": file not found; give a run folder"),
    "not-json": ('{"verdict": ', ":1: not JSON (Expecting value)"),
    "not-an-object": ("[1, 2]", ": not a readiness.json (not a JSON object)"),
    "keys-missing": ('{"verdict": "GO"}', ": not a readiness.json (no schema_version,"),
}


@pytest.mark.parametrize(("text", "expected"), list(BAD_SOURCES.values()), ids=list(BAD_SOURCES))
def test_report_refuses_a_bad_source_in_one_line(
    tmp_path: Path, text: str | None, expected: str
) -> None:
    source = tmp_path / "readiness.json"
    if text is not None:
        source.write_text(text, encoding="utf-8")
    proc = cli(tmp_path, "report", str(source), "--to", str(tmp_path / "out"))
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"readiness-gate report: error: {source}{expected}"
    )
    assert not (tmp_path / "out").exists()


def test_report_refuses_a_folder_without_a_run(tmp_path: Path) -> None:
    proc = cli(tmp_path, "report", str(tmp_path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        f"readiness-gate report: error: {tmp_path}: no readiness.json in this folder;"
        " give a run folder (reports/<run-id>/) or its readiness.json\n"
    )


def test_report_refuses_another_major_schema(tmp_path: Path, notes_run: Any) -> None:
    data = json.loads((notes_run.run_dir / "readiness.json").read_text(encoding="utf-8"))
    source = tmp_path / "readiness.json"
    source.write_text(json.dumps(data | {"schema_version": "2.0.0"}), encoding="utf-8")
    proc = cli(tmp_path, "report", str(source))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(
        f"readiness-gate report: error: {source}: schema_version 2.0.0 is not one"
    )
    assert len(proc.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == [source]  # nothing written


# --- progress on a real terminal -----------------------------------------------------------

PTY_GATES = """
target: demo
pages: [/, /about]
tls: {ca_bundle: demo}
components:
  smoke: {weight: 1, blocking: true}
  accessibility: {weight: 1}
  load: {weight: 1, users: 2, duration: 2s}
"""
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def run_on_a_terminal(cwd: Path, *args: str, timeout: float = 300) -> tuple[int, str]:
    """The gate with a pty as its terminal (stdin, stdout, stderr); its exit code and all
    it wrote, read until it closed the terminal."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("READINESS_TARGET", "NO_COLOR")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "readiness", *args],
        cwd=cwd,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env | {"TERM": "xterm-256color", "COLUMNS": "120"},
    )
    os.close(follower)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], timeout)
            assert ready, "the gate wrote nothing for the whole timeout"
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        code = proc.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_shows_pages_and_the_load_run_as_they_go(tmp_path: Path) -> None:
    if discovery.discover_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium found; CI installs one")
        pytest.skip("no Chromium found; install one (apt-get install -y chromium)")
    (tmp_path / "gates.yaml").write_text(PTY_GATES, encoding="utf-8")
    code, raw = run_on_a_terminal(tmp_path, "--report-dir", str(tmp_path / "reports"))
    assert code == 0, raw[-3000:]
    assert "\x1b[?25l" in raw  # the live display hid the cursor while it ran
    # What the terminal was shown, piece by piece (the live line is redrawn in place).
    shown = [p for p in re.split(r"[\r\n]", _ESCAPES.sub("", raw)) if p.strip()]
    live = [p for p in shown if re.match(r"^[|/\\-] \d+/\d+ · ", p)]
    assert any("accessibility.critical./ · page 1 of 2: /" in p for p in live), live
    assert any("page 2 of 2: /about" in p for p in live), live
    load = [p for p in live if " · load " in p]
    assert load and all(re.search(r" · load \d+ s, 2 s planned", p) for p in load), load
    # Locust's own figures, once its history has a second of requests in it.
    assert any(re.search(r" · \d+\.\d req/s · [\d,]+ requests · 0 errors", p) for p in load)
    assert "accessibility: 8 checks on 2 pages" in shown
    # pytest's own lines reach the terminal whole, each check's outcome on its line.
    for check in ("test_reachable", "test_critical[/about]", "test_error_ratio"):
        assert any(re.search(rf"::{re.escape(check)} PASSED\s+\[\s*\d+%\]$", p) for p in shown)
    assert "readiness gate" in raw and "json report: " in raw
