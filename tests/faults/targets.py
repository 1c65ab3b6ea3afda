"""Targets that misbehave on purpose, each on 127.0.0.1: WSGI apps for the HTTP faults, raw
sockets for what no HTTP server would do (never answer, answer TLS with garbage)."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

import trustme
from helpers import server_tls

from readiness.demo import WsgiServer

HTML = [("Content-Type", "text/html; charset=utf-8")]
PAGE = b"<!doctype html><html lang=en><title>ok</title><h1>ok</h1></html>"


class Releasing:
    """A WSGI app whose held requests are let go when the server stops (``close``)."""

    def __init__(self) -> None:
        self.released = threading.Event()

    def close(self) -> None:
        self.released.set()


class StalledBody(Releasing):
    """Sends its status and headers, then nothing more."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [*HTML, ("Content-Length", "100000")])
        yield b"<!doctype html>"
        self.released.wait()


class Trickle(Releasing):
    """A byte at a time, for ever: every read succeeds, the request never ends."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", HTML)
        while not self.released.wait(0.2):
            yield b"."


def errors_everywhere(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("500 Internal Server Error", HTML)
    return [b"<h1>boom</h1>"]


def redirect_loop(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    hop = "/b" if environ["PATH_INFO"] == "/a" else "/a"
    start_response("302 Found", [("Location", hop), ("Content-Length", "0")])
    return [b""]


def huge_body(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("200 OK", [*HTML, ("Content-Length", str(64 * 1024 * 1024))])
    chunk = b"x" * (1024 * 1024)
    for _ in range(64):
        yield chunk


def healthy(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", HTML)
    return [PAGE]


class DiesAfter(Releasing):
    """Healthy for ``requests`` requests, then its server is stopped (the target died)."""

    def __init__(self, requests: int) -> None:
        super().__init__()
        self.left = requests
        self.lock = threading.Lock()
        self.server: WsgiServer | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            self.left -= 1
            if self.left == 0 and self.server is not None:
                # Stopped from another thread: this request still gets its answer.
                threading.Thread(target=self.server.stop, daemon=True).start()
        return healthy(environ, start_response)


class RawListener:
    """A TCP listener on 127.0.0.1 that hands each connection to ``handle``."""

    def __init__(self, handle: Callable[[socket.socket], None]) -> None:
        self.handle = handle
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the test ended and closed it
            self.handle(conn)

    def stop(self) -> None:
        self.stopped.set()
        self.sock.close()
        for conn in self.held:
            conn.close()


def silent(conn: socket.socket) -> None:
    """Accepts and never answers (the connection is held until the test ends)."""


def garbage(conn: socket.socket) -> None:
    """Answers whatever it is sent (a TLS ClientHello) with bytes that are not TLS."""
    conn.recv(1024)
    conn.sendall(b"this is not TLS at all\r\n" * 8)


def tls_server(ca: trustme.CA, *, host: str = "127.0.0.1", expired: bool = False) -> WsgiServer:
    """The healthy app over HTTPS with a certificate for ``host`` (or an expired one)."""
    if expired:
        now = dt.datetime.now(dt.UTC)
        context = server_tls(
            ca,
            not_before=now - dt.timedelta(days=30),
            not_after=now - dt.timedelta(days=1),
        )
    else:
        context = server_tls(ca, host)
    return WsgiServer(healthy, ssl_context=context).start()
