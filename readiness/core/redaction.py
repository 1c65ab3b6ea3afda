"""Secrets out of everything the gate shows: by value, and by their place in a URL.

A ``Redactor`` is built once per run from the secret values the configuration holds
(readiness.config.secrets collects them) and is applied where a check result is recorded, to
the run's own fields before the reports are written, and to pytest's own lines. Three rules,
applied in this order to every string:

1. URL userinfo (``scheme://user:pass@host``) becomes ``***:***@``: a password in a URL is a
   secret at any length. Not ``[redacted]@``: brackets in a URL's authority are read as an
   IPv6 literal, and the URL would no longer parse.
2. A query or fragment parameter named like a credential (``CREDENTIAL_NAMES``, or a name
   ending in one of ``CREDENTIAL_SUFFIXES``: ``?api_key=…``, ``&access_token=…``,
   ``#id_token=…``, also ``password=…`` at the start of a form body) keeps its name and
   loses its value: ``?api_key=[redacted]``.
3. Every known secret value, in every form it travels in (as is, URL-encoded, HTML-escaped,
   base64: a Basic ``Authorization`` header is base64("user:pass")), becomes ``[redacted]``,
   longest first so that a value holding another is replaced whole.

The placeholder is fixed, never a hash of the value: check ids hold page paths, and an id
must not change when a token is rotated (waivers and history refer to ids).

Values shorter than ``MIN_LENGTH`` are not replaced by value: a four- or five-character
string ("demo", "1234", "admin") occurs in ordinary text by coincidence, and replacing it
would garble messages, evidence and check ids while protecting little (a secret that short
is guessed, not read). Rules 1 and 2 still hide such a value where its place names it.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus, unquote

REDACTED = "[redacted]"
MIN_LENGTH = 6

# Query parameter names whose values are credentials (compared lower-case, "-" read as "_").
# Kept to names that mean a credential wherever they appear; "code" (OAuth) and "state" are
# left out: they are as often a status code or a page state.
CREDENTIAL_NAMES = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "auth",
        "auth_token",
        "authorization",
        "client_secret",
        "credential",
        "credentials",
        "id_token",
        "jwt",
        "key",
        "pass",
        "passwd",
        "password",
        "pwd",
        "refresh_token",
        "secret",
        "session",
        "session_id",
        "sessionid",
        "sid",
        "sig",
        "signature",
        "token",
    }
)
# ...and any name ending in one of these: x_amz_signature, private_key, csrf_token.
CREDENTIAL_SUFFIXES = ("_key", "_password", "_secret", "_signature", "_token", "_credential")

# scheme://userinfo@ — userinfo holds no '/', '?', '#' or space; greedy up to the last '@'
# before them, as urlsplit reads it.
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<info>[^/?#\s]*)@")
# name=value after '?', '&', ';', '#', or at the start of a string or a word (a form body).
_PARAM = re.compile(
    r"(?P<head>(?:^|(?<=[?&;#\s]))(?P<name>[A-Za-z0-9_.\-]+)=)(?P<value>[^&#;\s\"'<>]*)"
)


def is_credential_name(name: str) -> bool:
    """Whether a parameter or settings key named ``name`` holds a credential."""
    key = name.strip().lower().replace("-", "_")
    return key in CREDENTIAL_NAMES or key.endswith(CREDENTIAL_SUFFIXES)


def forms(value: str) -> set[str]:
    """The forms ``value`` travels in: as is, URL-encoded (both hex cases, '+' or '%20' for a
    space), HTML-escaped, and base64 (standard and URL-safe, padded or not)."""
    found = {value, unquote(value), html.escape(value)}
    for encoded in (quote(value, safe=""), quote_plus(value, safe="")):
        found |= {encoded, re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), encoded)}
    raw = value.encode("utf-8")
    for encoded in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        found |= {encoded, encoded.rstrip("=")}
    return found


def authorization_parts(value: str) -> list[str]:
    """What an ``Authorization``-style header value holds: the whole value, the credentials
    after the scheme (``Bearer <token>``), and for Basic its decoded ``user:pass`` and
    password (a target may echo any of them)."""
    parts = [value]
    scheme, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    if not credentials or " " in credentials:
        return parts
    parts.append(credentials)
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials + "=" * (-len(credentials) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return parts
        parts.append(decoded)
        _, colon, password = decoded.partition(":")
        if colon:
            parts.append(password)
    return parts


def userinfo_parts(user: str, password: str) -> list[str]:
    """What a URL's ``user:password@`` makes secret: the password, and ``user:password``,
    whose base64 is the Basic header a client sends for it (the user name alone is not)."""
    user, password = unquote(user), unquote(password)
    return [password, f"{user}:{password}"] if password else []


class Redactor:
    """Replaces secrets in text, URLs and JSON-like data (see the module's rules)."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        # The length rule is the value's own: its base64 is longer, and as common as it is.
        every = {f for v in values if len(v) >= MIN_LENGTH for f in forms(v)}
        self.values = tuple(sorted((f for f in every if len(f) >= MIN_LENGTH), key=_longest))
        self._values = (
            re.compile("|".join(re.escape(v) for v in self.values)) if self.values else None
        )

    def text(self, s: str) -> str:
        """``s`` with every userinfo, credential parameter and secret value replaced."""
        if not s:
            return s
        out = _USERINFO.sub(_userinfo, s) if "@" in s else s
        if "=" in out:
            out = _PARAM.sub(_param, out)
        if self._values is not None:
            out = self._values.sub(REDACTED, out)
        return out

    def url(self, u: str) -> str:
        """A URL with its userinfo, credential parameters and secret values hidden (its
        userinfo is replaced by ``***``, never by brackets, so that it still parses)."""
        return self.text(u)

    def data(self, obj: Any) -> Any:
        """JSON-like data (dicts, lists, tuples, strings; dataclasses such as Evidence and
        CheckResult too) with every string redacted, keys included. Anything else is kept
        as is, and a string that needs no change is returned unchanged (an enum stays one)."""
        if isinstance(obj, str):
            new = self.text(obj)
            return obj if new == obj else new
        if isinstance(obj, dict):
            return {self.data(k): self.data(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.data(v) for v in obj]
        if isinstance(obj, tuple):
            return tuple(self.data(v) for v in obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            changes = {
                f.name: self.data(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init
            }
            return dataclasses.replace(obj, **changes)
        return obj

    def scrub(self, record: Any) -> None:
        """Redact a (mutable) dataclass such as a CheckResult in place, every field, so
        that whoever holds it sees only the redacted one."""
        for f in dataclasses.fields(record):
            setattr(record, f.name, self.data(getattr(record, f.name)))


def redact_url(href: str) -> str:
    """A URL without its userinfo and credential parameters (no secret values known)."""
    return _STRUCTURAL.url(href)


def _longest(value: str) -> tuple[int, str]:
    return (-len(value), value)


def _userinfo(match: re.Match[str]) -> str:
    hidden = "***:***" if ":" in match.group("info") else "***"
    return f"{match.group('scheme')}{hidden}@"


def _param(match: re.Match[str]) -> str:
    value = match.group("value")
    if not is_credential_name(match.group("name")) or not value:
        return match.group(0)
    # A URL in parentheses, as prose and Markdown write one ("(see …?token=abc)"), keeps
    # its closing ')': trailing ')' beyond those the value opens is text, not the value (the
    # rule GitHub's autolinks follow). A ')' inside the value is hidden with it.
    kept = len(value) - len(value.rstrip(")"))
    trailing = max(0, min(kept, value.count(")") - value.count("(")))
    if trailing == len(value):  # nothing but the text's own ')': no value to hide
        return match.group(0)
    return match.group("head") + REDACTED + ")" * trailing


_STRUCTURAL = Redactor()
