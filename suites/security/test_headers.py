"""Response-header checks, judged on every configured page (parsed, never substring-matched)."""

from __future__ import annotations

from collections.abc import Callable

from readiness.suite import check

from . import csp
from . import headers as judges
from .judgement import Judgement
from .record import header, over_pages


def _per_page(pages, name: str, judge: Callable[[str | None], Judgement]):
    values = [(p.url, header(p.headers, name)) for p in pages]
    return [(url, value, judge(value)) for url, value in values]


@check("security.csp", title="Content-Security-Policy is present and strict", observes="pages")
def test_csp(check, pages) -> None:
    rows = _per_page(pages, "Content-Security-Policy", csp.judge)
    over_pages(check, rows, expected="script-src without unsafe-*, no */http:, object-src 'none'")


@check("security.framing", title="Framing restricted (X-Frame-Options or CSP)", observes="pages")
def test_framing(check, pages) -> None:
    rows = []
    for p in pages:
        xfo, policy = (
            header(p.headers, "X-Frame-Options"),
            header(p.headers, "Content-Security-Policy"),
        )
        seen = (
            f"X-Frame-Options: {xfo}; frame-ancestors: {csp.parse(policy).get('frame-ancestors')}"
        )
        rows.append((p.url, seen, judges.judge_framing(xfo, policy)))
    over_pages(check, rows, expected="DENY/SAMEORIGIN or frame-ancestors")


@check("security.nosniff", title="X-Content-Type-Options: nosniff", observes="pages")
def test_nosniff(check, pages) -> None:
    rows = _per_page(pages, "X-Content-Type-Options", judges.judge_nosniff)
    over_pages(check, rows, expected="nosniff")


@check("security.referrer_policy", title="Referrer-Policy is a safe value", observes="pages")
def test_referrer_policy(check, pages) -> None:
    rows = _per_page(pages, "Referrer-Policy", judges.judge_referrer)
    over_pages(check, rows, expected=" | ".join(sorted(judges.SAFE_REFERRER)))


@check(
    "security.permissions_policy",
    title="Permissions-Policy is set",
    blocking=False,
    observes="pages",
)
def test_permissions_policy(check, pages) -> None:
    rows = _per_page(pages, "Permissions-Policy", judges.judge_permissions)
    over_pages(check, rows, expected="a Permissions-Policy")


@check("security.coop", title="Cross-Origin-Opener-Policy isolates the page", observes="pages")
def test_coop(check, pages) -> None:
    rows = _per_page(pages, "Cross-Origin-Opener-Policy", judges.judge_coop)
    over_pages(check, rows, expected="same-origin")


@check(
    "security.xss_protection",
    title="X-XSS-Protection absent or 0 (legacy)",
    blocking=False,
    observes="pages",
)
def test_xss_protection(check, pages) -> None:
    rows = _per_page(pages, "X-XSS-Protection", judges.judge_xss_protection)
    over_pages(check, rows, expected="absent or 0")
