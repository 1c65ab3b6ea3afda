"""docs/writing-a-suite.md's example suite, as written, in a temporary folder away from
suites/: it runs through the contract with no engine edit, its observations decide its
outcomes, and a misspelt threshold name in its gates file is a one-line error (exit 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO, closed_port, run_gate_process

DOC = REPO / "docs" / "writing-a-suite.md"


def example_files() -> dict[str, str]:
    """{relative path: text} of every file the page introduces as `path` before a block."""
    files: dict[str, str] = {}
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        named = re.match(r"^`((?:suites/robots/[a-z_]+\.py)|gates\.yaml)`", line)
        if not named:
            continue
        start = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        end = next(j for j in range(start + 1, len(lines)) if lines[j] == "```")
        files[named.group(1)] = "\n".join(lines[start + 1 : end]) + "\n"
    return files


@pytest.fixture
def my_gate(tmp_path: Path) -> Path:
    folder = tmp_path / "my-gate"
    suite = folder / "suites" / "robots"
    suite.mkdir(parents=True)
    (suite / "__init__.py").write_text("", encoding="utf-8")
    files = example_files()
    assert set(files) == {
        "suites/robots/settings.py",
        "suites/robots/conftest.py",
        "suites/robots/test_robots.py",
        "gates.yaml",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_in(folder: Path, *args: str):
    return run_gate_process(folder / "reports", *args, cwd=folder)


@pytest.mark.e2e
def test_the_documented_suite_runs_as_the_page_says(my_gate: Path) -> None:
    result = run_in(my_gate)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    robots = {c["id"]: c for c in result.readiness["components"][1]["checks"]}
    assert set(robots) == {
        "robots.present",
        "robots.latency",
        "robots.allows./",
        "robots.allows./products",
    }  # robots.sitemap does not apply: not planned
    assert robots["robots.present"]["outcome"] == "warned"  # the demo has no robots.txt
    assert robots["robots.latency"]["threshold"]["poor"] == 500  # gates.yaml's, not default
    assert {robots[i]["outcome"] for i in robots if i != "robots.present"} == {"passed"}
    assert result.readiness["verdict"] == "GO"


@pytest.mark.e2e
def test_the_documented_suite_errors_on_a_target_that_does_not_answer(my_gate: Path) -> None:
    gates = my_gate / "gates.yaml"
    text = gates.read_text(encoding="utf-8").replace("target: demo", "target: http://x")
    # Only the robots component, against a port nothing listens on.
    text = text.split("  smoke:")[0] + "  robots:" + text.split("  robots:")[1]
    gates.write_text(text.replace("http://x", f"http://127.0.0.1:{closed_port()}"), "utf-8")
    result = run_in(my_gate)
    assert result.returncode == 3, result.stdout[-3000:] + result.stderr
    for check in result.readiness["components"][0]["checks"]:
        assert check["outcome"] == "errored", check
        assert check["message"].startswith("not observed: GET http://127.0.0.1:"), check
        assert "no answer (ConnectionError)" in check["message"]


def test_a_misspelt_threshold_of_the_outside_suite_is_a_config_error(my_gate: Path) -> None:
    gates = my_gate / "gates.yaml"
    gates.write_text(
        gates.read_text(encoding="utf-8").replace("latency_ms:", "latency_msx:"), "utf-8"
    )
    result = run_in(my_gate)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "readiness-gate: error: gates.yaml:14: components.robots.thresholds.latency_msx:"
        " unknown threshold 'latency_msx'; did you mean 'latency_ms'?"
    ], result.stderr
    assert not (my_gate / "reports").exists()  # nothing ran, nothing was written


def test_a_suite_asking_for_an_undeclared_threshold_is_errored_naming_it(my_gate: Path) -> None:
    tests = my_gate / "suites" / "robots" / "test_robots.py"
    tests.write_text(
        tests.read_text(encoding="utf-8").replace(
            'component.threshold("latency_ms")', 'component.threshold("latency")'
        ),
        "utf-8",
    )
    result = run_in(my_gate, "--component", "robots")
    latency = result.check("robots.latency")
    assert latency["outcome"] == "errored"
    assert "threshold 'latency' is not declared" in latency["message"], latency
