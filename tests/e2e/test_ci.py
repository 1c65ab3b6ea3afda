"""The CI integrations, run for real (docs/ci.md): the gate under GitHub Actions' environment
on the broken demo (step summary, grouped and capped annotations, a configured secret in none
of them, the exit code unchanged), the composite action's gate step and the GitLab template's
script as the runners would run them (bash, the gate, the outputs, the exit code)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, run_gate_process, write_gates

pytestmark = pytest.mark.e2e

CI = REPO / "readiness" / "ci"
SECRET = "DemoServer/0.9"  # the broken demo's Server banner, listed under redact:
PAGES = ("/", "/about", "/products", "/login")
# Smoke fails the same way on four pages (one grouped finding), the security suite warns on
# more than ten findings (the cap), and one of them shows the banner.
ENDPOINTS = "".join(f"      - {{path: {p}, contains: no-such-text-anywhere}}\n" for p in PAGES)
GATES = f"""\
pages: [{", ".join(PAGES)}]
redact: ['{SECRET}']
tls: {{verify: true, ca_bundle: demo}}
components:
  smoke:
    weight: 25
    blocking: true
    endpoints:
{ENDPOINTS}\
      - {{path: /api/products}}
  security:
    weight: 20
"""
# The action's own test: smoke on the pages (no endpoints), so --page decides what is checked.
ACTION_GATES = f"pages: [{', '.join(PAGES)}]\ncomponents:\n  smoke: {{weight: 1, blocking: true}}\n"


def _commands(stdout: str, level: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"::{level} ")]


def _title(line: str) -> str:
    return line.split("title=", 1)[1].split("::", 1)[0]


def _env(**extra: str) -> dict[str, str]:
    # Whatever CI this test itself runs on, its own variables do not reach the gate.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "READINESS_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return {**env, "NO_COLOR": "1", **extra}


@pytest.fixture(scope="module")
def gates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_gates(tmp_path_factory.mktemp("gates"), GATES)


def test_github_actions_summary_and_annotations(tmp_path: Path, gates: Path) -> None:
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("## an earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(step_summary)}
    result = run_gate_process(
        tmp_path / "reports", "--gates", str(gates), "--demo", "broken", "-q", env=env
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    assert result.readiness["verdict"] == "NO-GO" and result.readiness["exit_code"] == 1
    assert "warning" not in result.stderr, result.stderr
    # The step summary holds summary.md's text, after what an earlier step wrote.
    summary = (result.run_dir / "summary.md").read_text(encoding="utf-8")
    assert step_summary.read_text(encoding="utf-8") == "## an earlier step\n" + summary

    errors, warnings = _commands(result.stdout, "error"), _commands(result.stdout, "warning")
    notices = _commands(result.stdout, "notice")
    # Grouped: the four pages' failures are one annotation naming them.
    contains = [e for e in errors if _title(e) == "smoke.contains failed"]
    assert len(contains) == 1, errors
    assert contains[0].endswith("%0Aon 4 pages: /, /about, /products, /login")
    assert len({_title(line) for line in errors + warnings}) == len(errors + warnings)
    assert any(_title(e) == "smoke.status failed" and "/api/products" in e for e in errors)
    # Capped: ten warnings, the rest counted in one notice.
    outstanding = [c for comp in result.readiness["components"] for c in comp["checks"]]
    assert sum(c["outcome"] == "warned" for c in outstanding) > 10
    assert len(warnings) == 10 and len(errors) <= 10
    assert len(notices) == 1 and "more warnings, not annotated" in notices[0]
    # The secret: redacted in the finding that shows it, in no annotation or summary line.
    assert any("Server: [redacted] Python/3.11" in w for w in warnings), warnings
    shown = errors + warnings + notices + [step_summary.read_text(encoding="utf-8")]
    assert not [line for line in shown if SECRET in line]


def _action_step(name: str) -> dict:
    action = yaml.safe_load((CI / "github" / "action.yml").read_text(encoding="utf-8"))
    return next(s for s in action["runs"]["steps"] if s.get("id") == name)


def test_the_composite_actions_gate_step(tmp_path: Path) -> None:
    """The step's script run as GitHub runs a bash step, with the inputs as the action passes
    them (env); a step summary that cannot be written costs a warning, not the exit code."""
    outputs = tmp_path / "github-output"
    outputs.touch()
    env = _env(
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(outputs),
        GITHUB_STEP_SUMMARY=str(tmp_path),  # a folder: cannot be appended to
        RG_TARGET="",
        RG_GATES=str(write_gates(tmp_path, ACTION_GATES)),
        RG_PROFILE="",
        RG_PAGES="/  /products",
        RG_EXTRA_ARGS="--demo broken -q --run-id 'action run $(id)'",
        RG_REPORT_DIR=str(tmp_path / "reports"),
    )
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _action_step("gate")["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr
    got = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    run_dir = tmp_path / "reports" / "action run $(id)"  # quoted, and never run
    assert got == {
        "verdict": "NO-GO",
        "readiness": got["readiness"],
        "report-dir": str(run_dir.resolve()),
        "exit-code": "1",
    }
    assert float(got["readiness"]) < 90
    assert (run_dir / "junit.xml").is_file()
    # --page replaced the file's pages: only / and /products were checked.
    data = (run_dir / "readiness.json").read_text(encoding="utf-8")
    assert "smoke.status./products" in data and "smoke.status./about" not in data
    warned = [
        line for line in proc.stderr.splitlines() if "not appended to $GITHUB_STEP_SUMMARY" in line
    ]
    assert len(warned) == 1 and str(tmp_path) in warned[0], proc.stderr


def test_the_gitlab_templates_script(tmp_path: Path, gates: Path) -> None:
    """The template's script line as the runner's shell runs it: the run folder named after the
    job, its junit.xml (the junit report's path) in it, the gate's exit code."""
    template = yaml.safe_load(
        (CI / "gitlab" / "readiness-gate.gitlab-ci.yml").read_text(encoding="utf-8")
    )
    job = template[".readiness-gate"]
    env = _env(
        CI_JOB_ID="4242",
        READINESS_GATES=str(gates),
        READINESS_PROFILE="",
        READINESS_ARGS="--demo broken -q --component smoke",
    )
    for line in job["script"]:
        proc = subprocess.run(
            ["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr
    # GitLab expands the job's variables in the report's path; the file is no symlink.
    junit = tmp_path / job["artifacts"]["reports"]["junit"].replace("$CI_JOB_ID", "4242")
    assert junit == tmp_path / "reports" / "gitlab-4242" / "junit.xml"
    assert junit.is_file() and not junit.is_symlink()
    assert '<testsuite name="smoke"' in junit.read_text(encoding="utf-8")
