"""TLS checks against real HTTPS servers on 127.0.0.1, with certificates made at test time:
valid, expired, expiring soon, wrong host, self-signed, untrusted; TLS 1.2-only, 1.3-capable,
1.3-only, TLS 1.0-accepting and TLS 1.0-only servers."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from security_apps import SecurityApp
from test_security_apps import outcomes, security_gates

from readiness.demo import WsgiServer

NOW = dt.datetime.now(dt.UTC)
TLS_CHECKS = "tls or cert"  # -k: only the TLS checks run (the others need a trusted page)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _context(low: str = "1.2", high: str = "1.3") -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        versions = {"1.0": "TLSv1", "1.2": "TLSv1_2", "1.3": "TLSv1_3"}
        context.minimum_version = getattr(ssl.TLSVersion, versions[low])
        context.maximum_version = getattr(ssl.TLSVersion, versions[high])
    if low == "1.0":
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let OpenSSL 3 serve TLS 1.0 at all
    return context


def _self_signed(tmp_path: Path) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "self.pem", tmp_path / "self.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


@pytest.fixture
def https_server(ca: trustme.CA) -> Iterator[Callable[..., str]]:
    servers: list[WsgiServer] = []

    def start(context: ssl.SSLContext, *names: str, **cert_options) -> str:
        if names:
            ca.issue_cert(*names, **cert_options).configure_cert(context)
        servers.append(WsgiServer(SecurityApp(), ssl_context=context).start())
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


def _run(run_gate, tmp_path: Path, url: str, ca: trustme.CA | None, extra: str = ""):
    gates = security_gates(tmp_path, url, ca, extra)
    return run_gate("--gates", str(gates), "-q", "-k", TLS_CHECKS)


def test_valid_certificate_passes_every_tls_check(run_gate, https_server, ca, tmp_path) -> None:
    url = https_server(_context(), "127.0.0.1")
    result = _run(run_gate, tmp_path, url, ca)
    seen = outcomes(result)
    assert set(seen) == {
        "security.tls.version", "security.tls.legacy", "security.cert.valid",
        "security.cert.expiry", "security.cert.hostname", "security.cert.trusted",
        "security.cert.self_signed",
    }  # fmt: skip
    assert set(seen.values()) == {"passed"}, seen
    assert result.returncode == 0
    assert "TLS 1.3" in result.check("security.tls.version")["message"]


def test_expired_certificate_blocks(run_gate, https_server, ca, tmp_path) -> None:
    url = https_server(
        _context(), "127.0.0.1",
        not_before=NOW - dt.timedelta(days=90), not_after=NOW - dt.timedelta(days=2),
    )  # fmt: skip
    result = _run(run_gate, tmp_path, url, ca)
    assert result.returncode == 1
    valid = result.check("security.cert.valid")
    assert valid["outcome"] == "failed" and "expired on" in valid["message"]
    assert result.check("security.cert.expiry")["value"] < 0
    assert result.check("security.cert.expiry")["outcome"] == "warned"  # advisory by default
    assert "expired" in result.check("security.cert.trusted")["message"]


def test_certificate_expiring_soon_warns(run_gate, https_server, ca, tmp_path) -> None:
    url = https_server(_context(), "127.0.0.1", not_after=NOW + dt.timedelta(days=10))
    result = _run(run_gate, tmp_path, url, ca, "    cert_warn_days: 21\n")
    assert result.check("security.cert.expiry")["outcome"] == "warned"
    assert result.check("security.cert.valid")["outcome"] == "passed"
    assert result.returncode == 0


def test_wrong_hostname_fails(run_gate, https_server, ca, tmp_path) -> None:
    url = https_server(_context(), "other.example")
    result = _run(run_gate, tmp_path, url, ca)
    check = result.check("security.cert.hostname")
    assert check["outcome"] == "failed"
    assert "127.0.0.1 is not among other.example" in check["message"]
    assert result.check("security.cert.trusted")["outcome"] == "passed"


def test_untrusted_ca_fails_trust_and_a_ca_bundle_fixes_it(
    run_gate, https_server, ca, tmp_path
) -> None:
    url = https_server(_context(), "127.0.0.1")
    result = _run(run_gate, tmp_path, url, None)
    assert result.check("security.cert.trusted")["outcome"] == "failed"
    assert result.check("security.cert.hostname")["outcome"] == "passed"
    # tls.ca_bundle (relative to the gates file) trusts the staging CA, for every client.
    result = _run(run_gate, tmp_path, url, ca)
    assert result.check("security.cert.trusted")["outcome"] == "passed"


def test_self_signed_certificate_is_reported(run_gate, https_server, tmp_path) -> None:
    context = _context()
    context.load_cert_chain(*_self_signed(tmp_path))
    result = _run(run_gate, tmp_path, https_server(context), None)
    assert result.check("security.cert.self_signed")["outcome"] == "warned"
    assert result.check("security.cert.trusted")["outcome"] == "failed"


@pytest.mark.parametrize(
    ("low", "high", "version", "legacy"),
    [("1.2", "1.2", "failed", "failed"), ("1.2", "1.3", "passed", "failed"),
     ("1.3", "1.3", "passed", "passed")],
    ids=["tls12-only", "tls13-capable", "tls13-only"],
)  # fmt: skip
def test_minimum_tls_13(run_gate, https_server, ca, tmp_path, low, high, version, legacy) -> None:
    url = https_server(_context(low, high), "127.0.0.1")
    result = _run(run_gate, tmp_path, url, ca, '    tls_min: "1.3"\n')
    assert result.check("security.tls.version")["outcome"] == version
    assert result.check("security.tls.legacy")["outcome"] == legacy


def test_tls_10_still_accepted_fails_legacy(run_gate, https_server, ca, tmp_path) -> None:
    url = https_server(_context("1.0", "1.3"), "127.0.0.1")
    result = _run(run_gate, tmp_path, url, ca)
    legacy = result.check("security.tls.legacy")
    assert legacy["outcome"] == "failed"
    assert "TLS 1.0 still accepted" in legacy["message"]
    assert "TLS 1.1 still accepted" in legacy["message"]
    assert result.check("security.tls.version")["outcome"] == "passed"


def test_tls_10_only_server_fails_its_checks_instead_of_erroring(
    run_gate, https_server, ca, tmp_path
) -> None:
    # The verified handshake (for the chain) cannot agree on a version with this server: that
    # is a failed trust check with its reason, not an error in every TLS check.
    url = https_server(_context("1.0", "1.0"), "127.0.0.1")
    seen = outcomes(_run(run_gate, tmp_path, url, ca))
    assert not [i for i, o in seen.items() if o in ("errored", "skipped")], seen
    assert seen["security.tls.version"] == "failed"
    assert seen["security.tls.legacy"] == "failed"
    assert seen["security.cert.trusted"] == "failed"
