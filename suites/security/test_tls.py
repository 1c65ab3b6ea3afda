"""TLS checks (https targets): protocol versions and the certificate."""

from __future__ import annotations

from readiness.suite import Threshold, check, evidence

from . import tlsinfo
from .conftest import TlsFacts, https_only
from .judgement import Judgement
from .record import judged

VERSION_WHY = "TLS below 1.2 has known attacks (BEAST, POODLE-style downgrades) and weak ciphers."
CERT_WHY = "Browsers refuse an expired, untrusted or mismatched certificate with a full-page error."


def _handshake(tls: TlsFacts) -> tlsinfo.Handshake:
    # Declared as observed (observes="tls"): the engine errored the check if it failed.
    assert tls.handshake is not None
    return tls.handshake


def _cert_evidence(cert: tlsinfo.Certificate) -> list:
    return [
        evidence.json(
            "certificate",
            {
                "subject": cert.subject,
                "issuer": cert.issuer,
                "not_before": cert.not_before.isoformat(),
                "not_after": cert.not_after.isoformat(),
                "dns_names": list(cert.dns_names),
                "ip_addresses": list(cert.ip_addresses),
            },
        )
    ]


@check(
    "security.tls.version",
    title="Negotiated TLS version meets the minimum",
    blocking=True,
    observes="tls",
    applies=https_only,
)
def test_tls_version(check, tls: TlsFacts, settings, target: str) -> None:
    hs = _handshake(tls)
    ok = tlsinfo.ORDER.index(hs.version) >= tlsinfo.ORDER.index(settings.tls_min)
    problems = () if ok else (f"TLS {hs.version} is below the minimum {settings.tls_min}",)
    verdict = Judgement(ok, f"TLS {hs.version} ({hs.cipher})", VERSION_WHY, problems)
    judged(check, verdict, target, f"TLS {hs.version}", expected=f">= TLS {settings.tls_min}")


@check(
    "security.tls.legacy",
    title="Versions below the minimum are refused",
    blocking=True,
    observes="tls",
    applies=https_only,
)
def test_tls_legacy(check, tls: TlsFacts, settings, target: str) -> None:
    _handshake(tls)
    accepted = [v for v, yes in tls.below_minimum_accepted.items() if yes]
    problems = tuple(f"TLS {v} still accepted" for v in accepted)
    tried = ", ".join(tls.below_minimum_accepted) or "none below the minimum"
    verdict = Judgement(not accepted, f"tried {tried}", VERSION_WHY, problems)
    seen = ", ".join(
        f"TLS {v}: {'accepted' if a else 'refused'}" for v, a in tls.below_minimum_accepted.items()
    )
    judged(check, verdict, target, seen, expected=f"only TLS {settings.tls_min}+")


@check(
    "security.cert.valid",
    title="Certificate not expired",
    blocking=True,
    observes="tls",
    applies=https_only,
)
def test_cert_valid(check, tls: TlsFacts, target: str) -> None:
    cert = _handshake(tls).certificate
    problems = []
    if cert.not_after <= tls.now:
        problems.append(f"expired on {cert.not_after:%Y-%m-%d}")
    if cert.not_before > tls.now:
        problems.append(f"not valid before {cert.not_before:%Y-%m-%d}")
    verdict = Judgement(
        not problems, f"valid until {cert.not_after:%Y-%m-%d}", CERT_WHY, tuple(problems)
    )
    judged(
        check,
        verdict,
        target,
        f"notAfter {cert.not_after.isoformat()}",
        expected="within its validity period",
        extra=_cert_evidence(cert),
    )


@check(
    "security.cert.expiry",
    title="Certificate not close to expiry",
    observes="tls",
    applies=https_only,
)
def test_cert_expiry(check, tls: TlsFacts, settings, target: str) -> None:
    cert = _handshake(tls).certificate
    days = round(cert.days_left(tls.now), 1)
    warn = float(settings.cert_warn_days)
    check.metric(
        days,
        unit="days",
        threshold=Threshold(good=warn, poor=0, higher_is_better=True),
        message=f"{days:g} days left (warn under {warn:g}, fail when expired)",
        evidence=[
            evidence.url("URL", target),
            evidence.text("why it matters", CERT_WHY),
            *_cert_evidence(cert),
        ],
    )


@check(
    "security.cert.hostname",
    title="Certificate matches the host name",
    blocking=True,
    observes="tls",
    applies=https_only,
)
def test_cert_hostname(check, tls: TlsFacts, target: str) -> None:
    cert = _handshake(tls).certificate
    ok = tlsinfo.hostname_matches(tls.host, cert.dns_names, cert.ip_addresses)
    names = ", ".join([*cert.dns_names, *cert.ip_addresses]) or "(no subjectAltName)"
    problems = () if ok else (f"{tls.host} is not among {names}",)
    verdict = Judgement(ok, f"{tls.host} in subjectAltName", CERT_WHY, problems)
    judged(check, verdict, target, names, expected=tls.host, extra=_cert_evidence(cert))


@check(
    "security.cert.trusted",
    title="Certificate chain is trusted",
    blocking=True,
    observes="tls",
    applies=https_only,
)
def test_cert_trusted(check, tls: TlsFacts, target: str, trust) -> None:
    cert = _handshake(tls).certificate
    ok = tls.chain_error is None
    store = trust.describe()  # the run's one store: the one requests used too
    verdict = Judgement(
        ok,
        f"chain verifies against {store}",
        CERT_WHY,
        () if ok else (f"not trusted: {tls.chain_error}",),
    )
    judged(
        check,
        verdict,
        target,
        tls.chain_error or "verified",
        expected=f"trusted by {store}",
        extra=_cert_evidence(cert),
    )


@check(
    "security.cert.self_signed",
    title="Certificate is not self-signed",
    observes="tls",
    applies=https_only,
)
def test_cert_self_signed(check, tls: TlsFacts, target: str) -> None:
    cert = _handshake(tls).certificate
    problems = ("self-signed: issuer equals subject",) if cert.self_signed else ()
    verdict = Judgement(not cert.self_signed, f"issued by {cert.issuer}", CERT_WHY, problems)
    judged(
        check, verdict, target, cert.issuer, expected="issued by a CA", extra=_cert_evidence(cert)
    )
