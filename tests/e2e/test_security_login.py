"""login.sign_in against a real server on 127.0.0.1: a Django-like login whose POST is refused
without the CSRF token the form page hands out, plus the pure form parsing on literals."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pydantic
import pytest
import requests
from helpers import closed_port

from readiness.core.evidence import REDACTED
from readiness.suite import Limits
from suites.security import cookies, login
from suites.security.settings import Login

PASSWORD = "correct horse battery staple"  # what the app accepts; tests pass it via ${ENV}
HTML = "text/html; charset=utf-8"
LIMITS = Limits(deadline_s=30, max_body_bytes=10_000_000)  # gates.yaml's http: defaults
Answer = tuple[str, list[tuple[str, str]], str]  # WSGI status, headers, body
LOGIN_PAGE = """<!doctype html><html lang="en"><head><title>Log in | Shop</title></head><body>
<header><form action="/search" method="get"><input type="search" name="q"></form></header>
<main><h1>Log in</h1>
<form method="post" action="/accounts/login/">
  <input type="hidden" name="csrfmiddlewaretoken" value="{token}">
  <label for="id_username">Username:</label>
  <input type="text" name="username" autofocus autocapitalize="none" required id="id_username">
  <label for="id_password">Password:</label>
  <input type="password" name="password" autocomplete="current-password" required
    id="id_password">
  <input type="hidden" name="next" value="{next}">
  <button type="submit">Log in</button>
</form></main></body></html>"""


@dataclass
class CsrfLoginApp:
    """Django's login as it behaves on the wire: GET /accounts/login/ sets a ``csrftoken``
    cookie and puts the same token in a hidden ``csrfmiddlewaretoken``; the POST is 403 unless
    both match and the Referer is this origin (Django checks it on HTTPS; here always), else
    302 with a ``sessionid`` cookie. /signin redirects to the form; /api/login is a login API
    (POST only), /legacy/login an old one that takes the fields in the query."""

    received: list[tuple[str, str]] = field(default_factory=list)  # (method, path), in order
    posts: list[dict[str, Any]] = field(default_factory=list)  # what each login POST carried
    _issued: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/"
        with self._lock:
            self.received.append((method, path))
            status, headers, body = self._route(environ, method, path)
        data = body.encode()
        start_response(status, [*headers, ("Content-Length", str(len(data)))])
        return [data]

    def _route(self, environ: dict[str, Any], method: str, path: str) -> Answer:
        if path == "/accounts/login/" and method == "GET":
            token = secrets.token_urlsafe(24)
            self._issued.add(token)
            query = parse_qs(environ.get("QUERY_STRING", ""))
            page = LOGIN_PAGE.format(token=token, next=query.get("next", ["/account/"])[0])
            cookie = f"csrftoken={token}; Max-Age=31449600; Path=/; SameSite=Lax"
            return "200 OK", [("Content-Type", HTML), ("Set-Cookie", cookie)], page
        if path == "/accounts/login/" and method == "POST":
            return self._login(environ)
        if path == "/signin":
            return "302 Found", [("Location", "/accounts/login/?next=/orders/")], ""
        if path == "/api/login" and method == "GET":
            return "405 Method Not Allowed", [("Allow", "POST")], ""
        if path in ("/api/login", "/legacy/login"):  # a POST API; an old one taking GET
            self.posts.append({"query": environ.get("QUERY_STRING", ""), **_form(environ)})
            cookie = "auth_token=t0k3n; Path=/; Secure; HttpOnly; SameSite=Strict"
            return "200 OK", [("Content-Type", "application/json"), ("Set-Cookie", cookie)], "{}"
        if path == "/":
            return "200 OK", [("Content-Type", HTML)], "<!doctype html><p>Welcome</p>"
        return "404 Not Found", [("Content-Type", HTML)], "<h1>Not Found</h1>"

    def _login(self, environ: dict[str, Any]) -> Answer:
        sent = _form(environ)
        jar = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        cookie = jar["csrftoken"].value if "csrftoken" in jar else None
        referer = environ.get("HTTP_REFERER", "")
        self.posts.append(
            {**sent, "cookie": cookie, "referer": referer, "ua": environ.get("HTTP_USER_AGENT")}
        )
        host = f"http://{environ['HTTP_HOST']}"
        token = sent.get("csrfmiddlewaretoken")
        if cookie is None or token != cookie or token not in self._issued:
            return "403 Forbidden", [("Content-Type", HTML)], "<p>CSRF verification failed.</p>"
        if not referer.startswith(host + "/"):
            return "403 Forbidden", [("Content-Type", HTML)], "<p>Referer checking failed.</p>"
        if (sent.get("username"), sent.get("password")) != ("demo", PASSWORD):
            return "200 OK", [("Content-Type", HTML)], "<p>Please enter a correct username.</p>"
        session = (
            f"sessionid={secrets.token_hex(16)}; expires=Wed, 09 Dec 2026 10:00:00 GMT;"
            " HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure"
        )
        return "302 Found", [("Location", sent.get("next", "/")), ("Set-Cookie", session)], ""


def _form(environ: dict[str, Any]) -> dict[str, str]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length).decode() if length else ""
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


@pytest.fixture
def app() -> CsrfLoginApp:
    return CsrfLoginApp()


@pytest.fixture
def target(serve: Callable[[Any], str], app: CsrfLoginApp) -> str:
    return serve(app)  # listening once serve returns: nothing to wait for


@pytest.fixture
def http() -> Iterable[requests.Session]:
    with requests.Session() as session:
        session.headers["User-Agent"] = "readiness-gate-test"
        yield session


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SHOP_PASSWORD", PASSWORD)
    return "${SHOP_PASSWORD}"


def flow(path: str = "/accounts/login/", password: str = "${SHOP_PASSWORD}", **kw: Any) -> Login:
    return Login(path=path, fields={"username": "demo", "password": password}, **kw)


def names(lines: list[str]) -> list[str]:
    return [cookies.parse(line).name for line in lines]


def test_sign_in_submits_the_csrf_protected_form(
    app: CsrfLoginApp, target: str, http: requests.Session, password: str
) -> None:
    seen = login.sign_in(http, target, flow(password=password), timeout=5, limits=LIMITS)
    assert (seen.error, seen.status, seen.location) == (None, 302, "/account/")
    assert seen.url == target + "/accounts/login/"
    assert names(seen.cookie_lines) == ["csrftoken", "sessionid"]  # the GET's and the POST's
    post = app.posts[-1]
    assert post["csrfmiddlewaretoken"] == post["cookie"]  # the hidden input and the cookie
    assert post["password"] == PASSWORD  # ${SHOP_PASSWORD} expanded
    assert post["next"] == "/account/"  # every hidden input is sent, not only the token
    assert "q" not in post  # the search form before the login form is not the one submitted
    assert post["referer"] == target + "/accounts/login/"
    assert post["ua"] == "readiness-gate-test"  # the gate's headers, copied
    assert app.received == [("GET", "/accounts/login/"), ("POST", "/accounts/login/")]
    # The caller's session is untouched: no cookies, no Referer left behind.
    assert not http.cookies and "Referer" not in http.headers
    # Judged together, each cookie for what it is: the CSRF cookie needs no HttpOnly.
    _, rows = cookies.judge(seen.cookie_lines, https=True)
    assert [(name, kind, problems) for name, kind, _, problems in rows] == [
        ("csrftoken", "csrf", "no Secure"),
        ("sessionid", "session", "ok"),
    ]


def test_posting_the_fields_without_the_form_is_refused(
    app: CsrfLoginApp, target: str, http: requests.Session, password: str
) -> None:
    # What the suite did before: the fields alone, no token, no CSRF cookie.
    seen = login.sign_in(
        http, target, flow(password=password, form=False), timeout=5, limits=LIMITS
    )
    assert (seen.status, seen.cookie_lines) == (403, [])
    assert app.received == [("POST", "/accounts/login/")]


def test_a_redirect_to_the_form_page_is_followed(
    app: CsrfLoginApp, target: str, http: requests.Session, password: str
) -> None:
    seen = login.sign_in(http, target, flow("/signin", password=password), timeout=5, limits=LIMITS)
    assert (seen.error, seen.status, seen.location) == (None, 302, "/orders/")
    assert app.posts[-1]["referer"] == target + "/accounts/login/?next=/orders/"
    assert names(seen.cookie_lines) == ["csrftoken", "sessionid"]


def test_a_refused_password_keeps_the_form_page_cookies(
    app: CsrfLoginApp, target: str, http: requests.Session
) -> None:
    seen = login.sign_in(http, target, flow(password="wrong"), timeout=5, limits=LIMITS)
    assert (seen.error, seen.status, names(seen.cookie_lines)) == (None, 200, ["csrftoken"])


def test_an_unset_variable_is_reported_before_any_request(
    app: CsrfLoginApp, target: str, http: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOP_PASSWORD", raising=False)
    seen = login.sign_in(http, target, flow(), timeout=5, limits=LIMITS)
    assert (seen.status, seen.error) == (
        0,
        "environment variable SHOP_PASSWORD is not set (named in gates.yaml security.login.fields)",
    )
    assert app.received == []


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/nowhere", "login form /nowhere answered HTTP 404"),
        ("/", "login page / has no <form> (a login API? set security.login.form: false)"),
        (
            "/api/login",
            "login form /api/login answered HTTP 405 (a login API? set security.login.form: false)",
        ),
    ],
)
def test_no_login_form_is_an_error_line(
    app: CsrfLoginApp, target: str, http: requests.Session, password: str, path: str, error: str
) -> None:
    seen = login.sign_in(http, target, flow(path, password=password), timeout=5, limits=LIMITS)
    assert (seen.status, seen.error, seen.url) == (0, error, target + path)
    assert app.received == [("GET", path)]  # nothing is submitted


def test_an_unreachable_target_is_an_error_line(http: requests.Session, password: str) -> None:
    target = f"http://127.0.0.1:{closed_port()}"
    seen = login.sign_in(http, target, flow(password=password), timeout=5, limits=LIMITS)
    assert seen.status == 0 and seen.error is not None
    assert seen.error.startswith(
        "login form /accounts/login/ could not be fetched: ConnectionError"
    )
    assert "\n" not in seen.error


@pytest.mark.parametrize(("method", "path"), [("POST", "/api/login"), ("GET", "/legacy/login")])
def test_a_login_api_gets_the_fields_straight(
    app: CsrfLoginApp, target: str, http: requests.Session, password: str, method: str, path: str
) -> None:
    seen = login.sign_in(
        http, target, flow(path, password=password, form=False, method=method), 5, LIMITS
    )
    assert (seen.error, seen.status, names(seen.cookie_lines)) == (None, 200, ["auth_token"])
    sent = app.posts[-1]
    if method == "POST":
        assert (sent["username"], sent["password"]) == ("demo", PASSWORD)
    else:  # in the query, so in the answer's URL: the expanded secret is masked there
        assert parse_qs(sent["query"])["password"] == [PASSWORD]
        assert PASSWORD.split()[0] not in seen.url and REDACTED in seen.url
        assert parse_qs(urlsplit(seen.url).query)["username"] == ["demo"]  # not a secret


# --- pure parts, on literals -------------------------------------------------------------

RAILS = """<form class="new_user" id="new_user" action="/users/sign_in" accept-charset="UTF-8"
 method="post"><input type="hidden" name="authenticity_token" value="Qx8c/9a+Zk=="
 autocomplete="off" />
<input autofocus="autofocus" autocomplete="email" type="email" value="" name="user[email]" />
<input autocomplete="current-password" type="password" name="user[password]" />
<input name="user[remember_me]" type="hidden" value="0" autocomplete="off" />
<input type="checkbox" value="1" name="user[remember_me]" />
<input type="submit" name="commit" value="Log in" data-disable-with="Log in" /></form>"""
LARAVEL = """<form method="POST" action="https://shop.example/login">
<input type="hidden" name="_token" value="hJ3k9LmN0pQrStUv" autocomplete="off">
<input id="email" type="email" name="email" required autofocus>
<input id="password" type="password" name="password" required></form>"""


def test_forms_keep_action_method_and_every_hidden_input() -> None:
    (rails,) = login.forms(RAILS)
    assert (rails.action, rails.method) == ("/users/sign_in", "POST")
    assert rails.hidden == [("authenticity_token", "Qx8c/9a+Zk=="), ("user[remember_me]", "0")]
    assert {"user[email]", "user[password]", "commit"} <= rails.names
    (laravel,) = login.forms(LARAVEL)
    assert (laravel.action, laravel.method, laravel.hidden) == (
        "https://shop.example/login",
        "POST",
        [("_token", "hJ3k9LmN0pQrStUv")],
    )


def test_the_form_with_the_configured_fields_is_chosen() -> None:
    page = '<form action="/search"><input name="q"></form>' + LARAVEL
    found = login.forms(page)
    assert found[0].method is None  # names no method: the configured one applies
    assert login.login_form(found, ["email", "password"]) is found[1]
    assert login.login_form(found, ["login", "pass"]) is found[0]  # none holds them: the first
    assert login.login_form([], ["email"]) is None
    assert login.forms("<p>no form</p>") == []


def test_configured_fields_win_over_hidden_inputs() -> None:
    (rails,) = login.forms(RAILS)
    data = login.form_data(rails, {"user[email]": "a@shop.example", "user[remember_me]": "1"})
    assert data == [
        ("authenticity_token", "Qx8c/9a+Zk=="),
        ("user[email]", "a@shop.example"),
        ("user[remember_me]", "1"),
    ]


def test_login_settings_stay_backward_compatible() -> None:
    old = Login.model_validate(
        {"path": "/login", "method": "GET", "fields": {"user": "a", "password": "b"}}
    )
    assert (old.path, old.method, old.fields, old.form) == (
        "/login",
        "GET",
        {"user": "a", "password": "b"},
        True,
    )
    with pytest.raises(pydantic.ValidationError):
        Login.model_validate({"path": "/login", "csrf": True})
