"""Judges over response bodies and banners: mixed content, SRI, directory listings, stack
traces, SQL errors, version banners, CORS. Pure functions over strings, tested on literals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass(frozen=True)
class Resource:
    tag: str
    url: str  # absolute
    integrity: bool
    active: bool  # scripts, stylesheets, frames: mixed content browsers block outright


class _Resources(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.found: list[Resource] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script" and a.get("src"):
            self._add(tag, a["src"], "integrity" in a, True)
        elif tag == "link" and a.get("href"):
            rel = a.get("rel", "").lower().split()
            if "stylesheet" in rel or "modulepreload" in rel:
                self._add(tag, a["href"], "integrity" in a, True)
            elif "icon" in rel:
                self._add(tag, a["href"], False, False)
        elif tag in ("iframe", "frame") and a.get("src"):
            self._add(tag, a["src"], False, True)
        elif tag in ("img", "audio", "video", "source") and a.get("src"):
            self._add(tag, a["src"], False, False)

    def _add(self, tag: str, src: str, integrity: bool, active: bool) -> None:
        self.found.append(Resource(tag, urljoin(self.base, src.strip()), integrity, active))


def resources(html: str, base: str) -> list[Resource]:
    parser = _Resources(base)
    parser.feed(html)
    return parser.found


def mixed_content(page_url: str, found: list[Resource]) -> list[Resource]:
    """Subresources fetched over http:// by an https page."""
    if urlsplit(page_url).scheme != "https":
        return []
    return [r for r in found if urlsplit(r.url).scheme == "http"]


def third_party_scripts_without_sri(page_url: str, found: list[Resource]) -> list[Resource]:
    """Scripts and stylesheets from another origin loaded without an integrity hash."""
    origin = urlsplit(page_url)[:2]
    return [
        r
        for r in found
        if r.tag in ("script", "link")
        and r.active
        and not r.integrity
        and urlsplit(r.url)[:2] != origin
    ]


_LISTING = re.compile(
    r"<title>\s*(Index of /|Directory listing for /)|\[To Parent Directory\]", re.IGNORECASE
)


def is_directory_listing(body: str) -> bool:
    return bool(_LISTING.search(body))


# Markers of a framework's debug page or a raw stack trace in a response body.
_TRACES = (
    ("Python traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("Java stack trace", re.compile(r"\bat [\w$.]+\([\w$]+\.java:\d+\)")),
    ("Java exception", re.compile(r"Exception in thread \"|java\.lang\.\w+Exception")),
    (".NET stack trace", re.compile(r"System\.\w+Exception|Server Error in '/' Application")),
    ("Node.js stack trace", re.compile(r"\bat [\w.<>]+ \((/|node:)[^)]+:\d+:\d+\)")),
    ("PHP error", re.compile(r"(Fatal error|Parse error|Warning)</b>:.* on line <b>\d+")),
    ("Werkzeug debugger", re.compile(r"Werkzeug Debugger|__debugger__")),
    ("Django debug page", re.compile(r"You're seeing this error because you have <code>DEBUG")),
    ("Rails debug page", re.compile(r"Action Controller: Exception caught")),
    ("Laravel Whoops", re.compile(r"Whoops! There was an error|whoops-container")),
)


def _first_match(signatures: tuple[tuple[str, re.Pattern[str]], ...], body: str) -> str | None:
    return next((name for name, pattern in signatures if pattern.search(body)), None)


def stack_trace(body: str) -> str | None:
    """The kind of debug output in a body, or None."""
    return _first_match(_TRACES, body)


_SQL_ERRORS = (
    ("MySQL", re.compile(r"You have an error in your SQL syntax|mysql_fetch|MySQLSyntaxError")),
    ("PostgreSQL", re.compile(r"syntax error at or near|unterminated quoted string at or near")),
    ("PostgreSQL", re.compile(r"pg_query\(\)|psycopg2?\.errors|PG::SyntaxError")),
    ("SQLite", re.compile(r"sqlite3\.OperationalError|SQLITE_ERROR|near \".*\": syntax error")),
    ("SQL Server", re.compile(r"Unclosed quotation mark after the character string")),
    ("Oracle", re.compile(r"ORA-0(0933|1756)")),
    ("generic SQL", re.compile(r"SQLSTATE\[|SQL syntax.*error|quoted string not properly")),
)


def sql_error(body: str) -> str | None:
    """The database whose error text a body shows, or None."""
    return _first_match(_SQL_ERRORS, body)


_VERSION = re.compile(r"\d+(\.\d+)+|/\d+")
BANNER_HEADERS = ("Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version")


def version_banners(headers: dict[str, str]) -> dict[str, str]:
    """Headers that name a product version (e.g. ``Server: nginx/1.25.3``)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    found = {}
    for name in BANNER_HEADERS:
        value = lowered.get(name.lower())
        if value is None:
            continue
        # X-Powered-By names the stack even without a number; Server only with a version.
        if _VERSION.search(value) or name != "Server":
            found[name] = value
    return found


def _cors(headers: dict[str, str]) -> tuple[str | None, bool]:
    """(Access-Control-Allow-Origin, whether credentials are allowed) of an answer."""
    lowered = {k.lower(): v.strip() for k, v in headers.items()}
    credentials = lowered.get("access-control-allow-credentials", "").lower() == "true"
    return lowered.get("access-control-allow-origin"), credentials


def cors_problem(headers: dict[str, str], origin: str) -> str | None:
    """What is wrong with the CORS answer to a request from a foreign ``origin``."""
    allow, credentials = _cors(headers)
    if allow is None:
        return None
    if allow == "*" and credentials:
        return "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true"
    if allow == origin:
        suffix = " with credentials" if credentials else ""
        return f"reflects an arbitrary Origin ({origin}){suffix}"
    if allow.lower() == "null" and credentials:
        return "allows the 'null' origin with credentials"
    return None


def cors_reflects_with_credentials(headers: dict[str, str], origin: str) -> bool:
    """The dangerous case browsers honour: any site reads responses with the user's cookies.

    (``*`` with credentials is refused by browsers; the check still flags it as a
    misconfiguration, but the grade, like the Observatory's, does not count it as universal.)
    """
    allow, credentials = _cors(headers)
    return credentials and allow == origin


def reflected_unescaped(body: str, canary: str) -> bool:
    """The canary's markup came back as markup: the parameter is reflected unescaped."""
    return canary in body
