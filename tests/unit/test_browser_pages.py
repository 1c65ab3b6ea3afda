"""Where a browser visit ended decides whether the page asked for was observed (pure)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("requested", "ended", "expected", "why"),
    [
        ("/account", "http://t/account", None, None),
        ("/docs", "http://t/docs/", None, None),  # a trailing slash is the same page
        ("/?q=1", "http://t/?q=1", None, None),
        ("/account", "http://t/login", None, "asked for /account, redirected to /login"),
        ("/account", "http://t/login", "/login", None),  # declared in browser.redirects
        ("/account", "http://t/home", "/login", "redirected to /home"),
        ("/login", "http://t/home", None, "asked for /login, redirected to /home"),
        ("/pay", "https://idp.example/auth", None, "ended on another origin"),
        ("/", "https://t/", None, "ended on another origin"),  # http -> https is another origin
    ],
)
def test_a_page_is_observed_only_where_it_was_asked(
    requested: str, ended: str, expected: str | None, why: str | None
) -> None:
    from readiness.browser.session import ended_elsewhere

    found = ended_elsewhere(requested, "http://t" + requested, ended, expected)
    assert (found is None) if why is None else (found is not None and why in found), found
