"""Set-Cookie lines parsed (RFC 6265bis) and judged: Secure, HttpOnly, SameSite, prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .judgement import Judgement

WHY = (
    "Secure keeps a cookie off plain HTTP; HttpOnly keeps session cookies away from injected"
    " scripts (anti-CSRF cookies are meant to be read by them); SameSite stops other sites from"
    " riding the session (CSRF); the __Host- and __Secure- prefixes make browsers enforce those"
    " rules."
)
# Names of anti-CSRF cookies (csrftoken, XSRF-TOKEN, _csrf, __Host-csrf), as the HTTP
# Observatory tells them: they need SameSite but not HttpOnly, since the double-submit pattern
# has the page's script read them (Angular and axios copy XSRF-TOKEN into a header).
CSRF_LIKE = re.compile(r"csrf|xsrf", re.IGNORECASE)
# Names that usually carry a session or credential (sessionid, PHPSESSID, connect.sid,
# laravel_session, auth_token, remember_token, jwt): they must be Secure and HttpOnly.
SESSION_LIKE = re.compile(r"sess|sid|auth|token|login|jwt|remember|user", re.IGNORECASE)

Kind = Literal["session", "csrf", "other"]


def kind(name: str) -> Kind:
    """What a cookie is for, judged from its name."""
    # Anti-CSRF first: "csrftoken" and "XSRF-TOKEN" also contain "token".
    if CSRF_LIKE.search(name):
        return "csrf"
    return "session" if SESSION_LIKE.search(name) else "other"


@dataclass(frozen=True)
class Cookie:
    name: str
    attributes: dict[str, str] = field(default_factory=dict)  # lower-case name -> value

    @property
    def secure(self) -> bool:
        return "secure" in self.attributes

    @property
    def http_only(self) -> bool:
        return "httponly" in self.attributes

    @property
    def same_site(self) -> str | None:
        value = self.attributes.get("samesite")
        return value.capitalize() if value is not None else None

    @property
    def kind(self) -> Kind:
        return kind(self.name)

    @property
    def session_like(self) -> bool:
        """A session cookie (the grade asks this): anti-CSRF cookies are not."""
        return self.kind == "session"


def parse(line: str) -> Cookie:
    """One Set-Cookie header value (never a comma-joined list: Expires contains commas)."""
    pair, *attributes = line.split(";")
    name = pair.partition("=")[0].strip()
    parsed: dict[str, str] = {}
    for attribute in attributes:
        key, _, value = attribute.strip().partition("=")
        if key:
            parsed.setdefault(key.strip().lower(), value.strip())
    return Cookie(name, parsed)


def problems(cookie: Cookie, https: bool) -> list[str]:
    found = []
    if not cookie.secure:
        found.append("no Secure" + ("" if https else " (and the site is plain HTTP)"))
    if cookie.kind == "session" and not cookie.http_only:
        found.append("session cookie without HttpOnly")
    same_site = cookie.same_site
    if same_site is None:
        # Without SameSite an anti-CSRF cookie rides along on the forged request it must stop.
        found.append(
            "no SameSite" + (" (an anti-CSRF cookie needs it)" if cookie.kind == "csrf" else "")
        )
    elif same_site not in ("Strict", "Lax", "None"):
        found.append(f"invalid SameSite={same_site}")
    elif same_site == "None" and not cookie.secure:
        found.append("SameSite=None without Secure (browsers reject it)")
    if cookie.name.startswith("__Secure-") and not cookie.secure:
        found.append("__Secure- prefix without Secure")
    if cookie.name.startswith("__Host-"):
        if not cookie.secure or "domain" in cookie.attributes:
            found.append("__Host- prefix needs Secure and no Domain")
        if cookie.attributes.get("path") != "/":
            found.append("__Host- prefix needs Path=/")
    return found


def judge(lines: list[str], https: bool) -> tuple[Judgement, list[tuple[str, str, str, str]]]:
    """The verdict over every cookie seen, and one evidence row per cookie:
    (name, kind, attributes, problems)."""
    cookies = [parse(line) for line in lines]
    rows = []
    all_problems = []
    for cookie in cookies:
        found = problems(cookie, https)
        flags = [f for f, on in (("Secure", cookie.secure), ("HttpOnly", cookie.http_only)) if on]
        if cookie.same_site:
            flags.append(f"SameSite={cookie.same_site}")
        rows.append((cookie.name, cookie.kind, " ".join(flags) or "-", "; ".join(found) or "ok"))
        all_problems += [f"{cookie.name}: {p}" for p in found]
    if not cookies:
        return Judgement(True, "no cookies set", WHY), rows
    summary = f"{len(cookies)} cookie(s)"
    return Judgement(not all_problems, summary, WHY, tuple(all_problems)), rows
