"""One page load's lab metrics, as the performance checks judge them (plain data, pure
assembly from what the page and the DevTools protocol reported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .metrics import Shift, Task, cumulative_layout_shift, time_to_interactive, total_blocking_time


@dataclass
class Resource:
    url: str
    type: str
    bytes: int = 0


@dataclass
class PageRun:
    """One page load's lab metrics (times in ms since navigation start)."""

    url: str
    status: int | None
    ttfb: float | None
    fcp: float | None
    lcp: float | None
    lcp_element: str | None
    cls: float
    tbt: float | None
    dcl: float | None
    load: float | None
    resources: list[Resource] = field(default_factory=list)
    wall_ms: float = 0.0
    error: str | None = None  # why this run measured nothing (the checks become errored)
    final: bool = False  # with error: the page would answer the same again (see failed_run)

    @property
    def requests(self) -> int:
        return len(self.resources)

    @property
    def transfer_kb(self) -> float:
        return sum(r.bytes for r in self.resources) / 1024.0

    def by_type(self) -> dict[str, tuple[int, float]]:
        """resource type -> (requests, KiB transferred)."""
        out: dict[str, tuple[int, float]] = {}
        for r in self.resources:
            count, kb = out.get(r.type, (0, 0.0))
            out[r.type] = (count + 1, kb + r.bytes / 1024.0)
        return out


def page_run(url: str, status: int | None, data: dict[str, Any], res: list[Resource]) -> PageRun:
    tasks = [Task(t["start"], t["duration"]) for t in data["tasks"]]
    fcp, dcl = data["fcp"], data["dcl"]
    tbt = None
    if fcp is not None:
        requests = [(float(start), float(end)) for start, end in data["requests"]]
        tti = time_to_interactive(fcp, dcl or fcp, tasks, requests)
        tbt = total_blocking_time(tasks, fcp, tti)
    last_lcp = data["lcp"][-1] if data["lcp"] else None
    return PageRun(
        url=url,
        status=status,
        ttfb=data["ttfb"],
        fcp=fcp,
        lcp=last_lcp["time"] if last_lcp else None,
        lcp_element=(last_lcp["element"] or last_lcp["url"] or None) if last_lcp else None,
        cls=cumulative_layout_shift(
            [Shift(s["start"], s["value"], s["input"]) for s in data["shifts"]]
        ),
        tbt=tbt,
        dcl=dcl,
        load=data["load"],
        resources=res,
    )


def failed_run(url: str, reason: str, status: int | None = None, *, final: bool = False) -> PageRun:
    """A run that measured nothing; ``final`` when loading the page again would give the
    same answer (an error page, not HTML, the sign-in form, a redirect of its own)."""
    return PageRun(
        url, status, None, None, None, None, 0.0, None, None, None, error=reason, final=final
    )
