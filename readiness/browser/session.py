"""One Chromium for the run, and the browser contexts the browser suites open in it.

A ``BrowserSession`` knows how every context must be made for this target: whether to trust
its certificate, which headers and cookies authenticate it, and how to tell that a page
landed back on the sign-in form instead of the page that was asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from readiness.browser.discovery import close_quietly
from readiness.browser.settings import BrowserSettings, Login, MissingSecret, expand_env
from readiness.plugin import trust
from readiness.plugin.trust import TrustStore


@dataclass
class HttpsPolicy:
    ignore_https_errors: bool
    reason: str  # one line for the run's notes: why (not) the browser skips verification


def https_policy(target: str, store: TrustStore, timeout_s: float) -> HttpsPolicy:
    """Whether browser contexts for ``target`` may skip Chromium's own certificate check.

    Chromium cannot be handed a CA file (it reads the NSS database, which needs certutil, and
    --ignore-certificate-errors-spki-list only pins one key and needs a user-data-dir flag),
    so the run's trust store is applied the other way round: Python's ssl verifies the chain
    and host name the target presents against the store (readiness/plugin/trust.py, the one
    every other client uses) first, and only if that succeeds do contexts set
    ``ignore_https_errors``. The residual risk (the certificate changing between the check
    and the visit) is limited to this run.
    """
    if urlsplit(target).scheme != "https":
        return HttpsPolicy(False, "plain http: no certificate to verify")
    if not store.verify:
        return HttpsPolicy(True, "tls.verify is false: the browser accepts any certificate")
    problem = trust.problem(target, store.context(), timeout_s)
    if problem:
        return HttpsPolicy(
            False,
            f"certificate does not verify against {store.describe()}: {problem}"
            " (the browser verifies it against its own CAs)",
        )
    return HttpsPolicy(True, f"certificate verified against {store.describe()} before browsing")


class PageNotResponding(Exception):
    """The page's main thread did not run our script within the time allowed."""


def evaluate_within(page: Any, timeout_s: float, expression: str, arg: Any = None) -> Any:
    """``page.evaluate(expression, arg)``, giving up after ``timeout_s`` seconds with
    PageNotResponding.

    Playwright's evaluate waits for the page's main thread without a limit, and its sync API
    takes no timeout for it: a page whose script never yields (a runaway loop after load)
    would hang the whole gate. So the call is awaited on Playwright's own event loop under
    ``asyncio.wait_for``; Playwright aborts a cancelled call (its connection sends
    ``__abort__``), and closing the page or its context afterwards ends the stuck renderer.
    tests/test_browser_discovery.py pins this against a page that spins forever.
    """
    try:
        return page._sync(asyncio.wait_for(page._impl_obj.evaluate(expression, arg), timeout_s))
    except TimeoutError:
        raise PageNotResponding(
            f"the page's main thread stayed busy for more than {timeout_s:.1f} s"
            " (a script that does not yield)"
        ) from None


def first_line(exc: Exception) -> str:
    """An exception's first line (Playwright appends a call log), or its class name."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


REDIRECTED = (
    "the page went on to {where} by itself (a script or <meta> refresh redirect): list the page"
    " it lands on in pages instead"
)
_INTERRUPTED = re.compile(r'interrupted by another navigation to "([^"]+)"')


# How long to wait for the address of a page that navigated away by itself, to name it.
WHERE_WAIT_MS = 2000


def moved_on(page: Any, loaded: str) -> str | None:
    """If the page is no longer at ``loaded`` (the address it loaded at), say where it went by
    itself; else None. A redirect after load whose new document answered the scripts run
    since raises nothing: what they measured is that other page, not the one asked for."""
    if urlsplit(page.url)._replace(fragment="") == urlsplit(loaded)._replace(fragment=""):
        return None
    return went_to(page.url)


def went_to(url: str) -> str:
    """Why a page that went on to ``url`` by itself (there already, or on its way) is not
    observed."""
    return REDIRECTED.format(where=_shown(url))


def went_elsewhere(page: Any, exc: Exception, loaded: str) -> str | None:
    """If ``exc``, from a script run in the page that had loaded at ``loaded``, means that the
    page navigated away by itself, say so and where to; else None."""
    if "Execution context was destroyed" not in first_line(exc):
        return None
    # The script's context is gone as the next document commits; the page's address follows
    # a moment later.
    with contextlib.suppress(Exception):
        page.wait_for_url(lambda url: url != loaded, timeout=WHERE_WAIT_MS)
    return REDIRECTED.format(where=_shown(page.url) if page.url != loaded else "another page")


def _shown(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def ended_elsewhere(
    requested: str, wanted_url: str, ended_url: str, expected: str | None = None
) -> str | None:
    """Why a visit to ``requested`` (at ``wanted_url``) that ended at ``ended_url`` did not
    observe that page, or None: another origin, or another path than the one asked for (a
    trailing slash aside) unless it is the ``expected`` redirect's."""
    wanted, ended = urlsplit(wanted_url), urlsplit(ended_url)
    if (ended.scheme, ended.netloc) != (wanted.scheme, wanted.netloc):
        return f"asked for {requested}, ended on another origin ({ended_url}): not audited"
    same = (ended.path.rstrip("/"), ended.query) == (wanted.path.rstrip("/"), wanted.query)
    if same or (expected is not None and urlsplit(expected).path == ended.path):
        return None
    shown = _shown(ended_url)
    return (
        f"asked for {requested}, redirected to {shown}: not audited (list it under"
        f" browser.redirects in gates.yaml if that redirect is expected, or audit {shown})"
    )


@dataclass(frozen=True)
class LoadFailure:
    """Why a navigation failed, in one line, with what to do about it."""

    reason: str
    final: bool  # loading the page again would fail the same way


def load_failure(exc: Exception) -> LoadFailure:
    """What a failed ``goto`` means: the page redirecting itself before its load event; the
    time allowed running out; the target's certificate (Chromium trusts only its own CAs, see
    ``https_policy``); or whatever Playwright says."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    first = first_line(exc)
    interrupted = _INTERRUPTED.search(first)
    if interrupted:
        return LoadFailure(REDIRECTED.format(where=_shown(interrupted.group(1))), final=True)
    reason = f"page did not load: {first}"
    if "net::ERR_CERT_" in first:
        reason += (
            " (Chromium does not trust the target's certificate: set tls.ca_bundle in"
            " gates.yaml to the CA that issued it, or tls.verify: false for a test target)"
        )
    # A page that took all of timeout_s is far past any budget already; loading it again
    # would cost timeout_s per run for the same verdict.
    timed_out = isinstance(exc, PlaywrightTimeout)
    if timed_out:
        reason += (
            " (its load event did not come within timeout_s; if the page is only slow,"
            " raise timeout_s in gates.yaml)"
        )
    return LoadFailure(reason, final=timed_out)


@dataclass
class BrowserSession:
    browser: Any  # playwright.sync_api.Browser
    executable: str
    target: str
    settings: BrowserSettings
    https: HttpsPolicy
    timeout_s: float
    storage_state: Any = None  # a path or the dict a sign-in produced
    auth_error: str | None = None  # set when authentication could not be established
    _headers: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.browser.version)

    def url(self, path: str) -> str:
        return self.target.rstrip("/") + path

    def context_options(self, *, signed_out: bool = False) -> dict[str, Any]:
        options: dict[str, Any] = {"ignore_https_errors": self.https.ignore_https_errors}
        if self._headers:
            options["extra_http_headers"] = dict(self._headers)
        if self.storage_state is not None and not signed_out:
            options["storage_state"] = self.storage_state
        return options

    def is_signed_out(self, path: str) -> bool:
        """Whether gates.yaml asks for ``path`` to be audited signed out (browser.signed_out)."""
        return urlsplit(path).path in self.settings.signed_out

    def new_context(self, *, signed_out: bool = False, **extra: Any) -> Any:
        """A fresh context (own cookies and cache) with the run's trust and credentials (the
        session's cookies left out when ``signed_out``)."""
        options = self.context_options(signed_out=signed_out)
        context = self.browser.new_context(**{**options, **extra})
        context.set_default_timeout(self.timeout_s * 1000)
        context.set_default_navigation_timeout(self.timeout_s * 1000)
        return context

    def authenticate(self, signed_in: dict[str, Any] | None = None) -> None:
        """Expand header secrets, load a storage state, run the sign-in step (unless
        ``signed_in``, the storage state of an earlier sign-in in this run, is given); on
        failure set ``auth_error`` so every browser check reports it (errored) instead of
        auditing a sign-in page."""
        try:
            self._headers = {k: expand_env(v) for k, v in self.settings.headers.items()}
        except MissingSecret as exc:
            self.auth_error = str(exc)
            return
        if self.settings.storage_state:
            path = Path(self.settings.storage_state)  # absolute: config.load resolved it
            if not path.is_file():
                self.auth_error = f"storage state file not found: {path}"
                return
            self.storage_state = str(path)
        if signed_in is not None:
            self.storage_state = signed_in
        elif self.settings.login is not None:
            self.auth_error = self._sign_in(self.settings.login)

    def _sign_in(self, login: Login) -> str | None:
        context = self.new_context()
        try:
            page = context.new_page()
            page.goto(self.url(login.path))
            for selector, value in login.fields.items():
                page.fill(selector, expand_env(value))
            page.click(login.submit)
            timeout = self.timeout_s * 1000
            if login.success.url:
                wanted = login.success.url
                page.wait_for_url(lambda u: urlsplit(u).path == wanted, timeout=timeout)
            if login.success.selector:
                page.wait_for_selector(login.success.selector, state="attached", timeout=timeout)
            self.storage_state = context.storage_state()
            return None
        except MissingSecret as exc:
            return f"sign-in not attempted: {exc}"
        except Exception as exc:
            # Playwright's message names the selector or URL that was awaited, never a value.
            return f"sign-in at {login.path} did not succeed: {first_line(exc)}"
        finally:
            close_quietly(context)

    def ended_elsewhere(self, page: Any, requested: str) -> str | None:
        """Why the page a visit to ``requested`` ended on is not that page, or None.

        A redirect to the sign-in form (the session is not valid: a stale storage state, a
        failed login), to another origin, or to any path gates.yaml does not expect
        (``browser.redirects``) means the page asked for was never observed: auditing what
        it ended on would report someone else's page under its name."""
        if not self.is_signed_out(requested) and self.landed_on_login(page, requested):
            return (
                f"asked for {requested}, landed on the sign-in form ({_shown(page.url)}): the"
                " session is not signed in (refresh browser.storage_state, or check"
                " browser.login)"
            )
        expected = self.settings.redirects.get(urlsplit(requested).path)
        return ended_elsewhere(requested, self.url(requested), page.url, expected)

    def landed_on_login(self, page: Any, requested: str) -> bool:
        """True when a visit to ``requested`` ended on the sign-in form instead (the session is
        not valid). Asking for the sign-in page itself is, of course, not such a case."""
        login = self.settings.login
        if login is None or urlsplit(requested).path == login.path:
            return False
        if urlsplit(page.url).path == login.path:
            return True
        first_field = next(iter(login.fields))
        return page.locator(first_field).count() > 0
