"""The trust store's pure part: which sources, in which order, said in one line; the PEM
union; the variables read from a given environment (readiness/plugin/trust.py)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import requests
import trustme

from readiness.config import ConfigError
from readiness.plugin import trust
from readiness.plugin.trust import Source, TrustStore

SYSTEM = Source("system store", "/etc/ssl/certs/ca-certificates.crt", key="/sys.pem")
BUNDLE = Source("tls.ca_bundle /g/ca.pem", "/g/ca.pem", key="/g/ca.pem", pem="A")
VAR = Source("SSL_CERT_FILE=/x.pem", "/x.pem", key="/x.pem", field="SSL_CERT_FILE")
SAME_AS_SYSTEM = Source("SSL_CERT_FILE=/link.pem", "/link.pem", key="/sys.pem")


def test_the_system_comes_first_then_the_configured_cas_then_the_variables() -> None:
    store = TrustStore(True, SYSTEM, (BUNDLE,), (VAR,))
    assert store.sources == (SYSTEM, BUNDLE, VAR)
    assert store.describe() == "system store + tls.ca_bundle /g/ca.pem + SSL_CERT_FILE=/x.pem"
    demo = store.with_ca(trust.DEMO_LABEL, "/run/demo-ca.pem", "B")
    assert [s.label for s in demo.sources] == [
        "system store", "tls.ca_bundle /g/ca.pem", "the demo's CA", "SSL_CERT_FILE=/x.pem",
    ]  # fmt: skip


def test_a_source_naming_what_is_already_in_is_left_out() -> None:
    store = TrustStore(True, SYSTEM, (), (SAME_AS_SYSTEM, VAR, VAR))
    assert store.sources == (SYSTEM, VAR)
    # The system's file stands for its hashed folder: SSL_CERT_DIR naming it adds nothing.
    system = Source("system store", "/usr/lib/ssl/cert.pem", key="/sys.pem", covers="/certs")
    folder = Source("SSL_CERT_DIR=/etc/ssl/certs", "/etc/ssl/certs", folder=True, key="/certs")
    assert TrustStore(True, system, (), (folder,)).sources == (system,)


def test_one_file_is_given_to_requests_as_it_is_more_need_one_file_made() -> None:
    assert TrustStore(True, SYSTEM).single_file == SYSTEM.path
    assert TrustStore(True, SYSTEM, (BUNDLE,)).single_file is None
    folder = Source("system store", "/etc/ssl/certs", folder=True)
    assert TrustStore(True, folder).single_file is None
    assert trust.TrustBundle(TrustStore(False, SYSTEM)).verify is False


def test_verification_off_keeps_the_store_for_the_tls_checks_and_says_so() -> None:
    store = TrustStore(False, SYSTEM, (BUNDLE,))
    assert store.describe() == (
        "system store + tls.ca_bundle /g/ca.pem (not enforced: tls.verify is false)"
    )


def _pem(ca: trustme.CA) -> str:
    return ca.cert_pem.bytes().decode()


def test_union_keeps_each_certificate_once_and_nothing_else() -> None:
    one, two = _pem(trustme.CA()), _pem(trustme.CA())
    noisy = f"# a comment\n{one}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    merged = trust.union([noisy, two, one.replace("\n", "\r\n")])
    assert trust.certificates(merged) == [one.strip(), two.strip()]
    assert "PRIVATE KEY" not in merged and "comment" not in merged


def test_only_the_configured_cas_travel_to_remote_workers() -> None:
    one = _pem(trustme.CA())
    store = TrustStore(True, SYSTEM, (Source("tls.ca_bundle x", "x", pem=one),), (VAR,))
    assert store.extra_pem == one
    assert TrustStore(True, SYSTEM, (), (VAR,)).extra_pem == ""


def test_variables_join_when_set_and_an_empty_one_is_unset(tmp_path: Path) -> None:
    (tmp_path / "a.pem").write_text(_pem(trustme.CA()), encoding="ascii")
    found = trust.variable_sources(
        {
            "SSL_CERT_FILE": str(tmp_path / "a.pem"),
            "SSL_CERT_DIR": f"{tmp_path}:",
            "REQUESTS_CA_BUNDLE": "",
            "CURL_CA_BUNDLE": "/not/read",
        }
    )
    assert [(s.label, s.folder) for s in found] == [
        (f"SSL_CERT_FILE={tmp_path / 'a.pem'}", False),
        (f"SSL_CERT_DIR={tmp_path}", True),
    ]


def test_a_variable_naming_nothing_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        trust.variable_sources({"REQUESTS_CA_BUNDLE": str(tmp_path / "nope.pem")})
    assert str(raised.value).startswith("REQUESTS_CA_BUNDLE: ")
    assert "does not exist" in str(raised.value)


def test_the_store_is_loaded_from_the_files_where_they_are(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    store = trust.from_config(True, str(tmp_path / "ca.pem"), environ={})
    assert store.describe() == f"system store + tls.ca_bundle {tmp_path / 'ca.pem'}"
    assert _pem(ca).strip() in store.pem
    assert store.context().cert_store_stats()["x509_ca"] > 1  # the system's and this one


def test_the_adapter_keeps_the_store_when_copied() -> None:
    context = TrustStore(True).context()
    adapter = trust.TrustAdapter(context)
    assert copy.copy(adapter).ssl_context is context
    session = requests.Session()
    trust.mount(session, TrustStore(True))
    assert isinstance(session.get_adapter("https://x"), trust.TrustAdapter)
    off = requests.Session()
    trust.mount(off, TrustStore(False))
    assert off.verify is False and not isinstance(off.get_adapter("https://x"), trust.TrustAdapter)
