"""Transport checks: HTTPS, the plain-HTTP redirect, HSTS."""

from __future__ import annotations

from readiness.suite import check, evidence

from . import headers as judges
from .conftest import Redirect, has_http_url
from .judgement import Judgement
from .record import header, judged

HTTPS_WHY = (
    "Without HTTPS every page, password and session cookie crosses the network in the clear"
    " and can be changed on the way."
)
REDIRECT_WHY = (
    "Users and old links still arrive over plain HTTP; a permanent (301/308) redirect to HTTPS"
    " on the same host moves them to the encrypted site before anything sensitive is sent."
)


@check("security.https", title="HTTPS available", blocking=True, observes="main_page")
def test_https(check, target: str, https: bool, main_page) -> None:
    if not https:
        verdict = Judgement(False, "served over plain HTTP", HTTPS_WHY, ("target is not https",))
    else:
        verdict = Judgement(True, f"served over HTTPS ({main_page.status})", HTTPS_WHY)
    judged(check, verdict, target, target.split(":")[0], expected="https")


@check(
    "security.redirect",
    title="Plain HTTP redirects to HTTPS (301/308)",
    observes="redirect",
    applies=has_http_url,
)
def test_redirect(check, redirect: Redirect) -> None:
    message, first = redirect.message, redirect.first
    ok = redirect.key == "to-https" and first.status in (301, 308)
    verdict = Judgement(ok, message, REDIRECT_WHY, () if ok else (message,))
    seen = f"{first.status} Location: {first.location}" if not first.error else first.error
    judged(check, verdict, first.url, seen, expected="301/308 to https on the same host")


@check("security.hsts", title="HSTS with a long enough max-age", observes="main_page")
def test_hsts(check, main_page, settings, https: bool) -> None:
    value = header(main_page.headers, "Strict-Transport-Security")
    verdict = judges.judge_hsts(value, settings.hsts_min_age_s, https)
    expected = f"max-age >= {settings.hsts_min_age_s}"
    judged(
        check,
        verdict,
        main_page.url,
        value,
        expected=expected,
        extra=[evidence.text("minimum (s)", str(settings.hsts_min_age_s))],
    )
