"""Serve the demo target on a real socket, in a background thread, with cheroot."""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from cheroot import wsgi
from cheroot.ssl import Adapter
from cheroot.ssl.builtin import BuiltinSSLAdapter

from readiness.demo.app import DemoApp, create_app
from readiness.threads import signals_left_to_main_thread

SERVER_NAME = "demo"  # what cheroot advertises when the app sets no Server header: no version
NUM_THREADS = 16
# Load tests open many connections at once; cheroot's default listen backlog of 5 would
# turn a burst into refused connections that say nothing about the target.
LISTEN_BACKLOG = 128
# How often cheroot's accept loop wakes up; it bounds how long stop() waits for the loop.
POLL_INTERVAL_S = 0.05
STOP_TIMEOUT_S = 1


class _ContextSSLAdapter(BuiltinSSLAdapter):
    """cheroot's builtin TLS adapter, fed a ready ``ssl.SSLContext`` instead of file names."""

    def __init__(self, context: ssl.SSLContext) -> None:
        # BuiltinSSLAdapter.__init__ insists on certificate files; skip it, keep its wrap().
        Adapter.__init__(self, certificate=None, private_key=None)
        self.context = context
        self._server_env: dict[str, str] = {}


_log = logging.getLogger("readiness.demo.server")


def _log_server_error(msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
    _log.log(logging.DEBUG if level < logging.ERROR else level, msg, exc_info=traceback)


class WsgiServer:
    """Any WSGI app on ``host:port`` (port 0 = any free port) in a background thread.

    The demo target uses it, and so do the tests' small apps with deliberate defects.
    """

    def __init__(
        self,
        app: Callable[..., Any],
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        *,
        name: str = "wsgi",
    ) -> None:
        self.app = app
        self.name = name
        self.host = host
        self._requested_port = port
        self._ssl_context = ssl_context
        self._server: wsgi.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running; call start() first")
        return int(self._server.bind_addr[1])

    @property
    def url(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    def start(self) -> Self:
        """Bind and listen, then serve in a daemon thread; returns once connections work."""
        if self._server is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        server = wsgi.Server(
            (self.host, self._requested_port),
            self.app,
            numthreads=NUM_THREADS,
            server_name=SERVER_NAME,
            request_queue_size=LISTEN_BACKLOG,
            shutdown_timeout=STOP_TIMEOUT_S,
        )
        server.expiration_interval = POLL_INTERVAL_S
        # Client-side hiccups (a gate that rejects the demo's certificate, a load test closing
        # sockets) are the client's story; keep them out of the gate's terminal.
        server.error_log = _log_server_error  # type: ignore[method-assign]  # cheroot's hook
        if self._ssl_context is not None:
            server.ssl_adapter = _ContextSSLAdapter(self._ssl_context)
        # prepare() binds and calls listen(), so the kernel accepts connections from here
        # on; the serve thread picks them up from the backlog.
        # Its threads (cheroot's workers, made by prepare(), and the serve thread) live in
        # the gate when it serves the demo: they leave the signals to its main thread.
        with signals_left_to_main_thread():
            server.prepare()
            self._server = server
            self._thread = threading.Thread(target=server.serve, name=self.name, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        server, thread = self._server, self._thread
        if server is None:
            return
        close = getattr(self.app, "close", None)
        if close is not None:
            close()  # end deliberate delays so worker threads can exit promptly
        server.stop()
        if thread is not None:
            thread.join(STOP_TIMEOUT_S)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class DemoServer(WsgiServer):
    """The demo target on ``host:port`` (port 0 = any free port), as a context manager.

    >>> with DemoServer("broken") as server:
    ...     requests.get(server.url + "/api/health")
    """

    def __init__(
        self,
        mode: str = "healthy",
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        *,
        slow_s: float = 1.5,
    ) -> None:
        app: DemoApp = create_app(mode, slow_s=slow_s)  # validates mode early
        super().__init__(app, host, port, ssl_context, name=f"demo-target-{mode}")
        self.mode = mode
