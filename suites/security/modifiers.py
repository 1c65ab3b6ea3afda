"""The published table of security-grade modifiers: the one source of truth.

docs/security-scoring.md's table is generated from TABLE (``update_doc``); the tests fail when
they differ. Modelled on Mozilla's HTTP Observatory (algorithm v4) score table and grade chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BONUS_FLOOR = 90
# (lowest score, grade), best first; scores round down to a multiple of 5 (Observatory's chart).
GRADES = (
    (100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
    (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F"),
)  # fmt: skip


@dataclass(frozen=True)
class Modifier:
    test: str
    key: str
    points: int
    meaning: str


def _m(test: str, rows: list[tuple[str, int, str]]) -> list[Modifier]:
    return [Modifier(test, key, points, meaning) for key, points, meaning in rows]


TABLE: tuple[Modifier, ...] = tuple(
    _m("csp", [
        ("default-src-none", 10, "CSP without unsafe sources, default-src 'none'"),
        ("no-unsafe", 5, "CSP without unsafe-inline/eval or insecure sources"),
        ("insecure-passive", -10, "CSP allows http: for images or media"),
        ("unsafe-eval", -10, "CSP script-src allows 'unsafe-eval'"),
        ("insecure-active", -20, "CSP allows http: for scripts, styles or frames"),
        ("unsafe-inline", -20, "CSP script-src allows 'unsafe-inline' (no nonce) or any origin"),
        ("missing", -25, "no CSP"),
    ])
    + _m("cookies", [
        ("secure-httponly-samesite", 5, "every cookie Secure and SameSite, sessions HttpOnly"),
        ("none", 0, "no cookies set"),
        ("secure-httponly", 0, "cookies Secure, sessions HttpOnly, some without SameSite"),
        ("no-secure-hsts", -5, "a cookie without Secure, but HSTS protects it"),
        ("session-no-secure-hsts", -10, "a session cookie without Secure, but HSTS protects it"),
        ("no-secure", -20, "a cookie without Secure"),
        ("samesite-invalid", -20, "a SameSite value browsers do not know"),
        ("session-no-httponly", -30, "a session cookie without HttpOnly"),
        ("session-no-secure", -40, "a session cookie without Secure"),
    ])
    + _m("cors", [
        ("ok", 0, "no CORS, CORS for known origins, or public (*, which browsers never"
                  " combine with credentials)"),
        ("universal", -50, "an arbitrary Origin is reflected with credentials allowed"),
    ])
    + _m("redirection", [
        ("to-https", 0, "plain HTTP redirects to HTTPS on the same host"),
        ("not-needed", 0, "no plain-HTTP endpoint known for the https target"),
        ("off-host", -5, "plain HTTP redirects to another host first"),
        ("not-to-https", -20, "plain HTTP redirects, but not to HTTPS"),
        ("missing", -20, "plain HTTP does not redirect to HTTPS"),
    ])
    + _m("referrer-policy", [
        ("private", 5, "no-referrer, same-origin, strict-origin(-when-cross-origin)"),
        ("missing", 0, "no Referrer-Policy (browser default)"),
        ("unsafe", -5, "unsafe-url, origin, origin-when-cross-origin, no-referrer-when-downgrade"),
    ])
    + _m("hsts", [
        ("six-months", 0, "HSTS max-age at least six months"),
        ("short", -10, "HSTS max-age below six months"),
        ("missing", -20, "no (valid) HSTS, or no HTTPS at all"),
    ])
    + _m("sri", [
        ("external-with-sri", 5, "third-party scripts over https with integrity hashes"),
        ("not-needed", 0, "no third-party scripts"),
        ("external-no-sri", -5, "third-party scripts over https without integrity hashes"),
        ("external-insecure-sri", -20, "third-party scripts over http, with integrity hashes"),
        ("external-insecure", -50, "third-party scripts over http without integrity hashes"),
    ])
    + _m("x-content-type-options", [
        ("nosniff", 0, "X-Content-Type-Options: nosniff"),
        ("missing", -5, "no (valid) X-Content-Type-Options"),
    ])
    + _m("framing", [
        ("csp", 5, "CSP frame-ancestors restricts framing"),
        ("x-frame-options", 0, "X-Frame-Options DENY or SAMEORIGIN"),
        ("missing", -20, "framing is not restricted"),
    ])
    + _m("exposure", [
        ("none", 0, "no banners, listings, debug output or exposed files"),
        ("banner", -5, "Server / X-Powered-By name a version (ours; not in the Observatory)"),
        ("debug-output", -10, "stack trace or debug page in an error (ours)"),
        ("listing", -10, "a directory listing (ours)"),
        ("sensitive-file", -20, "a sensitive file such as /.git/HEAD is served (ours)"),
    ])
    + _m("tls", [
        ("modern", 0, "only TLS 1.2 or newer accepted (or not https)"),
        ("legacy", -10, "TLS 1.0 or 1.1 still accepted (ours)"),
    ])
)  # fmt: skip
POINTS = {(m.test, m.key): m for m in TABLE}


def markdown_table() -> str:
    """The modifiers table as it appears in docs/security-scoring.md (generated from TABLE)."""
    lines = ["| test | result | modifier | meaning |", "|---|---|---:|---|"]
    lines += [f"| {m.test} | {m.key} | {m.points:+d} | {m.meaning} |" for m in TABLE]
    return "\n".join(lines)


START, END = "<!-- modifiers:start -->", "<!-- modifiers:end -->"


def update_doc(path: str = "docs/security-scoring.md") -> bool:
    """Regenerate the modifiers table in the doc from TABLE; True if the file changed.

    Run: ``python -c "from suites.security.modifiers import update_doc; update_doc()"``.
    """
    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = f"{head}{START}\n{markdown_table()}\n{END}{tail}"
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text
