"""The run's one trust store: the CAs every client of the target trusts.

Every client takes its trust from here, so one certificate is judged the same way by all of
them: requests (the shared HTTP session, every session copied from it, the crawl) through
``verify=`` (``TrustBundle``; ``mount`` for a session of its own); the TLS probe behind
``security.cert.trusted``, the check that lets Chromium skip its own verification, and the
doctor through ``TrustStore.context()``; each Locust worker, which rebuilds the same store at
start from its own system store, its own variables and ``extra_pem`` (suites/load/template.py:
a remote worker has neither the gate nor the master's files).

The store is, in this order, each source adding to the ones before it:

1. the system store: OpenSSL's default CA file (Debian: /etc/ssl/certs/ca-certificates.crt),
   else its default CA folder, else certifi's bundle (a system without either, such as
   Windows or a python.org build on macOS);
2. ``tls.ca_bundle`` (a PEM file, relative to the gates file);
3. the demo's CA, when the gate itself serves the bundled healthy demo (it made that CA);
4. the standard variables, when set and not empty: SSL_CERT_FILE, SSL_CERT_DIR (folders,
   separated by ``os.pathsep``), REQUESTS_CA_BUNDLE (a file or a folder).

OpenSSL alone lets SSL_CERT_FILE *replace* the system file, and requests given a bundle path
ignores SSL_CERT_FILE; here they all add. A source naming a file already in the store (this
machine's SSL_CERT_FILE pointing at the system bundle) is left out. ``tls.verify: false``
keeps the sources for the TLS checks (they still report an untrusted chain) while every
client accepts any certificate. Nothing goes into the run folder: requests is given the
system's own file when that is the whole store, else one temporary file outside the run
folder, removed when the run ends (``TrustBundle.remove``).

Pure: ``plan_store`` (which sources, in which order), ``TrustStore.describe()`` (them in one
line: "system store + tls.ca_bundle /g/certs/ca.pem + SSL_CERT_FILE=/x"), ``certificates``
and ``union`` (PEM text). I/O at the edge: ``from_config`` (reads and checks every source
once, raising ConfigError naming a bad one), ``TrustStore.pem``/``context()``,
``TrustBundle``, ``problem`` and ``diagnose`` (handshakes).

For ``readiness-gate doctor`` ("which store, does the chain verify, days to expiry")::

    store = run.trust          # GateRun.prepare built it: trust.from_config(verify, ca_bundle)
    found = trust.diagnose("https://host/", store, timeout_s=5.0)
    found.store       # "system store + tls.ca_bundle /g/ca.pem"
    found.verifies    # chain and host name verify against the store
    found.problem     # why not, in one line (None when it verifies)
    found.days_left   # days until the certificate expires (negative: expired), or None
    found.error       # set when no TLS handshake happened at all (refused, timeout)

(With the bundled demo, the demo's CA joins when the demo starts: ``store.with_ca(...)``.)
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import socket
import ssl
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter

from readiness.config import ConfigError

# The standard variables, in the order they join the store.
VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE")
DEMO_LABEL = "the demo's CA"
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")


@dataclass(frozen=True)
class Source:
    """One place CA certificates come from: a PEM file or a folder of them."""

    label: str  # how describe() names it
    path: str
    folder: bool = False
    key: str = ""  # the resolved path: a source naming what is already in is left out
    covers: str = ""  # another resolved path it stands for (the system's hashed folder)
    field: str = ""  # the gates.yaml key or variable a bad source is reported under
    pem: str = ""  # the text, read once (a configured CA: what a remote worker is given)


def plan_store(
    system: Source | None, configured: Sequence[Source], variables: Sequence[Source]
) -> tuple[Source, ...]:
    """The store's sources, in order: the system's, the configured CAs, the variables; a
    source whose file or folder is already in is left out."""
    seen: set[str] = set()
    kept: list[Source] = []
    for source in (*([system] if system else []), *configured, *variables):
        key = source.key or source.path
        if key not in seen:
            seen.update(filter(None, (key, source.covers)))
            kept.append(source)
    return tuple(kept)


def certificates(text: str) -> list[str]:
    """The PEM certificate blocks in ``text`` (comments, keys and CRLs around them left out)."""
    return _PEM.findall(text)


def union(texts: Iterable[str]) -> str:
    """Every certificate of ``texts`` once, in the order first seen, as one PEM text."""
    seen: dict[str, str] = {}
    for text in texts:
        for block in certificates(text):
            seen.setdefault("".join(block.split()), block)
    return "".join(block + "\n" for block in seen.values())


@dataclass(frozen=True)
class TrustStore:
    """The sources as given; ``sources`` is the store they make (``plan_store``)."""

    verify: bool = True  # false: clients accept any certificate (tls.verify: false)
    system: Source | None = None
    configured: tuple[Source, ...] = ()  # tls.ca_bundle, then the demo's CA
    variables: tuple[Source, ...] = ()

    @property
    def sources(self) -> tuple[Source, ...]:
        return plan_store(self.system, self.configured, self.variables)

    @property
    def extra_pem(self) -> str:
        """The configured CAs as PEM text (tls.ca_bundle, the demo's): what a remote client
        adds to its own system store. Empty when the system and the variables are all."""
        return union(s.pem for s in self.configured)

    @property
    def single_file(self) -> str | None:
        """The one file that is the whole store (requests can be given it as it is)."""
        (only, *rest) = self.sources or (None,)
        return only.path if only is not None and not rest and not only.folder else None

    def describe(self) -> str:
        """The store in one line, for notes, evidence and the doctor."""
        line = " + ".join(s.label for s in self.sources) or "no CA at all"
        return line if self.verify else f"{line} (not enforced: tls.verify is false)"

    def with_ca(self, label: str, path: str, pem: str) -> TrustStore:
        """This store plus one more configured CA (the demo's, made at start-up)."""
        added = Source(label, path, key=os.path.realpath(path), field=label, pem=pem)
        return replace(self, configured=(*self.configured, added))

    @functools.cached_property
    def pem(self) -> str:
        """Every certificate of the store, once, as PEM text (read from the sources)."""
        return union(_text(source) for source in self.sources)

    def context(self) -> ssl.SSLContext:
        """A new client context (chain and host name verified) holding the store. New each
        call: a caller may change it (the TLS probe judges the host name on its own)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self.pem:
            context.load_verify_locations(cadata=self.pem)
        return context


def system_source(paths: ssl.DefaultVerifyPaths | None = None) -> Source:
    """The system store: OpenSSL's compiled-in file, else its folder (not the variables,
    which join on their own), else certifi's bundle. Where both exist the folder holds the
    file's certificates under hashed names (Debian, Alpine, Fedora): the file stands for it,
    and SSL_CERT_DIR naming that folder adds nothing."""
    paths = paths or ssl.get_default_verify_paths()
    if os.path.isfile(paths.openssl_cafile):
        cafile, folder = paths.openssl_cafile, os.path.realpath(paths.openssl_capath)
        return Source("system store", cafile, key=os.path.realpath(cafile), covers=folder)
    if os.path.isdir(paths.openssl_capath):
        capath = paths.openssl_capath
        return Source("system store", capath, folder=True, key=os.path.realpath(capath))
    import certifi  # requests' own fallback, installed with it

    bundle = certifi.where()
    return Source("certifi bundle (no system store found)", bundle, key=os.path.realpath(bundle))


def variable_sources(environ: Mapping[str, str]) -> list[Source]:
    """The standard variables that are set, as sources; ConfigError for one naming nothing."""
    found: list[Source] = []
    for name in VARIABLES:
        value = environ.get(name, "").strip()
        parts = value.split(os.pathsep) if name == "SSL_CERT_DIR" else [value]
        for part in filter(None, parts):
            if not os.path.exists(part):
                raise ConfigError(
                    f"{part} does not exist: point it at a PEM file of CA certificates"
                    " (or a folder of them), or unset it",
                    field=name,
                )
            label, key = f"{name}={part}", os.path.realpath(part)
            found.append(Source(label, part, os.path.isdir(part), key=key, field=name))
    return found


def from_config(
    verify: bool, ca_bundle: str | None, environ: Mapping[str, str] = os.environ
) -> TrustStore:
    """The run's store from gates.yaml's ``tls`` (ca_bundle already resolved by the loader;
    ``demo`` adds nothing here: the demo's CA joins when the demo starts) and ``environ``.
    Every source a user named is read and checked now: a bad one is a ConfigError naming it,
    before any traffic."""
    configured: tuple[Source, ...] = ()
    if ca_bundle is not None and ca_bundle != "demo":
        label, key = f"tls.ca_bundle {ca_bundle}", os.path.realpath(ca_bundle)
        source = Source(label, ca_bundle, key=key, field="tls.ca_bundle")
        configured = (replace(source, pem=_checked(source)),)
    variables = tuple(variable_sources(environ))
    for source in variables:
        _checked(source)
    return TrustStore(verify, system_source(), configured, variables)


def _text(source: Source) -> str:
    """A source's PEM text: the file's, or every file's of a folder (a hashed folder holds
    each certificate under its own name; ``union`` keeps it once)."""
    if source.pem:
        return source.pem
    path = Path(source.path)
    files = sorted(p for p in path.iterdir() if p.is_file()) if source.folder else [path]
    texts = []
    for file in files:
        try:
            texts.append(file.read_text(encoding="ascii", errors="replace"))
        except OSError:
            continue  # one unreadable file of a folder is not the whole folder
    return "".join(texts)


def _checked(source: Source) -> str:
    """The source's text, once Python's ssl has read a certificate out of it."""
    what = f"{source.path} (a folder)" if source.folder else source.path
    try:
        text = _text(source)
        if not certificates(text):
            raise ValueError("no PEM certificate in it")
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=union([text]))
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise ConfigError(
            f"{what} cannot be used as CA certificates ({exc}): give a PEM file of CA certificates",
            field=source.field,
        ) from None
    return text


class TrustBundle:
    """requests' ``verify=`` for a store: False when verification is off; the one file that
    is the whole store as it is (no copy); else the store written once to a temporary file
    outside the run folder, which ``remove`` deletes at the run's end."""

    def __init__(self, store: TrustStore) -> None:
        self.store = store
        self._written: str | None = None

    @property
    def verify(self) -> bool | str:
        if not self.store.verify:
            return False
        if self.store.single_file is not None:
            return self.store.single_file
        if self._written is None:
            handle, name = tempfile.mkstemp(prefix="readiness-trust-", suffix=".pem")
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(self.store.pem)
            self._written = name
        return self._written

    def remove(self) -> None:
        if self._written is not None:
            Path(self._written).unlink(missing_ok=True)
            self._written = None


class TrustAdapter(HTTPAdapter):
    """requests' https adapter verifying against a store's context alone, with no file:
    requests would otherwise load certifi's bundle (or the ``verify=`` path) into every
    verified connection."""

    # copy.copy and pickling rebuild an adapter from these: the store travels with it.
    __attrs__ = [*HTTPAdapter.__attrs__, "ssl_context"]  # noqa: RUF012 (requests' own type)

    def __init__(self, ssl_context: ssl.SSLContext, **kwargs: Any) -> None:
        self.ssl_context = ssl_context
        super().__init__(**kwargs)

    def build_connection_pool_key_attributes(
        self, request: Any, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host, pool = super().build_connection_pool_key_attributes(request, verify, cert)
        if verify is True:  # a caller's verify=False or verify=PATH is its own choice
            pool["ssl_context"] = self.ssl_context
        return host, pool

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        super().cert_verify(conn, url, verify, cert)
        if verify is True:  # the store is the context: no bundle file added to it
            conn.ca_certs = conn.ca_cert_dir = None


def mount(session: Any, store: TrustStore) -> None:
    """Make a requests Session of its own (the doctor's) verify against ``store``, in memory.
    The run's sessions take ``GateRun.verify`` instead: a session copied from them
    (``fresh.verify = http.verify``, its own adapters) then keeps the store too."""
    session.verify = store.verify
    # With the environment trusted, requests would turn REQUESTS_CA_BUNDLE into verify=PATH
    # (that file alone) for every request; the store holds it already. (Proxies from the
    # environment go too: a gate measures the target, not a proxy in front of it.)
    session.trust_env = False
    if store.verify:
        session.mount("https://", TrustAdapter(store.context()))


def problem(url: str, context: ssl.SSLContext, timeout_s: float) -> str:
    """ "" if the certificate ``url``'s host presents verifies against ``context`` (chain and
    host name, as every client checks them), else why not, in one line."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    try:
        with (
            socket.create_connection((host, port), timeout=timeout_s) as sock,
            context.wrap_socket(sock, server_hostname=host),
        ):
            return ""
    except ssl.SSLCertVerificationError as exc:
        return exc.verify_message or str(exc)
    except (OSError, ssl.SSLError) as exc:
        return f"{exc.__class__.__name__}: {exc}"


@dataclass(frozen=True)
class Diagnosis:
    """What the doctor says of the target's certificate under the run's store."""

    store: str  # TrustStore.describe()
    problem: str | None = None  # None: chain and host name verify
    days_left: float | None = None  # until the certificate's notAfter; negative: expired
    error: str | None = None  # no handshake at all (refused, timeout, not TLS)
    not_after: dt.datetime | None = None

    @property
    def verifies(self) -> bool:
        return self.error is None and self.problem is None


def diagnose(url: str, store: TrustStore, timeout_s: float) -> Diagnosis:
    """Which store, does the chain verify against it, how many days until the certificate
    expires: two handshakes with ``url``'s host, one unverified (to read the certificate even
    when it does not verify), one against the store. Never raises for the target's faults."""
    from cryptography import x509

    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    unverified = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout_s) as sock,
            unverified.wrap_socket(sock, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as exc:
        return Diagnosis(store.describe(), error=f"{exc.__class__.__name__}: {exc}")
    not_after = x509.load_der_x509_certificate(der).not_valid_after_utc if der else None
    days = None
    if not_after is not None:
        days = (not_after - dt.datetime.now(dt.UTC)).total_seconds() / 86400
    found = problem(url, store.context(), timeout_s)
    return Diagnosis(store.describe(), found or None, days, not_after=not_after)
