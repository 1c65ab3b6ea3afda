"""The report's charts (readiness/reports/charts.py) from small literal readiness.json dicts:
well-formed, labelled, offline SVG; a chart only where its data is; thresholds drawn."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from readiness.reports.charts import Chart, charts_for

SVG = "{http://www.w3.org/2000/svg}"
SVG_NS = "http://www.w3.org/2000/svg"
GO_AT = 90.0


def metric(cid: str, value: float | None, good: float, poor: float, unit: str | None = "ms"):
    outcome = "errored" if value is None else ("passed" if value <= good else "warned")
    return {
        "id": cid,
        "outcome": outcome,
        "value": value,
        "unit": unit,
        "threshold": {"good": good, "poor": poor, "higher_is_better": False},
        "evidence": [],
    }


def performance(pages=("/", "/about"), lcp=(900.0, 1700.0)) -> dict[str, Any]:
    checks = []
    for page, value in zip(pages, lcp, strict=True):
        checks.append(metric(f"performance.lcp.{page}", value, 1000.0, 1500.0))
        checks.append(metric(f"performance.cls.{page}", 0.02, 0.1, 0.25, unit=None))
    return {"name": "performance", "readiness": 80.0, "checks": checks}


def accessibility(pages=("/", "/about")) -> dict[str, Any]:
    counts = {"critical": [1, 0], "serious": [3, 2], "moderate": [1, 1], "minor": [0, 0]}
    checks = [
        metric(f"accessibility.{impact}.{page}", float(n), 0.0, 0.0, unit="rules")
        for impact, values in counts.items()
        for page, n in zip(pages, values, strict=True)
    ]
    return {"name": "accessibility", "readiness": 50.0, "checks": checks}


SERIES = {
    "columns": ["t (s)", "users", "req/s", "p95 ms (10 s window)", "errors/s"],
    "rows": [
        [0, 0, 18, None, 0],
        [1, 10, 20, 120.0, 1],
        [2, 10, 22, 640.0, 4],
        [3, 10, 21, 700.0, 0],
    ],
}
DISTRIBUTION = {
    "requests": 81,
    "percentiles": {
        "columns": ["percentile", "ms"],
        "rows": [[50.0, 6.0], [95.0, 640.0], [99.0, 700.0], [100.0, 700.0]],
    },
    "histogram": {
        "columns": ["from ms", "to ms", "requests"],
        "rows": [[5, 10, 60], [10, 20, 0], [500, 1000, 21]],
    },
}


def load(series: bool = True, dist: bool = True) -> dict[str, Any]:
    p95 = metric("load.p95", 640.0, 500.0, 1500.0)
    p95["evidence"] = [
        *([{"kind": "json", "label": "time series (for charts)", "content": SERIES}] * series),
        *(
            [{"kind": "json", "label": "response times (for charts)", "content": DISTRIBUTION}]
            * dist
        ),
    ]
    errors = metric("load.error_ratio", 0.06, 0.001, 0.01, unit="ratio")
    return {"name": "load", "readiness": 40.0, "checks": [p95, errors]}


def result(*components: dict[str, Any]) -> dict[str, Any]:
    return {"verdict": "NO-GO", "policy": {"go_at": GO_AT}, "components": list(components)}


def record(run_id: str, readiness: float, verdict: str, **components: float) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "readiness": readiness,
        "verdict": verdict,
        "components": {name: {"readiness": value} for name, value in components.items()},
    }


HISTORY = [
    record("20261201T100000Z-aaaa", 95.0, "GO", performance=100.0, load=90.0),
    record("20261202T100000Z-bbbb", 70.0, "NO-GO", performance=80.0, load=40.0),
    record("20261203T100000Z-cccc", 92.5, "GO", performance=100.0, load=85.0),
]


def everything() -> list[Chart]:
    return charts_for(result(performance(), accessibility(), load()), HISTORY)


def by_id(charts: list[Chart]) -> dict[str, Chart]:
    return {c.id: c for c in charts}


def test_every_chart_is_well_formed_labelled_svg() -> None:
    charts = everything()
    assert [c.id for c in charts] == [
        "web-vitals-lcp",
        "web-vitals-cls",
        "accessibility-impact",
        "load-latency",
        "load-throughput",
        "load-errors",
        "load-percentiles",
        "load-histogram",
        "readiness-trend",
    ]
    for chart in charts:
        root = ET.fromstring(chart.svg)  # raises on malformed XML
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        title, desc = root[0], root[1]
        assert title.tag == f"{SVG}title" and title.text == chart.title
        assert desc.tag == f"{SVG}desc" and desc.text == chart.alt
        assert root.get("aria-labelledby") == title.get("id")
        assert root.get("aria-describedby") == desc.get("id")
        # Only our own title and desc: pygal's per-tick titles and tooltip descs are gone.
        assert len(list(root.iter(f"{SVG}title"))) == len(list(root.iter(f"{SVG}desc"))) == 1
        assert chart.alt.strip() and "\n" not in chart.alt


def test_no_script_no_network_no_duplicate_ids_on_one_page() -> None:
    seen: list[str] = []
    for chart in everything():
        svg = chart.svg
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
        assert urls <= {SVG_NS}, (chart.id, urls)
        assert "<script" not in svg and "url(" not in svg and "@import" not in svg
        assert "<?xml" not in svg and "<!--" not in svg
        assert ":hover" not in svg and "tooltip" not in svg  # static: no script-only parts
        root = ET.fromstring(svg)
        assert not [a for node in root.iter() for a in node.attrib if a.startswith("on")]
        seen += [node.get("id", "") for node in root.iter() if node.get("id")]
    assert len(seen) == len(set(seen)), "ids repeat between charts of one page"


def test_charts_are_deterministic() -> None:
    assert [c.svg for c in everything()] == [c.svg for c in everything()]


def test_web_vitals_are_drawn_against_their_bands() -> None:
    lcp = by_id(everything())["web-vitals-lcp"]
    assert lcp.component == "performance"
    assert "good at 1,000 ms" in lcp.svg and "poor at 1,500 ms" in lcp.svg
    assert "/: 900 ms (passed)" in lcp.alt and "/about: 1,700 ms (warned)" in lcp.alt
    # The two dashed lines are horizontal paths at two different heights.
    root = ET.fromstring(lcp.svg)
    heights = set()
    for group in root.iter(f"{SVG}g"):
        if re.search(r"\bserie-[12]\b", group.get("class", "")):
            for path in group.iter(f"{SVG}path"):
                ys = re.findall(r"[ML][\d.]+ ([\d.]+)", path.get("d", ""))
                assert len(set(ys)) == 1
                heights.add(ys[0])
    assert len(heights) == 2
    cls = by_id(everything())["web-vitals-cls"]
    assert "good at 0.1" in cls.svg and "poor at 0.25" in cls.svg


def test_accessibility_stacks_rules_by_impact() -> None:
    chart = by_id(everything())["accessibility-impact"]
    for impact in ("critical", "serious", "moderate", "minor"):
        assert impact in chart.svg
    assert "/: 1 critical, 3 serious, 1 moderate" in chart.alt
    assert "/about: 2 serious, 1 moderate" in chart.alt


def test_load_series_carry_the_budget_lines() -> None:
    charts = by_id(everything())
    latency = charts["load-latency"]
    assert "good at 500 ms" in latency.svg and "poor at 1,500 ms" in latency.svg
    assert "highest 700 ms" in latency.alt
    errors = charts["load-errors"]
    assert "good at 0.1%" in errors.svg and "poor at 1%" in errors.svg
    assert "6% (warned)" in errors.alt
    percentiles = charts["load-percentiles"]
    assert "p95 640 ms" in percentiles.alt and "good at 500 ms" in percentiles.svg
    histogram = charts["load-histogram"]
    assert "5–10 ms: 60" in histogram.alt and "10–20 ms" not in histogram.alt


def test_the_trend_has_one_point_per_history_record() -> None:
    trend = by_id(everything())["readiness-trend"]
    assert trend.component is None
    root = ET.fromstring(trend.svg)
    readiness = next(
        g
        for g in root.iter(f"{SVG}g")
        if re.search(r"\bserie-0\b", g.get("class", "")) and list(g.iter(f"{SVG}circle"))
    )
    assert len(list(readiness.iter(f"{SVG}circle"))) == 3
    assert f"GO at {GO_AT:g}%" in trend.svg
    assert "12-02 10:00: 70% NO-GO" in trend.alt
    for name in ("performance", "load"):
        assert name in trend.svg


@pytest.mark.parametrize(
    ("data", "history", "absent"),
    [
        (result(), HISTORY[:1], "every chart: nothing measured, one run"),
        (result(performance()), [], "accessibility, load and trend charts"),
        (result(load(series=False)), [], "the load time series"),
        (result(load(dist=False)), [], "the distribution"),
    ],
)
def test_a_chart_without_its_data_is_skipped(data, history, absent: str) -> None:
    ids = {c.id for c in charts_for(data, history)}
    if absent.startswith("every"):
        assert ids == set()
    elif absent.startswith("accessibility"):
        assert ids == {"web-vitals-lcp", "web-vitals-cls"}
    elif absent == "the load time series":
        assert ids == {"load-percentiles", "load-histogram"}
    else:
        assert ids == {"load-latency", "load-throughput", "load-errors"}


def test_a_metric_measured_on_no_page_has_no_chart() -> None:
    perf = performance(lcp=(None, None))  # both pages errored
    ids = {c.id for c in charts_for(result(perf), [])}
    assert "web-vitals-lcp" not in ids and "web-vitals-cls" in ids
    # One page not measured: drawn, and the alternative says so.
    perf = performance(lcp=(800.0, None))
    lcp = by_id(charts_for(result(perf), []))["web-vitals-lcp"]
    assert "/about: not measured (errored)" in lcp.alt


def test_hostile_page_names_stay_text() -> None:
    pages = ("/<script>alert(1)</script>", "/\x1b[31mred")
    charts = charts_for(result(performance(pages=pages), accessibility(pages=pages)), [])
    assert charts
    for chart in charts:
        root = ET.fromstring(chart.svg)
        assert not list(root.iter(f"{SVG}script")) and "<script" not in chart.svg
        assert "\x1b" not in chart.svg
        assert "&lt;script&gt;" in chart.svg
