"""Set-Cookie lines parsed (RFC 6265bis) and judged: Secure, HttpOnly, SameSite, prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .judgement import Judgement

WHY = (
    "Secure keeps a cookie off plain HTTP; HttpOnly keeps session cookies away from injected"
    " scripts; SameSite stops other sites from riding the session (CSRF); the __Host- and"
    " __Secure- prefixes make browsers enforce those rules."
)
# Cookie names that usually carry a session or credential: they must be HttpOnly.
SESSION_LIKE = re.compile(r"sess|sid|auth|token|login|jwt|remember|user", re.IGNORECASE)


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
    def session_like(self) -> bool:
        return bool(SESSION_LIKE.search(self.name))


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
    if cookie.session_like and not cookie.http_only:
        found.append("session cookie without HttpOnly")
    same_site = cookie.same_site
    if same_site is None:
        found.append("no SameSite")
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


def judge(lines: list[str], https: bool) -> tuple[Judgement, list[tuple[str, str, str]]]:
    """The verdict over every cookie seen, and one evidence row per cookie."""
    cookies = [parse(line) for line in lines]
    rows = []
    all_problems = []
    for cookie in cookies:
        found = problems(cookie, https)
        flags = [f for f, on in (("Secure", cookie.secure), ("HttpOnly", cookie.http_only)) if on]
        if cookie.same_site:
            flags.append(f"SameSite={cookie.same_site}")
        rows.append((cookie.name, " ".join(flags) or "-", "; ".join(found) or "ok"))
        all_problems += [f"{cookie.name}: {p}" for p in found]
    if not cookies:
        return Judgement(True, "no cookies set", WHY), rows
    summary = f"{len(cookies)} cookie(s)"
    return Judgement(not all_problems, summary, WHY, tuple(all_problems)), rows
