"""TLS facts about an https target, with the standard library's ``ssl`` only.

Handshakes run unverified first (to see the certificate even when it is expired or for
another host), then verified against the trusted CAs to judge the chain.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import warnings
from dataclasses import dataclass

from cryptography import x509

VERSIONS = {"1.0": "TLSv1", "1.1": "TLSv1_1", "1.2": "TLSv1_2", "1.3": "TLSv1_3"}
ORDER = ["1.0", "1.1", "1.2", "1.3"]
_NAMES = {"TLSv1": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2", "TLSv1.3": "1.3"}


@dataclass(frozen=True)
class Certificate:
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer

    def days_left(self, now: dt.datetime) -> float:
        return (self.not_after - now).total_seconds() / 86400


def certificate_from_der(der: bytes) -> Certificate:
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns = tuple(san.get_values_for_type(x509.DNSName))
        ips = tuple(str(i) for i in san.get_values_for_type(x509.IPAddress))
    except x509.ExtensionNotFound:
        dns, ips = (), ()
    return Certificate(
        cert.subject.rfc4514_string(),
        cert.issuer.rfc4514_string(),
        cert.not_valid_before_utc,
        cert.not_valid_after_utc,
        dns,
        ips,
    )


def hostname_matches(host: str, dns_names: tuple[str, ...], ips: tuple[str, ...]) -> bool:
    """RFC 6125 matching on subjectAltName only (browsers ignore the CN): an IP literal
    matches an IP entry; a wildcard covers exactly one left-most label."""
    try:
        return str(ipaddress.ip_address(host)) in {str(ipaddress.ip_address(i)) for i in ips}
    except ValueError:
        pass
    host = host.lower().rstrip(".")
    for name in (n.lower().rstrip(".") for n in dns_names):
        if name == host:
            return True
        wildcard = name.startswith("*.") and name.count(".") >= 2 and "." in host
        if wildcard and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def _client(low: str = "1.0", high: str = "1.3") -> ssl.SSLContext:
    """An unverifying client that offers exactly the versions ``low``..``high``.

    SECLEVEL=0 lets OpenSSL 3 offer TLS 1.0/1.1 at all: the point is to learn whether the
    server still accepts them, not to use them.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1/1.1 enum members
        context.minimum_version = getattr(ssl.TLSVersion, VERSIONS[low])
        context.maximum_version = getattr(ssl.TLSVersion, VERSIONS[high])
    if low in ("1.0", "1.1"):
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


def _connect(host: str, port: int, context: ssl.SSLContext, timeout: float) -> ssl.SSLSocket:
    raw = socket.create_connection((host, port), timeout=timeout)
    try:
        server_name = None if _is_ip(host) else host
        return context.wrap_socket(raw, server_hostname=server_name)
    except BaseException:
        raw.close()
        raise


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class Handshake:
    version: str  # "1.2", "1.3"
    cipher: str
    certificate: Certificate


def negotiate(host: str, port: int, timeout: float) -> Handshake:
    """The best version the server agrees to, and its certificate (unverified)."""
    with _connect(host, port, _client(), timeout) as tls:
        der = tls.getpeercert(binary_form=True)
        version = _NAMES.get(tls.version() or "", tls.version() or "?")
        cipher = (tls.cipher() or ("?",))[0]
    if der is None:
        raise ssl.SSLError("the server sent no certificate")
    return Handshake(version, cipher, certificate_from_der(der))


def accepts(host: str, port: int, version: str, timeout: float) -> bool:
    """Whether the server completes a handshake at exactly ``version``."""
    try:
        with _connect(host, port, _client(version, version), timeout):
            return True
    except (ssl.SSLError, ConnectionError, TimeoutError):
        return False


def verify_chain(host: str, port: int, context: ssl.SSLContext, timeout: float) -> str | None:
    """None if the chain verifies against ``context`` (the run's trust store, the one every
    other client uses), else why not.

    The hostname is judged separately (``hostname_matches``), so it is not checked here. A
    verified handshake that fails for another reason (a server that only speaks TLS < 1.2,
    a reset) is a reason too: it must not error every TLS check through the fixture.
    """
    context.check_hostname = False
    try:
        with _connect(host, port, context, timeout):
            return None
    except ssl.SSLCertVerificationError as exc:
        return exc.verify_message or str(exc)
    except OSError as exc:  # ssl.SSLError included
        return f"verified handshake failed: {exc.__class__.__name__}: {exc}"
