"""Opt-in checks switched off are not planned: the healthy demo with the security suite's
active probes off is all-ran and passed, and readiness.json lists the probes once under
not_enabled. Switched on, the same probes are planned and run."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_gates
from test_security_apps import outcomes

GATES = """\
target: demo
pages: [/, /about, /products, /login]
tls: {ca_bundle: demo}
components:
  security:
    weight: 20
    active: %s
    active_probes: %s
"""


@pytest.mark.e2e
def test_switched_off_probes_are_listed_once_and_move_nothing(run_gate, tmp_path: Path) -> None:
    gates = write_gates(tmp_path, GATES % ("false", "[]"))
    result = run_gate("--gates", str(gates), "--component", "security", "-q")
    assert result.returncode == 0, result.stdout[-3000:]
    report = result.readiness
    assert report["not_enabled"] == [
        {
            "component": "security",
            "checks": "security.active.*",
            "why": "opt-in, security.active: false",
            "count": 2,
        }
    ]
    assert not [i for i in outcomes(result) if i.startswith("security.active.")]
    conf = report["confidence"]
    assert conf["checks_ran"] == conf["checks_planned"] and conf["coverage"] == 1.0
    (security,) = report["components"]
    assert (security["status"], security["risk"]) == ("passed", "LOW")
    assert security["planned"] == len(security["checks"])
    everything = [*report["reasons"], *report["outstanding"], *security["notes"]]
    assert not [line for line in everything if "active" in line]  # listed once, there only


@pytest.mark.e2e
def test_switched_on_probes_are_planned(run_gate, tmp_path: Path) -> None:
    gates = write_gates(tmp_path, GATES % ("true", "[{path: /products, param: q}]"))
    result = run_gate("--gates", str(gates), "--component", "security", "-q")
    seen = outcomes(result)
    assert {"security.active.xss", "security.active.sqli"} <= set(seen), seen
    assert result.readiness["not_enabled"] == []
