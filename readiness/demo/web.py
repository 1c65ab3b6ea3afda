"""The demo target's WSGI plumbing: a request's parts, a prepared response, a route, the
session store. No content: the shop itself is readiness.demo.app."""

from __future__ import annotations

import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs
from wsgiref.types import WSGIEnvironment

HTML = "text/html; charset=utf-8"
MAX_FORM_BYTES = 16 * 1024
MAX_SESSIONS = 10_000  # load tests log in repeatedly; keep memory bounded


@dataclass(frozen=True)
class Request:
    """The parts of a WSGI environ the handlers need."""

    environ: WSGIEnvironment

    @property
    def method(self) -> str:
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()

    @property
    def path(self) -> str:
        return str(self.environ.get("PATH_INFO", "") or "/")

    @property
    def https(self) -> bool:
        return self.environ.get("wsgi.url_scheme") == "https"

    def cookie(self, name: str) -> str | None:
        try:
            jar = SimpleCookie(str(self.environ.get("HTTP_COOKIE", "")))
        except CookieError:
            return None  # a malformed Cookie header is the client's problem, not a 500
        morsel = jar.get(name)
        return morsel.value if morsel else None

    def form(self) -> dict[str, str]:
        """Decode an urlencoded body (first value per field), capped at MAX_FORM_BYTES."""
        try:
            length = int(self.environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = self.environ["wsgi.input"].read(min(max(length, 0), MAX_FORM_BYTES))
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in fields.items()}


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = HTML
    cache_control: str = "no-cache"
    headers: list[tuple[str, str]] = field(default_factory=list)


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    handler: Handler
    methods: tuple[str, ...] = ("GET", "HEAD")


class SessionStore:
    """Session token -> user name, thread-safe (the server runs handlers concurrently)."""

    def __init__(self, limit: int = MAX_SESSIONS) -> None:
        self._limit = limit
        self._sessions: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, user: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token] = user
            while len(self._sessions) > self._limit:
                self._sessions.popitem(last=False)
        return token

    def user(self, token: str | None) -> str | None:
        if not token:
            return None
        with self._lock:
            return self._sessions.get(token)


def json_response(payload: object) -> Response:
    return Response(200, json.dumps(payload).encode(), "application/json")


def redirect(
    status: int, location: str, *extra: tuple[str, str], cache_control: str = "no-cache"
) -> Response:
    return Response(status, cache_control=cache_control, headers=[("Location", location), *extra])


def static_route(response: Response, _request: object) -> Response:
    """A static file's route: the same prepared answer for every request."""
    return response
