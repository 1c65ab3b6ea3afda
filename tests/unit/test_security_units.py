"""The security suite's pure parsers and judges, on literals (no network)."""

from __future__ import annotations

import html

import pytest

from suites.security import content, cookies, csp, gather, headers, tlsinfo

# --- CSP -------------------------------------------------------------------------------


def test_csp_parse_lowercases_names_keeps_first_directive_and_first_policy() -> None:
    policy = csp.parse("Script-Src 'self' 'nonce-AbC'; script-src *; img-src https:, default-src *")
    assert policy == {"script-src": ["'self'", "'nonce-AbC'"], "img-src": ["https:"]}
    assert csp.parse(None) == {} and csp.parse(" ; ;") == {}


def test_csp_effective_falls_back_to_default_src() -> None:
    policy = csp.parse("default-src 'self'; img-src data:")
    assert csp.effective(policy, "script-src") == ["'self'"]
    assert csp.effective(policy, "img-src") == ["data:"]
    assert csp.effective({}, "script-src") is None


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("script-src 'self' 'unsafe-inline'; object-src 'none'", "'unsafe-inline' without"),
        ("default-src 'self' 'unsafe-eval'; object-src 'none'", "'unsafe-eval'"),
        ("default-src *; object-src 'none'", "allows any origin ('*')"),
        ("script-src 'self' http://cdn.example; object-src 'none'", "insecure http://cdn"),
        ("script-src https:; object-src 'none'", "any https: source"),
        ("script-src 'self'", "object-src is not 'none'"),
        ("img-src 'self'; object-src 'none'", "no script-src or default-src"),
    ],
)
def test_csp_weaknesses_fail(header: str, problem: str) -> None:
    verdict = csp.judge(header)
    assert not verdict.ok
    assert any(problem in p for p in verdict.problems), verdict.problems


def test_csp_nonce_neutralises_unsafe_inline_and_strict_policy_passes() -> None:
    nonce = csp.judge("script-src 'nonce-r4nd' 'unsafe-inline' 'strict-dynamic'; object-src 'none'")
    assert nonce.ok, nonce.problems
    strict = csp.judge("default-src 'none'; script-src 'self'; frame-ancestors 'none'")
    assert strict.ok
    assert "frame-ancestors 'none'" in strict.notes
    assert not csp.judge(None).ok and csp.judge(None).problems == ("CSP missing",)


def test_csp_substring_in_a_host_is_not_a_keyword() -> None:
    # A host named like a keyword is a source, not 'unsafe-inline': parsing, not grepping.
    assert csp.judge("script-src 'self' https://unsafe-inline.example; object-src 'none'").ok


# --- HSTS ------------------------------------------------------------------------------


def test_hsts_parse() -> None:
    parsed = headers.parse_hsts('Max-Age="31536000"; includeSubDomains; preload')
    assert parsed == headers.Hsts(31536000, True, True)
    assert headers.parse_hsts("max-age=1; max-age=2").valid is False
    assert headers.parse_hsts("includeSubDomains").max_age is None
    assert headers.parse_hsts("max-age=-5").valid is False


def test_hsts_judge_minimum_and_reporting() -> None:
    six = headers.SIX_MONTHS_S
    good = headers.judge_hsts("max-age=31536000; includeSubDomains", six, https=True)
    assert good.ok and "includeSubDomains present" in good.notes and "preload absent" in good.notes
    short = headers.judge_hsts("max-age=86400", six, https=True)
    assert not short.ok and "below the minimum" in short.problems[0]
    assert not headers.judge_hsts(None, six, https=True).ok
    assert not headers.judge_hsts("max-age=31536000", six, https=False).ok


# --- other headers ---------------------------------------------------------------------


def test_framing_xfo_or_frame_ancestors() -> None:
    assert headers.judge_framing("DENY", None).ok
    assert headers.judge_framing(" sameorigin ", None).ok
    assert headers.judge_framing(None, "frame-ancestors 'self'").ok
    assert not headers.judge_framing(None, "default-src 'self'").ok
    assert not headers.judge_framing("ALLOW-FROM https://x", None).ok
    assert not headers.judge_framing("DENY", "frame-ancestors *").ok  # CSP wins in browsers


def test_referrer_policy_last_known_token_wins() -> None:
    assert headers.judge_referrer("no-referrer").ok
    assert headers.judge_referrer("unsafe-url, strict-origin-when-cross-origin").ok
    assert not headers.judge_referrer("strict-origin, unsafe-url").ok
    assert not headers.judge_referrer("no-referrer-when-downgrade").ok
    assert not headers.judge_referrer(None).ok
    assert not headers.judge_referrer("bogus").ok


def test_nosniff_permissions_coop() -> None:
    assert headers.judge_nosniff("NoSniff").ok and not headers.judge_nosniff("sniff").ok
    assert headers.judge_permissions("camera=()").ok and not headers.judge_permissions(" ").ok
    assert headers.judge_coop("same-origin; report-to=x").ok
    assert not headers.judge_coop("unsafe-none").ok and not headers.judge_coop(None).ok


def test_x_xss_protection_mode_block_is_legacy_not_protection() -> None:
    assert headers.judge_xss_protection(None).ok
    assert headers.judge_xss_protection("0").ok
    legacy = headers.judge_xss_protection("1; mode=block")
    assert not legacy.ok
    assert "legacy, not protection" in legacy.problems[0]
    assert "CSP is the protection" in legacy.why


# --- cookies ---------------------------------------------------------------------------


def test_cookie_parse_keeps_attributes_and_commas_in_expires() -> None:
    cookie = cookies.parse(
        "sid=a=b; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT; secure; HttpOnly"
    )
    assert cookie.name == "sid"
    assert cookie.attributes["expires"] == "Wed, 21 Oct 2099 07:28:00 GMT"
    assert cookie.secure and cookie.http_only and cookie.same_site is None and cookie.session_like


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("sessionid=x; Secure; SameSite=Lax", "session cookie without HttpOnly"),
        ("theme=dark; SameSite=Lax", "no Secure"),
        ("theme=dark; Secure", "no SameSite"),
        ("theme=dark; Secure; SameSite=Sometimes", "invalid SameSite"),
        ("theme=dark; SameSite=None", "SameSite=None without Secure"),
        ("__Secure-a=1; SameSite=Lax", "__Secure- prefix without Secure"),
        ("__Host-a=1; Secure; SameSite=Lax; Path=/; Domain=example.com", "no Domain"),
        ("__Host-a=1; Secure; SameSite=Lax; Path=/app", "Path=/"),
    ],
)
def test_cookie_problems(line: str, problem: str) -> None:
    found = cookies.problems(cookies.parse(line), https=True)
    assert any(problem in p for p in found), found


def test_cookie_judge_good_and_none() -> None:
    verdict, rows = cookies.judge(["__Host-sid=x; Path=/; Secure; HttpOnly; SameSite=Strict"], True)
    assert verdict.ok and rows == [
        ("__Host-sid", "session", "Secure HttpOnly SameSite=Strict", "ok")
    ]
    assert cookies.judge([], True)[0].ok


# --- content ---------------------------------------------------------------------------

PAGE = """<html><head>
<script src="https://cdn.example/a.js"></script>
<script src="https://cdn.example/b.js" integrity="sha384-x" crossorigin></script>
<script src="/own.js"></script>
<link rel="stylesheet" href="http://cdn.example/s.css">
</head><body><img src="http://img.example/i.png"><script>inline()</script></body></html>"""


def test_resources_mixed_content_and_sri() -> None:
    found = content.resources(PAGE, "https://shop.example/p")
    assert [r.url for r in found][2] == "https://shop.example/own.js"
    mixed = content.mixed_content("https://shop.example/p", found)
    assert [r.url for r in mixed] == ["http://cdn.example/s.css", "http://img.example/i.png"]
    assert content.mixed_content("http://shop.example/p", found) == []
    missing = content.third_party_scripts_without_sri("https://shop.example/p", found)
    assert [r.url for r in missing] == ["https://cdn.example/a.js", "http://cdn.example/s.css"]


def test_stack_traces_sql_errors_listings() -> None:
    assert content.stack_trace('Traceback (most recent call last):\n  File "x"') == (
        "Python traceback"
    )
    assert content.stack_trace("at com.shop.Cart.add(Cart.java:42)") == "Java stack trace"
    assert content.stack_trace("<h1>Not found</h1>") is None
    assert content.sql_error("You have an error in your SQL syntax; check the manual") == "MySQL"
    assert content.sql_error('near "\'": syntax error') == "SQLite"
    assert content.sql_error("Results for O'Brien") is None
    assert content.is_directory_listing("<title>Index of /static/</title>")
    assert not content.is_directory_listing("<title>Shop index</title>")


def test_version_banners() -> None:
    assert content.version_banners({"server": "nginx/1.25.3"}) == {"Server": "nginx/1.25.3"}
    assert content.version_banners({"Server": "nginx"}) == {}
    assert content.version_banners({"X-Powered-By": "Express"}) == {"X-Powered-By": "Express"}


def test_cors_problems() -> None:
    origin = "https://evil.example"
    star = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"}
    assert "with Access-Control-Allow-Credentials" in (content.cors_problem(star, origin) or "")
    assert content.cors_problem({"Access-Control-Allow-Origin": "*"}, origin) is None
    reflected = {"access-control-allow-origin": origin}
    assert "reflects an arbitrary Origin" in (content.cors_problem(reflected, origin) or "")
    fixed = {"Access-Control-Allow-Origin": "https://shop.example"}
    assert content.cors_problem(fixed, origin) is None


# --- TLS -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "dns", "ips", "match"),
    [
        ("shop.example", ("shop.example",), (), True),
        ("SHOP.example.", ("shop.example",), (), True),
        ("a.shop.example", ("*.shop.example",), (), True),
        ("a.b.shop.example", ("*.shop.example",), (), False),
        ("shop.example", ("*.shop.example",), (), False),
        ("x.example", ("*.example",), (), False),  # no wildcard directly under a TLD-like label
        ("127.0.0.1", ("127.0.0.1",), (), False),  # an IP only matches an IP entry
        ("127.0.0.1", (), ("127.0.0.1",), True),
        ("::1", (), ("0:0:0:0:0:0:0:1",), True),
    ],
)
def test_hostname_matches(host: str, dns: tuple, ips: tuple, match: bool) -> None:
    assert tlsinfo.hostname_matches(host, dns, ips) is match


# --- gathering helpers -------------------------------------------------------------------


def test_plain_http_url() -> None:
    assert gather.plain_http_url("http://127.0.0.1:8000", None) == "http://127.0.0.1:8000"
    assert gather.plain_http_url("https://shop.example", None) == "http://shop.example"
    assert gather.plain_http_url("https://shop.example:443", None) == "http://shop.example"
    assert gather.plain_http_url("https://127.0.0.1:8443", None) is None
    assert gather.plain_http_url("https://x:8443", "http://x:8080/") == "http://x:8080"


@pytest.mark.parametrize(
    ("status", "location", "key", "words"),
    [
        (301, "https://shop.example/", "to-https", "301 to https://shop.example/"),
        (302, "https://shop.example/", "to-https", "use 301 or 308"),
        (301, "http://shop.example/home", "not-to-https", "not to HTTPS"),
        (308, "https://login.example/", "off-host", "another host"),
        (200, None, "missing", "without redirecting"),
    ],
)
def test_redirect_verdict(status: int, location: str | None, key: str, words: str) -> None:
    first = gather.Seen("http://shop.example/", status, {}, location=location)
    got_key, message = gather.redirect_verdict("http://shop.example/", first)
    assert got_key == key and words in message


def test_budget_refuses_past_its_limit() -> None:
    budget = gather.Budget(2)
    assert [budget.take() for _ in range(4)] == [True, True, False, False]
    assert budget.used == 2


def test_canary_has_markup_and_is_unique() -> None:
    first, second = gather.canary(), gather.canary()
    assert first != second and "<" in first and ">" in first and '"' in first
    assert content.reflected_unescaped(f"<p>{first}</p>", first)
    assert not content.reflected_unescaped(f"<p>{html.escape(first)}</p>", first)


def test_cors_reflection_with_credentials_is_the_graded_case() -> None:
    origin = "https://evil.example"
    reflected = {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"}
    assert content.cors_reflects_with_credentials(reflected, origin)
    star = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"}
    assert not content.cors_reflects_with_credentials(star, origin)
    assert not content.cors_reflects_with_credentials(
        {"Access-Control-Allow-Origin": origin}, origin
    )
