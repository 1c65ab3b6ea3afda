"""Cookie checks: every cookie the configured pages and the login flow set."""

from __future__ import annotations

from readiness.suite import check, evidence

from . import cookies
from .record import judged


@check(
    "security.cookies",
    title="Cookies are Secure, HttpOnly and SameSite",
    observes=("pages", "login"),
)
def test_cookies(check, pages, login, https: bool, target: str, settings) -> None:
    sources = [(p.url, line) for p in pages for line in p.cookie_lines]
    if login is not None:
        if login.status >= 400:  # a refused sign-in sets no session cookie to judge
            check.no_data(f"not observed: login flow {login.url} answered HTTP {login.status}")
            return
        sources += [(login.url, line) for line in login.cookie_lines]
    verdict, rows = cookies.judge([line for _, line in sources], https)
    flow = f"login {settings.login.method} {settings.login.path}" if settings.login else "no login"
    judged(
        check,
        verdict,
        target,
        f"{len(sources)} Set-Cookie header(s) from the pages and {flow}",
        expected="Secure; HttpOnly (sessions); SameSite; valid __Host-/__Secure- prefixes",
        extra=[
            evidence.table("cookies", ["name", "kind", "attributes", "problems"], rows),
            evidence.table(
                "set by", ["URL", "cookie"], [(u, line.split("=")[0]) for u, line in sources]
            ),
        ],
    )
