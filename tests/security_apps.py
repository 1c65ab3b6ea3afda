"""Small WSGI apps for the security suite's tests: one with every control done right, and one
per defect family, each differing from the good app in that family only.

``APPS[name] = (app factory, check ids the defect must fail)``; the good app fails none.
"""

from __future__ import annotations

import html
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import trustme
from helpers import server_tls

from readiness.demo import WsgiServer

GOOD_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self';"
    " img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Server": "app",
}
GOOD_COOKIE = "__Host-sid=s3cr3t; Path=/; Secure; HttpOnly; SameSite=Strict"
GOOD_PAGE = (
    '<!doctype html><html lang="en"><head><title>ok</title>'
    '<script src="/static/app.js"></script></head><body><p>Hello</p></body></html>'
)
NOT_FOUND = "<!doctype html><html><body><h1>Not found</h1></body></html>"
LOGIN_FORM = (
    '<!doctype html><html lang="en"><head><title>Sign in</title></head><body>'
    '<form method="post" action="/login"><input name="user"><input name="password"'
    ' type="password"><button>Sign in</button></form></body></html>'
)


@dataclass
class SecurityApp:
    """A configurable WSGI app; counts requests per path (the exposure budget test), the
    CORS requests (those with an Origin) apart."""

    headers: dict[str, str] = field(default_factory=lambda: dict(GOOD_HEADERS))
    cookie: str = GOOD_COOKIE
    page: str = GOOD_PAGE
    not_found: str = NOT_FOUND
    cors: dict[str, str] | None = None  # fixed CORS headers; "{origin}" is replaced
    routes: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # path: status,type,body
    search: Callable[[str], tuple[int, str]] | None = None  # q -> (status, html)
    requests: Counter[str] = field(default_factory=Counter)  # per path, without an Origin
    cors_requests: Counter[str] = field(default_factory=Counter)  # per path, with an Origin
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        with self._lock:
            (self.cors_requests if environ.get("HTTP_ORIGIN") else self.requests)[path] += 1
        status, ctype, body, extra = self._route(environ, path)
        headers = [("Content-Type", ctype), *self.headers.items(), *extra]
        if self.cors and environ.get("HTTP_ORIGIN"):
            origin = environ["HTTP_ORIGIN"]
            headers += [(k, v.replace("{origin}", origin)) for k, v in self.cors.items()]
        data = body.encode()
        headers.append(("Content-Length", str(len(data))))
        start_response(f"{status} X", headers)
        return [data]

    def _route(self, environ: dict[str, Any], path: str):
        html_type = "text/html; charset=utf-8"
        if path in ("/", "/about"):
            return 200, html_type, self.page, []
        if path == "/login" and environ.get("REQUEST_METHOD") == "POST":
            return 303, html_type, "", [("Location", "/"), ("Set-Cookie", self.cookie)]
        if path == "/login":  # the form the security suite's sign-in reads first
            return 200, html_type, LOGIN_FORM, []
        if path == "/static/app.js":
            return 200, "text/javascript", "console.log(1)", []
        if path == "/search":
            query = parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
            status, body = (self.search or _escaped_search)(query)
            return status, html_type, body, []
        if path in self.routes:
            status, ctype, body = self.routes[path]
            return status, ctype, body, []
        return 404, html_type, self.not_found, []


def serve_tls(ca: trustme.CA, app: Callable[..., Any]) -> WsgiServer:
    """``app`` on https://127.0.0.1 with a certificate from ``ca``, started."""
    return WsgiServer(app, ssl_context=server_tls(ca)).start()


KNOWN_PATHS = frozenset({"/", "/about", "/login", "/static/app.js", "/search"})


@dataclass
class HangingApp:
    """The good app on its own paths; every other path is held, unanswered, until
    ``release`` is set (``close``: the server's stop, at the test's teardown). Counts the
    held requests in flight, and the most there were at once."""

    inner: SecurityApp = field(default_factory=SecurityApp)
    release: threading.Event = field(default_factory=threading.Event)
    held: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    most_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path in KNOWN_PATHS:
            return self.inner(environ, start_response)
        with self._lock:
            self.held[path] += 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self.release.wait()
        finally:
            with self._lock:
                self.in_flight -= 1
        return self.inner(environ, start_response)

    def close(self) -> None:
        self.release.set()


@dataclass
class TricklingLoginApp:
    """The good app, except that its login page trickles: a byte, then one more at each tick
    of the server's clock (0.4 s), until ``release`` is set. Every read answers well within
    timeout_s: only a deadline on the whole request ends it."""

    inner: SecurityApp = field(default_factory=SecurityApp)
    release: threading.Event = field(default_factory=threading.Event)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/login":
            return self.inner(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return self._trickle()

    def _trickle(self) -> Iterator[bytes]:
        for _ in range(10_000):
            yield b" "
            if self.release.wait(0.4):
                return

    def close(self) -> None:
        self.release.set()


def _escaped_search(query: str) -> tuple[int, str]:
    return 200, f"<p>Results for {html.escape(query)}</p>"


def _raw_search(query: str) -> tuple[int, str]:
    return 200, f"<p>Results for {query}</p>"


def _sql_search(query: str) -> tuple[int, str]:
    if "'" in query:
        return 500, "<pre>sqlite3.OperationalError: unrecognized token: \"'1''\"</pre>"
    return 200, f"<p>Results for {html.escape(query)}</p>"


def _without(*names: str) -> dict[str, str]:
    return {k: v for k, v in GOOD_HEADERS.items() if k not in names}


def _with(**changes: str) -> dict[str, str]:
    return {**GOOD_HEADERS, **{k.replace("_", "-"): v for k, v in changes.items()}}


TRACE = 'Traceback (most recent call last):\n  File "app.py", line 3\nKeyError: "x"'
LISTING = "<html><head><title>Index of /static/</title></head><body><a href='app.js'>"

APPS: dict[str, tuple[Callable[[], SecurityApp], set[str]]] = {
    "good": (SecurityApp, set()),
    "missing_headers": (
        lambda: SecurityApp(headers={"Server": "app"}),
        {"security.csp", "security.framing", "security.nosniff", "security.referrer_policy",
         "security.permissions_policy", "security.coop", "security.hsts"},
    ),
    "weak_csp": (
        lambda: SecurityApp(headers=_with(Content_Security_Policy=(
            "default-src *; script-src 'self' 'unsafe-inline' 'unsafe-eval' http://cdn.example;"
            " object-src *"))),
        {"security.csp"},
    ),
    "insecure_cookies": (lambda: SecurityApp(cookie="sessionid=abc; Path=/"), {"security.cookies"}),
    "wildcard_cors": (
        lambda: SecurityApp(cors={"Access-Control-Allow-Origin": "*",
                                  "Access-Control-Allow-Credentials": "true"}),
        {"security.cors"},
    ),
    "reflected_origin": (
        lambda: SecurityApp(cors={"Access-Control-Allow-Origin": "{origin}",
                                  "Access-Control-Allow-Credentials": "true"}),
        {"security.cors"},
    ),
    "reflected_xss": (lambda: SecurityApp(search=_raw_search), {"security.active.xss"}),
    "sql_error": (lambda: SecurityApp(search=_sql_search), {"security.active.sqli"}),
    "exposed_git": (
        lambda: SecurityApp(routes={"/.git/HEAD": (200, "text/plain", "ref: refs/heads/main\n")}),
        {"security.sensitive_paths"},
    ),
    "version_banner": (
        lambda: SecurityApp(headers=_with(Server="nginx/1.18.0", X_Powered_By="PHP/7.4.3")),
        {"security.banner"},
    ),
    "legacy_xss_header": (
        lambda: SecurityApp(headers=_with(X_XSS_Protection="1; mode=block")),
        {"security.xss_protection"},
    ),
    "debug_404": (lambda: SecurityApp(not_found=TRACE), {"security.error_pages"}),
    "directory_listing": (
        lambda: SecurityApp(routes={"/static/": (200, "text/html", LISTING)}),
        {"security.directory_listing"},
    ),
    "third_party_script": (
        lambda: SecurityApp(page=GOOD_PAGE.replace(
            "</head>", '<script src="http://cdn.example/lib.js"></script></head>')),
        {"security.mixed_content", "security.sri"},
    ),
    "short_hsts": (
        lambda: SecurityApp(headers=_with(Strict_Transport_Security="max-age=300")),
        {"security.hsts"},
    ),
}  # fmt: skip
