"""HTTPS targets: a certificate the gate does not trust is a finding; a trusted CA works."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme
from helpers import server_tls

from readiness.demo import DemoServer


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_demo(ca: trustme.CA):
    with DemoServer("healthy", ssl_context=server_tls(ca)) as server:
        yield server


def _gates(tmp_path: Path, target: str, tls: str) -> Path:
    path = tmp_path / "tls.yaml"
    path.write_text(
        f"target: {target}\n{tls}\ncomponents:\n  smoke:\n    weight: 1\n"
        "    blocking: true\n    availability: {requests: 5}\n",
        encoding="utf-8",
    )
    return path


def test_untrusted_certificate_fails_reachability_not_unreachable(
    run_gate, https_demo, tmp_path: Path
) -> None:
    result = run_gate("--gates", str(_gates(tmp_path, https_demo.url, "")), "-q")
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    check = result.check("smoke.reachable")
    assert check["outcome"] == "failed" and "TLS handshake failed" in check["message"]
    assert result.readiness["unreachable"] is None


def test_trusted_ca_bundle_makes_it_go(
    run_gate, https_demo, ca: trustme.CA, tmp_path: Path
) -> None:
    ca.cert_pem.write_to_path(str(tmp_path / "staging-ca.pem"))
    gates = _gates(tmp_path, https_demo.url, "tls: {ca_bundle: staging-ca.pem}")
    result = run_gate("--gates", str(gates), "-q")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert result.readiness["target"].startswith("https://")


def test_bundled_healthy_demo_serves_https_with_its_own_ca(run_gate) -> None:
    result = run_gate("--component", "smoke", "-k", "reachable", "-q")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert result.readiness["target"].startswith("https://127.0.0.1:")
    assert (result.run_dir / "demo-ca.pem").read_text().startswith("-----BEGIN CERTIFICATE")


def test_missing_ca_bundle_is_a_config_error(run_gate, tmp_path: Path) -> None:
    gates = _gates(tmp_path, "https://127.0.0.1:9", "tls: {ca_bundle: nope.pem}")
    result = run_gate("--gates", str(gates))
    assert result.returncode == 2
    assert "tls.ca_bundle" in result.stderr and "nope.pem" in result.stderr
    assert "Traceback" not in result.stderr
