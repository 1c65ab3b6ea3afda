"""Gatherers: the requests the suite sends, each made once and shared by the checks."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.structures import CaseInsensitiveDict

from readiness.suite import BoundedSession, Limits

from . import content

FOREIGN_ORIGIN = "https://readiness-gate-cors-probe.example"


@dataclass
class Seen:
    """One response as the checks need it (headers flattened, cookies kept line by line)."""

    url: str
    status: int
    headers: dict[str, str]
    cookie_lines: list[str] = field(default_factory=list)
    body: str = ""
    location: str | None = None
    error: str | None = None

    @property
    def subject(self) -> str:
        return self.url

    @property
    def failure(self) -> str | None:
        """Why this is no answer to judge (the checks on it are then errored)."""
        if self.error is not None:
            return self.error
        return "no answer (status 0)" if self.status == 0 else None

    @cached_property
    def resources(self) -> list[content.Resource]:
        """The subresources the body loads, parsed once however many checks ask."""
        return content.resources(self.body, self.url)


def _cookie_lines(response: requests.Response) -> list[str]:
    # requests joins repeated Set-Cookie headers with commas; urllib3 keeps them apart.
    raw = getattr(response.raw, "headers", None)
    return list(raw.getlist("Set-Cookie")) if raw is not None else []


def seen(response: requests.Response, *, body: bool = True) -> Seen:
    lines = [line for r in (*response.history, response) for line in _cookie_lines(r)]
    return Seen(
        url=response.url,
        status=response.status_code,
        headers=dict(response.headers),
        cookie_lines=lines,
        body=response.text[:500_000] if body else "",
        location=response.headers.get("Location"),
    )


def fetch(http: requests.Session, url: str, timeout: float, **kwargs) -> Seen:
    try:
        return seen(http.request(kwargs.pop("method", "GET"), url, timeout=timeout, **kwargs))
    except requests.RequestException as exc:
        return Seen(url, 0, {}, error=f"{exc.__class__.__name__}: {exc}")


def session_like(http: requests.Session, limits: Limits) -> BoundedSession:
    """A fresh session that sends what ``http`` sends, each request within ``limits``,
    without its cookies: its headers (copied, not shared: nothing set on the copy reaches
    the other checks' session), no proxies from the environment, and its TLS trust (``verify``
    and copies of its adapters, which hold the run's trust store, with pools of their own)."""
    fresh = BoundedSession(limits)
    fresh.verify, fresh.trust_env = http.verify, False
    fresh.headers = CaseInsensitiveDict(http.headers)
    for prefix, adapter in http.adapters.items():
        fresh.mount(prefix, copy.copy(adapter))
    return fresh


def plain_http_url(target: str, configured: str | None) -> str | None:
    """Where plain HTTP for this target is: configured, the target itself, or port 80."""
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(target)
    if parts.scheme == "http":
        return target
    if parts.port in (None, 443):
        return urlunsplit(("http", parts.hostname or "", "", "", ""))
    return None  # an https target on another port: its plain-HTTP port is unknowable


def redirect_verdict(start: str, first: Seen) -> tuple[str, str]:
    """(grading key, message) for the first answer of a plain-HTTP request."""
    if first.error:
        return "missing", f"no answer on {start}: {first.error}"
    if first.status not in (301, 302, 303, 307, 308) or not first.location:
        return "missing", f"{start} answered {first.status} without redirecting"
    location = requests.compat.urljoin(start, first.location)
    parts, origin = urlsplit(location), urlsplit(start)
    if parts.scheme != "https":
        return "not-to-https", f"{start} redirects to {location}, not to HTTPS"
    if parts.hostname != origin.hostname:
        return "off-host", f"{start} redirects to another host first: {location}"
    if first.status not in (301, 308):
        return "to-https", f"redirects with {first.status}; use 301 or 308 (permanent)"
    return "to-https", f"{first.status} to {location}"


@dataclass
class Budget:
    """The exposure probes' request cap: every probe request goes through ``take``."""

    limit: int
    used: int = 0

    def take(self) -> bool:
        if self.used >= self.limit:
            return False
        self.used += 1
        return True


def directories(pages: list[Seen], target: str) -> list[str]:
    """Folders the pages load assets from (/static/): candidates for a directory listing."""
    found: dict[str, None] = {}
    host = urlsplit(target).netloc
    for page in pages:
        for resource in page.resources:
            parts = urlsplit(resource.url)
            if parts.netloc == host and "/" in parts.path.strip("/"):
                found[parts.path.rsplit("/", 1)[0] + "/"] = None
    return list(found)


def not_found_path() -> str:
    return f"/readiness-gate-missing-{secrets.token_hex(4)}"


def canary() -> str:
    """A unique marker with markup characters: harmless, and unmistakable if reflected raw."""
    token = secrets.token_hex(4)
    return f"rg{token}'\"><rg{token}>"
