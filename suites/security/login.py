"""The security suite's login: fetch the login page, submit its form as a browser would (its
hidden inputs carry the CSRF token: Django's csrfmiddlewaretoken, Rails' authenticity_token,
Laravel's _token), and keep the cookies both answers set, so the CSRF cookie is judged too.

Field values may name environment variables (``${LOGIN_PASSWORD}``), expanded here as the
browser login expands its own, so gates.yaml needs no password in clear.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import quote, quote_plus, urljoin

import requests

from readiness.suite import Limits, MissingSecret, evidence, expand_env

from . import gather
from .gather import Seen
from .settings import Login

_METHODS = ("GET", "POST")


@dataclass
class Form:
    """One <form> of a page, as its submission needs it."""

    action: str  # as written; "" submits to the page itself
    method: str | None  # "GET" or "POST"; None when the form names neither
    hidden: list[tuple[str, str]] = field(default_factory=list)  # in page order
    names: set[str] = field(default_factory=set)  # every named control


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Form] = []
        self._open: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}  # HTMLParser lower-cases tag and attribute names
        if tag == "form":
            method = a.get("method", "").strip().upper()  # "dialog" or nothing: not named
            self._open = Form(a.get("action", "").strip(), method if method in _METHODS else None)
            self.found.append(self._open)
        elif self._open is not None and tag in ("input", "select", "textarea", "button"):
            name = a.get("name")
            if not name:
                return
            self._open.names.add(name)
            if tag == "input" and a.get("type", "").strip().lower() == "hidden":
                self._open.hidden.append((name, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def forms(html: str) -> list[Form]:
    """Every <form> of a page, in order."""
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.found


def login_form(found: list[Form], fields: Iterable[str]) -> Form | None:
    """The form holding most of the configured fields, else the first: a page may put a
    search or newsletter form before the login form."""
    wanted = set(fields)
    return max(found, key=lambda form: len(wanted & form.names), default=None)  # first on ties


def form_data(form: Form, fields: dict[str, str]) -> list[tuple[str, str]]:
    """What the form sends: its hidden inputs, then the configured fields, which replace a
    hidden input of the same name."""
    return [(n, v) for n, v in form.hidden if n not in fields] + list(fields.items())


def expanded(fields: dict[str, str]) -> dict[str, str]:
    """The fields with every ``${NAME}`` replaced from the environment (MissingSecret if unset)."""
    return {name: expand_env(value) for name, value in fields.items()}


def sign_in(
    http: requests.Session, target: str, flow: Login, timeout: float, limits: Limits
) -> Seen:
    """The login's answer (not followed), with the Set-Cookie lines of the form page and of
    the submission; on failure, status 0 and a one-line ``error``. Each of its requests is
    within ``limits`` (gates.yaml http:): a server that trickles fails the login."""
    start = target + flow.path
    try:
        fields = expanded(flow.fields)
    except MissingSecret as exc:  # before any request: a half-configured login sends nothing
        return _failed(
            start,
            f"environment variable {exc.args[0]} is not set"
            " (named in gates.yaml security.login.fields)",
        )
    expanded_values = [v for k, v in fields.items() if v and v != flow.fields[k]]
    # A fresh session: the login must not reuse cookies the page fetches collected.
    with gather.session_like(http, limits) as fresh:
        if flow.form:
            answer = _form_login(fresh, start, flow, fields, timeout)
        else:  # a login API: the fields go straight to the path, as configured
            answer = _send(fresh, flow.method, start, fields.items(), timeout)
    return _redacted(answer, expanded_values)


def _form_login(
    session: requests.Session, start: str, flow: Login, fields: dict[str, str], timeout: float
) -> Seen:
    page = gather.fetch(session, start, timeout)
    if page.error:
        return _failed(start, f"login form {flow.path} could not be fetched: {page.error}")
    if page.status >= 400:
        hint = " (a login API? set security.login.form: false)" if page.status == 405 else ""
        return _failed(start, f"login form {flow.path} answered HTTP {page.status}{hint}")
    form = login_form(forms(page.body), fields)
    if form is None:
        return _failed(
            start,
            f"login page {flow.path} has no <form> (a login API? set security.login.form: false)",
        )
    # HTML would GET a form that names no method; a password must never go in a URL by default.
    method = form.method or flow.method
    # Django's CSRF check on HTTPS refuses a POST without a same-origin Referer.
    answer = _send(
        session, method, urljoin(page.url, form.action), form_data(form, fields), timeout, page.url
    )
    # The form page's cookies count: the CSRF cookie is set by the GET, not by the POST.
    return replace(answer, cookie_lines=[*page.cookie_lines, *answer.cookie_lines])


def _send(
    session: requests.Session,
    method: str,
    url: str,
    data: Iterable[tuple[str, str]],
    timeout: float,
    referer: str | None = None,
) -> Seen:
    pairs = list(data)
    return gather.fetch(
        session,
        url,
        timeout,
        method=method,
        data=pairs if method == "POST" else None,
        params=pairs if method == "GET" else None,
        headers={"Referer": referer} if referer else None,
        allow_redirects=False,  # the answer that sets the session cookie, not the next page
    )


def _failed(url: str, reason: str) -> Seen:
    return Seen(url, 0, {}, error=" ".join(reason.split()))


def _redacted(seen: Seen, values: list[str]) -> Seen:
    """The answer with the expanded values masked where reports show text: a GET form puts
    the password in the URL, and a connection error repeats the URL."""

    def mask(text: str) -> str:
        for value in values:
            for written in {value, quote_plus(value), quote(value, safe="")}:
                text = text.replace(written, evidence.REDACTED)
        return text

    if not values:
        return seen
    return replace(seen, url=mask(seen.url), error=mask(seen.error) if seen.error else None)
