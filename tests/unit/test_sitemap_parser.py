"""The sitemap reader on literal bytes: sitemaps, indexes, gzip, bombs, origins, bounds (pure:
``get`` is a dict of the files a target would serve)."""

from __future__ import annotations

import gzip

import pytest

from readiness.browser.settings import Crawl
from readiness.browser.sitemap import (
    MAX_SITEMAPS,
    SitemapError,
    Unreadable,
    parse,
    read_sitemaps,
    robots_sitemaps,
    same_origin_path,
    unpack,
)

T = "http://t.test:8080"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*locs: str, ns: str = NS) -> bytes:
    entries = "".join(f"<url><loc> {loc} </loc><lastmod>2026-01-01</lastmod></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {ns}>{entries}</urlset>'.encode()


def index(*locs: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f"<sitemapindex {NS}>{entries}</sitemapindex>".encode()


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><urlset><url><loc>&lol9;</loc></url></urlset>"
)


def site(files: dict[str, bytes | int]):
    """``get`` for a target serving ``files`` (path -> body, or an HTTP error status)."""
    asked: list[str] = []

    def get(url: str) -> bytes:
        asked.append(url)
        path = same_origin_path(url, T)
        found = files.get(path or "", 404)
        if isinstance(found, int):
            raise Unreadable(f"HTTP {found}", missing=found in (404, 410))
        return found

    get.asked = asked  # type: ignore[attr-defined]
    return get


def read(files: dict[str, bytes | int], pages_from: str = "sitemap", max_paths: int = 50):
    return read_sitemaps(pages_from, T, site(files), max_paths=max_paths, max_bytes=100_000)


def test_a_urlset_lists_its_locs_in_order_with_or_without_namespace() -> None:
    assert parse(urlset("http://a/1", "http://a/2")).locs == ["http://a/1", "http://a/2"]
    assert parse(urlset("http://a/x", ns="")).locs == ["http://a/x"]
    assert not parse(urlset("http://a/x")).index
    parsed = parse(index("http://a/s1.xml"))
    assert parsed.index and parsed.locs == ["http://a/s1.xml"]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"<urlset><url><loc>x</loc></url>", "not XML (no element found"),
        (b"<!doctype html><html><body>hi</body></html>", "not XML"),
        (b"<rss><channel/></rss>", "not a sitemap (its root is <rss>"),
        (BOMB, "declares XML entities"),
        (
            b'<!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset><url><loc>&e;</loc>'
            b"</url></urlset>",
            "declares XML entities or external references",
        ),
    ],
)
def test_what_is_not_a_sitemap_says_why(body: bytes, why: str) -> None:
    with pytest.raises(SitemapError) as caught:
        parse(body)
    assert why in str(caught.value)


def test_gzip_is_known_by_its_magic_bytes_and_bounded_once_gunzipped() -> None:
    plain = urlset("/a")
    assert unpack(gzip.compress(plain), 10_000) == plain
    assert unpack(plain, 10_000) == plain
    # A few kB that inflate to 10 MB: refused at the cap, never inflated whole.
    bomb = gzip.compress(b" " * 10_000_000)
    with pytest.raises(SitemapError, match=r"over 100000 bytes once gunzipped"):
        unpack(bomb, 100_000)
    with pytest.raises(SitemapError, match="cut short"):
        unpack(gzip.compress(plain)[:-12], 10_000)
    with pytest.raises(SitemapError, match="not a valid gzip file"):
        unpack(b"\x1f\x8b" + b"\x00" * 20, 10_000)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        (T + "/a?b=1#frag", "/a?b=1"),
        ("http://T.TEST:8080", "/"),  # host names are not case-sensitive
        ("https://t.test:8080/a", None),  # another scheme
        ("http://t.test/a", None),  # another port (80)
        ("http://other.test:8080/a", None),
        ("ftp://t.test:8080/a", None),
        ("http://t.test:99999/a", None),  # not a valid URL
    ],
)
def test_same_origin_is_scheme_host_and_port(url: str, path: str | None) -> None:
    assert same_origin_path(url, T) == path


def test_default_ports_are_the_same_origin() -> None:
    assert same_origin_path("https://x.test:443/p", "https://x.test") == "/p"


def test_an_index_of_two_sitemaps_one_gzipped_lists_the_same_origin_pages() -> None:
    listed = read(
        {
            "/sitemap.xml": index(T + "/s1.xml", "/s2.xml.gz", "http://cdn.test/s3.xml"),
            "/s1.xml": urlset(T + "/", T + "/a", "http://elsewhere.test/x", "http://[::1"),
            "/s2.xml.gz": gzip.compress(urlset(T + "/b", T + "/a", "/relative")),
        }
    )
    assert listed.paths == ["/", "/a", "/b", "/relative"]
    assert listed.elsewhere == 3  # the other origin's sitemap and page, and a URL on none
    assert listed.note == "sitemap listed 3 URL(s) not on the target's origin, left out"


def test_max_paths_bounds_the_list_and_stops_reading_sitemaps() -> None:
    get = site({"/sitemap.xml": index("/s1.xml", "/s2.xml"), "/s1.xml": urlset("/a", "/b", "/c")})
    listed = read_sitemaps("sitemap", T, get, max_paths=2, max_bytes=100_000)
    assert listed.paths == ["/a", "/b"]
    assert get.asked == [T + "/sitemap.xml", T + "/s1.xml"]  # /s2.xml was not needed


def test_indexes_are_bounded_in_depth_and_count() -> None:
    nested = read(
        {
            "/sitemap.xml": index("/i1.xml"),
            "/i1.xml": index("/i2.xml"),
            "/i2.xml": index("/s.xml"),
            "/s.xml": urlset("/deep"),
        }
    )
    assert nested.paths == []
    assert nested.note == "sitemap /i2.xml not read: an index nested more than 2 deep"
    many = {f"/s{i}.xml": urlset(f"/p{i}") for i in range(MAX_SITEMAPS + 5)}
    listed = read({"/sitemap.xml": index(*many), **many})
    assert len(listed.paths) == MAX_SITEMAPS - 1  # the index is one of the files read
    assert listed.problems == [
        f"/s{MAX_SITEMAPS - 1}.xml and 5 more not read (at most {MAX_SITEMAPS} sitemap files a run)"
    ]


def test_an_index_naming_itself_is_read_once() -> None:
    listed = read({"/sitemap.xml": index("/sitemap.xml", "/s.xml"), "/s.xml": urlset("/a")})
    assert listed.paths == ["/a"] and listed.problems == []


@pytest.mark.parametrize(
    ("files", "pages_from", "note"),
    [
        ({}, "/maps/pages.xml", "sitemap /maps/pages.xml not read: HTTP 404"),
        ({"/sitemap.xml": 500}, "sitemap", "sitemap /sitemap.xml not read: HTTP 500"),
        (
            {},
            "sitemap",
            "sitemap /sitemap.xml not read: HTTP 404, and /robots.txt: HTTP 404",
        ),
        (
            {"/robots.txt": b"User-agent: *\nDisallow: /admin\n"},
            "sitemap",
            "sitemap /sitemap.xml not read: HTTP 404, and /robots.txt names no sitemap on"
            " the target",
        ),
        (
            {"/sitemap.xml": b"<urlset>"},
            "sitemap",
            "sitemap /sitemap.xml not read: not XML (no element found: line 1, column 8)",
        ),
        (
            {"/sitemap.xml": BOMB},
            "sitemap",
            "sitemap /sitemap.xml not read: declares XML entities or external references"
            " (refused: that is how an XML bomb exhausts memory)",
        ),
        (
            {},
            "https://cdn.test/sitemap.xml",
            "sitemap https://cdn.test/sitemap.xml not read: not on the target's origin"
            " (only the target's own sitemaps are read)",
        ),
    ],
)
def test_a_sitemap_that_cannot_be_read_is_one_note(
    files: dict[str, bytes | int], pages_from: str, note: str
) -> None:
    listed = read(files, pages_from)
    assert listed.paths == []
    assert listed.note == note


def test_robots_txt_names_the_sitemap_when_there_is_no_sitemap_xml() -> None:
    robots = (
        b"User-agent: *\nDisallow: /private\n"
        b"SITEMAP: " + T.encode() + b"/maps/a.xml  # the pages\n"
        b"Sitemap: http://other.test/b.xml\n"
    )
    assert robots_sitemaps(robots.decode()) == [T + "/maps/a.xml", "http://other.test/b.xml"]
    listed = read({"/robots.txt": robots, "/maps/a.xml": urlset("/from-robots")})
    assert listed.paths == ["/from-robots"]
    assert listed.elsewhere == 1
    # Only `pages_from: sitemap` looks there: a sitemap named explicitly is that one.
    named = read({"/robots.txt": robots, "/maps/a.xml": urlset("/x")}, "/nope.xml")
    assert named.paths == [] and named.note == "sitemap /nope.xml not read: HTTP 404"


def test_many_problems_are_counted_past_the_first_three() -> None:
    listed = read({"/sitemap.xml": index(*(f"/s{i}.xml" for i in range(5)))})
    assert listed.note == (
        "sitemap /s0.xml not read: HTTP 404; sitemap /s1.xml not read: HTTP 404;"
        " sitemap /s2.xml not read: HTTP 404; and 2 more sitemap(s) not read"
    )


@pytest.mark.parametrize("value", ["sitemap", "/sitemap_index.xml", "https://t.test/s.xml"])
def test_pages_from_accepts_the_word_a_path_or_a_url(value: str) -> None:
    assert Crawl(pages_from=value).pages_from == value


@pytest.mark.parametrize("value", ["sitemaps", "sitemap.xml", "ftp://t.test/s.xml", "http://"])
def test_pages_from_refuses_anything_else_in_one_line(value: str) -> None:
    with pytest.raises(ValueError, match=r"is not a sitemap: give `sitemap`"):
        Crawl(pages_from=value)
