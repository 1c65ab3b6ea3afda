"""The bundled demo target (readiness.demo), exercised over real sockets on 127.0.0.1.

Gates and suites rely on healthy mode being clean and on broken mode's defects being exact,
so both are pinned here.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme
from helpers import server_tls

from readiness.demo import MODES, DemoServer, create_app
from readiness.demo.app import CSP, PRODUCTS, DemoApp

SLOW_S = 0.3  # broken mode's /products delay, kept short so the file stays fast
HTML_PAGES = ("/", "/about", "/products", "/login")
REPO_ROOT = Path(__file__).resolve().parents[2]

HEALTHY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture(scope="module")
def healthy() -> Iterator[DemoServer]:
    with DemoServer("healthy") as server:
        yield server


@pytest.fixture(scope="module")
def broken() -> Iterator[DemoServer]:
    with DemoServer("broken", slow_s=SLOW_S) as server:
        yield server


@pytest.fixture(params=MODES)
def server(request: pytest.FixtureRequest) -> DemoServer:
    """Each mode's server, for behaviour both modes must share."""
    return request.getfixturevalue(request.param)


GUARD_S = 60  # hang guards: a wait that reaches one has failed; none is a time budget
# A delay no test waits out: /products in broken mode answers only once the app is closed.
FOREVER_S = 3600.0


def get(server: DemoServer, path: str, **kwargs: object) -> requests.Response:
    return requests.get(server.url + path, allow_redirects=False, timeout=GUARD_S, **kwargs)


class Watched:
    """The demo app, with the events of its /products requests: one reached the handler,
    one was answered. ``close`` is the app's (the server calls it on stop)."""

    def __init__(self, app: DemoApp) -> None:
        self.app = app
        self.reached = threading.Event()
        self.answered = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        products = environ["PATH_INFO"] == "/products"
        if products:
            self.reached.set()
        body = self.app(environ, start_response)
        if products:
            self.answered.set()
        return body

    def close(self) -> None:
        self.app.close()


def watched(mode: str, slow_s: float) -> tuple[DemoServer, Watched]:
    """A demo server (not started) whose app is watched."""
    server = DemoServer(mode, slow_s=slow_s)
    app = Watched(server.app)
    server.app = app
    return server, app


def fetch_in_background(server: DemoServer, path: str) -> tuple[threading.Thread, list[int]]:
    """GET ``path`` in a thread; the list gets the status (none if the connection was cut)."""
    statuses: list[int] = []

    def fetch() -> None:
        with contextlib.suppress(requests.RequestException):
            statuses.append(get(server, path).status_code)

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    return thread, statuses


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def login(server: DemoServer, session: requests.Session, password: str) -> requests.Response:
    return session.post(
        server.url + "/login",
        data={"username": "demo", "password": password},
        allow_redirects=False,
        timeout=GUARD_S,
    )


# --- app construction ------------------------------------------------------------------


def test_unknown_mode_is_rejected_with_valid_modes_named() -> None:
    with pytest.raises(ValueError, match="healthy, broken"):
        create_app("flaky")


def test_modes() -> None:
    assert MODES == ("healthy", "broken")


# --- routes shared by both modes --------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/about", "/login"])
def test_html_pages_share_the_layout(server: DemoServer, path: str) -> None:
    response = get(server, path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.text
    assert re.search(r"<title>Acme Shop — [^<]+</title>", html)
    assert '<meta charset="utf-8">' in html
    assert 'name="viewport"' in html
    for tag in ("<header", "<nav", "<main", "<footer"):
        assert tag in html
    assert html.count("<h1>") == 1


def test_home_page(server: DemoServer) -> None:
    html = get(server, "/").text
    assert "<title>Acme Shop — Home</title>" in html
    assert "Welcome to Acme Shop" in html


def test_products_page_lists_every_product(server: DemoServer) -> None:
    response = get(server, "/products")
    assert response.status_code == 200
    for product in PRODUCTS:
        assert product["name"] in response.text


def test_api_health(server: DemoServer) -> None:
    response = get(server, "/api/health")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "version": "1.4.2", "mode": server.mode}


def test_old_home_redirects_permanently(server: DemoServer) -> None:
    response = get(server, "/old-home")
    assert response.status_code == 301
    assert response.headers["Location"] == "/"


def test_login_flow_signs_in(server: DemoServer) -> None:
    with requests.Session() as session:
        response = login(server, session, "demo")
        assert response.status_code == 303
        assert response.headers["Location"] == "/account"
        assert "session" in session.cookies
        account = session.get(server.url + "/account", allow_redirects=False, timeout=GUARD_S)
    assert account.status_code == 200
    assert "Signed in as demo" in account.text


def test_wrong_password_is_401_with_message(server: DemoServer) -> None:
    with requests.Session() as session:
        response = login(server, session, "wrong")
    assert response.status_code == 401
    assert "Incorrect username or password." in response.text
    assert "Set-Cookie" not in response.headers


def test_account_without_session_redirects_to_login(server: DemoServer) -> None:
    response = get(server, "/account", cookies={"session": "forged"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"


def test_unknown_path_is_an_html_404(server: DemoServer) -> None:
    response = get(server, "/no/such/page")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


def test_head_mirrors_get_without_a_body(server: DemoServer) -> None:
    head = requests.head(server.url + "/", timeout=GUARD_S)
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["Content-Length"]) == len(get(server, "/").content)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/", "GET, HEAD"),
        ("POST", "/api/health", "GET, HEAD"),
        ("PUT", "/login", "GET, HEAD, POST"),
    ],
)
def test_other_methods_are_405_with_allow(
    server: DemoServer, method: str, path: str, allow: str
) -> None:
    response = requests.request(method, server.url + path, timeout=GUARD_S)
    assert response.status_code == 405
    assert response.headers["Allow"] == allow


# --- healthy mode -----------------------------------------------------------------------


def test_api_products_shape(healthy: DemoServer) -> None:
    response = get(healthy, "/api/products")
    assert response.status_code == 200
    products = response.json()["products"]
    assert 3 <= len(products) <= 5
    for product in products:
        assert set(product) == {"id", "name", "price"}
        assert isinstance(product["id"], int)
        assert isinstance(product["name"], str)
        assert isinstance(product["price"], int | float)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/static/logo.png", "image/png"),
    ],
)
def test_static_files(healthy: DemoServer, path: str, content_type: str) -> None:
    response = get(healthy, path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert "max-age=" in response.headers["Cache-Control"]
    assert response.content


def test_logo_is_a_small_detailed_png(healthy: DemoServer) -> None:
    data = get(healthy, "/static/logo.png").content
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (320, 96)
    # Chrome skips low-entropy images as LCP candidates; a solid colour would compress to
    # a few hundred bytes, so a floor on size is a cheap proxy for visual detail.
    assert 2_000 < len(data) < 20_000


@pytest.mark.parametrize("path", ["/", "/products", "/api/health", "/static/style.css", "/nope"])
def test_healthy_security_headers_are_exact(healthy: DemoServer, path: str) -> None:
    headers = get(healthy, path).headers
    assert {name: headers.get(name) for name in HEALTHY_HEADERS} == HEALTHY_HEADERS
    assert "Strict-Transport-Security" not in headers  # only over https
    assert headers["Server"] == "demo"
    assert "X-Powered-By" not in headers


def test_healthy_session_cookie_flags(healthy: DemoServer) -> None:
    with requests.Session() as session:
        cookie = login(healthy, session, "demo").headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert {"HttpOnly", "SameSite=Lax", "Path=/"} <= set(cookie.split("; "))
    assert "Secure" not in cookie


@pytest.mark.parametrize("path", [*HTML_PAGES, "/nope"])
def test_healthy_html_is_csp_and_a11y_friendly(healthy: DemoServer, path: str) -> None:
    html = get(healthy, path).text
    # The healthy CSP has no 'unsafe-inline': inline styles and scripts would be blocked.
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE)
    assert not re.search(r"<style\b", html, re.IGNORECASE)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html, re.IGNORECASE)
    assert not re.search(r"<script[^>]*>\s*[^<\s]", html, re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE)
    assert '<html lang="en">' in html
    assert re.search(r'<img src="/static/logo.png" alt="[^"]+"', html)


def test_healthy_login_inputs_are_labelled(healthy: DemoServer) -> None:
    html = get(healthy, "/login").text
    for field in ("username", "password"):
        assert f'<label for="{field}">' in html
        assert f'id="{field}"' in html


def test_healthy_mode_never_delays_an_answer() -> None:
    # Given a delay no test could wait out, healthy mode still answers every page: it has no
    # deliberate slowness. How fast it answers is benchmarks/demo_server.py's to measure.
    with DemoServer("healthy", slow_s=FOREVER_S) as server:
        for path in (*HTML_PAGES, "/api/products", "/static/logo.png"):
            assert get(server, path).status_code == 200, path


# --- broken mode ------------------------------------------------------------------------


def test_broken_api_products_leaks_a_traceback(broken: DemoServer) -> None:
    response = get(broken, "/api/products")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "Traceback (most recent call last):" in response.text
    assert "ConnectionRefusedError" in response.text


def test_broken_products_page_is_held_back_until_the_delay_ends() -> None:
    server, app = watched("broken", FOREVER_S)
    with server:
        slow, statuses = fetch_in_background(server, "/products")
        assert app.reached.wait(GUARD_S), "/products never reached the app"
        # The server answers other requests meanwhile; /products is still held back.
        assert get(server, "/api/health").status_code == 200
        assert not app.answered.is_set()
        app.close()  # the delay ends (as on stop): then the page is served
        slow.join(GUARD_S)
        assert statuses == [200]


@pytest.mark.parametrize("path", ["/", "/api/health", "/static/style.css"])
def test_broken_has_no_security_headers_and_discloses_versions(
    broken: DemoServer, path: str
) -> None:
    headers = get(broken, path).headers
    for name in (*HEALTHY_HEADERS, "Strict-Transport-Security"):
        assert name not in headers
    assert headers["Server"] == "DemoServer/0.9 Python/3.11"
    assert headers["X-Powered-By"] == "DemoFramework 2.1"


def test_broken_session_cookie_lacks_httponly_and_samesite(broken: DemoServer) -> None:
    with requests.Session() as session:
        cookie = login(broken, session, "demo").headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" not in cookie
    assert "SameSite" not in cookie


def test_broken_exposes_git_head_reflects_origin_and_sends_legacy_xss_header(
    broken: DemoServer, healthy: DemoServer
) -> None:
    origin = {"Origin": "https://evil.example"}
    response = get(broken, "/", headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] == "https://evil.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["X-XSS-Protection"] == "1; mode=block"
    git_head = get(broken, "/.git/HEAD")
    assert (git_head.status_code, git_head.text) == (200, "ref: refs/heads/main\n")
    # Healthy mode has none of the three.
    clean = get(healthy, "/", headers=origin).headers
    assert "Access-Control-Allow-Origin" not in clean and "X-XSS-Protection" not in clean
    assert get(healthy, "/.git/HEAD").status_code == 404


def test_broken_markup_is_inaccessible(broken: DemoServer) -> None:
    home = get(broken, "/").text
    assert re.search(r"<html>", home)  # no lang
    assert re.search(r"<img src=\"/static/logo.png\" width", home)  # no alt
    assert '<body class="faded">' in home  # low-contrast text, see style.css
    assert "<h3" in home and "<h2" not in home  # skips from h1 to h3
    login_page = get(broken, "/login").text
    assert "<label" not in login_page
    # No placeholder either: axe takes a placeholder as a name, so the inputs would pass.
    assert "placeholder" not in login_page
    assert '<span class="field-hint">Username</span>' in login_page


# --- server lifecycle -------------------------------------------------------------------


def test_url_and_double_stop() -> None:
    server = DemoServer("healthy")
    with pytest.raises(RuntimeError):
        _ = server.url
    server.start()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
    server.stop()
    server.stop()


def test_stop_closes_idle_connections_and_frees_the_port() -> None:
    # A fixed port, as `python -m readiness.demo --port 8000` uses: cheroot only sets
    # SO_REUSEADDR for fixed ports, which is what lets a restart bind while the previous
    # run's connections are still closing. How long stop() takes is
    # benchmarks/demo_server.py's to measure.
    port = free_port()
    with DemoServer("healthy", port=port) as server:
        idle = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD_S)
        idle.request("GET", "/")
        answer = idle.getresponse()
        answer.read()
        assert answer.status == 200 and not answer.will_close  # a keep-alive connection
        server.stop()
        # The server closed the idle connection: its end of the socket is at EOF (or reset).
        assert idle.sock is not None
        with contextlib.suppress(ConnectionResetError):
            assert idle.sock.recv(1) == b""
        idle.close()
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/", timeout=GUARD_S)
    with DemoServer("healthy", port=port) as again:
        assert get(again, "/api/health").status_code == 200


def test_stop_cuts_short_a_slow_request() -> None:
    # A request held back for an hour: stop() (which waits for the server's threads) could
    # only return if it cuts the delay short. Shutdown may cut the connection too.
    server, app = watched("broken", FOREVER_S)
    server.start()
    slow, _ = fetch_in_background(server, "/products")
    assert app.reached.wait(GUARD_S), "/products never reached the app"
    stopping = threading.Thread(target=server.stop, daemon=True)
    stopping.start()
    stopping.join(GUARD_S)
    assert not stopping.is_alive(), "stop() waited for the slow request"
    slow.join(GUARD_S)
    assert not slow.is_alive()


def test_https_adds_hsts_and_secure_host_cookie(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    with (
        DemoServer("healthy", ssl_context=server_tls(ca)) as server,
        requests.Session() as session,
    ):
        assert server.url.startswith("https://127.0.0.1:")
        # Per request, not session.verify: REQUESTS_CA_BUNDLE in the environment would win.
        home = session.get(server.url + "/", timeout=GUARD_S, verify=str(ca_pem))
        cookie = session.post(
            server.url + "/login",
            data={"username": "demo", "password": "demo"},
            allow_redirects=False,
            timeout=GUARD_S,
            verify=str(ca_pem),
        ).headers["Set-Cookie"]
        account = session.get(
            server.url + "/account", allow_redirects=False, timeout=GUARD_S, verify=str(ca_pem)
        )
    assert home.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert cookie.startswith("__Host-session=")
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(cookie.split("; "))
    assert "Signed in as demo" in account.text


# --- python -m readiness.demo -----------------------------------------------------------


def _module_env() -> dict[str, str]:
    # The package may not be installed; make the checkout importable in the child.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_module_serves_and_stops_cleanly_on_sigint() -> None:
    # Port 0: the demo binds a free port itself and prints it. A port picked here first could
    # be taken by another process before the demo binds it (a busy CI machine).
    proc = subprocess.Popen(
        [sys.executable, "-m", "readiness.demo", "--mode", "broken", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_module_env(),
        text=True,
        encoding="utf-8",
        # As a shell starts a background job (`demo &`): SIGINT ignored. The demo must still
        # stop on it (it once inherited the ignore and this test hung for its 60 s guard).
        preexec_fn=_ignore_sigint,
    )
    try:
        assert proc.stdout is not None
        # Hang guards only (a busy machine may take seconds): the events are the line and exit.
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no startup line"
        line = proc.stdout.readline().rstrip("\n")
        found = re.fullmatch(
            r"demo target \(broken\) serving on (http://127\.0\.0\.1:\d+) — Ctrl-C to stop", line
        )
        assert found, line
        url = found.group(1)
        health = requests.get(url + "/api/health", timeout=GUARD_S)
        assert health.json()["mode"] == "broken"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "Traceback" not in stderr


def test_module_rejects_bad_arguments() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "readiness.demo", "--mode", "flaky"],
        capture_output=True,
        env=_module_env(),
        text=True,
        timeout=GUARD_S,
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
