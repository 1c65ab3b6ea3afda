"""Transport checks: HTTPS, the plain-HTTP redirect, HSTS."""

from __future__ import annotations

import pytest

from readiness import evidence

from . import headers as judges
from .conftest import needs_http_url
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


@pytest.mark.check("security.https", title="HTTPS available", blocking=True)
def test_https(check, target: str, https: bool, main_page) -> None:
    if not https:
        verdict = Judgement(False, "served over plain HTTP", HTTPS_WHY, ("target is not https",))
    elif main_page.error:
        verdict = Judgement(False, "HTTPS request failed", HTTPS_WHY, (main_page.error,))
    else:
        verdict = Judgement(True, f"served over HTTPS ({main_page.status})", HTTPS_WHY)
    judged(check, verdict, target, target.split(":")[0], expected="https")


@needs_http_url
@pytest.mark.check("security.redirect", title="Plain HTTP redirects to HTTPS (301/308)")
def test_redirect(check, redirect) -> None:
    key, message, first = redirect
    ok = key == "to-https" and first.status in (301, 308)
    verdict = Judgement(ok, message, REDIRECT_WHY, () if ok else (message,))
    seen = f"{first.status} Location: {first.location}" if not first.error else first.error
    judged(check, verdict, first.url, seen, expected="301/308 to https on the same host")


@pytest.mark.check("security.hsts", title="HSTS with a long enough max-age")
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
