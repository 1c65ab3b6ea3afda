"""gates.yaml's top-level `browser:` key: which Chromium, which extra pages, how to sign in.

Shared by every browser suite (performance, accessibility), so it lives in the engine rather
than in one suite's settings. Secrets never appear here in clear: values may name environment
variables as ``${NAME}``, expanded only when a request is made (see ``expand_env``).
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from readiness.core.paths import UrlPath
from readiness.core.redaction import redact_url


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


SITEMAP = "sitemap"  # pages_from's word for the target's own /sitemap.xml


class Crawl(_Strict):
    """Extend the configured pages with same-origin links found on them (breadth first),
    and with the pages a sitemap lists (``pages_from``)."""

    max_pages: int = Field(default=10, ge=1, le=500)  # configured pages included
    max_depth: int = Field(default=1, ge=0, le=10)  # 1: links on the configured pages only
    include: list[str] = []  # glob patterns on the path, e.g. /products/*; empty: all
    exclude: list[str] = []  # glob patterns on the path, e.g. /logout
    # A sitemap whose pages join the crawl's (readiness/browser/sitemap.py): `sitemap` (the
    # target's /sitemap.xml, else the Sitemap: lines of its /robots.txt), a path on the
    # target, or an http(s) URL on the target's origin.
    pages_from: str | None = None

    @field_validator("pages_from")
    @classmethod
    def _a_sitemap(cls, value: str | None) -> str | None:
        if value is None or value == SITEMAP or value.startswith("/"):
            return value
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.hostname:
            return value
        raise ValueError(
            f"'{redact_url(value)}' is not a sitemap: give `sitemap` (the target's /sitemap.xml),"
            " a path such as /sitemaps/pages.xml, or an http(s) URL"
        )


class LoginSuccess(_Strict):
    """How a successful sign-in is recognised: an element on the page and/or a URL path."""

    selector: str | None = None
    url: str | None = None  # a path, e.g. /account

    @model_validator(mode="after")
    def _one_of(self) -> LoginSuccess:
        if not (self.selector or self.url):
            raise ValueError("give a selector or a url that shows the sign-in worked")
        return self


class Login(_Strict):
    """A sign-in form filled once per run; its cookies are reused by every page visit."""

    path: UrlPath = "/login"
    fields: dict[str, str] = Field(min_length=1)  # CSS selector -> value (may use ${ENV})
    submit: str = "button[type=submit]"  # CSS selector of the control that submits
    success: LoginSuccess


CONNECT_EXAMPLE = "ws://127.0.0.1:3000/"  # what `playwright run-server --port 3000` prints


def endpoint_problem(value: str) -> str | None:
    """Why ``value`` is not a browser server's address (a ws:// or wss:// URL with a host),
    or None. Shared by the settings' validation and the connect step (readiness/browser/
    remote.py), which checks the value again once its ``${NAME}`` are expanded."""
    try:
        parts = urlsplit(value)
        if parts.scheme in ("ws", "wss") and parts.hostname:
            return None
    except ValueError:  # a bracket in the authority that is no IPv6 literal
        pass
    return (
        "not a browser server's address: give the ws:// or wss:// URL of a Playwright browser"
        f" server, e.g. {CONNECT_EXAMPLE} (what `playwright run-server --port 3000` prints)"
    )


class BrowserSettings(_Strict):
    """Top-level ``browser:`` key of gates.yaml."""

    # An explicit Chromium; beats $READINESS_CHROMIUM, Playwright's browser and the system's.
    executable: str | None = None
    # A Playwright browser server to drive instead of a local Chromium (readiness/browser/
    # remote.py): ws://HOST:PORT/PATH, as `playwright run-server` or a browser farm gives it.
    # May name ${ENV} (a token); a value that starts with one is checked once expanded.
    connect: str | None = None
    crawl: Crawl | None = None
    login: Login | None = None
    # A Playwright storage-state JSON file (cookies + localStorage), relative to gates.yaml.
    storage_state: str | None = None
    # Extra request headers for every page request, e.g. {Authorization: "Bearer ${TOKEN}"}.
    headers: dict[str, str] = {}
    # Redirects a page is expected to follow: page path -> the path it may end on. A page that
    # ends anywhere else (a login page, another origin) is not observed, never audited.
    redirects: dict[UrlPath, UrlPath] = {}
    # Pages audited signed out: without the storage state or the sign-in's cookies (the
    # configured headers are still sent), e.g. a login page that sends a signed-in visitor on.
    signed_out: list[UrlPath] = []

    @field_validator("connect")
    @classmethod
    def _a_browser_server(cls, value: str | None) -> str | None:
        if value is None or value.startswith("${"):
            return value
        problem = endpoint_problem(value)
        if problem:
            raise ValueError(problem)
        return value


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MissingSecret(KeyError):
    """A ``${NAME}`` in the browser settings names an unset environment variable."""

    def __str__(self) -> str:
        return f"environment variable {self.args[0]} is not set (named in gates.yaml browser:)"


def expand_env(value: str) -> str:
    """Replace every ``${NAME}`` with the environment variable's value."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise MissingSecret(name)
        return os.environ[name]

    return _ENV.sub(one, value)


def secret_values(settings: BrowserSettings) -> list[str]:
    """The expanded secrets (header values and login fields) that reports must never show."""
    raw = [*settings.headers.values(), *(settings.login.fields.values() if settings.login else [])]
    found = []
    for value in raw:
        if _ENV.search(value):
            try:
                found.append(expand_env(value))
            except MissingSecret:
                continue
    return [v for v in found if v]
