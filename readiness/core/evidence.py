"""Factories for the evidence attached to a check (the pytest-html "extras" idea).

Each returns a small Evidence record; files (screenshots, HTML) are stored in the run
directory by the suite and referenced by a path relative to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from readiness.core import redaction
from readiness.core.model import Evidence

# Header names whose values are secrets: shown as "[redacted]" in every report.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"}
)
REDACTED = redaction.REDACTED


def text(label: str, content: str) -> Evidence:
    return Evidence("text", label, content, "text/plain")


def url(label: str, href: str) -> Evidence:
    return Evidence("url", label, redact_url(href), None)


def json(label: str, data: Any) -> Evidence:
    return Evidence("json", label, data, "application/json")


def table(label: str, columns: list[str], rows: Iterable[Iterable[Any]]) -> Evidence:
    return Evidence("table", label, {"columns": columns, "rows": [list(r) for r in rows]}, None)


def image(label: str, path: str, mime: str = "image/png") -> Evidence:
    return Evidence("image", label, path, mime)


def html(label: str, path: str) -> Evidence:
    return Evidence("html", label, path, "text/html")


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers as a plain dict with secret values replaced.

    Set-Cookie keeps its attributes (Secure, HttpOnly, SameSite are evidence) but not its value.
    """
    shown = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower == "set-cookie":
            shown[name] = _redact_cookie(value)
        elif lower in SECRET_HEADERS:
            shown[name] = REDACTED
        else:
            shown[name] = value
    return shown


def _redact_cookie(value: str) -> str:
    name, _, rest = value.partition("=")
    _, sep, attributes = rest.partition(";")
    return f"{name}={REDACTED}{sep}{attributes}"


def redact_url(href: str) -> str:
    """A URL without its userinfo (``***:***@``) and credential-named query values; the
    run's secret values are replaced where results are recorded (core/redaction.py)."""
    return redaction.redact_url(href)
