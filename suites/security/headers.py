"""Judges for single-value security headers: HSTS, framing, nosniff, Referrer-Policy,
Permissions-Policy, Cross-Origin-Opener-Policy, X-XSS-Protection. Pure: strings in, verdicts out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import csp
from .judgement import Judgement

SIX_MONTHS_S = 15_552_000  # 180 days: Mozilla's and the HSTS preload list's floor


@dataclass(frozen=True)
class Hsts:
    max_age: int | None  # None: absent or unparsable
    include_subdomains: bool = False
    preload: bool = False
    valid: bool = True


def parse_hsts(value: str | None) -> Hsts:
    """RFC 6797 §6.1: directives split on ';', names case-insensitive, max-age required once."""
    if value is None:
        return Hsts(None, valid=False)
    seen: dict[str, str | None] = {}
    for part in value.split(";"):
        name, eq, arg = part.strip().partition("=")
        name = name.strip().lower()
        if not name:
            continue
        if name in seen:
            return Hsts(None, valid=False)  # a repeated directive makes the header invalid
        seen[name] = arg.strip().strip('"') if eq else None
    age = seen.get("max-age")
    if age is None or not age.isdigit():
        return Hsts(None, valid=False)
    return Hsts(int(age), "includesubdomains" in seen, "preload" in seen)


HSTS_WHY = (
    "HSTS makes browsers use HTTPS for this host on every later visit, so a network attacker"
    " cannot downgrade the first request of a session to plain HTTP."
)


def judge_hsts(value: str | None, min_age_s: int, https: bool) -> Judgement:
    if not https:
        return Judgement(False, "not served over HTTPS", HSTS_WHY, ("HSTS needs HTTPS",))
    parsed = parse_hsts(value)
    if value is None:
        return Judgement(False, "no Strict-Transport-Security", HSTS_WHY, ("HSTS missing",))
    if not parsed.valid or parsed.max_age is None:
        return Judgement(False, f"invalid HSTS {value!r}", HSTS_WHY, ("HSTS header invalid",))
    notes = (
        f"includeSubDomains {'present' if parsed.include_subdomains else 'absent'}",
        f"preload {'present' if parsed.preload else 'absent'}",
    )
    if parsed.max_age < min_age_s:
        problem = f"max-age {parsed.max_age} s is below the minimum {min_age_s} s"
        return Judgement(False, f"max-age={parsed.max_age}", HSTS_WHY, (problem,), notes)
    return Judgement(True, f"max-age={parsed.max_age}", HSTS_WHY, (), notes)


FRAMING_WHY = (
    "Pages that may be framed by any site can be overlaid to trick clicks (clickjacking);"
    " X-Frame-Options or CSP frame-ancestors forbids that."
)


def judge_framing(xfo: str | None, csp_value: str | None) -> Judgement:
    ancestors = csp.parse(csp_value).get("frame-ancestors")
    if ancestors is not None:
        if "*" in ancestors:
            return Judgement(False, "frame-ancestors *", FRAMING_WHY, ("any site may frame",))
        return Judgement(True, f"CSP frame-ancestors {' '.join(ancestors)}", FRAMING_WHY)
    if xfo is None:
        problem = "neither X-Frame-Options nor CSP frame-ancestors"
        return Judgement(False, "no framing protection", FRAMING_WHY, (problem,))
    if xfo.strip().upper() in ("DENY", "SAMEORIGIN"):
        return Judgement(True, f"X-Frame-Options {xfo.strip()}", FRAMING_WHY)
    return Judgement(False, f"X-Frame-Options {xfo!r}", FRAMING_WHY, ("invalid X-Frame-Options",))


NOSNIFF_WHY = (
    "nosniff stops browsers guessing a response's type, so an uploaded text file cannot be"
    " run as a script or stylesheet."
)


def judge_nosniff(value: str | None) -> Judgement:
    if value is None:
        return Judgement(False, "no X-Content-Type-Options", NOSNIFF_WHY, ("nosniff missing",))
    if value.strip().lower() == "nosniff":
        return Judgement(True, "X-Content-Type-Options: nosniff", NOSNIFF_WHY)
    return Judgement(False, f"X-Content-Type-Options: {value}", NOSNIFF_WHY, ("not 'nosniff'",))


REFERRER_WHY = (
    "Referrer-Policy decides how much of this site's URLs (paths, tokens in query strings)"
    " other sites see in the Referer header."
)
SAFE_REFERRER = frozenset(
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
)
UNSAFE_REFERRER = frozenset(
    {"unsafe-url", "origin", "origin-when-cross-origin", "no-referrer-when-downgrade"}
)


def referrer_value(value: str | None) -> str | None:
    """The policy browsers apply: the last token they recognise (a fallback list is allowed)."""
    if value is None:
        return None
    known = [
        t.strip().lower()
        for t in value.split(",")
        if t.strip().lower() in SAFE_REFERRER | UNSAFE_REFERRER
    ]
    return known[-1] if known else ""


def judge_referrer(value: str | None) -> Judgement:
    policy = referrer_value(value)
    if policy is None:
        problem = "no Referrer-Policy (browsers default to strict-origin-when-cross-origin)"
        return Judgement(False, "no Referrer-Policy", REFERRER_WHY, (problem,))
    if policy in SAFE_REFERRER:
        return Judgement(True, f"Referrer-Policy: {policy}", REFERRER_WHY)
    shown = policy or value
    return Judgement(False, f"Referrer-Policy: {shown}", REFERRER_WHY, (f"unsafe: {shown}",))


PERMISSIONS_WHY = (
    "Permissions-Policy switches off powerful browser features (camera, microphone,"
    " geolocation) the site does not use, so injected or framed code cannot use them."
)


def judge_permissions(value: str | None) -> Judgement:
    if value is None or not value.strip():
        return Judgement(False, "no Permissions-Policy", PERMISSIONS_WHY, ("missing",))
    features = [p.split("=")[0].strip() for p in value.split(",") if "=" in p]
    return Judgement(True, f"Permissions-Policy for {', '.join(features)}", PERMISSIONS_WHY)


COOP_WHY = (
    "Cross-Origin-Opener-Policy puts the page in its own browsing context group, so windows"
    " it opens or that open it cannot reach it (XS-Leaks, Spectre-style attacks)."
)
SAFE_COOP = ("same-origin", "same-origin-allow-popups", "noopener-allow-popups")


def judge_coop(value: str | None) -> Judgement:
    if value is None:
        return Judgement(False, "no Cross-Origin-Opener-Policy", COOP_WHY, ("missing",))
    policy = value.split(";")[0].strip().lower()
    if policy in SAFE_COOP:
        return Judgement(True, f"Cross-Origin-Opener-Policy: {policy}", COOP_WHY)
    return Judgement(False, f"Cross-Origin-Opener-Policy: {policy}", COOP_WHY, ("unsafe-none",))


XXSS_WHY = (
    "X-XSS-Protection drove the XSS auditor of old browsers; modern browsers ignore it, and"
    " '1; mode=block' enabled cross-site information leaks in those that did. Absent or '0' is"
    " right: CSP is the protection."
)
_XXSS = re.compile(r"^\s*([01])\s*(;.*)?$")


def judge_xss_protection(value: str | None) -> Judgement:
    if value is None:
        return Judgement(True, "X-XSS-Protection absent (fine)", XXSS_WHY)
    match = _XXSS.match(value)
    if match and match.group(1) == "0":
        return Judgement(True, "X-XSS-Protection: 0 (auditor disabled: fine)", XXSS_WHY)
    problem = f"X-XSS-Protection: {value.strip()} is legacy, not protection; send 0 or drop it"
    return Judgement(False, f"X-XSS-Protection: {value.strip()}", XXSS_WHY, (problem,))
