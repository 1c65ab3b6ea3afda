"""Secrets are replaced by value, in every form they travel in, and by their place in a URL;
the configuration's secrets are found where gates.yaml declares them."""

from __future__ import annotations

import base64
import dataclasses
import html
import re
from pathlib import Path
from urllib.parse import quote, quote_plus, urlsplit

import pytest

from readiness.config import ConfigError, load
from readiness.core.model import CheckResult, Evidence, Expected, Outcome
from readiness.core.redaction import (
    MIN_LENGTH,
    REDACTED,
    Redactor,
    authorization_parts,
    is_credential_name,
    redact_url,
)

SECRET = "S3cretPassw0rd"


def test_every_occurrence_of_every_value_is_replaced() -> None:
    r = Redactor([SECRET, "TOKENVALUE123"])
    assert r.text(f"a {SECRET} b {SECRET} TOKENVALUE123") == f"a {REDACTED} b {REDACTED} {REDACTED}"


def test_the_longest_value_is_replaced_whole() -> None:
    # "abcdef" inside "abcdefghij": replacing the short one first would leave "ghij" shown.
    r = Redactor(["abcdef", "abcdefghij"])
    assert r.text("x abcdefghij y abcdef") == f"x {REDACTED} y {REDACTED}"


ODD = f"{SECRET}+/ ?&<"  # a value whose encodings all differ from it


@pytest.mark.parametrize(
    "form",
    [
        quote(ODD, safe=""),
        re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(ODD, safe="")),  # lower hex
        quote_plus(ODD, safe=""),
        html.escape(ODD),
        base64.b64encode(ODD.encode()).decode(),
        base64.urlsafe_b64encode(ODD.encode()).decode().rstrip("="),
    ],
    ids=["quote", "quote-lower", "quote-plus", "html", "base64", "base64-url"],
)
def test_encoded_forms_are_replaced(form: str) -> None:
    assert form != ODD
    assert Redactor([ODD]).text(f"echo: {form}.") == f"echo: {REDACTED}."


def test_a_basic_header_is_caught_from_user_and_password() -> None:
    basic = base64.b64encode(f"user:{SECRET}".encode()).decode()
    r = Redactor([f"user:{SECRET}"])
    assert r.text(f"Authorization: Basic {basic}") == f"Authorization: Basic {REDACTED}"


def test_authorization_parts_decode_basic_and_split_bearer() -> None:
    basic = base64.b64encode(f"user:{SECRET}".encode()).decode()
    assert authorization_parts(f"Basic {basic}") == [
        f"Basic {basic}",
        basic,
        f"user:{SECRET}",
        SECRET,
    ]
    assert authorization_parts("Bearer tok-123456") == ["Bearer tok-123456", "tok-123456"]
    assert authorization_parts("plainsecretvalue") == ["plainsecretvalue"]
    assert authorization_parts("Basic !!notbase64!!") == ["Basic !!notbase64!!", "!!notbase64!!"]


def test_short_values_are_not_replaced_by_value() -> None:
    # "demo" occurs in ordinary text: replacing it would garble every report.
    short = "d" * (MIN_LENGTH - 1)
    r = Redactor([short, "demo"])
    assert r.values == ()
    assert r.text(f"the {short} demo") == f"the {short} demo"


def test_short_values_are_still_hidden_by_their_place() -> None:
    r = Redactor()
    assert r.text("http://u:pw@h/?token=ab") == f"http://***:***@h/?token={REDACTED}"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:pass@example.com/x", "http://***:***@example.com/x"),
        ("https://tokenonly@example.com:8443/", "https://***@example.com:8443/"),
        ("http://us%40er:p%3Ass@h/", "http://***:***@h/"),
        ("http://h/p?api_key=abc&page=2", f"http://h/p?api_key={REDACTED}&page=2"),
        ("http://h/p?page=2&Access-Token=abc", f"http://h/p?page=2&Access-Token={REDACTED}"),
        ("http://h/p?X-Amz-Signature=abc", f"http://h/p?X-Amz-Signature={REDACTED}"),
        ("http://h/cb#id_token=abc&state=1", f"http://h/cb#id_token={REDACTED}&state=1"),
        ("http://h/p?monkey=1&keyboard=2", "http://h/p?monkey=1&keyboard=2"),
        ("http://h/p?token=", "http://h/p?token="),
        ("/search?q=shoes", "/search?q=shoes"),
    ],
)
def test_urls_lose_userinfo_and_credential_parameters(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_a_redacted_url_still_parses() -> None:
    # "[redacted]@" would be read as an IPv6 literal: urlsplit raises on it.
    shown = Redactor([SECRET]).url(f"http://user:{SECRET}@127.0.0.1:8080/?api_key=x")
    assert urlsplit(shown).hostname == "127.0.0.1"
    assert urlsplit(shown).port == 8080


def test_urls_inside_text_and_form_bodies() -> None:
    r = Redactor()
    assert r.text("GET http://a:b@h/ failed; body password=hunter2&user=x") == (
        f"GET http://***:***@h/ failed; body password={REDACTED}&user=x"
    )
    assert r.text("Set-Cookie: sid=abc; HttpOnly") == f"Set-Cookie: sid={REDACTED}; HttpOnly"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("(see http://h/?token=abc)", f"(see http://h/?token={REDACTED})"),
        ("[report](http://h/?token=abc))", f"[report](http://h/?token={REDACTED}))"),
        ("http://h/?token=f(x)", f"http://h/?token={REDACTED}"),
        ("(http://h/?token=f(x))", f"(http://h/?token={REDACTED})"),
        ("http://h/?token=a)b", f"http://h/?token={REDACTED}"),
        ("http://h/?token=))", "http://h/?token=))"),
    ],
)
def test_a_closing_parenthesis_after_a_credential_is_text(text: str, shown: str) -> None:
    assert Redactor().text(text) == shown


def test_redaction_is_idempotent() -> None:
    r = Redactor([SECRET])
    once = r.text(f"http://u:{SECRET}@h/?token={SECRET} {SECRET}")
    assert r.text(once) == once


@pytest.mark.parametrize(
    ("name", "credential"),
    [
        ("api_key", True),
        ("API-KEY", True),
        ("apikey", True),
        ("token", True),
        ("csrf_token", True),
        ("private_key", True),
        ("sig", True),
        ("password", True),
        ("page", False),
        ("monkey", False),
        ("code", False),
        ("q", False),
    ],
)
def test_credential_names(name: str, credential: bool) -> None:
    assert is_credential_name(name) is credential


def test_nested_data_keys_included_and_types_kept() -> None:
    r = Redactor([SECRET])
    data = {"a": [SECRET, 1, None, 2.5], "b": {SECRET: (SECRET, True)}, "o": Outcome.PASSED}
    assert r.data(data) == {
        "a": [REDACTED, 1, None, 2.5],
        "b": {REDACTED: (REDACTED, True)},
        "o": Outcome.PASSED,
    }
    assert type(r.data(data)["o"]) is Outcome


def test_a_check_result_is_scrubbed_in_place() -> None:
    r = Redactor(["TOKENVALUE123"])
    result = CheckResult(
        "smoke.status./?api_key=TOKENVALUE123",
        "smoke",
        "status of /?api_key=TOKENVALUE123",
        Outcome.FAILED,
        value="TOKENVALUE123",
        threshold=Expected("TOKENVALUE123 ok"),
        message="got TOKENVALUE123",
        evidence=[Evidence("json", "headers", {"X-Echo": "TOKENVALUE123"}, "application/json")],
    )
    r.scrub(result)
    assert result.id == f"smoke.status./?api_key={REDACTED}"
    assert "TOKENVALUE123" not in repr(dataclasses.asdict(result))
    assert result.outcome is Outcome.FAILED
    assert result.threshold == Expected(f"{REDACTED} ok")


def test_the_same_id_whatever_the_secret() -> None:
    a = Redactor(["first-token-1"]).text("perf.lcp./?token=first-token-1")
    b = Redactor(["second-token-22"]).text("perf.lcp./?token=second-token-22")
    assert a == b


# --- where the configuration's secrets are found (readiness.config.secrets) ---


def _load(tmp_path: Path, text: str, **kwargs: str) -> Redactor:
    path = tmp_path / "gates.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path, **kwargs).redactor


def test_config_secrets_are_collected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATE_TOKEN", "env-token-value")
    monkeypatch.setenv("GATE_EXTRA", "listed-in-redact")
    r = _load(
        tmp_path,
        "target: http://user:url-password@127.0.0.1:1/?access_token=url-token-value\n"
        "pages: ['/?api_key=page-key-value', '/plain?page=123456']\n"
        "redact: [literal-secret, '${GATE_EXTRA}']\n"
        "browser:\n"
        "  headers: {Authorization: 'Bearer ${GATE_TOKEN}', Accept: text/html-only}\n"
        "  login:\n"
        "    fields: {'#username': someone-name, '#password': login-password}\n"
        "    success: {url: /account}\n"
        "components:\n"
        "  smoke:\n"
        "    weight: 1\n"
        "    endpoints:\n"
        "      - {path: /api, headers: {X-Api-Key: header-key-value}}\n"
        "  security:\n"
        "    weight: 1\n"
        "    login: {path: /login, fields: {user: someone-else, passwd: security-pass}}\n",
    )
    shown = r.text(
        "url-password url-token-value page-key-value literal-secret listed-in-redact"
        " env-token-value header-key-value login-password security-pass"
    )
    assert shown == " ".join([REDACTED] * 9)
    # Not secrets: a plain header, user names, an ordinary query value.
    kept = "text/html-only someone-name someone-else 123456 user"
    assert r.text(kept) == kept
    basic = base64.b64encode(b"user:url-password").decode()
    assert r.text(basic) == REDACTED


def test_a_target_from_the_command_line_counts(tmp_path: Path) -> None:
    r = _load(
        tmp_path,
        "components: {smoke: {weight: 1}}\n",
        target="https://ci:cli-password@example.com",
    )
    assert r.text("cli-password") == REDACTED


def test_an_unset_variable_hides_nothing_and_fails_nothing(tmp_path: Path) -> None:
    r = _load(
        tmp_path, "redact: ['${READINESS_SURELY_UNSET_VAR}']\ncomponents: {smoke: {weight: 1}}\n"
    )
    assert r.values == ()


def test_a_short_redact_entry_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text("components: {smoke: {weight: 1}}\nredact: [abcdefgh, abc]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert (caught.value.line, caught.value.field) == (2, "redact.1")
    assert f"at least {MIN_LENGTH} characters" in str(caught.value)
    assert "\n" not in str(caught.value)


# --- the dashboard and a URL urlsplit refuses (it failed the whole HTML writer) ---


@pytest.mark.parametrize("kind", ["url", "image", "html"])
def test_evidence_with_a_url_urlsplit_refuses_is_shown_not_linked(kind: str) -> None:
    from readiness.reports.html import evidence_view

    odd = "http://[redacted]@127.0.0.1:8080/"  # the old redact_url's form of a userinfo
    with pytest.raises(ValueError):
        urlsplit(odd)
    view = evidence_view({"kind": kind, "label": "where", "content": odd}, Path("/nonexistent"))
    assert view["href"] is None and view["data_uri"] is None
    assert view["note"]
