"""Durations as gates.yaml and the command line write them: ``90``, ``90s``, ``10m``, ``1h30m``.

One parser for the profile's ``watch`` key and ``readiness-gate watch --for/--every``, so
the file and the flag accept the same spellings and say the same thing when one is wrong.
"""

from __future__ import annotations

import math
import re

# Hours, minutes, then seconds, each optional but at least one; seconds may have decimals.
_SPAN = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
EXAMPLES = "e.g. 90s, 10m, 1h or 1m30s"


def parse_duration(value: object) -> float:
    """``value`` in seconds; ValueError (its message says how to write one) otherwise."""
    if isinstance(value, bool):  # YAML's yes/no are not durations
        raise ValueError(f"'{value}' is not a duration; write {EXAMPLES}")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"'{value}' is not a duration; write {EXAMPLES}")
        return float(value)
    text = str(value).strip()
    if _NUMBER.match(text):  # a bare number is seconds, as in YAML
        return float(text)
    match = _SPAN.match(text)
    if not text or match is None:
        raise ValueError(f"'{value}' is not a duration; write {EXAMPLES}")
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def format_duration(seconds: float) -> str:
    """10m, 90s, 1h30m, 0.5s: how the watch's settings are shown back."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if n]
    return "".join(parts) or "0s"
