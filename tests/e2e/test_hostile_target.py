"""A target that puts markup in its title, headers and body is shown as text in every report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import open_report

PAYLOAD = "<script>alert('xss')</script>"
ATTR_PAYLOAD = '"><img src=x onerror=alert(2)>'


def hostile_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = (
        f"<!doctype html><html lang=en><head><title>{PAYLOAD}</title></head>"
        f"<body><h1>{ATTR_PAYLOAD}</h1></body></html>"
    ).encode()
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/html"),
            ("X-Evil", PAYLOAD),
            ("Set-Cookie", "sid=secret-token-123; HttpOnly"),
        ],
    )
    return [body]


def _gates(tmp_path: Path, target: str) -> Path:
    path = tmp_path / "hostile.yaml"
    # The contains check fails on purpose, so the message and evidence carry the markup.
    path.write_text(
        f"target: {target}\n"
        "components:\n"
        "  smoke:\n"
        "    weight: 1\n"
        "    blocking: true\n"
        "    availability: null\n"
        "    endpoints:\n"
        f"      - {{path: '/', contains: \"{PAYLOAD}-absent\"}}\n",
        encoding="utf-8",
    )
    return path


def test_markup_is_text_everywhere(run_gate, serve, tmp_path: Path, chromium) -> None:
    url = serve(hostile_app)
    result = run_gate("--gates", str(_gates(tmp_path, url)), "-q")
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    run_dir = result.run_dir
    dashboard = (run_dir / "readiness.html").read_text()
    assert PAYLOAD not in dashboard and ATTR_PAYLOAD not in dashboard
    assert "&lt;script&gt;" in dashboard
    assert PAYLOAD not in (run_dir / "summary.md").read_text()
    # Secrets in headers are redacted in the evidence.
    assert "secret-token-123" not in (run_dir / "readiness.json").read_text()
    assert "secret-token-123" not in dashboard

    for name in ("readiness.html", "report.html"):
        watch = open_report(chromium, run_dir / name)
        assert watch.dialogs == [], name
        assert watch.page.locator("img[src='x']").count() == 0, name
        if name == "readiness.html":
            assert watch.errors == [] and watch.requests == []
            assert watch.page.get_by_text(PAYLOAD).first.is_visible()
        watch.page.close()


def test_real_dashboard_opens_without_console_errors(run_gate, chromium) -> None:
    result = run_gate("--demo", "broken", "-q")
    assert result.returncode == 1
    watch = open_report(chromium, result.run_dir / "readiness.html")
    assert watch.errors == [] and watch.requests == []
    assert watch.page.locator(".rg-verdict").first.inner_text().startswith("NO-GO")
    assert watch.page.get_by_text("smoke.status./api/products").first.is_visible()
    watch.page.close()


# ESC sequences and a C1 CSI (headers are latin-1: a bidi override cannot travel in one).
ESC = "\x1b[31mRED\x1b[0m\x9b2J"


def control_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = b"<!doctype html><html lang=en><head><title>t</title></head><body>ok</body></html>"
    start_response(
        "200 OK",
        [("Content-Type", "text/html"), ("Server", f"shop/1.2 {ESC}"), ("X-Powered-By", ESC)],
    )
    return [body]


def test_control_characters_are_shown_escaped_never_written_raw(
    run_gate, serve, tmp_path: Path
) -> None:
    # A version banner holding ESC sequences reaches the check's message.
    url = serve(control_app)
    gates = tmp_path / "controls.yaml"
    gates.write_text(
        f"target: {url}\ncomponents:\n  security: {{weight: 1, max_requests: 3}}\n",
        encoding="utf-8",
    )
    result = run_gate("--gates", str(gates), "-rA")
    banner = result.check("security.banner")
    assert ESC in banner["message"]  # the data keeps what was seen...
    assert "\\x1b[31mRED" in result.stdout  # ...the terminal shows it escaped
    for name, text in [
        ("stdout", result.stdout),
        *(
            (p.name, p.read_text(encoding="utf-8"))
            for p in result.run_dir.iterdir()
            if p.suffix in (".html", ".md", ".xml", ".json")
        ),
    ]:
        assert "\x1b" not in text and "\x9b" not in text, name
