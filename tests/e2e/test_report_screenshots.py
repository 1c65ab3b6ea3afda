"""The screenshots of docs/reading-the-report.md, made from the bundled demo by the real gate.

The default gate (gates.yaml) runs on the healthy demo, then on the broken one into the same
report folder (so the second report's trend has two points), and readiness.html is
photographed in headless Chromium at 1280 px: what the doc shows is what a run shows. Every
part the doc names must be on the page, so a page that loses one fails here.

The images go to docs/images/ when READINESS_DOC_SCREENSHOTS=1, else to the test's own
temporary folder:

    READINESS_DOC_SCREENSHOTS=1 pytest tests/e2e/test_report_screenshots.py
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import REPO, run_gate_process

WIDTH, HEIGHT = 1280, 900
MAX_SHOT_HEIGHT = 1100  # a taller part is shown from its top: the doc shows, not archives


@dataclass(frozen=True)
class Shot:
    name: str  # docs/images/<name>.png
    selector: str | None  # None: the first screen
    open_first: str | None = None  # a <details> to open before the picture


FAILED_AXE = "section[data-rg-component=accessibility] details.rg-check[data-rg-outcome=failed]"
WARNED_METRIC = "section[data-rg-component=performance] details.rg-check[data-rg-outcome=warned]"
NOGO_SHOTS = (
    Shot("report-nogo-first-screen", None),  # the verdict, reasons, fix first, the trend
    Shot("report-nogo-matrix", "#readiness-matrix"),
    Shot("report-nogo-component", "section.rg-component[data-rg-component=accessibility]"),
    Shot("report-nogo-evidence", FAILED_AXE, open_first=FAILED_AXE),
    Shot("report-nogo-metric", WARNED_METRIC, open_first=WARNED_METRIC),
    Shot("report-nogo-web-vitals", "section[data-rg-component=performance] .rg-charts"),
    Shot("report-nogo-load", "section[data-rg-component=load] .rg-charts"),
)
GO_SHOTS = (
    Shot("report-nogo-first-screen", None),
    Shot("report-nogo-reasons", "#reasons"),
    Shot("report-nogo-fix-first", "#fix-first"),
    Shot("report-nogo-matrix", "#readiness-matrix"),
    Shot("report-nogo-component", "section.rg-component[data-rg-component=accessibility]"),
    Shot(
        "report-nogo-evidence",
        "section[data-rg-component=accessibility] details.rg-check[data-rg-outcome=failed]",
        open_first="section[data-rg-component=accessibility] details.rg-check"
        "[data-rg-outcome=failed]",
    ),
    Shot("report-nogo-web-vitals", "section[data-rg-component=performance] figure.rg-chart"),
    Shot("report-nogo-load", "section[data-rg-component=load] figure.rg-chart"),
    Shot("report-nogo-trend", "section.rg-banner figure.rg-chart"),
)
GO_SHOTS = (Shot("report-go-first-screen", None),)


def _images_dir(tmp_path: Path) -> Path:
    if os.environ.get("READINESS_DOC_SCREENSHOTS") == "1":
        return REPO / "docs" / "images"
    return tmp_path / "images"


def _photograph(chromium: Any, report: Path, shots: tuple[Shot, ...], out: Path) -> None:
    page = chromium.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        for shot in shots:
            path = out / f"{shot.name}.png"
            if shot.open_first:
                page.locator(shot.open_first).first.evaluate("d => { d.open = true; }")
            if shot.selector is None:
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(path))
            else:
                part = page.locator(shot.selector).first
                assert part.count() == 1, f"{shot.name}: nothing matches {shot.selector}"
                part.scroll_into_view_if_needed()
                box = part.bounding_box()
                assert box is not None and box["height"] > 0, shot.name
                page.screenshot(
                    path=str(path),
                    full_page=True,
                    clip={
                        "x": box["x"],
                        "y": box["y"] + page.evaluate("window.scrollY"),
                        "width": box["width"],
                        "height": min(box["height"], MAX_SHOT_HEIGHT),
                    },
                )
            assert path.stat().st_size > 0, shot.name
    finally:
        page.close()


def test_the_docs_screenshots_come_from_the_demo(tmp_path: Path, chromium: Any) -> None:
    reports, out = tmp_path / "reports", _images_dir(tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    healthy = run_gate_process(reports, "--demo", "healthy", "--run-id", "demo-healthy")
    assert healthy.returncode == healthy.readiness["exit_code"] == 0, healthy.readiness["reasons"]
    broken = run_gate_process(reports, "--demo", "broken", "--run-id", "demo-broken")
    assert broken.returncode == broken.readiness["exit_code"] == 1, broken.stderr[-2000:]

    _photograph(chromium, reports / "demo-healthy" / "readiness.html", GO_SHOTS, out)
    _photograph(chromium, reports / "demo-broken" / "readiness.html", NOGO_SHOTS, out)
    made = sorted(p.stem for p in out.glob("report-*.png"))
    assert made == sorted(s.name for s in (*GO_SHOTS, *NOGO_SHOTS))
