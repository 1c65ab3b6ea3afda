"""One evidence item as readiness.html shows it: a link, a table, an embedded image, text.

Evidence is the target's text and files of the run folder: only http(s) URLs become links,
only files inside the run folder are read or linked, and a page embeds its screenshots up to
a budget (the rest are linked) so it stays small with many pages.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import re
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, quote, urlsplit

from readiness.core.formatting import format_value

MAX_EMBED_BYTES = 5_000_000  # larger screenshots bloat the page; they are linked instead
# All the screenshots a page embeds (issue 14: readiness.html under 1.5 MB for 20 pages).
# The page renders failures first, so the budget goes to them; the rest are linked.
PAGE_EMBED_BYTES = 600_000
MAX_TEXT_CHARS = 100_000  # a huge evidence blob must not make the dashboard unusable
_IMAGE_MIME = re.compile(r"^image/[a-z0-9.+-]+$")


def _inside(run_dir: Path, relative: str) -> Path | None:
    """The file under run_dir, or None if the path escapes it (evidence paths are relative)."""
    base = run_dir.resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) else None


def _as_text(content: Any) -> str:
    text = (
        content
        if isinstance(content, str)
        else json.dumps(content, indent=2, ensure_ascii=False, default=str)
    )
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS] + f"\n… truncated ({len(text):,} characters in all)"
    return text


def _is_relative(path: str) -> bool:
    parts = _split(path)
    return parts is not None and not (parts.scheme or parts.netloc or path.startswith(("/", "\\")))


def _split(text: str) -> SplitResult | None:
    """The URL's parts; None for text urlsplit refuses (brackets in its authority that are no
    IPv6 address): evidence is the target's text, and one odd URL must not fail the page."""
    try:
        return urlsplit(text)
    except ValueError:
        return None


def _image(
    view: dict[str, Any], content: Any, mime: str | None, run_dir: Path | None, left: list[int]
) -> None:
    if not isinstance(content, str) or run_dir is None:
        view["note"] = "Image not embedded: no run directory to read it from."
        return
    path = _inside(run_dir, content)
    if path is None or not path.is_file():
        view["note"] = "Image file missing; not embedded."
        return
    mime = mime or mimetypes.guess_type(path.name)[0] or ""
    if not _IMAGE_MIME.match(mime):
        view["note"] = f"Not embedded: {mime or 'unknown type'} is not an image type."
    elif path.stat().st_size > MAX_EMBED_BYTES:
        view["href"], view["note"] = quote(content, safe="/._-~"), "Too large to embed; linked."
    elif path.stat().st_size * 4 // 3 > left[0]:
        view["href"] = quote(content, safe="/._-~")
        view["note"] = "Linked, not embedded: the page's screenshots went to the failures first."
    else:
        left[0] -= path.stat().st_size * 4 // 3
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        view["data_uri"] = f"data:{mime};base64,{encoded}"


def _html_link(view: dict[str, Any], content: Any, run_dir: Path | None) -> None:
    if not isinstance(content, str) or not _is_relative(content):
        view["note"] = "Not linked: not a path relative to the run directory."
        return
    path = _inside(run_dir, content) if run_dir is not None else None
    if run_dir is not None and (path is None or not path.exists()):
        view["note"] = "File missing from the run directory."
        return
    view["href"] = quote(content, safe="/._-~")


def evidence_view(
    evidence: dict[str, Any], run_dir: Path | None, left: list[int] | None = None
) -> dict[str, Any]:
    """What the template needs to show one evidence item; the decisions stay out of Jinja.
    ``left`` is the page's screenshot budget in bytes, spent by each image embedded."""
    kind, content = evidence.get("kind", "text"), evidence.get("content")
    view: dict[str, Any] = {
        "kind": kind,
        "label": evidence.get("label") or kind,
        "text": _as_text(content),
        "href": None,
        "external": False,
        "data_uri": None,
        "columns": None,
        "rows": None,
        "note": None,
    }
    if kind == "url":
        # Only web links are clickable: a javascript: or file: URL stays inert text.
        parts = _split(content) if isinstance(content, str) else None
        if parts is not None and parts.scheme in ("http", "https"):
            view["href"], view["external"] = content, True
        else:
            view["note"] = "Not linked: not an http(s) URL."
    elif kind == "table" and isinstance(content, dict) and _is_table(content):
        view["columns"] = [format_value(c) for c in content["columns"]]
        view["rows"] = [[format_value(cell) for cell in row] for row in content["rows"]]
    elif kind == "image":
        budget = [MAX_EMBED_BYTES] if left is None else left
        _image(view, content, evidence.get("mime"), run_dir, budget)
    elif kind == "html":
        _html_link(view, content, run_dir)
    return view


def _is_table(content: Any) -> bool:
    return (
        isinstance(content, dict)
        and isinstance(content.get("columns"), list)
        and isinstance(content.get("rows"), list)
        and all(isinstance(row, list) for row in content["rows"])
    )
