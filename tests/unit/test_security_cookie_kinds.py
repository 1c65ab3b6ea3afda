"""Cookie kinds (session, anti-CSRF, other) as the HTTP Observatory tells them, on literals:
an anti-CSRF cookie needs SameSite but not HttpOnly; a session cookie needs both."""

from __future__ import annotations

import pytest

from suites.security import cookies, grading

# What Django sets on a login form and after signing in (CSRF_COOKIE_SECURE and
# SESSION_COOKIE_SECURE on): the CSRF cookie is readable by scripts on purpose.
DJANGO = [
    "csrftoken=Yq3rX8v0aK4mJm2QwZl1; expires=Wed, 25 Nov 2027 10:00:00 GMT; Max-Age=31449600;"
    " Path=/; SameSite=Lax; Secure",
    "sessionid=5l0b2x9k1q8n3c7v; expires=Wed, 09 Dec 2026 10:00:00 GMT; HttpOnly; Max-Age=1209600;"
    " Path=/; SameSite=Lax; Secure",
]


@pytest.mark.parametrize(
    "name",
    [
        "sessionid",  # Django
        "PHPSESSID",
        "JSESSIONID",
        "connect.sid",  # Express
        "_session",
        "_shop_session",  # Rails
        "laravel_session",
        "ASP.NET_SessionId",
        ".ASPXAUTH",
        "auth_token",
        "remember_token",
        "remember_web_59ba36addc2b2f9401580f014c7f58ea4e30989d",  # Laravel "remember me"
        "jwt",
        "__Host-sid",
        "__Secure-next-auth.session-token",
    ],
)
def test_session_cookie_names(name: str) -> None:
    assert cookies.kind(name) == "session"


@pytest.mark.parametrize(
    "name",
    [
        "csrftoken",  # Django
        "XSRF-TOKEN",  # Laravel, Angular
        "_csrf",  # csurf
        "csrf_token",
        "__Host-csrf",
        "__Secure-csrf-token",
        "_xsrf",  # Tornado
        "csrf_cookie_name",  # CodeIgniter
    ],
)
def test_anti_csrf_cookie_names(name: str) -> None:
    # Several also contain "token", a session marker: the anti-CSRF rule comes first.
    assert cookies.kind(name) == "csrf"
    assert not cookies.parse(f"{name}=x").session_like


@pytest.mark.parametrize("name", ["theme", "lang", "_ga", "cookie_consent", "tz"])
def test_other_cookie_names(name: str) -> None:
    assert cookies.kind(name) == "other"


def test_csrf_cookie_without_httponly_is_fine() -> None:
    # The reported case: csrftoken was judged "session cookie without HttpOnly".
    assert cookies.problems(cookies.parse(DJANGO[0]), https=True) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("sessionid=x; Secure; SameSite=Lax", ["session cookie without HttpOnly"]),
        ("XSRF-TOKEN=x; Path=/; Secure", ["no SameSite (an anti-CSRF cookie needs it)"]),
        ("csrftoken=x; Path=/; SameSite=Lax", ["no Secure"]),
        ("theme=dark; Secure", ["no SameSite"]),
        ("theme=dark; Secure; SameSite=Lax", []),
    ],
)
def test_problems_by_kind(line: str, expected: list[str]) -> None:
    assert cookies.problems(cookies.parse(line), https=True) == expected


def test_judge_rows_name_the_kind() -> None:
    verdict, rows = cookies.judge([*DJANGO, "theme=dark; Secure; SameSite=Lax"], https=True)
    assert verdict.ok, verdict.problems
    assert rows == [
        ("csrftoken", "csrf", "Secure SameSite=Lax", "ok"),
        ("sessionid", "session", "Secure HttpOnly SameSite=Lax", "ok"),
        ("theme", "other", "Secure SameSite=Lax", "ok"),
    ]


def test_judge_reports_a_leaky_session_cookie_beside_a_good_csrf_cookie() -> None:
    verdict, rows = cookies.judge([DJANGO[0], "sessionid=x; Path=/; Secure; SameSite=Lax"], True)
    assert verdict.problems == ("sessionid: session cookie without HttpOnly",)
    assert [(name, kind, problems) for name, kind, _, problems in rows] == [
        ("csrftoken", "csrf", "ok"),
        ("sessionid", "session", "session cookie without HttpOnly"),
    ]


def test_grade_does_not_take_a_csrf_cookie_for_a_session() -> None:
    def cookie_key(lines: list[str]) -> list[str]:
        obs = grading.Observations(https=True, headers={}, cookie_lines=lines)
        return [m.key for m in grading.grade(obs).applied if m.test == "cookies"]

    assert cookie_key(DJANGO) == ["secure-httponly-samesite"]
    assert cookie_key([DJANGO[0].replace("; Secure", "")]) == ["no-secure"]  # not session-
    assert cookie_key(["sessionid=x; Secure; SameSite=Lax"]) == ["session-no-httponly"]
