"""The CI files shipped in readiness/ci (docs/ci.md) parse and have the shape their runners
expect: the composite action's inputs, outputs and steps, the GitLab template's junit report
and artifacts, the Argo Rollouts AnalysisTemplate's Job metric with the post-deploy profile.
(tests/e2e/test_ci.py runs the action's gate step and the GitLab script for real.)"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import yaml
from helpers import REPO

CI = REPO / "readiness" / "ci"
ACTION = CI / "github" / "action.yml"
GITLAB = CI / "gitlab" / "readiness-gate.gitlab-ci.yml"
ARGO = CI / "argo" / "analysis-template.yaml"


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_action_has_its_inputs_outputs_and_composite_steps() -> None:
    action = load(ACTION)
    assert {"target", "gates", "profile", "pages", "extra-args"} <= action["inputs"].keys()
    assert all(not spec.get("required", False) for spec in action["inputs"].values())
    outputs = action["outputs"]
    assert {"verdict", "readiness", "report-dir"} <= outputs.keys()
    for name, spec in outputs.items():
        assert spec["value"] == f"${{{{ steps.gate.outputs.{name} }}}}"
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    assert all(step.get("shell") == "bash" for step in steps if "run" in step)
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert install["env"]["RG_SOURCE"] == "${{ github.action_path }}/../../.."
    gate = next(s for s in steps if s.get("id") == "gate")
    assert 'exit "$code"' in gate["run"]  # the gate's exit code is the step's


def test_the_action_installs_from_its_own_checkout() -> None:
    # github.action_path is readiness/ci/github; three levels up is the repository's root.
    root = (ACTION.parent / ".." / ".." / "..").resolve()
    assert root == REPO and (root / "pyproject.toml").is_file()


def test_no_input_is_pasted_into_a_script() -> None:
    """${{ inputs.* }} inside run: would let an input's quotes or $(...) become shell code;
    inputs reach the scripts only through env."""
    for step in load(ACTION)["runs"]["steps"]:
        assert not re.search(r"\$\{\{\s*inputs\.", step.get("run", "")), step.get("name")


def test_the_gitlab_template_keeps_the_report_and_its_junit() -> None:
    template = load(GITLAB)
    job = template[".readiness-gate"]  # hidden: a project extends it
    artifacts = job["artifacts"]
    assert artifacts["when"] == "always"
    # The run's own folder (GitLab does not follow the reports/latest symlink).
    assert artifacts["reports"]["junit"] == "reports/gitlab-$CI_JOB_ID/junit.xml"
    assert "reports/" in artifacts["paths"]
    script = " ".join(job["script"])
    assert "readiness-gate" in script and "--report-dir reports" in script
    # INCONCLUSIVE fails the job unless a project opts in (its comment says how and why).
    assert "allow_failure" not in job
    assert "exit_codes: [3]" in GITLAB.read_text(encoding="utf-8")


def test_the_argo_template_runs_the_post_deploy_profile_as_a_job() -> None:
    template = load(ARGO)
    assert template["apiVersion"] == "argoproj.io/v1alpha1"
    assert template["kind"] == "AnalysisTemplate"
    assert "target" in {arg["name"] for arg in template["spec"]["args"]}
    (metric,) = template["spec"]["metrics"]
    job = metric["provider"]["job"]["spec"]
    assert job["backoffLimit"] == 0  # a retry would be a second opinion on a NO-GO
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    command = container["command"] + container["args"]
    assert command[:2] == ["readiness-gate", "run"]
    profile = command[command.index("--profile") + 1]
    assert profile == "post-deploy"
    assert command[command.index("--target") + 1] == "{{args.target}}"
    # The profile is one the gates file defines.
    assert profile in load(REPO / "gates.yaml")["profiles"]


def yaml_blocks(doc: Path) -> list[str]:
    """The ```yaml blocks of a Markdown file, dedented."""
    blocks, body, inside = [], [], False
    for line in doc.read_text(encoding="utf-8").splitlines():
        fence = line.strip()
        if not inside and fence == "```yaml":
            inside, body = True, []
        elif inside and fence == "```":
            inside = False
            blocks.append(textwrap.dedent("\n".join(body)))
        elif inside:
            body.append(line)
    return blocks


def test_the_docs_examples_are_valid_yaml_using_the_shipped_files() -> None:
    docs = [yaml.safe_load(block) for block in yaml_blocks(REPO / "docs" / "ci.md")]
    assert len(docs) >= 4
    workflow = next(d for d in docs if "jobs" in d)
    steps = workflow["jobs"]["gate"]["steps"]
    gate = next(s for s in steps if s.get("id") == "gate")
    assert gate["uses"].startswith("OWNER/readiness-gate/readiness/ci/github@")
    assert set(gate["with"]) <= set(load(ACTION)["inputs"])
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "${{ steps.gate.outputs.report-dir }}"
    gitlab = next(d for d in docs if "include" in d)
    assert gitlab["include"][0]["remote"].endswith("/" + str(GITLAB.relative_to(REPO)))
    assert gitlab["readiness"]["extends"] == ".readiness-gate"
    rollout = next(d for d in docs if d.get("kind") == "Rollout")
    (analysis,) = [
        s["analysis"] for s in rollout["spec"]["strategy"]["canary"]["steps"] if "analysis" in s
    ]
    assert analysis["templates"][0]["templateName"] == load(ARGO)["metadata"]["name"]
