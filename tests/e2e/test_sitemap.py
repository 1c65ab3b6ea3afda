"""``browser.crawl.pages_from``: the pages a sitemap lists join the crawl's, through the real
gate against a real loopback server (planned with --collect-only: the crawl and the sitemap
are read at collection). A page only the sitemap lists is found; one on another origin is
not; ``max_pages`` bounds them; a sitemap that cannot be read is a note and the run goes on."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import write_gates

from readiness.browser.pages import crawl_target
from readiness.plugin.gate import GateRun
from readiness.plugin.options import GateOptions

HTML = [("Content-Type", "text/html; charset=utf-8")]
PAGE = "<!doctype html><html lang=en><title>{0}</title><main><h1>{0}</h1>{1}</main></html>"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*locs: str) -> bytes:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{entries}</urlset>'.encode()


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "lollollollollollollollollol">'
    + b"".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">'.encode()
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b"]><urlset><url><loc>&i;</loc></url></urlset>"
)


def site_app(elsewhere: str, sitemap: bytes | int | None = None) -> Callable[..., Any]:
    """A site whose / links to /linked only; its sitemap index names a sitemap and a gzipped
    one, which list /orphan (linked from nowhere), /gz-only, the linked pages and a page of
    ``elsewhere``. ``sitemap`` replaces /sitemap.xml (a body, or an HTTP error status)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        here = f"http://{environ['HTTP_HOST']}"
        path = environ["PATH_INFO"]
        files: dict[str, tuple[str, bytes]] = {
            "/sitemap.xml": (
                "application/xml",
                (
                    f"<sitemapindex {NS}><sitemap><loc>{here}/maps/one.xml</loc></sitemap>"
                    "<sitemap><loc>/maps/two.xml.gz</loc></sitemap></sitemapindex>"
                ).encode(),
            ),
            "/maps/one.xml": ("text/xml", urlset(f"{here}/", f"{here}/orphan", elsewhere + "/x")),
            "/maps/two.xml.gz": (
                "application/gzip",
                gzip.compress(urlset(f"{here}/linked", f"{here}/gz-only", f"{here}/data.json")),
            ),
            "/data.json": ("application/json", b"{}"),
        }
        if path == "/sitemap.xml" and isinstance(sitemap, int):
            start_response(f"{sitemap} Nope", HTML)
            return [b"<p>no sitemap</p>"]
        if path == "/sitemap.xml" and sitemap is not None:
            files[path] = ("application/xml", sitemap)
        if path in files:
            kind, body = files[path]
            start_response("200 OK", [("Content-Type", kind)])
            return [body]
        pages = {"/": '<a href="/linked">linked</a>', "/linked": "", "/orphan": "", "/gz-only": ""}
        if path not in pages:
            start_response("404 Not Found", HTML)
            return [b"<p>not found</p>"]
        start_response("200 OK", HTML)
        return [PAGE.format(path, pages[path]).encode()]

    return app


class Elsewhere:
    """Another origin on loopback that counts the requests it gets (it must get none)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            self.asked.append(environ["PATH_INFO"])
        start_response("200 OK", HTML)
        return [PAGE.format("elsewhere", "").encode()]


GATES = """\
target: {target}
pages: [/]
browser:
  crawl: {crawl}
components:
  accessibility: {{weight: 1}}
"""


def planned(run_gate: Any, tmp_path: Path, target: str, crawl: str) -> list[str]:
    """The pages the real gate plans (each is an accessibility check id's page)."""
    gates = write_gates(tmp_path, GATES.format(target=target, crawl=crawl))
    result = run_gate("--gates", str(gates), "--collect-only", "-q")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if "::test_critical[" in line]
    return [line.split("[", 1)[1].rstrip("]") for line in lines]


@pytest.fixture
def elsewhere(serve: Any) -> tuple[Elsewhere, str]:
    app = Elsewhere()
    return app, serve(app)


@pytest.mark.parametrize(
    ("crawl", "pages"),
    [
        # Today's crawl: only what links reach.
        ("{max_pages: 10}", ["/", "/linked"]),
        # The sitemap's pages come after the configured ones, in the order listed (the
        # JSON file it lists is not a page); the crawl's links follow.
        ("{max_pages: 10, pages_from: sitemap}", ["/", "/orphan", "/linked", "/gz-only"]),
        (
            "{max_pages: 10, pages_from: /sitemap.xml, max_depth: 0}",
            ["/", "/orphan", "/linked", "/gz-only"],
        ),
        # A sitemap named directly (not the index): only its own pages, then the links.
        ("{max_pages: 10, pages_from: /maps/two.xml.gz}", ["/", "/linked", "/gz-only"]),
        ("{max_pages: 2, pages_from: sitemap}", ["/", "/orphan"]),
        ("{max_pages: 10, pages_from: sitemap, exclude: [/orphan]}", ["/", "/linked", "/gz-only"]),
    ],
)
def test_a_page_only_the_sitemap_lists_is_planned_and_another_origins_is_not(
    run_gate, serve, elsewhere, tmp_path: Path, crawl: str, pages: list[str]
) -> None:
    other, other_url = elsewhere
    target = serve(site_app(other_url))
    assert planned(run_gate, tmp_path, target, crawl) == pages
    assert other.asked == []  # the other origin's page was listed, and never fetched


def test_pages_from_a_url_on_the_target(run_gate, serve, elsewhere, tmp_path: Path) -> None:
    target = serve(site_app(elsewhere[1]))
    crawl = f"{{max_pages: 10, max_depth: 0, pages_from: '{target}/maps/one.xml'}}"
    assert planned(run_gate, tmp_path, target, crawl) == ["/", "/orphan"]


def sitemap_notes(tmp_path: Path, target: str, crawl: str) -> tuple[list[str], list[str]]:
    """The pages and the notes of the real crawl of ``target`` (the run prepared as the
    plugin prepares it)."""
    write_gates(tmp_path, GATES.format(target=target, crawl=crawl))
    run = GateRun.prepare(GateOptions(gates=str(tmp_path / "gates.yaml"), report_dir="r"))
    run.target = run.config.target or ""  # as the plugin sets it when the run starts
    try:
        crawled = crawl_target(run)
    finally:
        run.release_trust()
    return crawled.pages, crawled.notes


@pytest.mark.parametrize(
    ("sitemap", "pages_from", "note"),
    [
        (404, "sitemap", "sitemap /sitemap.xml not read: HTTP 404, and /robots.txt: HTTP 404"),
        (500, "/sitemap.xml", "sitemap /sitemap.xml not read: HTTP 500"),
        (
            b"<urlset><url><loc>/orphan</loc></url>",
            "sitemap",
            "sitemap /sitemap.xml not read: not XML (no element found: line 1, column 37)",
        ),
        (
            BOMB,
            "sitemap",
            "sitemap /sitemap.xml not read: declares XML entities or external references"
            " (refused: that is how an XML bomb exhausts memory)",
        ),
    ],
    ids=["404", "500", "invalid-xml", "billion-laughs"],
)
def test_a_sitemap_that_cannot_be_read_is_a_note_and_the_crawl_goes_on(
    serve, elsewhere, tmp_path: Path, sitemap: bytes | int, pages_from: str, note: str
) -> None:
    target = serve(site_app(elsewhere[1], sitemap))
    pages, notes = sitemap_notes(tmp_path, target, f"{{max_pages: 10, pages_from: '{pages_from}'}}")
    assert pages == ["/", "/linked"]
    assert notes == [note]


def test_the_note_reaches_the_report_and_the_run_is_judged(
    run_gate, serve, elsewhere, tmp_path: Path
) -> None:
    target = serve(site_app(elsewhere[1], BOMB))
    gates = write_gates(
        tmp_path, GATES.format(target=target, crawl="{max_pages: 10, pages_from: sitemap}")
    )
    result = run_gate("--gates", str(gates), "-q", "-k", "critical")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.check_ids() == ["accessibility.critical./", "accessibility.critical./linked"]
    (component,) = result.readiness["components"]
    assert [n for n in component["notes"] if n.startswith("sitemap")] == [
        "sitemap /sitemap.xml not read: declares XML entities or external references"
        " (refused: that is how an XML bomb exhausts memory)"
    ]


def test_pages_from_that_is_not_a_sitemap_is_a_one_line_error(run_gate, tmp_path: Path) -> None:
    gates = write_gates(
        tmp_path, GATES.format(target="http://127.0.0.1:9", crawl="{pages_from: sitemaps}")
    )
    result = run_gate("--gates", str(gates))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, result.stderr
    assert (
        "browser.crawl.pages_from: 'sitemaps' is not a sitemap: give `sitemap` (the target's"
        " /sitemap.xml), a path such as /sitemaps/pages.xml, or an http(s) URL" in errors[0]
    )


def test_the_other_origins_page_is_counted_in_a_note(serve, elsewhere, tmp_path: Path) -> None:
    other, other_url = elsewhere
    target = serve(site_app(other_url))
    pages, notes = sitemap_notes(tmp_path, target, "{max_pages: 10, pages_from: sitemap}")
    assert pages == ["/", "/orphan", "/linked", "/gz-only"]
    assert notes == ["sitemap listed 1 URL(s) not on the target's origin, left out"]
    assert other.asked == []
