"""How every writer shows a figure: the terminal, Markdown, HTML and JUnit read the same.

Pure functions of plain values (readiness.json's), no I/O. A percentage is floored to 0.1,
never rounded up: 89.96 must not read as a passing "90%" anywhere.
"""

from __future__ import annotations

import json
import math
import re
from decimal import ROUND_FLOOR, Decimal
from typing import Any

NOT_MEASURED = "—"


def format_percent(value: float | None) -> str:
    """0-100 as "87.4%"; floored to 0.1 so 89.96 never displays as a passing "90%"."""
    if value is None:
        return NOT_MEASURED
    shown = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return f"{shown.normalize():f}%"


def format_ratio(value: float | None) -> str:
    """0-1 as a percentage."""
    return NOT_MEASURED if value is None else format_percent(value * 100)


def format_score(score: float | None) -> str:
    return NOT_MEASURED if score is None else f"{score:.2f}"


def format_number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def format_value(value: Any, unit: str | None = None, limit: int = 160) -> str:
    """A measured value as plain text: numbers trimmed, JSON compacted and truncated."""
    if value is None:
        return NOT_MEASURED
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = format_number(value)
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if unit:
        text += unit if unit == "%" else f" {unit}"
    return text


def format_threshold(threshold: dict[str, Any] | None, unit: str | None = None) -> str:
    """{"good": 500, "poor": 2000} -> "good 500 ms · poor 2,000 ms"."""
    if not threshold:
        return NOT_MEASURED
    if not isinstance(threshold, dict):
        return format_value(threshold, unit)
    # Flags such as higher_is_better are direction, not values: say them in words.
    parts = [
        f"{key} {format_value(val, unit)}"
        for key, val in threshold.items()
        if not isinstance(val, bool)
    ]
    if threshold.get("higher_is_better"):
        parts.append("higher is better")
    return " · ".join(parts)


def format_seconds(seconds: float | None) -> str:
    return NOT_MEASURED if seconds is None else f"{seconds:.1f} s"


def outcome_label(check: dict[str, Any]) -> str:
    """A check's outcome as every writer names it: a warned blocking check (a metric between
    its good and poor lines) says it blocks, so it is never read as advisory."""
    outcome = str(check.get("outcome", "")).upper()
    return f"{outcome} (blocking)" if outcome == "WARNED" and check.get("blocking") else outcome


# C0 and C1 controls but the tab, and the bidirectional overrides (text that reorders what is
# around it): target-controlled text with an ESC sequence would recolour or rewrite the
# terminal, and a bidi override would make a report say something else than its bytes.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_IN_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, lines: bool = False) -> str:
    """``text`` with every control character shown escaped (``\\x1b``, ``\\u202e``): what the
    terminal and the reports show of text a target chose. Newlines are escaped too (one
    message is one line), unless ``lines`` keeps a multi-line text's line breaks."""
    pattern = _UNPRINTABLE_IN_LINES if lines else _UNPRINTABLE
    return pattern.sub(_escape, str(text))


# Words that do not take a plain "s" (the rest do: rule -> rules, page -> pages).
_PLURALS = {"query": "queries", "entry": "entries", "this": "these", "is": "are", "was": "were"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``word`` as ``count`` of it reads: "rule" for 1, "rules" for 0 or 2."""
    if count == 1:
        return word
    return many or _PLURALS.get(word, word + "s")


def count_of(count: int, word: str, many: str | None = None) -> str:
    """ "1 rule", "2 rules", "1,000 requests"."""
    return f"{format_number(count)} {plural(count, word, many)}"


def format_points(gain: float) -> str:
    """Readiness given back, in percentage points: "+12.5 points", "+0.04 points"; "+0 points"
    for none. Never rounded up to a larger gain than there is."""
    if gain <= 0:
        return "+0 points"
    shown = Decimal(str(gain)).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    if shown == 0:
        shown = Decimal(str(gain)).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    text = f"{shown.normalize():f}"
    return f"+{text} {plural(1 if text == '1' else 2, 'point')}"
