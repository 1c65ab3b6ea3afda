"""A deadline for the whole of a request: connecting, the status line and headers, the body.

requests' ``timeout`` bounds each read. A server that sends its headers a byte at a time,
each byte in time, holds a request forever, and no check made between reads can end a read
that is still waiting. Here one shared thread keeps a heap of deadlines; at a request's
deadline it shuts the request's socket down (``shutdown(SHUT_RDWR)``: a read blocked on it in
another thread wakes at once, where ``close`` would not, and would free the descriptor for
reuse). The request then fails, or ends early, and ``Watch.fired_in`` says it was the deadline
and what was still under way.

The socket is reached through urllib3's own extension point: a PoolManager's
``pool_classes_by_scheme``, set per instance "so other PoolManagers can override them"
(``watch_adapter``), here pools whose connections say which socket serves the request in
progress. The request in progress is a context variable (a thread never sees another
thread's). A connection names its socket when it opens it and when it sends a request on a
kept-alive one, and is forgotten when it goes back to its pool or closes: a deadline never
reaches a socket that another request has taken since.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from readiness.threads import start_daemon

# What a request was doing when its deadline came (Watch.phase).
CONNECTING = "connecting"  # the TLS handshake
HEADERS = "headers"  # the request being sent, the status line and headers awaited
BODY = "body"  # the headers arrived (or the socket was shut while they were arriving)


class Watch:
    """One request's deadline, from its start to its end, its redirects included."""

    __slots__ = ("conn", "deadline_s", "done", "due", "fired_in", "phase", "sock")

    def __init__(self, deadline_s: float) -> None:
        self.deadline_s = deadline_s
        self.due = time.monotonic() + deadline_s
        self.phase = HEADERS
        self.fired_in: str | None = None  # the phase the deadline cut; None while in time
        self.conn: Any = None  # the connection serving the request now
        self.sock: socket.socket | None = None  # its socket: shut down at the deadline
        self.done = False

    @property
    def fired(self) -> bool:
        return self.fired_in is not None


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for a TLS socket: SSLSocket.shutdown would drop its
    # TLS state under the read in progress. A socket closed since refuses (EBADF): harmless.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watchdog:
    """The one thread that ends requests at their deadlines (started at the first request).

    A request that ends in time is only marked done: its heap entry is dropped when it comes
    due, so a request costs a push and two short locks, never a thread or a timer."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        # Also in a forked child: it has no watchdog thread, and may have the lock held.
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()  # ties on `due` never compare two Watches
        self._thread: threading.Thread | None = None

    def start(self, deadline_s: float) -> Watch:
        watch = Watch(deadline_s)
        with self._lock:
            heapq.heappush(self._heap, (watch.due, next(self._order), watch))
            if self._thread is None:
                # It lives as long as the run, waiting: the thread a stray SIGTERM once
                # landed in (readiness/threads.py says why that left the run deaf).
                self._thread = start_daemon(self._run, "request-deadlines")
            elif self._heap[0][2] is watch:  # due before what the thread waits for
                self._changed.notify()
        return watch

    def end(self, watch: Watch) -> None:
        with self._lock:
            watch.done = True
            if watch.conn is not None:
                watch.conn.deadline_watch = None
            watch.conn = watch.sock = None

    def use(self, conn: Any, sock: Any, phase: str | None = None) -> None:
        """``conn`` serves the request in progress (if any) on ``sock`` from now on."""
        watch = CURRENT.get()
        if watch is None:
            return
        if sock is not None and not isinstance(sock, socket.socket):
            sock = getattr(sock, "socket", None)  # urllib3's SSLTransport (TLS in TLS)
        with self._lock:
            if watch.done:
                return
            if watch.conn is not None and watch.conn is not conn:
                watch.conn.deadline_watch = None
            watch.conn, watch.sock = conn, sock
            conn.deadline_watch = watch
            if phase is not None:
                watch.phase = phase
            if watch.fired and sock is not None:
                _shut(sock)  # a retry after the deadline: it ends at once too

    def forget(self, conn: Any) -> None:
        """``conn`` serves no request any more (back in its pool, or closing)."""
        if getattr(conn, "deadline_watch", None) is None:
            return
        with self._lock:
            watch = conn.deadline_watch
            if watch is not None and watch.conn is conn:
                watch.conn = watch.sock = None
            conn.deadline_watch = None

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    watch = heapq.heappop(self._heap)[2]
                    if not watch.done:
                        watch.fired_in = watch.phase
                        if watch.sock is not None:
                            _shut(watch.sock)
                self._changed.wait(self._heap[0][0] - now if self._heap else None)


WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=WATCHDOG._reset)

CURRENT: contextvars.ContextVar[Watch | None] = contextvars.ContextVar(
    "readiness_request_deadline", default=None
)


@contextlib.contextmanager
def deadline(deadline_s: float) -> Iterator[Watch]:
    """The deadline of the request made inside, and of the requests it makes (redirects): a
    request made inside another (a body read around a request) keeps the outer deadline."""
    outer = CURRENT.get()
    if outer is not None:
        yield outer
        return
    watch = WATCHDOG.start(deadline_s)
    token = CURRENT.set(watch)
    try:
        yield watch
    finally:
        CURRENT.reset(token)
        WATCHDOG.end(watch)


class WatchedHTTPConnection(HTTPConnection):
    """An HTTP connection that says which socket serves the request in progress."""

    deadline_watch: Watch | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        WATCHDOG.use(self, sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        # A kept-alive socket serves this request now (a new one is named in _new_conn).
        WATCHDOG.use(self, self.sock, HEADERS)
        super().request(*args, **kwargs)

    def getresponse(self) -> Any:
        sock = self.sock
        response = super().getresponse()
        # A response that ends the connection (HTTP/1.0, "Connection: close") closed it, and
        # holds its socket open for the body: the body is read from that socket still.
        WATCHDOG.use(self, self.sock or sock, BODY)
        return response

    def close(self) -> None:
        WATCHDOG.forget(self)
        super().close()


class WatchedHTTPSConnection(WatchedHTTPConnection, HTTPSConnection):
    """The same over TLS, the handshake included."""

    _handshake: socket.socket | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if CURRENT.get() is not None:
            # Wrapping a socket in TLS detaches it (its descriptor moves to the TLS socket)
            # before the handshake: the handshake is watched through a duplicate descriptor.
            self._handshake = sock.dup()
            WATCHDOG.use(self, self._handshake, CONNECTING)
        return sock

    def connect(self) -> None:
        try:
            super().connect()
        finally:
            handle, self._handshake = self._handshake, None
            if handle is not None:
                WATCHDOG.use(self, self.sock)  # the TLS socket from now on
                handle.close()


class WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection

    def _put_conn(self, conn: Any) -> None:
        if conn is not None:
            WATCHDOG.forget(conn)
        super()._put_conn(conn)


class WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection

    def _put_conn(self, conn: Any) -> None:
        if conn is not None:
            WATCHDOG.forget(conn)
        super()._put_conn(conn)


POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": WatchedHTTPConnectionPool,
    "https": WatchedHTTPSConnectionPool,
}


_ADAPTING = threading.Lock()  # threads sharing a session (the security probes) adapt it once


def watch_adapter(adapter: Any) -> None:
    """Make a requests HTTPAdapter's connections watchable (once; cheap after that). Any
    adapter will do, one mounted later included (the trust store's). A proxy's connections
    are not watched: the gate's sessions use none (a gate measures the target itself)."""
    manager = getattr(adapter, "poolmanager", None)
    if manager is None or manager.pool_classes_by_scheme is POOLS:
        return
    with _ADAPTING:
        if manager.pool_classes_by_scheme is not POOLS:
            manager.clear()  # pools made before hold connections that cannot be watched
            manager.pool_classes_by_scheme = POOLS
