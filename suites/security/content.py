"""Judges over response bodies and banners: mixed content, SRI, directory listings, stack
traces, SQL errors, version banners, CORS. Pure functions over strings, tested on literals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
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


# Quotes and apostrophes as pages print them: the typographic forms fold to the ASCII ones the
# patterns are written with (Django 3.1+ prints "You\u2019re seeing this error", Ruby 3.4 quotes
# frames 'like this').
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)


def _as_text(body: str) -> str:
    """The body with entities decoded (&rsquo;, &#39;, &lt;, &nbsp;) and quotes folded.

    Express escapes its stack (``Object.&lt;anonymous&gt;``, ``&nbsp;`` for indentation) and
    templates may write an apostrophe as an entity: the patterns see the text a reader sees.
    """
    return unescape(body).translate(_QUOTES)


# One JVM frame: "at com.shop.Cart.add(Cart.java:42)", "at java.base/java.lang.Thread.run(...)";
# also inside a JSON string, where the tab before "at" is the two characters \t.
_JAVA_FRAME = (
    r"(?:\b|(?<=\\t))at [\w$.<>/@-]+\("
    r"(?:[\w$-]+\.(?:java|kt|scala|groovy):\d+|Native Method|Unknown Source)\)"
)
_DOTNET_FRAME = r"\bat [\w.`<>\[\]]+\([^()\n]{0,300}\) in [^\n]{1,300}?:line \d+"
# One V8 frame: "at fn (/app/x.js:1:2)", "at Layer.handle [as handle_request] (...)",
# "at /app/routes.js:10:11", "at node:internal/...", "at file:///app/x.mjs:1:7".
_NODE_FRAME = (
    r"\bat (?:async )?(?:new )?(?:[\w$.<>]+(?: \[as [\w$]+\])? \()?"
    r"(?:/|[A-Za-z]:\\|file://|node:|webpack-internal://)[^()\n<>]{0,300}?:\d+:\d+\)?"
)


def _sign(label: str, *patterns: str, flags: int = 0) -> tuple[str, tuple[re.Pattern[str], ...]]:
    """A table row: the label shown in reports, and patterns that must all match."""
    return label, tuple(re.compile(p, flags) for p in patterns)


# Debug pages and raw stack traces, framework pages first: a framework's page also holds a
# generic trace (Django's and Werkzeug's embed a Python traceback), and the report should
# name the framework. Each pattern is a marker only debug output prints; the production
# pages of the same frameworks ("More information is available with DEBUG=True", Laravel's
# "Whoops, looks like something went wrong.", a Whitelabel page without a trace) match none.
# Every repetition is bounded, or stops at a character each occurrence starts with: a hostile
# 500 KB body of repeated half-markers costs linear time, not quadratic.
_TRACES = (
    _sign(
        "Django debug page",
        r"You're seeing (?:this error|the help section of this page) because you have"
        r"\s*(?:<code>\s*)?DEBUG\s*=\s*True"
        r"|Using the URLconf defined in|Reason given for failure:",
    ),
    _sign("Werkzeug debugger", r"Werkzeug Debugger|__debugger__|Werkzeug powered traceback"),
    _sign("Starlette debug page", r"<title>Starlette Debugger</title>"),
    _sign("Rails routing error page", r"No route matches \[(?:GET|HEAD|POST|PUT|PATCH|DELETE)\]"),
    _sign(
        "Rails debug page",
        r"Action Controller: Exception caught|Rails\.root: |\"Application Trace\"\s*:",
    ),
    _sign("better_errors page", r"__better_errors|generated by Better Errors"),
    _sign("Whoops debug page", r"Whoops! There was an error|class=\"Whoops container\""),
    _sign(
        "Symfony debug page",
        r"Symfony Exception\s*</h1>|class=\"exception-message-wrapper\"|id=\"trace-box-\d",
    ),
    _sign("Laravel Ignition page", r"window\.ignite\("),
    _sign("Spring Boot error page", r"Whitelabel Error Page", _JAVA_FRAME),
    _sign(
        "JSP exception",
        r"org\.apache\.jasper\.JasperException|An exception occurred processing (?:JSP page|\[)",
    ),
    _sign(
        "Tomcat exception report",
        r"<b>type</b>\s*Exception report|<b>(?:exception|root cause)</b>\s*(?:</p>\s*)?<pre>",
        flags=re.IGNORECASE,
    ),
    _sign(
        "Next.js dev error page",
        r"\bdata-next-error-(?:message|stack)=|\"err\":\{[^{}]*\"stack\":\""
        r"|This error happened while generating the page",
    ),
    _sign(
        "Express stack trace",
        r"\bat Layer\.handle(?:Request| \[as handle_request\])? \("
        r"|node_modules[/\\](?:express|router)[/\\]lib[/\\]",
    ),
    _sign(
        "ASP.NET error page",
        r"Server Error in '[^'\n]*' Application"
        r"|An unhandled exception occurred (?:while processing the request|during the execution)",
    ),
    _sign(
        "Python traceback",
        r"Traceback \(most recent call last\)|\bFile \"[^\"\n]+\.py\", line \d+, in ",
    ),
    _sign("Ruby backtrace", r"\w\.rb:\d+:in [`']"),
    # The kind of error, and where PHP says it happened ("... in /x.php on line 12"; an
    # uncaught exception puts its stack trace in between).
    _sign(
        "PHP error",
        r"\b(?:[Ff]atal error|Parse error|Warning|Notice|Deprecated)(?:</b>)?:\s",
        r"\.(?:php|inc|phtml)(?:</b>)? on line (?:<b>)?\d+",
    ),
    _sign("PHP stack trace", r"Stack trace:\s*(?:<br\s*/?>\s*)?#0 "),
    _sign("Java stack trace", _JAVA_FRAME),
    # An exception's class name starts a trace line ("java.lang.NullPointerException" then a
    # line break or ": message"); an article title naming it does not. Likewise for .NET.
    _sign(
        "Java exception",
        r"Exception in thread \"|\b(?:java|javax|jakarta)\.[\w.$]{1,200}(?:Exception|Error)"
        r"(?=:\s|\s*\n)",
    ),
    _sign(
        ".NET stack trace",
        r"\bSystem\.[\w.]{0,200}Exception(?=:\s|\s*\n)|" + _DOTNET_FRAME,
    ),
    _sign("Node.js stack trace", _NODE_FRAME),
)


def _first_match(signatures: tuple[tuple[str, re.Pattern[str]], ...], body: str) -> str | None:
    return next((name for name, pattern in signatures if pattern.search(body)), None)


def stack_trace(body: str) -> str | None:
    """The kind of debug output in a body (a short label for reports), or None."""
    text = _as_text(body)
    return next(
        (label for label, patterns in _TRACES if all(p.search(text) for p in patterns)), None
    )


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
