"""readiness/ci/compose: one master gate and N Locust workers, against an HTTPS target with a
private CA, run here as compose would run them (without Docker, which these machines lack).

The gate's command and the worker's are compose.yaml's own, with only what a container
network changes replaced: the service name ``gate`` and port 5557 by a loopback port, the
variables by the test's target. gates.yaml is the compose folder's, with its master bound to
loopback and a short run. The workers run in a folder with no CA file and no CA variables:
they can verify the target only with the PEM text the locustfile brought from the master.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from helpers import REPO, closed_port, server_tls

from readiness.demo import WsgiServer

COMPOSE = REPO / "readiness" / "ci" / "compose"
CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def ok(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def target(ca: trustme.CA) -> Iterator[str]:
    with WsgiServer(ok, ssl_context=server_tls(ca)) as server:
        yield server.url


def services() -> dict[str, Any]:
    return yaml.safe_load((COMPOSE / "compose.yaml").read_text(encoding="utf-8"))["services"]


def expanded(command: list[str], values: dict[str, str]) -> list[str]:
    """compose's ${NAME:?message} interpolation, for the names given."""
    pattern = re.compile(r"\$\{(\w+)(?::\?[^}]*)?\}")
    return [pattern.sub(lambda m: values[m[1]], part) for part in command]


def test_the_gates_file_expects_as_many_workers_as_compose_starts() -> None:
    gates = yaml.safe_load((COMPOSE / "gates.yaml").read_text(encoding="utf-8"))
    worker = services()["worker"]
    assert gates["components"]["load"]["expect_workers"] == worker["deploy"]["replicas"]
    assert gates["components"]["load"]["master_port"] == 5557
    assert "--master-port=5557" in worker["command"] and "--master-host=gate" in worker["command"]


def test_a_master_gate_and_two_workers_load_an_https_target_with_a_private_ca(
    ca: trustme.CA, target: str, tmp_path: Path
) -> None:
    port = closed_port()
    gate_dir, worker_dir = tmp_path / "gate", tmp_path / "worker"
    gate_dir.mkdir()
    worker_dir.mkdir()
    gates = yaml.safe_load((COMPOSE / "gates.yaml").read_text(encoding="utf-8"))
    load = gates["components"]["load"]
    load.update(master_bind_host="127.0.0.1", master_port=port, duration="3s", users=4)
    (gate_dir / "gates.yaml").write_text(yaml.safe_dump(gates), encoding="utf-8")
    ca.cert_pem.write_to_path(str(gate_dir / gates["tls"]["ca_bundle"]))

    env = {k: v for k, v in os.environ.items() if k not in (*CA_VARIABLES, "READINESS_TARGET")}
    worker_command = [
        f"--master-port={port}" if part == "--master-port=5557" else part
        for part in services()["worker"]["command"]
    ]
    worker_command = [
        "--master-host=127.0.0.1" if part == "--master-host=gate" else part
        for part in worker_command
    ]
    assert worker_command[0] == "locust"
    replicas = services()["worker"]["deploy"]["replicas"]
    logs = [(worker_dir / f"worker-{n}.log").open("wb") for n in range(replicas)]
    # Started before the master, as compose may: a worker asks for the locustfile (-f -)
    # until the master answers.
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", *worker_command], cwd=worker_dir, stdout=log, stderr=log, env=env
        )
        for log in logs
    ]
    gate_command = expanded(
        services()["gate"]["command"],
        {"READINESS_TARGET": target, "READINESS_LOAD_HOST": "127.0.0.1"},
    )
    assert gate_command[:2] == ["readiness-gate", "run"]
    try:
        gate = subprocess.run(
            [sys.executable, "-m", "readiness", *gate_command[1:]],
            cwd=gate_dir,
            capture_output=True,
            text=True,
            timeout=180,  # a hang guard: the run is bounded by its own waits
            env={**env, "NO_COLOR": "1"},
        )
        for worker in workers:
            worker.wait(30)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        for log in logs:
            log.close()
    assert gate.returncode == 0, gate.stdout[-3000:] + gate.stderr
    run_dir = (gate_dir / "reports" / "latest").resolve()
    text = (run_dir / "readiness.json").read_text(encoding="utf-8")
    assert '"load.error_ratio"' in text and '"outcome": "failed"' not in text
    assert '"outcome": "errored"' not in text
    for n in range(replicas):
        log = (worker_dir / f"worker-{n}.log").read_text(encoding="utf-8", errors="replace")
        assert "Got quit message from master" in log, log[-2000:]
        assert "CERTIFICATE_VERIFY_FAILED" not in log
    assert not list(worker_dir.glob("*.pem")), "the workers were given no CA file"
