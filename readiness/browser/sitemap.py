"""The pages a sitemap lists (gates.yaml's ``browser.crawl.pages_from``), for the crawl.

A page no link points to (a landing page, an old article) is one the crawl cannot find; the
site's sitemap says it exists. ``read_sitemaps`` reads a sitemap (``<urlset>``) or a sitemap
index (``<sitemapindex>``, whose sitemaps are read in turn), plain or gzipped, and returns the
paths it lists on the target's own origin, in the order listed.

Why no sitemap library: the ones on PyPI (ultimate-sitemap-parser, the most used) fetch on
their own, with their own HTTP client. The gate's fetching must be the crawl's BoundedSession:
a deadline for each whole request and a cap on each body (a target that trickles or sends
gigabytes must not hold the run), the run's trust store, the configured headers and the
sign-in's cookies. So this module only parses, with the standard library's ElementTree behind
defusedxml, which refuses entity declarations (the "billion laughs" bomb) and external
references before anything is expanded, and gunzips within the same cap as the body.

Bounded everywhere: at most MAX_SITEMAPS sitemap files per run, indexes nested at most
MAX_INDEX_DEPTH deep, at most ``max_paths`` paths, and each file within http's limits.
Nothing here ever fails the run: what could not be read is said in ``Listed.note``.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from readiness.browser.settings import SITEMAP
from readiness.core.redaction import redact_url
from readiness.plugin.http import BoundedSession, fetch, why_no_answer

MAX_SITEMAPS = 20  # sitemap files read per run: an index and the sitemaps it names
# An index naming indexes once more (the protocol allows none; some sites do it anyway).
MAX_INDEX_DEPTH = 2
GZIP_MAGIC = b"\x1f\x8b"
PROBLEMS_SHOWN = 3  # sitemaps named in the note before the rest are only counted


class SitemapError(ValueError):
    """Why one sitemap file was not read, in a few words."""


class Unreadable(SitemapError):
    """The file was not fetched; ``missing`` when the target says there is none (404, 410)."""

    def __init__(self, why: str, *, missing: bool = False) -> None:
        super().__init__(why)
        self.missing = missing


@dataclass(frozen=True)
class Parsed:
    index: bool  # a <sitemapindex>: its locs are sitemaps, not pages
    locs: list[str]


def unpack(body: bytes, max_bytes: int) -> bytes:
    """``body``, gunzipped if it is gzip (by its magic bytes: a ``.gz`` file served with
    ``Content-Encoding: gzip`` arrives decoded already), to at most ``max_bytes``."""
    if not body.startswith(GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise SitemapError(f"not a valid gzip file ({exc})") from None
    if len(out) > max_bytes:
        raise SitemapError(f"over {max_bytes} bytes once gunzipped (http.max_body_bytes); not read")
    if not inflater.eof:
        raise SitemapError("a gzip file cut short")
    return out


def _local(tag: object) -> str:
    """An element's name without its namespace ({http://www.sitemaps.org/...}url -> url)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse(xml: bytes) -> Parsed:
    """The locs of a sitemap or sitemap index, in order; SitemapError if it is neither."""
    try:
        root = fromstring(xml)
    except DefusedXmlException:
        raise SitemapError(
            "declares XML entities or external references (refused: that is how an XML"
            " bomb exhausts memory)"
        ) from None
    except ParseError as exc:
        raise SitemapError(f"not XML ({exc})") from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap (its root is <{kind}>, not <urlset> or <sitemapindex>)")
    entry = "url" if kind == "urlset" else "sitemap"
    locs = []
    for child in root:
        if _local(child.tag) != entry:
            continue
        for part in child:
            if _local(part.tag) == "loc" and part.text and part.text.strip():
                locs.append(part.text.strip())
                break
    return Parsed(kind == "sitemapindex", locs)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) with the scheme's default port filled in; None for a URL that is
    not http(s) or not valid."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def same_origin_path(url: str, target: str) -> str | None:
    """The path (with query, without fragment) of ``url`` if it is on ``target``'s origin."""
    here = origin(url)
    if here is None or here != origin(target):
        return None
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def robots_sitemaps(text: str) -> list[str]:
    """The URLs of robots.txt's ``Sitemap:`` lines, in order."""
    found = []
    for line in text.splitlines():
        key, _, value = line.split("#", 1)[0].partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(value.strip())
    return found


def sitemap_url(pages_from: str, target: str) -> str:
    """Where ``pages_from`` says the sitemap is: ``sitemap`` is the target's /sitemap.xml."""
    base = target.rstrip("/")
    if pages_from == SITEMAP:
        return base + "/sitemap.xml"
    if pages_from.startswith("/"):
        return base + pages_from
    return pages_from


@dataclass
class Listed:
    paths: list[str] = field(default_factory=list)  # same-origin pages, in the order listed
    problems: list[str] = field(default_factory=list)  # "<sitemap>: why it was not read"
    elsewhere: int = 0  # pages (and sitemaps) listed off the target's origin, left out

    @property
    def note(self) -> str | None:
        """One line for the browser components' notes, or None when all went well."""
        parts = [f"sitemap {p}" for p in self.problems[:PROBLEMS_SHOWN]]
        if len(self.problems) > PROBLEMS_SHOWN:
            parts.append(f"and {len(self.problems) - PROBLEMS_SHOWN} more sitemap(s) not read")
        if self.elsewhere:
            parts.append(
                f"sitemap listed {self.elsewhere} URL(s) not on the target's origin, left out"
            )
        return "; ".join(parts) or None


Get = Callable[[str], bytes]  # the body of a URL, or Unreadable


def read_sitemaps(
    pages_from: str, target: str, get: Get, *, max_paths: int, max_bytes: int
) -> Listed:
    """The pages the sitemap ``pages_from`` lists on ``target``'s origin, up to ``max_paths``.

    With ``pages_from: sitemap`` and no /sitemap.xml (404 or 410), the ``Sitemap:`` lines of
    the target's /robots.txt are read instead."""
    listed = Listed()

    def shown(url: str) -> str:
        return same_origin_path(url, target) or redact_url(url)

    start = sitemap_url(pages_from, target)
    if origin(start) is None or origin(start) != origin(target):
        listed.problems.append(
            f"{shown(start)} not read: not on the target's origin (only the target's own"
            " sitemaps are read)"
        )
        return listed
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    seen: set[str] = set()
    while queue and len(listed.paths) < max_paths:
        url, depth = queue.popleft()
        if url in seen:
            continue
        if len(seen) >= MAX_SITEMAPS:
            listed.problems.append(
                f"{shown(url)} and {len(queue)} more not read (at most {MAX_SITEMAPS}"
                " sitemap files a run)"
            )
            break
        seen.add(url)
        try:
            parsed = parse(unpack(get(url), max_bytes))
        except Unreadable as exc:
            if exc.missing and url == start and pages_from == SITEMAP:
                why = f"{shown(url)} not read: {exc}"
                queue.extend((u, 0) for u in _from_robots(target, get, listed, why))
                continue
            listed.problems.append(f"{shown(url)} not read: {exc}")
            continue
        except SitemapError as exc:
            listed.problems.append(f"{shown(url)} not read: {exc}")
            continue
        if parsed.index and depth >= MAX_INDEX_DEPTH:
            listed.problems.append(
                f"{shown(url)} not read: an index nested more than {MAX_INDEX_DEPTH} deep"
            )
            continue
        for loc in parsed.locs:
            try:
                absolute = urljoin(url, loc)
            except ValueError:  # not a URL at all (http://[::1): on no origin of ours
                absolute = ""
            path = same_origin_path(absolute, target)
            if path is None:
                listed.elsewhere += 1
            elif parsed.index:
                queue.append((absolute, depth + 1))
            elif path not in listed.paths:
                listed.paths.append(path)
                if len(listed.paths) >= max_paths:
                    break
    return listed


def _from_robots(target: str, get: Get, listed: Listed, why: str) -> list[str]:
    """The same-origin sitemaps robots.txt names (the others are counted as elsewhere);
    ``why`` says why /sitemap.xml was not read, for the note when robots.txt has none."""
    robots = target.rstrip("/") + "/robots.txt"
    try:
        named = robots_sitemaps(get(robots).decode("utf-8", "replace"))
    except Unreadable as exc:
        listed.problems.append(f"{why}, and /robots.txt: {exc}")
        return []
    ours = [u for u in named if same_origin_path(u, target) is not None]
    listed.elsewhere += len(named) - len(ours)
    if not ours:
        listed.problems.append(f"{why}, and /robots.txt names no sitemap on the target")
    return ours


def http_getter(session: BoundedSession, timeout_s: float) -> Get:
    """``Get`` through the crawl's session: within its deadline and body cap."""

    def get(url: str) -> bytes:
        try:
            got = fetch(session, "GET", url, session.limits, timeout=timeout_s)
        except requests.RequestException as exc:
            raise Unreadable(f"did not answer ({why_no_answer(exc)})") from None
        status = got.response.status_code
        if status >= 400:
            raise Unreadable(f"HTTP {status}", missing=status in (404, 410))
        if got.truncated:
            raise Unreadable(
                f"larger than http.max_body_bytes ({session.limits.max_body_bytes} bytes)"
            )
        return got.body

    return get
