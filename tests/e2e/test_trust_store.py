"""One trust store per run (readiness/plugin/trust.py): requests, the TLS probe, Chromium's
pre-check and the Locust workers trust the same CAs, namely the system's, tls.ca_bundle, and
SSL_CERT_FILE / SSL_CERT_DIR / REQUESTS_CA_BUNDLE when set. Real HTTPS servers on 127.0.0.1
with a CA made at test time, the real gate in a subprocess."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import trustme
from helpers import GateRunResult, closed_port, server_tls, write_gates
from security_apps import SecurityApp

from readiness.demo import WsgiServer
from readiness.plugin import trust
from readiness.plugin.trust import VARIABLES

# This machine's own values of the variables must not decide a test: "" is unset.
UNSET = dict.fromkeys(VARIABLES, "")
# The chain (the TLS probe) and two header checks (the shared requests session).
CHECKS = "cert_trusted or test_csp or nosniff"
HEADER_CHECKS = ("security.csp", "security.nosniff")


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_url(ca: trustme.CA) -> Iterator[str]:
    """The security tests' good app over HTTPS, with a certificate from ``ca``."""
    with WsgiServer(SecurityApp(), ssl_context=server_tls(ca)) as server:
        yield server.url


def _security(tmp_path: Path, url: str) -> Path:
    return write_gates(
        tmp_path, f"target: {url}\npages: [/]\ncomponents:\n  security: {{weight: 1}}\n"
    )


# A certificate's start, written out or inside a string literal (the locustfile's "\\n").
_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----[\\n\n]+MI")


def _files_with_certificates(run_dir: Path) -> dict[str, int]:
    """How many certificates each file of the run folder holds (a copy of the system's
    store would hold over a hundred)."""
    found = {}
    for path in run_dir.rglob("*"):
        if path.is_file():
            count = len(_CERTIFICATE.findall(path.read_bytes()))
            if count:
                found[path.name] = count
    return found


@pytest.mark.parametrize("variable", VARIABLES)
def test_a_ca_named_by_a_standard_variable_is_trusted_by_every_request(
    variable: str, run_gate, https_url: str, ca: trustme.CA, tmp_path: Path
) -> None:
    folder = tmp_path / "cas"
    folder.mkdir()
    ca.cert_pem.write_to_path(str(folder / "test-ca.pem"))  # not a hashed name: read as is
    value = str(folder) if variable == "SSL_CERT_DIR" else str(folder / "test-ca.pem")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**UNSET, variable: value, "TMPDIR": str(scratch)}
    result = run_gate("--gates", str(_security(tmp_path, https_url)), "-q", "-k", CHECKS, env=env)
    trusted = result.check("security.cert.trusted")
    assert trusted["outcome"] == "passed", trusted["message"]
    assert f"system store + {variable}={value}" in json.dumps(trusted)  # which store, said
    for check_id in HEADER_CHECKS:  # the same run's requests saw the headers
        check = result.check(check_id)
        assert check["outcome"] == "passed", check["message"]
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    # The store is referenced, never copied into the run folder; the one temporary file
    # requests was given (the system's bundle plus the test CA) is gone with the run.
    assert _files_with_certificates(result.run_dir) == {}
    assert list(scratch.glob("readiness-trust-*")) == []


def test_without_the_ca_the_chain_and_the_requests_fail_together(
    run_gate, https_url: str, tmp_path: Path
) -> None:
    result = run_gate("--gates", str(_security(tmp_path, https_url)), "-q", "-k", CHECKS, env=UNSET)
    trusted = result.check("security.cert.trusted")
    assert trusted["outcome"] == "failed"
    assert "unable to get local issuer certificate" in trusted["message"]
    for check_id in HEADER_CHECKS:  # not observed: never "missing", never passed
        check = result.check(check_id)
        assert check["outcome"] == "errored", check
        assert "CERTIFICATE_VERIFY_FAILED" in check["message"]
        assert "missing" not in check["message"].lower()


def test_the_demo_the_gate_serves_is_trusted_without_ca_bundle(run_gate, tmp_path: Path) -> None:
    gates = write_gates(tmp_path, "target: demo\ncomponents:\n  smoke: {weight: 1}\n")
    result = run_gate("--gates", str(gates), "--demo", "healthy", "-q", "-k", "reachable")
    assert result.check("smoke.reachable")["outcome"] == "passed", result.stdout[-2000:]
    assert result.readiness["target"].startswith("https://")


def _load_gates(tmp_path: Path, url: str, tls: str, client: str) -> Path:
    return write_gates(
        tmp_path,
        f"target: {url}\n{tls}components:\n  load:\n    weight: 1\n    users: 2\n"
        f"    duration: 2s\n    workers: 1\n    client: {client}\n    endpoints: [{{path: /}}]\n",
    )


def _locustfile(result: GateRunResult) -> str:
    (found,) = result.run_dir.rglob("locustfile.py")
    return found.read_text(encoding="utf-8")


def test_a_locust_worker_trusts_the_ca_from_the_pem_in_its_locustfile(
    run_gate, https_url: str, ca: trustme.CA, tmp_path: Path
) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    ca.cert_pem.write_to_path(str(certs / "staging-ca.pem"))
    gates = _load_gates(tmp_path, https_url, "tls: {ca_bundle: certs/staging-ca.pem}\n", "fast")
    result = run_gate("--gates", str(gates), env=UNSET)
    check = result.check("load.error_ratio")
    assert check["outcome"] == "passed", check["message"]
    locustfile = _locustfile(result)
    # The CA's text travels in the locustfile, not a path of this machine's (a remote
    # worker has no such file).
    assert ca.cert_pem.bytes().decode().strip().splitlines()[1] in locustfile
    assert str(certs) not in locustfile and "staging-ca.pem" not in locustfile
    assert _files_with_certificates(result.run_dir) == {"locustfile.py": 1}


@pytest.mark.parametrize(("variable", "outcome"), [("SSL_CERT_FILE", "passed"), (None, "warned")])
def test_a_locust_worker_trusts_the_standard_variables_and_refuses_an_unknown_ca(
    variable: str | None, outcome: str, run_gate, https_url: str, ca: trustme.CA, tmp_path: Path
) -> None:
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    env = {**UNSET, variable: str(tmp_path / "ca.pem")} if variable else UNSET
    result = run_gate("--gates", str(_load_gates(tmp_path, https_url, "", "requests")), env=env)
    check = result.check("load.error_ratio")
    assert check["outcome"] == outcome, check["message"]


@pytest.mark.parametrize(
    ("setting", "env", "named"),
    [
        ("", {"SSL_CERT_FILE": "{tmp}/nope.pem"}, "SSL_CERT_FILE: {tmp}/nope.pem does not exist"),
        ("", {"REQUESTS_CA_BUNDLE": "{tmp}/junk.pem"}, "REQUESTS_CA_BUNDLE: {tmp}/junk.pem"),
        ("tls: {ca_bundle: junk.pem}\n", {}, "tls.ca_bundle: {tmp}/junk.pem cannot be used"),
        (
            "components:\n  security: {weight: 1, ca_bundle: junk.pem}\n",
            {},
            "components.security.ca_bundle: moved to tls.ca_bundle",
        ),
    ],
    ids=["missing-variable", "junk-variable", "junk-ca-bundle", "security-ca-bundle"],
)
def test_a_bad_trust_source_is_a_one_line_config_error(
    setting: str, env: dict[str, str], named: str, run_gate, tmp_path: Path
) -> None:
    (tmp_path / "junk.pem").write_text("not a certificate\n", encoding="utf-8")
    body = f"target: https://127.0.0.1:9\n{setting}"
    if "components" not in setting:
        body += "components:\n  smoke: {weight: 1}\n"
    gates = write_gates(tmp_path, body)
    filled = {k: v.format(tmp=tmp_path) for k, v in env.items()}
    result = run_gate("--gates", str(gates), env={**UNSET, **filled})
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr
    assert named.format(tmp=tmp_path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_session_of_its_own_and_the_doctor_see_the_same_store(
    https_url: str, ca: trustme.CA, tmp_path: Path
) -> None:
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    trusting = trust.from_config(True, str(tmp_path / "ca.pem"), environ={})
    system_only = trust.from_config(True, None, environ={})
    with requests.Session() as session:
        trust.mount(session, trusting)
        assert session.get(https_url + "/", timeout=5).status_code == 200
    with requests.Session() as session, pytest.raises(requests.exceptions.SSLError):
        trust.mount(session, system_only)
        session.get(https_url + "/", timeout=5)
    good = trust.diagnose(https_url, trusting, 5)
    assert good.verifies and good.store == trusting.describe()
    assert good.days_left is not None and good.days_left > 300  # trustme: about ten years
    unknown = trust.diagnose(https_url, system_only, 5)
    assert not unknown.verifies and "unable to get local issuer" in (unknown.problem or "")
    assert unknown.days_left == pytest.approx(good.days_left, abs=1)  # read all the same
    closed = trust.diagnose(f"https://127.0.0.1:{closed_port()}", trusting, 5)
    assert closed.error and "Connection refused" in closed.error and not closed.verifies
