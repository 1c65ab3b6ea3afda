"""The pages the browser suites visit: gates.yaml's `pages` (or --page), plus an optional crawl.

The list is needed at collection time (each page is a parametrized check id), so it is
computed once per run and kept in the pytest config's stash. The crawl is a plain HTTP crawl
(fast, and no browser suite has started yet at collection): same-origin <a href> links,
breadth first. It sends what the browser sends: the configured headers, the cookies of a
storage-state file, and, when gates.yaml has a sign-in step, the cookies of that sign-in, run
once in a short-lived Chromium before the crawl; the browser suites then reuse that signed-in
state instead of signing in again.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from .browser_settings import Crawl, MissingSecret, expand_env

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


def crawl_pages(start: list[str], crawl: Crawl, fetch: Any) -> list[str]:
    """Breadth-first from ``start``: ``fetch(path) -> (final_url, html) | None``.

    The configured pages always come first and always stay; found pages are added until
    ``max_pages`` in total, to ``max_depth`` link hops from a configured page.
    """
    pages = list(dict.fromkeys(start))
    queue = deque((p, 0) for p in pages)
    while queue and len(pages) < crawl.max_pages:
        path, depth = queue.popleft()
        if depth >= crawl.max_depth:
            continue
        fetched = fetch(path)
        if fetched is None:
            continue
        final_url, html = fetched
        for link in same_origin_paths(final_url, html):
            if link in pages or not allowed(link, crawl):
                continue
            pages.append(link)
            queue.append((link, depth + 1))
            if len(pages) >= crawl.max_pages:
                break
    return pages


def _http_fetcher(run: Any, signed_in: dict[str, Any] | None) -> Any:
    session = requests.Session()
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
    target = run.target.rstrip("/")

    def fetch(path: str) -> tuple[str, str] | None:
        try:
            response = session.get(target + path, timeout=run.config.timeout_s)
        except requests.RequestException:
            return None
        if "html" not in response.headers.get("Content-Type", ""):
            return None
        return response.url, response.text

    return fetch


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
    from playwright.sync_api import sync_playwright

    from .browser_fixtures import SIGNED_IN_KEY, open_browser_session

    try:
        with sync_playwright() as pw:
            session = open_browser_session(pw, run)
            try:
                session.authenticate()
            finally:
                session.browser.close()
    except Exception:  # no usable browser: the browser suites will say so, with exit 2
        return None
    if session.auth_error or not isinstance(session.storage_state, dict):
        return None
    config.stash[SIGNED_IN_KEY] = session.storage_state
    return session.storage_state


def planned_pages(config: pytest.Config) -> list[str]:
    """The pages of this run, computed once (the crawl runs at most once per run)."""
    from .plugin import gate_run

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
        pages = crawl_pages(pages, crawl, _http_fetcher(run, signed_in))
    config.stash[PAGES_KEY] = pages
    return pages
