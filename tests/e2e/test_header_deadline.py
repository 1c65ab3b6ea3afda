"""The whole-request deadline covers the status line and the headers, not only the body: a
server that trickles its headers a byte at a time (each byte well within the per-read timeout)
no longer holds a request, the gate's first smoke check, or the crawl, forever."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from helpers import server_tls, write_gates

from readiness.browser.pages import crawl_target
from readiness.plugin.gate import GateRun
from readiness.plugin.http import BoundedSession, DeadlineExceeded, Limits
from readiness.plugin.options import GateOptions

STATUS_LINE = b"HTTP/1.1 200 OK\r\n"
HANG_GUARD_S = 60  # far past every deadline below: only a request that never ends reaches it


def page(html: str) -> bytes:
    body = html.encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


class TrickleServer:
    """A raw TCP server on 127.0.0.1: a path in ``pages`` gets its answer whole, any other
    path its status line one byte every 0.3 s, and then nothing, its headers never finished.
    ``trickling`` is set when a trickled answer has begun."""

    def __init__(self, pages: dict[str, bytes], tls: ssl.SSLContext | None = None) -> None:
        self.pages, self.tls = pages, tls
        self.trickling = threading.Event()
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # stopped
            self.held.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the client gave up, or the test ended
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
                self.held.append(conn)
            while True:  # one request after another on a kept-alive connection
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                path = request.split(b" ")[1].decode()
                if path not in self.pages:
                    break
                conn.sendall(self.pages[path])
            self.trickling.set()
            for byte in STATUS_LINE:
                conn.sendall(bytes([byte]))
                if self.stopped.wait(0.3):  # the server's own pace, not the test's
                    return
            self.stopped.wait()  # the headers are never finished

    def stop(self) -> None:
        self.stopped.set()
        self.listener.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def trickle() -> Iterator[Callable[..., TrickleServer]]:
    servers: list[TrickleServer] = []

    def start(pages: dict[str, bytes] | None = None, tls: ssl.SSLContext | None = None):
        servers.append(TrickleServer(pages or {}, tls))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def ended(call: Callable[[], Any]) -> BaseException | None:
    """What ``call`` raised, run in a thread; fails the test if it is still running at the
    hang guard (the bug this file is about is a call that never returns)."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:
            raised.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG_GUARD_S)
    assert not worker.is_alive(), "the request never ended: no deadline reached it"
    return raised[0] if raised else None


@pytest.mark.parametrize("stream", [False, True], ids=["read", "stream"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_headers_that_trickle_end_at_the_deadline(
    trickle, ca: trustme.CA, tmp_path: Path, scheme: str, stream: bool
) -> None:
    tls = None
    session = BoundedSession(Limits(2, 1000))
    session.trust_env = False
    if scheme == "https":
        tls = server_tls(ca)
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        session.verify = str(tmp_path / "ca.pem")
    server = trickle(tls=tls)
    with session:
        exc = ended(lambda: session.get(server.url + "/", timeout=1, stream=stream))
    assert server.trickling.is_set(), repr(exc)  # it was answered, a byte at a time
    assert isinstance(exc, DeadlineExceeded), repr(exc)
    assert str(exc) == (
        "no answer within 2 s (the whole request's deadline; the headers had not all arrived)"
    )


def test_a_kept_alive_connection_outlives_the_deadline_of_the_request_before(trickle) -> None:
    # The deadline lets go of a connection when it goes back to its pool: the next request
    # on it is that request's, bounded by its own deadline only.
    server = trickle({"/": page("<p>one</p>"), "/two": page("<p>two</p>")})
    with BoundedSession(Limits(5, 1000)) as session:
        session.trust_env = False
        assert session.get(server.url + "/", timeout=5).text == "<p>one</p>"
        pools = list(session.get_adapter(server.url).poolmanager.pools._container.values())
        idle = [conn for pool in pools for conn in pool.pool.queue if conn is not None]
        assert idle and all(conn.deadline_watch is None for conn in idle)
        assert session.get(server.url + "/two", timeout=5).text == "<p>two</p>"
    assert len(server.held) == 1  # one connection served both


SMOKE_ONLY = """\
target: {target}
timeout_s: 1
http: {{deadline_s: 2}}
components:
  smoke: {{weight: 1, blocking: true, availability: null}}
"""


def test_the_gate_ends_inconclusive_naming_the_deadline(run_gate, trickle, tmp_path) -> None:
    server = trickle()
    gates = write_gates(tmp_path, SMOKE_ONLY.format(target=server.url))
    result = run_gate("--gates", str(gates), "-q", timeout=HANG_GUARD_S)
    reachable = result.check("smoke.reachable")
    assert reachable["outcome"] == "errored", reachable
    assert (
        "could not be reached (no answer within 2 s (the whole request's deadline;"
        in (reachable["message"])
    ), reachable
    assert result.readiness["verdict"] == "INCONCLUSIVE"
    assert result.returncode == 3 == result.readiness["exit_code"], result.stderr[-3000:]


CRAWL = """\
target: {target}
pages: [/]
timeout_s: 1
http: {{deadline_s: 2}}
browser:
  crawl: {{max_pages: 5}}
components:
  accessibility: {{weight: 1}}
"""


def crawled_pages(run_gate: Any, tmp_path: Path, target: str) -> list[str]:
    """The pages the real gate plans for ``target`` after its crawl (checks are collected,
    not run: the crawl runs at collection)."""
    gates = write_gates(tmp_path, CRAWL.format(target=target))
    result = run_gate("--gates", str(gates), "--collect-only", "-q", timeout=HANG_GUARD_S)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    planned = [line for line in result.stdout.splitlines() if "::test_critical[" in line]
    return [line.split("[", 1)[1].rstrip("]") for line in planned]


def test_the_crawl_ends_when_the_first_page_trickles(run_gate, trickle, tmp_path) -> None:
    server = trickle()
    # The configured page stays (the browser suites report what it is); nothing is found.
    assert crawled_pages(run_gate, tmp_path, server.url) == ["/"]
    assert server.trickling.is_set()


def test_the_crawl_leaves_out_a_link_that_trickles_and_says_why(
    run_gate, trickle, tmp_path: Path
) -> None:
    links = '<a href="/slow">slow</a> <a href="/fine">fine</a>'
    server = trickle({"/": page(links), "/fine": page("<p>fine</p>")})
    assert crawled_pages(run_gate, tmp_path, server.url) == ["/", "/fine"]
    # Why, as the browser components' note gives it: the crawl itself, on the same run.
    run = GateRun.prepare(GateOptions(gates=str(tmp_path / "gates.yaml"), report_dir="r"))
    run.target = run.config.target or ""  # as the plugin sets it when the run starts
    found: list[Any] = []
    try:
        assert ended(lambda: found.append(crawl_target(run))) is None
    finally:
        run.release_trust()
    assert found[0].pages == ["/", "/fine"]
    assert found[0].skipped == {
        "/slow": "did not answer (no answer within 2 s (the whole request's deadline;"
        " the headers had not all arrived))"
    }
