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


def format_share(value: float) -> str:
    """A 0-1 ratio (an error ratio, an availability) as "21.85%": floored to 0.01, so an
    availability of 0.99899 reads 99.89%, never a passing-looking 99.9%."""
    if not math.isfinite(value):
        return str(value)
    shown = (Decimal(str(value)) * 100).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    return f"{shown.normalize():f}%"


def format_score(score: float | None) -> str:
    return NOT_MEASURED if score is None else f"{score:.2f}"


def format_number(value: float, *, grouping: bool = True) -> str:
    """1,506 / 2.9 / 0.185: integers whole, others to 3 decimals at most, no float noise
    (2.900000000023283 reads 2.9). ``grouping=False`` drops the thousands separator, for
    numbers inside a list where "1,506" would read as two."""
    if not math.isfinite(value):
        return str(value)
    sep = "," if grouping else ""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):{sep}}"
    if abs(value) >= 1000:
        return f"{value:{sep}.0f}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _tidy(value: Any) -> Any:
    """``value`` with every float rounded as format_number rounds it (for JSON-ish text)."""
    if isinstance(value, bool) or not isinstance(value, float | list | tuple | dict):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return value
        tidy = round(value) if abs(value) >= 1000 else round(value, 3)
        return int(tidy) if float(tidy).is_integer() else tidy
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    return [_tidy(v) for v in value]


# Count units are plural nouns: one of them reads singular ("1 rule", not "1 rules").
_SINGULAR = {
    "rules": "rule",
    "requests": "request",
    "bytes": "byte",
    "points": "point",
    "pages": "page",
    "elements": "element",
    "checks": "check",
    "errors": "error",
    "users": "user",
    "seconds": "second",
}


def unit_for(value: Any, unit: str | None) -> str | None:
    """``unit`` as it reads after ``value``: "rules" after 1 is "rule"."""
    if unit and isinstance(value, int | float) and not isinstance(value, bool) and value == 1:
        return _SINGULAR.get(unit, unit)
    return unit


def format_value(value: Any, unit: str | None = None, limit: int = 160) -> str:
    """A measured value as plain text: numbers trimmed ("2.9", not 2.900000000023283), lists
    and JSON compacted with their floats rounded ("[5.5, 2.9, 18.1] ms"), text truncated,
    a count unit in the number's grammar ("1 rule", "2 rules")."""
    if value is None:
        return NOT_MEASURED
    if unit == "ratio" and isinstance(value, int | float) and not isinstance(value, bool):
        return format_share(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = format_number(value)
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(_tidy(value), ensure_ascii=False, separators=(", ", ": "), default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    unit = unit_for(value, unit)
    if unit:
        text += unit if unit == "%" else f" {unit}"
    return text


def format_threshold(threshold: dict[str, Any] | None, unit: str | None = None) -> str:
    """{"good": 500, "poor": 2000} -> "good 500 ms · poor 2,000 ms"; a plain budget (good
    equal to poor) -> "at most 0 rules" / "at least 0.999" rather than the same line twice;
    {"expected": 200} -> "200"."""
    if not threshold:
        return NOT_MEASURED
    if not isinstance(threshold, dict):
        return format_value(threshold, unit)
    higher = bool(threshold.get("higher_is_better"))
    good, poor = threshold.get("good"), threshold.get("poor")
    if good is not None and good == poor and set(threshold) <= {"good", "poor", "higher_is_better"}:
        return f"{'at least' if higher else 'at most'} {format_value(good, unit)}"
    if set(threshold) == {"expected"}:
        return format_value(threshold["expected"], unit)
    # Flags such as higher_is_better are direction, not values: say them in words.
    parts = [
        f"{key} {format_value(val, unit)}"
        for key, val in threshold.items()
        if not isinstance(val, bool)
    ]
    if higher:
        parts.append("higher is better")
    return " · ".join(parts)


def _is_pattern(expected: Any) -> bool:
    return isinstance(expected, str) and len(expected) > 1 and expected[0] == expected[-1] == "/"


def format_seen(value: Any) -> str:
    """What a binary check saw, for its message: text in quotes as it is (no repr: a regex's
    backslashes stay single), numbers as format_number, nothing as "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return value if _is_pattern(value) else f"'{value}'"
    return format_value(value)


def format_expectation(value: Any, expected: Any, passed: bool) -> str:
    """A binary check's message: "got 200", "got 500, expected 200", and for a pattern that
    found nothing "no match, expected /"products"\\s*:/" (not "got None")."""
    missed = value is None and _is_pattern(expected)
    text = "no match" if missed else f"got {format_seen(value)}"
    return text if passed or expected is None else f"{text}, expected {format_seen(expected)}"


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


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
