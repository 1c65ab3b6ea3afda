"""What readiness.html shows that the digest does not say: pure functions over readiness.json.

The digest (readiness/reports/digest.py) decides the words: grouped reasons, fix first, what
was not measured, each component's checks in order. This module decides the page's shapes:
how readiness is made of the components' weights, where a measured value sits in its
good/poor band, which evidence items belong together. No I/O, no HTML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from readiness.core.formatting import format_threshold, format_value

# The order outcomes are counted in: what needs a person first.
OUTCOME_ORDER = ("failed", "errored", "warned", "waived", "skipped", "passed")


@dataclass(frozen=True)
class Share:
    """One component's part of the overall readiness (all in percentage points)."""

    name: str
    weight_share: float  # of 100: the component's weight over the measured components'
    earned: float  # points of overall readiness it gives
    lost: float  # points it costs: weight_share - earned
    track: float  # its bar's length, the heaviest component's being 100
    filled: float  # how much of its bar it earned: its readiness


def shares(result: dict[str, Any]) -> list[Share]:
    """Overall readiness as the sum of its components' parts (the weighted mean, unrolled).

    Components with nothing measured have no say in readiness, so they get no share."""
    measured = [
        c for c in result.get("components", []) if c.get("readiness") is not None and c["weight"]
    ]
    total = sum(float(c["weight"]) for c in measured)
    heaviest = max((float(c["weight"]) for c in measured), default=1.0)
    out: list[Share] = []
    for comp in measured:
        part = 100.0 * float(comp["weight"]) / total
        readiness = float(comp["readiness"])
        earned = part * readiness / 100.0
        track = 100.0 * float(comp["weight"]) / heaviest
        out.append(Share(comp["name"], part, earned, part - earned, track, readiness))
    return out


@dataclass(frozen=True)
class Band:
    """A measured value on its good/poor scale, as percentages of the drawn width."""

    good_at: float
    poor_at: float
    value_at: float
    higher_is_better: bool
    good: str  # "≤ 500 ms" / "≥ 30 req/s": the threshold in words
    poor: str
    value: str
    samples_at: tuple[float, ...]  # every run's value, when the check measured several


def band(check: dict[str, Any]) -> Band | None:
    """Where the value sits between good and poor; None unless the check has both, a numeric
    value, and a scale that is more than a point (0 violations allowed is pass/fail)."""
    value, threshold, unit = check.get("value"), check.get("threshold"), check.get("unit")
    if not isinstance(threshold, dict) or not _number(value):
        return None
    good, poor = threshold.get("good"), threshold.get("poor")
    if not (_number(good) and _number(poor)) or max(good, poor) <= 0:
        return None
    higher = bool(threshold.get("higher_is_better"))
    # Room past the far threshold, so a value beyond it is visibly beyond it.
    top = max(good, poor) * 1.25
    samples = [float(x) for x in check.get("samples") or [] if _number(x)]
    top = max([top, float(value) * 1.05, *(x * 1.05 for x in samples)])

    def at(x: float) -> float:
        return round(min(max(100.0 * float(x) / top, 0.0), 100.0), 2)

    better, worse = ("≥", "≤") if higher else ("≤", "≥")
    return Band(
        good_at=at(good),
        poor_at=at(poor),
        value_at=at(value),
        higher_is_better=higher,
        good=f"{better} {format_value(good, unit)}",
        poor=f"{worse} {format_value(poor, unit)}",
        value=format_value(value, unit),
        samples_at=tuple(at(x) for x in check.get("samples") or [] if _number(x)),
    )


def _number(x: Any) -> TypeGuard[int | float]:
    return isinstance(x, int | float) and not isinstance(x, bool)


@dataclass
class EvidenceGroup:
    """The evidence items shown together: a table of axe nodes with its "how to fix" link."""

    item: dict[str, Any]
    links: list[dict[str, Any]]


# Evidence that only says where the check looked: shown as one line of links, not a block.
_WHERE = frozenset({"page", "url", "get request", "probed", "request"})


def arrange(evidence: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[EvidenceGroup]]:
    """(where the check looked, the evidence blocks) with each content shown once.

    An item whose content repeats an earlier one (a table also given as JSON "for charts")
    is dropped; "<rule>: how to fix" links join the block labelled "<rule>: ...". A flat
    JSON object (response headers) becomes a two-column table."""
    where: list[dict[str, Any]] = []
    groups: list[EvidenceGroup] = []
    by_prefix: dict[str, EvidenceGroup] = {}
    seen: set[str] = set()
    for item in evidence:
        key = json.dumps(item.get("content"), sort_keys=True, default=str)
        if key in seen:
            continue
        seen.add(key)
        label = str(item.get("label") or item.get("kind") or "")
        prefix = label.split(":", 1)[0] if ":" in label else None
        if item.get("kind") == "url" and label.lower() in _WHERE:
            where.append(item)
        elif item.get("kind") == "url" and prefix in by_prefix:
            by_prefix[prefix].links.append(item)
        else:
            group = EvidenceGroup(_as_table(item), [])
            groups.append(group)
            if prefix:
                by_prefix.setdefault(prefix, group)
    return where, groups


def _as_table(item: dict[str, Any]) -> dict[str, Any]:
    content = item.get("content")
    flat = isinstance(content, dict) and all(
        not isinstance(v, dict | list) for v in content.values()
    )
    if item.get("kind") != "json" or not flat or not content:
        return item
    rows = [[k, v] for k, v in content.items()]
    return {**item, "kind": "table", "content": {"columns": ["name", "value"], "rows": rows}}


# "(good at 500, poor at 1,200)": the band under the line says it (any wording of it).
_BAND_WORDS = re.compile(r"\s*\((?:good|poor)\b[^()]*\)")


def headline(check: dict[str, Any]) -> tuple[str | None, str | None]:
    """(value, line) of a check's summary: the measured value on its own only when the message
    does not say it, and the message without what the band shows. Each figure once."""
    message = str(check.get("message") or "").strip()
    b = band(check)
    if b is None:
        plain = format_value(check.get("value"))
        return None, None if message in ("", plain, f"got {plain}") else message
    line = _BAND_WORDS.sub("", message).strip(" ;,")
    if line in (b.value, format_value(check.get("value"))):
        line = ""
    return (None if b.value in line else b.value), line or None


# Notes the matrix and the checks already say: "24 checks: 20 passed, 3 failed", "... and 2 more".
_COUNTS_NOTE = re.compile(r"^\d[\d,]* checks?: |^\.\.\. and \d+ more$")


def _about_a_check(note: str, checks: list[dict[str, Any]]) -> bool:
    return any(note.startswith(f"{c.get('id')}: ") for c in checks)


def top_note(component: Any, digest: Any) -> str | None:
    """The line a matrix row shows: the component's most decisive finding (as the reasons and
    the outstanding list word it), else its first note that is not a count."""
    for reason in digest.grouped_reasons:
        if reason.finding is not None and reason.finding.component == component.name:
            return str(reason.finding.text)
    for finding in digest.outstanding:
        if finding.component == component.name:
            return str(finding.text)
    notes = [str(n) for n in component.notes if not _COUNTS_NOTE.match(str(n))]
    if notes:
        return notes[0]
    # Nothing found and nothing noted: what kept its checks from running, if any.
    return next((str(c.get("message")) for c in component.attention if c.get("message")), None)


def ordered_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(outcome, count) of the outcomes present, most urgent first."""
    known = [(o, counts[o]) for o in OUTCOME_ORDER if counts.get(o)]
    return known + sorted((o, n) for o, n in counts.items() if o not in OUTCOME_ORDER and n)


def facts(check: dict[str, Any], said: str | None) -> list[tuple[str, str]]:
    """(label, text) of the measured value and what was expected, each left out when the
    summary line ``said`` it already: every figure once."""
    out = []
    if check.get("value") is not None:
        out.append(("Measured", format_value(check["value"], check.get("unit"))))
    if check.get("threshold"):
        out.append(("Expected", format_threshold(check["threshold"], check.get("unit"))))
    return [(label, text) for label, text in out if not (said and text in said)]


def context_notes(component: Any) -> list[str]:
    """The component's notes that say something its checks do not (the browser used, the
    load run's size, a grade): counts and per-check lines are on the page already."""
    checks = list(component.attention)
    return [
        str(n)
        for n in component.notes
        if not _COUNTS_NOTE.match(str(n)) and not _about_a_check(str(n), checks)
    ]
