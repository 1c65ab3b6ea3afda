"""The pages the browser suites visit: gates.yaml's `pages` (or --page), plus an optional crawl.

The list is needed at collection time (each page is a parametrized check id), so it is
computed once per run and kept in the pytest config's stash. The crawl is a plain HTTP crawl
(fast, and no browser suite has started yet at collection): same-origin <a href> links,
breadth first. It sends what the browser sends: the configured headers, the cookies of a
storage-state file, and, when gates.yaml has a sign-in step, the cookies of that sign-in, run
once in a short-lived Chromium before the crawl; the browser suites then reuse that signed-in
state instead of signing in again.

With ``pages_from``, the pages a sitemap lists (sitemap.py) join in: the configured pages
come first, then the sitemap's in the order it lists them, then the links the crawl finds on
all of these, until ``max_pages``. The site's own list of its pages comes before what links
happen to reach; ``max_depth: 0`` keeps the sitemap's pages without following their links.

A found link (or a page the sitemap lists) becomes a page only if it answers like one
(``not_a_page``): a PDF, a JSON endpoint or a broken link would otherwise turn into
performance and accessibility checks that can only error. The browser suites apply the same
test to every page they load, so a configured page that is not one is reported as such
instead of audited.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from readiness.browser.discovery import close_quietly, started_playwright
from readiness.browser.fixtures import SIGNED_IN_KEY, open_browser_session
from readiness.browser.settings import Crawl, MissingSecret, expand_env
from readiness.browser.sitemap import http_getter, read_sitemaps
from readiness.plugin.http import BoundedSession, fetch, why_no_answer
from readiness.plugin.stash import gate_run

PAGES_KEY = pytest.StashKey[list[str]]()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def same_origin_paths(page_url: str, html: str) -> list[str]:
    """Paths (with query, without fragment) of the same-origin links in ``html``, in order."""
    parser = _Links()
    parser.feed(html)
    origin = urlsplit(page_url)
    found: list[str] = []
    for href in parser.hrefs:
        absolute = urlsplit(urljoin(page_url, href))
        if absolute.scheme not in ("http", "https"):
            continue
        if (absolute.scheme, absolute.netloc) != (origin.scheme, origin.netloc):
            continue
        path = (absolute.path or "/") + (f"?{absolute.query}" if absolute.query else "")
        if path not in found:
            found.append(path)
    return found


def allowed(path: str, crawl: Crawl) -> bool:
    """Whether the crawl may add ``path`` (include globs, if any, and no exclude glob)."""
    bare = urlsplit(path).path
    if crawl.include and not any(fnmatch.fnmatchcase(bare, p) for p in crawl.include):
        return False
    return not any(fnmatch.fnmatchcase(bare, p) for p in crawl.exclude)


# Media types a browser renders as a document of the site's own (anything else is shown in a
# viewer Chromium builds around it, or downloaded).
HTML_TYPES = ("text/html", "application/xhtml+xml")


def not_a_page(status: int | None, content_type: str | None) -> str | None:
    """Why a response is not a page to audit (an error status, a non-HTML body), or None.

    A missing Content-Type is given the benefit of the doubt: browsers sniff such bodies."""
    if status is not None and status >= 400:
        return f"HTTP {status} (an error page)"
    media = (content_type or "").split(";")[0].strip().lower()
    if media and media not in HTML_TYPES:
        return f"{media} (not HTML)"
    return None


@dataclass
class Crawled:
    pages: list[str]  # the configured pages first, then the pages found, in order
    skipped: dict[str, str] = field(default_factory=dict)  # link -> why it is not a page
    notes: list[str] = field(default_factory=list)  # for the browser components (a sitemap's)


# Links checked and found not to be pages count against this many times max_pages, so that a
# page listing thousands of downloads cannot make the crawl unbounded.
CHECKS_PER_PAGE = 5


def crawl_pages(
    start: list[str], crawl: Crawl, fetch: Any, listed: list[str] | None = None
) -> Crawled:
    """Breadth-first from ``start``: ``fetch(path) -> (final_url, html)``, or a string saying
    why ``path`` is not a page.

    The configured pages always come first and always stay; then the ``listed`` ones (a
    sitemap's) that the crawl allows and that are pages; a found link is fetched and added if
    it is a page, until ``max_pages`` in total, to ``max_depth`` link hops from a configured
    or listed page.
    """
    pages = list(dict.fromkeys(start))
    skipped: dict[str, str] = {}
    budget = crawl.max_pages * CHECKS_PER_PAGE
    queue: deque[tuple[str, int, Any]] = deque((p, 0, None) for p in pages)
    for path in listed or []:
        if len(pages) >= crawl.max_pages or budget <= 0:
            break
        if path in pages or path in skipped or not allowed(path, crawl):
            continue
        budget -= 1
        found = fetch(path)
        if isinstance(found, str):
            skipped[path] = found
            continue
        pages.append(path)
        queue.append((path, 0, found))  # a starting point of the crawl, as a configured page
    while queue and len(pages) < crawl.max_pages and budget > 0:
        path, depth, fetched = queue.popleft()
        if depth >= crawl.max_depth:
            continue
        if fetched is None:
            fetched = fetch(path)
        if isinstance(fetched, str):
            continue  # a configured page that is not one: the browser suites report it
        final_url, html = fetched
        for link in same_origin_paths(final_url, html):
            if link in pages or link in skipped or not allowed(link, crawl):
                continue
            if budget <= 0 or len(pages) >= crawl.max_pages:
                break
            budget -= 1
            found = fetch(link)
            if isinstance(found, str):
                skipped[link] = found
                continue
            pages.append(link)
            queue.append((link, depth + 1, found))
    return Crawled(pages, skipped)


def _crawl_session(run: Any, signed_in: dict[str, Any] | None) -> BoundedSession:
    """What the browser sends, within the suites' limits: each request within
    http.deadline_s (its headers included), each body read up to http.max_body_bytes, so a
    target that trickles ends the crawl instead of holding it."""
    session = BoundedSession(run.limits)
    session.trust_env = False
    session.verify = run.verify
    settings = run.config.browser
    # A missing secret is reported by the browser session on every check; crawl without it.
    with contextlib.suppress(MissingSecret):
        session.headers.update({k: expand_env(v) for k, v in settings.headers.items()})
    if settings.storage_state:
        _load_cookies(session, Path(settings.storage_state))
    if signed_in is not None:
        _set_cookies(session, signed_in)
    return session


def _http_fetcher(run: Any, session: BoundedSession) -> Any:
    target = run.target.rstrip("/")

    def is_page(response: requests.Response) -> bool:
        return not_a_page(response.status_code, response.headers.get("Content-Type")) is None

    def fetch_page(path: str) -> tuple[str, str] | str:
        try:
            # A download's body is never read, only its headers.
            got = fetch(
                session,
                "GET",
                target + path,
                session.limits,
                read_body=is_page,
                timeout=run.config.timeout_s,
            )
        except requests.RequestException as exc:
            return f"did not answer ({why_no_answer(exc)})"
        r = got.response
        why = not_a_page(r.status_code, r.headers.get("Content-Type"))
        if why:
            return why
        r._content, r._content_consumed = got.body, True  # .text decodes it as requests does
        return r.url, r.text

    return fetch_page


def crawl_target(run: Any, signed_in: dict[str, Any] | None = None) -> Crawled:
    """The crawl of ``run``'s target from its configured pages (gates.yaml's browser.crawl,
    which must be set), with the cookies of ``signed_in`` (a storage state) if given."""
    pages = list(dict.fromkeys(run.config.pages))
    crawl = run.config.browser.crawl
    with _crawl_session(run, signed_in) as session:
        notes: list[str] = []
        listed: list[str] = []
        if crawl.pages_from:
            sitemap = read_sitemaps(
                crawl.pages_from,
                run.target,
                http_getter(session, run.config.timeout_s),
                max_paths=crawl.max_pages * CHECKS_PER_PAGE,
                max_bytes=session.limits.max_body_bytes,
            )
            listed = sitemap.paths
            notes += [sitemap.note] if sitemap.note else []
        crawled = crawl_pages(pages, crawl, _http_fetcher(run, session), listed)
        crawled.notes[:0] = notes
        return crawled


def _load_cookies(session: requests.Session, path: Path) -> None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    _set_cookies(session, state)


def _set_cookies(session: requests.Session, state: dict[str, Any]) -> None:
    """The cookies of a Playwright storage state, into a requests session."""
    for cookie in state.get("cookies", []):
        session.cookies.set(
            cookie["name"], cookie["value"], domain=cookie.get("domain"), path=cookie.get("path")
        )


def _sign_in_for_crawl(config: pytest.Config, run: Any) -> dict[str, Any] | None:
    """Run gates.yaml's sign-in step once in a short-lived Chromium; its storage state, or
    None when it did not succeed (the crawl then sees what a visitor sees, and the browser
    suites try again and report why on every check)."""
    try:
        with started_playwright() as pw:
            session = open_browser_session(pw, run)
            try:
                session.authenticate()
            finally:
                close_quietly(session.browser)
    except Exception:  # no usable browser: the browser suites will say so, with exit 2
        return None
    if session.auth_error or not isinstance(session.storage_state, dict):
        return None
    config.stash[SIGNED_IN_KEY] = session.storage_state
    return session.storage_state


def planned_pages(config: pytest.Config) -> list[str]:
    """The pages of this run, computed once (the crawl runs at most once per run)."""
    run = gate_run(config)
    if run is None:
        return []
    cached = config.stash.get(PAGES_KEY, None)
    if cached is not None:
        return cached
    pages = list(dict.fromkeys(run.config.pages))
    crawl = run.config.browser.crawl
    if crawl is not None and run.target:
        login = run.config.browser.login
        signed_in = _sign_in_for_crawl(config, run) if login is not None else None
        crawled = crawl_target(run, signed_in)
        pages = crawled.pages
        for note in crawled.notes:
            _note_browser(run, note)
        if crawled.skipped:
            _note_skipped(run, crawled.skipped)
    config.stash[PAGES_KEY] = pages
    return pages


# Links named in the note before the rest are only counted.
SKIPPED_SHOWN = 5


def _note_skipped(run: Any, skipped: dict[str, str]) -> None:
    """Say, on every browser component, which found links the crawl left out and why."""
    shown = "; ".join(f"{link}: {why}" for link, why in list(skipped.items())[:SKIPPED_SHOWN])
    more = len(skipped) - SKIPPED_SHOWN
    text = f"crawl left out {len(skipped)} link(s) that are not pages: {shown}"
    if more > 0:
        text += f"; and {more} more"
    _note_browser(run, text)


def _note_browser(run: Any, text: str) -> None:
    """A line for the notes of every browser component."""
    for name, comp in run.config.components.items():
        if comp.needs_browser:
            run.note(name, text)
