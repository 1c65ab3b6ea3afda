"""The bundled demo target: a small shop written as a plain WSGI app.

Two modes share one code path. ``healthy`` is what a ready build looks like to every suite;
``broken`` switches on a fixed set of deliberate defects (listed in ``create_app``) so the gate
has something real to catch. Tests and gate profiles rely on those defects being exact.
"""

from __future__ import annotations

import functools
import hmac
import logging
import threading
import traceback
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from jinja2 import Environment, FileSystemLoader

from readiness.demo.web import (
    Request,
    Response,
    Route,
    SessionStore,
    json_response,
    redirect,
    static_route,
)

MODES = ("healthy", "broken")
VERSION = "1.4.2"

_HERE = Path(__file__).parent
_log = logging.getLogger(__name__)

PRODUCTS: tuple[dict[str, Any], ...] = (
    {"id": 1, "name": "Anvil", "price": 49.99},
    {"id": 2, "name": "Rocket skates", "price": 129.0},
    {"id": 3, "name": "Giant magnet", "price": 24.5},
    {"id": 4, "name": "Portable hole", "price": 9.99},
)

DEMO_USER, DEMO_PASSWORD = "demo", "demo"

# Sent on every healthy response. HSTS is added separately, and only over https: browsers
# ignore it on plain http, and scanners flag it there as misconfiguration.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
# Setting Server ourselves stops the WSGI server from adding its own versioned banner.
HEALTHY_SERVER = ("Server", "demo")
BROKEN_BANNERS: tuple[tuple[str, str], ...] = (
    ("Server", "DemoServer/0.9 Python/3.11"),
    ("X-Powered-By", "DemoFramework 2.1"),
    # Legacy: the XSS auditor it drove is gone; '1; mode=block' protected nothing (a defect).
    ("X-XSS-Protection", "1; mode=block"),
)
# Broken mode deploys its checkout's metadata along with the site (a defect).
BROKEN_GIT_HEAD = b"ref: refs/heads/main\n"

NAV = (("/", "Home"), ("/products", "Products"), ("/about", "About"), ("/login", "Sign in"))
STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
}
STATIC_CACHE = "public, max-age=86400"


def _load_static() -> dict[str, Response]:
    """Read static files once, so serving them is a dict lookup, not disk I/O."""
    files: dict[str, Response] = {}
    for path in sorted((_HERE / "static").iterdir()):
        content_type = STATIC_TYPES.get(path.suffix)
        if content_type:
            files[f"/static/{path.name}"] = Response(
                200, path.read_bytes(), content_type, cache_control=STATIC_CACHE
            )
    return files


def _query_products_db() -> list[dict[str, Any]]:
    # Broken mode's data layer: the database is unreachable, and nothing handles that.
    raise ConnectionRefusedError("could not connect to products database at db.internal:5432")


def _leaked_traceback() -> Response:
    """Broken mode's debug error page: a real traceback, sent to the client (the defect)."""
    try:
        _query_products_db()
    except ConnectionRefusedError:
        text = "Internal Server Error\n\n" + traceback.format_exc()
    return Response(500, text.encode(), "text/plain; charset=utf-8")


class DemoApp:
    """The WSGI callable returned by ``create_app``."""

    def __init__(self, mode: str, slow_s: float) -> None:
        self.mode = mode
        self.broken = mode == "broken"
        self.slow_s = slow_s
        # Set by close(); lets a deliberately slow request end early so servers stop fast.
        self._closing = threading.Event()
        self._sessions = SessionStore()
        self._templates = Environment(
            loader=FileSystemLoader(_HERE / "templates"),
            autoescape=True,
            auto_reload=False,  # templates never change at runtime; skip a stat per request
        )
        self._routes = self._build_routes()

    def _build_routes(self) -> dict[str, Route]:
        routes = {
            "/": Route(self._home),
            "/about": Route(self._about),
            "/products": Route(self._products),
            "/login": Route(self._login, ("GET", "HEAD", "POST")),
            "/account": Route(self._account),
            "/old-home": Route(lambda _req: redirect(301, "/")),
            "/api/health": Route(self._health),
            "/api/products": Route(self._api_products),
        }
        for path, response in _load_static().items():
            routes[path] = Route(functools.partial(static_route, response))
        if self.broken:
            git_head = Response(200, BROKEN_GIT_HEAD, "text/plain; charset=utf-8")
            routes["/.git/HEAD"] = Route(lambda _req: git_head)
        return routes

    def close(self) -> None:
        """Cut short in-flight deliberate delays; called by the server on shutdown."""
        self._closing.set()

    # WSGI entry point -------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self._dispatch(request)
        except Exception:
            # Healthy or not, unexpected errors never reach the client as a traceback; the
            # only leak is the deliberate one in broken mode's /api/products.
            _log.exception("demo target: unhandled error on %s %s", request.method, request.path)
            response = self._page(
                500,
                "error.html",
                request,
                title="Server error",
                heading="Something went wrong",
                message="Please try again in a moment.",
            )
        status = f"{response.status} {HTTPStatus(response.status).phrase}"
        start_response(status, self._headers(request, response))
        return [b"" if request.method == "HEAD" else response.body]

    def _dispatch(self, request: Request) -> Response:
        route = self._routes.get(request.path)
        if route is None:
            return self._page(
                404,
                "error.html",
                request,
                title="Page not found",
                heading="Page not found",
                message="We could not find the page you asked for.",
            )
        if request.method not in route.methods:
            response = self._page(
                405,
                "error.html",
                request,
                title="Method not allowed",
                heading="Method not allowed",
                message=f"This page does not support {request.method}.",
            )
            response.headers.append(("Allow", ", ".join(route.methods)))
            return response
        return route.handler(request)

    def _headers(self, request: Request, response: Response) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", response.content_type),
            # HEAD keeps the GET length: that is what a GET would return.
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", response.cache_control),
            *response.headers,
        ]
        if self.broken:
            origin = request.environ.get("HTTP_ORIGIN")
            if origin:  # trusts whichever site asks, with the visitor's cookies (a defect)
                headers += [
                    ("Access-Control-Allow-Origin", origin),
                    ("Access-Control-Allow-Credentials", "true"),
                ]
            return headers + list(BROKEN_BANNERS)
        headers += [HEALTHY_SERVER, *SECURITY_HEADERS]
        if request.https:
            headers.append(HSTS)
        return headers

    # Rendering --------------------------------------------------------------------------

    def _page(self, status: int, template: str, request: Request, **context: Any) -> Response:
        html = self._templates.get_template(template).render(
            broken=self.broken,
            nav=NAV,
            current=request.path,
            # Broken mode jumps from <h1> to <h3>: a skipped heading level (a defect).
            h2="h3" if self.broken else "h2",
            **context,
        )
        return Response(status, html.encode())

    # Handlers ---------------------------------------------------------------------------

    def _home(self, request: Request) -> Response:
        return self._page(200, "home.html", request, title="Home", heading="Welcome to Acme Shop")

    def _about(self, request: Request) -> Response:
        return self._page(200, "about.html", request, title="About", heading="About us")

    def _products(self, request: Request) -> Response:
        if self.broken:
            self._closing.wait(self.slow_s)  # the deliberate slowness; close() cuts it short
        return self._page(
            200, "products.html", request, title="Products", heading="Products", products=PRODUCTS
        )

    def _health(self, _request: Request) -> Response:
        return json_response({"status": "ok", "version": VERSION, "mode": self.mode})

    def _api_products(self, _request: Request) -> Response:
        if self.broken:
            return _leaked_traceback()
        return json_response({"products": list(PRODUCTS)})

    def _login(self, request: Request) -> Response:
        if request.method != "POST":
            return self._login_page(200, request)
        form = request.form()
        user_ok = hmac.compare_digest(form.get("username", ""), DEMO_USER)
        password_ok = hmac.compare_digest(form.get("password", ""), DEMO_PASSWORD)
        if not (user_ok and password_ok):
            return self._login_page(401, request, error="Incorrect username or password.")
        token = self._sessions.create(DEMO_USER)
        cookie = self._session_cookie(request, token)
        return redirect(303, "/account", cookie, cache_control="no-store")

    def _login_page(self, status: int, request: Request, error: str = "") -> Response:
        response = self._page(
            status, "login.html", request, title="Sign in", heading="Sign in", error=error
        )
        response.cache_control = "no-store"
        return response

    def _account(self, request: Request) -> Response:
        user = self._sessions.user(request.cookie(_cookie_name(request)))
        if user is None:
            return redirect(303, "/login", cache_control="no-store")
        response = self._page(
            200, "account.html", request, title="Account", heading="Your account", username=user
        )
        response.cache_control = "no-store"
        return response

    def _session_cookie(self, request: Request, token: str) -> tuple[str, str]:
        attributes = ["Path=/"]
        if request.https:
            attributes.append("Secure")
        if not self.broken:  # broken mode omits HttpOnly and SameSite (a defect)
            attributes += ["HttpOnly", "SameSite=Lax"]
        return ("Set-Cookie", "; ".join([f"{_cookie_name(request)}={token}", *attributes]))


def _cookie_name(request: Request) -> str:
    # The __Host- prefix makes browsers insist on Secure, Path=/ and no Domain; it is only
    # valid over https, so plain http uses an ordinary name.
    return "__Host-session" if request.https else "session"


def create_app(mode: str = "healthy", *, slow_s: float = 1.5) -> DemoApp:
    """Return the demo target as a WSGI callable.

    ``broken`` mode's deliberate defects (everything else matches ``healthy``):

    1. ``GET /api/products`` answers 500 with a Python traceback in a text/plain body.
    2. ``GET /products`` sleeps ``slow_s`` seconds before answering 200.
    3. No security headers at all, plus version banners:
       ``Server: DemoServer/0.9 Python/3.11`` and ``X-Powered-By: DemoFramework 2.1``.
    4. Inaccessible HTML: no ``lang`` on ``<html>``, logo ``<img>`` without ``alt``, login
       inputs with no label and no placeholder (no accessible name), low-contrast text
       (#aaa on #fff via the ``faded`` body class), and headings that skip from ``<h1>``
       to ``<h3>``.
    5. The session cookie lacks ``HttpOnly`` and ``SameSite``.
    6. ``X-XSS-Protection: 1; mode=block`` (legacy) on every response.
    7. ``GET /.git/HEAD`` answers 200 with ``ref: refs/heads/main``.
    8. A request with an ``Origin`` header gets it reflected in
       ``Access-Control-Allow-Origin`` with ``Access-Control-Allow-Credentials: true``.
    """
    if mode not in MODES:
        raise ValueError(f"unknown demo mode {mode!r}; valid modes: {', '.join(MODES)}")
    if slow_s < 0:
        raise ValueError(f"slow_s must be >= 0, got {slow_s}")
    return DemoApp(mode, slow_s)
