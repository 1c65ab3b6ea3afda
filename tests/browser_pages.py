"""Local pages with known, deliberately built properties for the browser suites' tests.

Served by ``serve(pages_app)`` on 127.0.0.1. Each page documents what a correct measurement
of it is and the tests assert those bands. benchmarks/lighthouse_compare.py checks every page
against Lighthouse 12.2.3 (its own trace-based metrics and axe run); on 2026-11-25 it agreed:
/lcp LCP 660 ms both, /lcp-flat LCP is the late text (flat image ignored) in both, /shift
CLS 0.095 both, /long-task TBT 250 vs 252 ms, /a11y-bad the same four rule ids, /clean none.
"""

from __future__ import annotations

import random
import socket
import struct
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any

LCP_DELAY_MS = 600  # the hero image is inserted this long after navigation starts
SHIFT_PX = 200  # the banner inserted above the content pushes it down this far
BUSY_MS = 300  # one main-thread task of this length runs 200 ms after load
SLOW_TTFB_S = 0.4  # /slow answers after this long
TIMER_MS = 300  # /timer-after-load's one timer is due this long after load


def _silent_origin() -> str:
    """A loopback origin that accepts connections (into the kernel's backlog) and never
    answers one: what a page asks of it never arrives, so an image from it holds the load
    event back for good, and a navigation to it stays in flight, on any machine, with no
    thread held (a sleeping handler would hold up the server's stop). Open for the tests'
    whole process."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    _SILENT_SOCKETS.append(sock)
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


_SILENT_SOCKETS: list[socket.socket] = []
SILENT = _silent_origin()


def noise_png(width: int, height: int, seed: int = 7) -> bytes:
    """A high-entropy RGB PNG (random pixels): Chrome accepts it as an LCP candidate, unlike
    a flat image (Chrome 112+ ignores images under 0.05 bits per pixel for LCP)."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    return _png(width, height, rows)


def flat_png(width: int, height: int) -> bytes:
    """A single-colour PNG: low entropy, so never the LCP element."""
    rows = (b"\x00" + b"\xcc\xdd\xee" * width) * height
    return _png(width, height, rows)


def _png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def _doc(title: str, body: str, head: str = "", lang: str = ' lang="en"') -> str:
    return (
        f"<!DOCTYPE html><html{lang}><head><meta charset='utf-8'><title>{title}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>body{{margin:0;font:16px/1.5 sans-serif}}</style>{head}</head>"
        f"<body>{body}</body></html>"
    )


PAGES: dict[str, str] = {
    # Clean: no axe violation under wcag22aa + best-practice; paints at once, no shift.
    "/clean": _doc(
        "Clean page",
        "<header><p>Clean site</p></header><main><h1>A clean page</h1>"
        "<p>Readable text, a <a href='/lcp'>link</a> and a labelled field.</p>"
        "<label for='q'>Search</label> <input id='q' type='search'>"
        "<img src='/noise.png' alt='Random noise' width='64' height='48'></main>",
    ),
    # LCP: small text first, then a 480x360 high-entropy image inserted at LCP_DELAY_MS.
    "/lcp": _doc(
        "Late hero",
        "<main><h1>Hero</h1><div id='slot'></div></main>"
        "<script>setTimeout(() => { const i = new Image(480, 360); i.alt = 'Hero';"
        " i.id = 'hero'; i.src = '/noise.png'; document.getElementById('slot').append(i); },"
        f" {LCP_DELAY_MS} - performance.now());</script>",
    ),
    # A big flat image at once, a text block later: the flat image is not an LCP candidate.
    "/lcp-flat": _doc(
        "Flat image",
        "<main><h1>Flat</h1><img src='/flat.png' alt='Flat' width='800' height='500'>"
        "<div id='late'></div></main>"
        "<script>setTimeout(() => { const p = document.createElement('p'); p.id = 'text';"
        " p.textContent = 'Late text block. '.repeat(60);"
        " document.getElementById('late').append(p); },"
        f" {LCP_DELAY_MS} - performance.now());</script>",
    ),
    # CLS: a SHIFT_PX banner is inserted above a 400 px block 300 ms after load.
    "/shift": _doc(
        "Shifting page",
        "<main><div id='top'></div><div id='block'"
        " style='height:400px;background:#124;color:#fff'>Content block</div></main>"
        "<script>addEventListener('load', () => setTimeout(() => {"
        " const b = document.createElement('div');"
        f" b.style.height = '{SHIFT_PX}px'; b.textContent = 'Banner';"
        " document.getElementById('top').append(b); }, 300));</script>",
    ),
    # TBT: one BUSY_MS busy loop 200 ms after load, so after FCP: TBT = BUSY_MS - 50.
    "/long-task": _doc(
        "Busy page",
        "<main><h1>Busy</h1><p>Some text to paint first.</p></main>"
        "<script>addEventListener('load', () => setTimeout(() => {"
        f" const end = performance.now() + {BUSY_MS}; while (performance.now() < end) {{}}"
        " }, 200));</script>",
    ),
    # The /shift banner, inserted when the performance loader starts confirming the quiet
    # window (a setter on the confirmation's promise), that is while the next run is being
    # prepared, on any machine; the shift is reported after that call has returned. A load
    # observed alone (nothing confirmed) never shifts.
    "/shifts-while-confirmed": _doc(
        "Shifts while confirmed",
        "<main><div id='top'></div><div id='block'"
        " style='height:400px;background:#124;color:#fff'>Content block</div></main>"
        "<script>let confirm;"
        " Object.defineProperty(window, '__readinessConfirm', {configurable: true,"
        " set(v) { confirm = v; const b = document.createElement('div');"
        f" b.style.height = '{SHIFT_PX}px'; b.textContent = 'Banner';"
        " document.getElementById('top').append(b); }, get() { return confirm; }});"
        "</script>",
    ),
    # One timer TIMER_MS after load whose work paints nothing and fetches nothing: the only
    # activity is the timer running (which the observation tracks), at no frame's pace.
    "/timer-after-load": _doc(
        "Timer after load",
        "<main><h1>Timer</h1></main><script>addEventListener('load', () => setTimeout(() => {"
        f" document.body.dataset.done = '1'; }}, {TIMER_MS}));</script>",
    ),
    # A poller: a 300 ms timer that sets itself again, forever.
    "/poller": _doc(
        "Poller",
        "<main><h1>Poller</h1><p id='n'>0</p></main>"
        "<script>const tick = () => { const n = document.getElementById('n');"
        " n.textContent = String(Number(n.textContent) + 1); setTimeout(tick, 300); };"
        " setTimeout(tick, 300);</script>",
    ),
    # Accessibility defects: exactly image-alt, label, color-contrast, html-has-lang.
    "/a11y-bad": _doc(
        "Broken page",
        "<main><h1>Broken</h1>"
        "<img src='/noise.png' width='64' height='48'>"
        "<input id='nameless' type='text'>"
        "<p style='color:#aaa;background:#fff'>Faint text</p></main>",
        lang="",
    ),
    # A defect only inside a same-origin frame: axe finds it only where axe is injected.
    "/framed": _doc(
        "Framed",
        "<main><h1>Framed</h1><iframe title='Inner' src='/frame-inner'></iframe></main>",
    ),
    "/frame-inner": _doc("Inner", "<p>Inner</p><img id='inner-img' src='/noise.png' width='64'>"),
    # Reached through redirects to /login when no session cookie is sent.
    "/private": _doc(
        "Private", "<main><h1>Private</h1><p>Members only. <a href='/clean'>Home</a></p></main>"
    ),
    # Pages that go on to /clean by themselves: a script just after load, a <meta> refresh.
    "/redirects-itself": _doc(
        "Redirects itself",
        "<main><h1>Moving</h1></main><script>addEventListener('load', () =>"
        " setTimeout(() => { location.href = '/clean'; }, 30));</script>",
    ),
    # Goes on to /clean while its scan is being read (a getter on the scan's promise, which
    # then never settles): the scan cannot finish before the page moves, however fast it is.
    "/redirects-while-scanned": _doc(
        "Redirects while scanned",
        "<main><h1>Moving</h1></main><script>let scan;"
        " Object.defineProperty(window, '__readinessAxe', {configurable: true,"
        " set(v) { scan = v; },"
        " get() { location.href = '/clean'; return new Promise(() => {}); }});"
        "</script>",
    ),
    "/refresh": _doc(
        "Refreshes",
        "<main><h1>Moving</h1></main>",
        head="<meta http-equiv='refresh' content='0;url=/clean'>",
    ),
    # A <meta> refresh to a server that never answers: the page is on its way elsewhere for
    # as long as it is observed, and never gets there.
    "/refresh-to-silence": _doc(
        "Refreshes to silence",
        "<main><h1>Moving</h1></main>",
        head=f"<meta http-equiv='refresh' content='0;url={SILENT}/held'>",
    ),
    # Goes on to /clean when the performance loader starts confirming its quiet window (a
    # setter on the confirmation's promise), so the move lands while the next run is being
    # prepared, however fast the machine: in the document the loader collects from next,
    # in the middle of that call, or not yet (still in flight).
    "/moves-while-confirmed": _doc(
        "Moves while confirmed",
        "<main><h1>Moving</h1></main><script>let confirm;"
        " Object.defineProperty(window, '__readinessConfirm', {configurable: true,"
        " set(v) { confirm = v; location.href = '/clean'; }, get() { return confirm; }});"
        "</script>",
    ),
    # A script that never yields, from just after load: the main thread answers nothing more.
    "/spins": _doc(
        "Spins",
        "<main><h1>Spins</h1></main><script>addEventListener('load', () =>"
        " setTimeout(() => { for (;;) {} }, 0));</script>",
    ),
    # Scans clean, then spins once the scan's result has been collected: the scan passes,
    # and the tab it leaves behind would hold up the next navigation in it. The spin is
    # scheduled when the harness reads the result (a getter), so it starts after that read
    # returns: spinning when axe merely finished raced the read on a busy machine.
    "/spins-after-scan": _doc(
        "Spins later",
        "<main><h1>Spins later</h1></main><script>let scan;"
        " Object.defineProperty(window, '__readinessAxe', {configurable: true,"
        " set(v) { scan = v; },"
        " get() { scan.then(() => setTimeout(() => { for (;;) {} }, 0)); return scan; }});"
        "</script>",
    ),
    # Its load event waits for an image that never comes (from the silent origin).
    "/loads-late": _doc(
        "Loads late",
        f"<main><h1>Late</h1><img src='{SILENT}/late.png' alt='Late' width='8'></main>",
    ),
    # Links to one page and to things that are not pages: data, an image, a broken link.
    "/links": _doc(
        "Links",
        "<main><h1>Links</h1><a href='/data.json'>data</a> <a href='/noise.png'>image</a>"
        " <a href='/nope'>broken</a> <a href='/clean'>page</a></main>",
    ),
    "/login": _doc(
        "Sign in",
        "<main><h1>Sign in</h1><form method='post' action='/login'>"
        "<label for='user'>User</label><input id='user' name='user'>"
        "<label for='pw'>Password</label><input id='pw' name='pw' type='password'>"
        "<button type='submit'>Sign in</button></form></main>",
    ),
}

ASSETS: dict[str, tuple[str, bytes]] = {
    "/noise.png": ("image/png", noise_png(480, 360)),
    "/flat.png": ("image/png", flat_png(800, 500)),
    "/data.json": ("application/json", b'{"ok": true}'),
}

EXPECTED_BAD_RULES = {"image-alt", "label", "color-contrast", "html-has-lang"}
SESSION_COOKIE = "sid=letmein"
PASSWORD = "s3cr3t-xyzzy"  # distinctive, so a test can prove it never reaches a report


def pages_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """WSGI app serving PAGES and ASSETS; /private needs the session cookie, /slow is slow,
    POST /login with pw=PASSWORD sets the cookie and redirects to /private."""
    path = environ.get("PATH_INFO", "/")
    method = environ.get("REQUEST_METHOD", "GET")
    cookies = environ.get("HTTP_COOKIE", "")
    if path == "/login" and method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = environ["wsgi.input"].read(length).decode()
        if f"pw={PASSWORD}" in form:
            headers = [("Location", "/private"), ("Set-Cookie", f"{SESSION_COOKIE}; Path=/")]
            start_response("303 See Other", headers)
            return [b""]
    if path == "/private" and SESSION_COOKIE not in cookies:
        start_response("303 See Other", [("Location", "/login")])
        return [b""]
    if path == "/slow":
        time.sleep(SLOW_TTFB_S)
        path = "/clean"
    if path in ASSETS:
        mime, body = ASSETS[path]
        start_response("200 OK", [("Content-Type", mime), ("Content-Length", str(len(body)))])
        return [body]
    page = PAGES.get(path)
    if page is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    body = page.encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body]
