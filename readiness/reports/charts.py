"""The report's charts, from the readiness.json dict and the history records.

Each chart says one thing a person would rather see than read, and stands on figures the
run recorded: a chart whose data is absent is skipped, never drawn empty or guessed. Good
and poor bands are drawn as labelled dashed lines at the thresholds the checks judged by
(pygal has no bands; a line at the exact figure is also the honest reading of a band's
edge). Every chart carries a one-paragraph text alternative (:attr:`Chart.alt`), also its
SVG's <desc>. How they are drawn: chart_svg.py.

- ``web-vitals-<metric>``: one Core Web Vital on every page against its good/poor lines;
- ``accessibility-impact``: the rules violated per page, stacked by impact;
- ``load-latency`` / ``load-throughput`` / ``load-errors``: the load run second by second
  against its budgets (p95, minimum throughput, error ratio);
- ``load-percentiles``: the response-time distribution of the run's successful requests;
- ``readiness-trend``: readiness of the last runs, overall and per component, and the GO line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

import pygal

from readiness.reports import chart_svg as draw
from readiness.reports.chart_svg import number, text

SERIES_EVIDENCE = "time series (for charts)"
DISTRIBUTION_EVIDENCE = "response times (for charts)"
USERS_STROKE = {"width": 2, "dasharray": "2,4"}  # a context line: thin, dotted, grey
MAX_PRINTED = 12  # dots with their value printed by them
MIN_TREND_RUNS = 2  # one run is no trend: the matrix already shows it


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    component: str | None
    svg: str  # inline <svg>…</svg>, no XML declaration
    alt: str  # one-paragraph text alternative


def charts_for(result: dict[str, Any], history: list[dict[str, Any]]) -> list[Chart]:
    """Every chart the run's data supports, in the order the report shows them."""
    found: list[Chart | None] = [
        *(_web_vital(result, metric) for metric, _ in WEB_VITALS),
        _accessibility(result),
        *_load(result),
        _trend(result, history),
    ]
    return [chart for chart in found if chart is not None]


# --- reading readiness.json ------------------------------------------------------------


def _checks(result: dict[str, Any], component: str) -> list[dict[str, Any]]:
    for comp in result.get("components") or []:
        if comp.get("name") == component:
            return list(comp.get("checks") or [])
    return []


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _per_page(checks: Iterable[dict[str, Any]], prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """(page, check) for the checks ``<prefix><page>``, in the run's order."""
    return [
        (str(c["id"])[len(prefix) :], c)
        for c in checks
        if str(c.get("id", "")).startswith(prefix) and len(str(c["id"])) > len(prefix)
    ]


def _evidence(check: dict[str, Any] | None, label: str) -> Any:
    for item in (check or {}).get("evidence") or []:
        if item.get("label") == label:
            return item.get("content")
    return None


def _band(check: dict[str, Any]) -> tuple[float, float] | None:
    threshold = check.get("threshold")
    if not isinstance(threshold, dict):
        return None
    good, poor = threshold.get("good"), threshold.get("poor")
    return (float(good), float(poor)) if _is_number(good) and _is_number(poor) else None


def _with_unit(value: float | None, unit: str | None) -> str:
    if value is None:
        return "not measured"
    shown = number(value)
    return f"{shown} {unit}" if unit and unit != "ratio" else shown


def _outcome(check: dict[str, Any]) -> str:
    return str(check.get("outcome") or "not run")


# --- Core Web Vitals per page ------------------------------------------------------------

# (check metric, name, unit shown when the check has none); the order Lighthouse lists them.
WEB_VITALS: list[tuple[str, str]] = [
    ("lcp", "Largest Contentful Paint"),
    ("cls", "Cumulative Layout Shift"),
    ("tbt", "Total Blocking Time (the lab stand-in for Interaction to Next Paint)"),
    ("fcp", "First Contentful Paint"),
    ("ttfb", "Time to first byte"),
]
WEB_VITALS_NAMES = dict(WEB_VITALS)


def _web_vital(result: dict[str, Any], metric: str) -> Chart | None:
    pages = _per_page(_checks(result, "performance"), f"performance.{metric}.")
    measured = [(page, c) for page, c in pages if _is_number(c.get("value")) and _band(c)]
    if not measured:
        return None
    name = WEB_VITALS_NAMES[metric]
    unit = next((c.get("unit") for _, c in measured if c.get("unit")), None)
    labels = [text(page) for page, _ in pages]
    values = [float(c["value"]) if _is_number(c.get("value")) else None for _, c in pages]
    bands = [_band(c) for _, c in pages]
    chart_id = f"web-vitals-{metric}"
    title = f"{name.split(' (')[0]} per page" + (f" ({unit})" if unit else "")
    svg = _dots_against_band(chart_id, title, labels, values, bands, unit, "page (median of runs)")
    lines = [
        f"{page}: {_with_unit(value, unit)} ({_outcome(c)})"
        for (page, c), value in zip(pages, values, strict=True)
    ]
    alt = (
        f"{name} on {_count(len(pages), 'page')}, {_bands_text(bands, unit)}: "
        + "; ".join(lines)
        + "."
    )
    return Chart(chart_id, title, "performance", _render_dots(svg, chart_id, title, alt), alt)


def _bands_text(bands: Sequence[tuple[float, float] | None], unit: str | None) -> str:
    known = {b for b in bands if b is not None}
    if len(known) == 1:
        good, poor = next(iter(known))
        return f"good at {_with_unit(good, unit)}, poor at {_with_unit(poor, unit)}"
    return "good and poor thresholds set per page"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _dots_against_band(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    bands: Sequence[tuple[float, float] | None],
    unit: str | None,
    series_name: str,
) -> Any:
    """One dot per label (its value printed by it) between the good and poor lines.

    An XY chart with the labels at 0..n-1, so a threshold line spans the whole plot even
    for one label; a label's own band (thresholds set per page) is a segment over it."""
    n = len(labels)
    known = [b for b in bands if b is not None]
    top = max([*(v for v in values if v is not None), *(p for _, p in known), 0.0])
    chart = pygal.XY(
        **draw.base_config(
            [draw.BLUE, draw.GOOD_COLOUR, draw.POOR_COLOUR],
            # From 1: pygal draws its y axis line through x=0 when a label sits there.
            x_labels=[{"label": label, "value": i} for i, label in enumerate(labels, 1)],
            xrange=(0.5, n + 0.5),
            range=(0, top * 1.12 or 1),
            allow_interruptions=True,
            x_label_rotation=draw.rotation(labels),
            # Beyond a dozen, printed values overlap: the alternative text carries them.
            print_values=n <= MAX_PRINTED,
            show_y_guides=True,
            max_scale=8,
            x_value_formatter=lambda x: "",  # the x positions stand for labels
        )
    )
    points = [(i, v) for i, v in enumerate(values, 1)]
    chart.add(
        series_name,
        points,
        stroke=False,
        dots_size=5,
        # The unit is in the title: a bare number per dot keeps crowded labels apart.
        formatter=lambda xy: number(xy[1]) if xy and xy[1] is not None else "",
    )
    for name, index, colour_dash in (("good", 0, draw.GOOD_DASH), ("poor", 1, draw.POOR_DASH)):
        chart.add(
            _band_legend(name, [b[index] if b else None for b in bands], unit),
            _threshold_line([b[index] if b else None for b in bands]),
            show_dots=False,
            stroke_style=draw.dashed(colour_dash),
            print_values=False,
        )
    return chart


def _render_dots(chart: Any, chart_id: str, title: str, alt: str) -> str:
    return draw.render(chart, chart_id, title, alt, extra=draw.lift_values)


def _band_legend(name: str, edges: Sequence[float | None], unit: str | None) -> str:
    known = {e for e in edges if e is not None}
    if len(known) == 1:
        return f"{name} at {_with_unit(next(iter(known)), unit)}"
    return f"{name} (per page)"


def _threshold_line(edges: Sequence[float | None]) -> list[tuple[float, float] | None]:
    """One line across the plot when every label shares the edge, else a segment each."""
    known = {e for e in edges if e is not None}
    n = len(edges)
    if len(known) == 1:
        shared = next(iter(known))
        return [(0.5, shared), (n + 0.5, shared)]
    points: list[tuple[float, float] | None] = []
    for i, edge in enumerate(edges, 1):
        if edge is not None:
            points += [(i - 0.45, edge), (i + 0.45, edge), None]
    return points


# --- accessibility violations by impact -----------------------------------------------------

IMPACTS = ["critical", "serious", "moderate", "minor"]


def _accessibility(result: dict[str, Any]) -> Chart | None:
    checks = _checks(result, "accessibility")
    by_impact = {impact: dict(_per_page(checks, f"accessibility.{impact}.")) for impact in IMPACTS}
    pages: list[str] = []
    for impact in IMPACTS:
        pages += [p for p in by_impact[impact] if p not in pages]
    measured = {
        (impact, page)
        for impact in IMPACTS
        for page, c in by_impact[impact].items()
        if _is_number(c.get("value"))
    }
    if not measured:
        return None
    labels = [text(p) for p in pages]
    chart = pygal.StackedBar(
        **draw.base_config(
            [draw.IMPACT_COLOURS[i] for i in IMPACTS],
            x_labels=labels,
            x_label_rotation=draw.rotation(labels),
            print_values=True,
            show_y_guides=True,
            min_scale=1,
            max_scale=8,
            y_title="rules violated",
            legend_at_bottom_columns=4,
        )
    )
    lines = []
    for page in pages:
        parts, missing = [], []
        for impact in IMPACTS:
            check = by_impact[impact].get(page)
            if (impact, page) in measured and check is not None:
                if check["value"]:
                    parts.append(f"{number(check['value'])} {impact}")
            elif check is not None:
                missing.append(impact)
        said = ", ".join(parts) or "no rule violated"
        if missing:
            said += f" ({', '.join(missing)} not measured: {_outcome(by_impact[missing[0]][page])})"
        lines.append(f"{page}: {said}")
    for impact in IMPACTS:
        values = []
        for page in pages:
            check = by_impact[impact].get(page)
            value = check.get("value") if check else None
            # A zero is a bar of no height: not printed, so the non-zero counts stand out.
            values.append(float(value) if _is_number(value) and value else None)
        chart.add(impact, values)
    chart_id = "accessibility-impact"
    title = "Accessibility rules violated per page, by impact"
    alt = (
        f"Rules violated on {_count(len(pages), 'page')}, by impact (critical, serious,"
        f" moderate, minor): " + "; ".join(lines) + "."
    )
    svg = draw.render(chart, chart_id, title, alt, extra=draw.drop_zero_values)
    return Chart(chart_id, title, "accessibility", svg, alt)


# --- load -------------------------------------------------------------------------------


def _load(result: dict[str, Any]) -> list[Chart | None]:
    checks = {str(c.get("id")): c for c in _checks(result, "load")}
    if not checks:
        return []
    ordered = [checks.get("load.p95"), *checks.values()]  # the p95 check carries them first
    series = next((s for c in ordered if (s := _table(_evidence(c, SERIES_EVIDENCE)))), None)
    distribution = next(
        (d for c in ordered if isinstance(d := _evidence(c, DISTRIBUTION_EVIDENCE), dict)), None
    )
    charts: list[Chart | None] = []
    if series is not None:
        charts += [
            _load_latency(series, checks.get("load.p95")),
            _load_throughput(series, checks.get("load.rps")),
            _load_errors(series, checks.get("load.error_ratio")),
        ]
    if distribution is not None:
        charts.append(_load_percentiles(distribution, checks.get("load.p95")))
        charts.append(_load_histogram(distribution))
    return charts


@dataclass(frozen=True)
class _Table:
    columns: list[str]
    rows: list[list[Any]]

    def column(self, *names: str) -> list[float | None] | None:
        """The first of ``names`` the table has, its numbers (None for a gap)."""
        for name in names:
            if name in self.columns:
                i = self.columns.index(name)
                return [float(r[i]) if i < len(r) and _is_number(r[i]) else None for r in self.rows]
        return None


def _table(content: Any) -> _Table | None:
    if not isinstance(content, dict):
        return None
    columns, rows = content.get("columns"), content.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list) or not rows:
        return None
    return _Table([str(c) for c in columns], [r for r in rows if isinstance(r, list)])


def _time_chart(
    colours: Sequence[str], seconds: Sequence[float | None], y_title: str | None, **options: Any
) -> Any:
    return pygal.XY(
        **draw.base_config(
            colours,
            xrange=(0, _span(seconds)),
            allow_interruptions=True,
            show_dots=False,
            show_y_guides=True,
            x_title="seconds into the run",
            y_title=y_title,
            x_value_formatter=number,
            **options,
        )
    )


def _pairs(xs: Sequence[float | None], ys: Sequence[float | None]) -> list[Any]:
    return [None if x is None or y is None else (x, y) for x, y in zip(xs, ys, strict=True)]


def _add_band(
    chart: Any, check: dict[str, Any] | None, span: float, unit: str, scale: float = 1.0
) -> None:
    """The good and poor lines of ``check``'s threshold across the time axis."""
    band = _band(check) if check else None
    if band is None:
        return
    for name, edge, dash in (("good", band[0], draw.GOOD_DASH), ("poor", band[1], draw.POOR_DASH)):
        chart.add(
            f"{name} at {number(edge * scale)}{'' if unit.startswith('%') else ' '}{unit}",
            [(0, edge * scale), (span, edge * scale)],
            stroke_style=draw.dashed(dash),
        )


def _span(seconds: Sequence[float | None]) -> float:
    return max((t for t in seconds if t is not None), default=0.0) or 1.0


@dataclass(frozen=True)
class Line:
    """One series of a chart over the load run's seconds."""

    name: str
    values: Sequence[float | None]
    colour: str
    width: float


def _over_time(
    chart_id: str,
    title: str,
    seconds: Sequence[float | None],
    lines: Sequence[Line],
    check: dict[str, Any] | None,
    *,
    unit: str,
    y_title: str | None,
    alt: str,
    scale: float = 1.0,
    users: Sequence[float | None] | None = None,
) -> Chart:
    """A load chart: ``lines`` over the run's seconds, the check's good and poor lines (its
    threshold times ``scale``) across it, and the users on the right axis."""
    band = _band(check) if check else None
    colours = [line.colour for line in lines] + (
        [draw.GOOD_COLOUR, draw.POOR_COLOUR] if band else []
    )
    colours += [draw.GREY] if users is not None else []
    values = [v for line in lines for v in line.values if v is not None]
    top = max([*values, *((scale * edge for edge in band) if band else ())])
    chart = _time_chart(colours, seconds, y_title, range=(0, top * 1.1 or 1))
    for line in lines:
        chart.add(line.name, _pairs(seconds, line.values), stroke_style={"width": line.width})
    _add_band(chart, check, _span(seconds), unit, scale=scale)
    if users is not None:
        chart.add(
            "users (right axis)", _pairs(seconds, users), secondary=True, stroke_style=USERS_STROKE
        )
    return Chart(chart_id, title, "load", draw.render(chart, chart_id, title, alt), alt)


def _load_latency(series: _Table, check: dict[str, Any] | None) -> Chart | None:
    seconds = series.column("t (s)")
    p95 = series.column("p95 ms (10 s window)")
    if seconds is None or p95 is None or all(v is None for v in p95):
        return None
    users = series.column("users")
    band = _band(check) if check else None
    worst = max(v for v in p95 if v is not None)
    judged = (
        " The check judges the whole run's successful requests:"
        f" {_with_unit(check.get('value'), 'ms')} ({_outcome(check)})."
        if check
        else ""
    )
    alt = (
        f"p95 response time each second over {number(_span(seconds))} s of load, from Locust's"
        f" 10-second window (failed requests included), highest {number(worst)} ms"
        + (f"; good at {number(band[0])} ms, poor at {number(band[1])} ms" if band else "")
        + (
            f"; users peaked at {number(max(u for u in users if u is not None))}"
            if users and any(u is not None for u in users)
            else ""
        )
        + "."
        + judged
    )
    return _over_time(
        "load-latency",
        "Load: 95th percentile response time over the run",
        seconds,
        [Line("p95 (10 s window)", p95, draw.BLUE, 2.5)],
        check,
        unit="ms",
        y_title="ms",
        users=users,
        alt=alt,
    )


def _load_throughput(series: _Table, check: dict[str, Any] | None) -> Chart | None:
    seconds = series.column("t (s)")
    rps = series.column("req/s")
    if seconds is None or rps is None or all(v is None for v in rps):
        return None
    errors = series.column("errors/s")
    users = series.column("users")
    band = _band(check) if check else None
    total = sum(v for v in rps if v is not None)
    failed = sum(v for v in errors or [] if v is not None)
    alt = (
        f"Requests completed each second over {number(_span(seconds))} s of load:"
        f" {number(total)} in all, at most {number(max(v for v in rps if v is not None))}"
        f" in one second; {number(failed)} failed."
        + (
            f" Minimum throughput over the run: good at {number(band[0])}, poor at"
            f" {number(band[1])} req/s; measured {_with_unit(check.get('value'), 'req/s')}"
            f" ({_outcome(check)})."
            if band and check
            else ""
        )
    )
    lines = [Line("requests/s", rps, draw.BLUE, 2.5)]
    if errors:
        lines.append(Line("failed requests/s", errors, draw.VERMILION, 2))
    return _over_time(
        "load-throughput",
        "Load: requests and failures per second",
        seconds,
        lines,
        check,
        unit="req/s (run)",
        y_title=None,
        users=users,
        alt=alt,
    )


def _load_errors(series: _Table, check: dict[str, Any] | None) -> Chart | None:
    seconds = series.column("t (s)")
    rps, errors = series.column("req/s"), series.column("errors/s")
    if seconds is None or rps is None or errors is None:
        return None
    share = [
        None if r is None or e is None or r == 0 else 100 * e / r
        for r, e in zip(rps, errors, strict=True)
    ]
    if all(s is None for s in share):
        return None
    band = _band(check) if check else None
    worst = max(s for s in share if s is not None)
    alt = (
        f"The share of requests that failed, each second over {number(_span(seconds))} s of"
        f" load: at most {number(round(worst, 2))}%."
        + (
            f" Error budget for the whole run: good at {number(100 * band[0])}%, poor at"
            f" {number(100 * band[1])}%; the run's share was"
            f" {_percent(check.get('value'))} ({_outcome(check)})."
            if band and check
            else ""
        )
    )
    return _over_time(
        "load-errors",
        "Load: share of failed requests over the run",
        seconds,
        [Line("failed share each second", share, draw.VERMILION, 2.5)],
        check,
        unit="% (run)",
        y_title="% failed",
        scale=100,
        alt=alt,
    )


def _percent(ratio: Any) -> str:
    return f"{number(round(100 * float(ratio), 3))}%" if _is_number(ratio) else "not measured"


def _load_percentiles(distribution: dict[str, Any], check: dict[str, Any] | None) -> Chart | None:
    table = _table(distribution.get("percentiles"))
    if table is None:
        return None
    shares, ms = table.column("percentile"), table.column("ms")
    if shares is None or ms is None or all(v is None for v in ms):
        return None
    labels = [("max" if s == 100 else f"p{number(s)}") if s is not None else "?" for s in shares]
    band = _band(check) if check else None
    chart_id = "load-percentiles"
    title = "Load: response-time percentiles of the successful requests (ms)"
    svg = _dots_against_band(
        chart_id,
        title,
        labels,
        ms,
        [band] * len(labels) if band else [None] * len(labels),
        "ms",
        "successful requests",
    )
    requests = distribution.get("requests")
    lines = [f"{label} {_with_unit(v, 'ms')}" for label, v in zip(labels, ms, strict=True)]
    alt = (
        "Response-time percentiles of the load run's"
        + (f" {number(requests)}" if _is_number(requests) else "")
        + " successful requests: "
        + ", ".join(lines)
        + "."
        + (
            f" The p95 budget: good at {number(band[0])} ms, poor at {number(band[1])} ms."
            if band
            else ""
        )
    )
    return Chart(chart_id, title, "load", _render_dots(svg, chart_id, title, alt), alt)


def _load_histogram(distribution: dict[str, Any]) -> Chart | None:
    table = _table(distribution.get("histogram"))
    if table is None:
        return None
    starts, ends = table.column("from ms"), table.column("to ms")
    counts = table.column("requests")
    if starts is None or ends is None or counts is None or not any(counts):
        return None
    labels = [_bin_label(lo, hi) for lo, hi in zip(starts, ends, strict=True)]
    chart = pygal.Bar(
        **draw.base_config(
            [draw.BLUE],
            x_labels=labels,
            x_label_rotation=draw.rotation(labels),
            print_values=True,
            show_y_guides=True,
            show_legend=False,
            max_scale=8,
            y_title="successful requests",
            x_title="response time",
        )
    )
    chart.add("successful requests", [c or None for c in counts])
    chart_id = "load-histogram"
    title = "Load: how long the successful requests took"
    shown = [f"{label}: {number(c)}" for label, c in zip(labels, counts, strict=True) if c]
    alt = "The load run's successful requests by response time: " + "; ".join(shown) + "."
    return Chart(chart_id, title, "load", draw.render(chart, chart_id, title, alt), alt)


def _bin_label(lo: float | None, hi: float | None) -> str:
    if lo is None:
        return "?"
    return f"≥ {number(lo)} ms" if hi is None else f"{number(lo)}–{number(hi)} ms"


# --- readiness trend ------------------------------------------------------------------------


def _trend(result: dict[str, Any], history: list[dict[str, Any]]) -> Chart | None:
    records = [r for r in history if isinstance(r, dict) and _is_number(r.get("readiness"))]
    if len(records) < MIN_TREND_RUNS:
        return None
    go_at = (result.get("policy") or {}).get("go_at")
    names: list[str] = []
    for record in records:
        names += [n for n in (record.get("components") or {}) if n not in names]
    labels = [_run_label(r) for r in records]
    colours = [draw.BLACK, *_component_colours(len(names))]
    if _is_number(go_at):
        colours.append(draw.GOOD_COLOUR)
    chart = pygal.Line(
        **draw.base_config(
            colours,
            x_labels=labels,
            x_label_rotation=draw.rotation(labels),
            range=(0, 100),
            show_y_guides=True,
            y_title="readiness %",
            margin_right=36,  # the last run's label is centred on the plot's edge
            dots_size=3,
            legend_at_bottom_columns=3,
            allow_interruptions=True,
        )
    )
    chart.add(
        "readiness",
        [{"value": float(r["readiness"]), "label": str(r.get("verdict") or "")} for r in records],
        stroke_style={"width": 3},
        dots_size=5,
    )
    for name in names:
        chart.add(
            text(name),
            [_component_readiness(r, name) for r in records],
            stroke_style={"width": 1.5},
        )
    if _is_number(go_at):
        chart.add(
            f"GO at {number(go_at)}%",
            [float(go_at)] * len(records),
            stroke_style=draw.dashed(draw.GOOD_DASH),
            show_dots=False,
        )
    chart_id, title = "readiness-trend", f"Readiness of the last {len(records)} runs"
    runs = "; ".join(
        f"{label}: {number(r['readiness'])}% {r.get('verdict') or ''}".rstrip()
        for label, r in zip(labels, records, strict=True)
    )
    alt = (
        f"Readiness of the last {len(records)} runs, oldest first"
        + (f", against the GO line at {number(go_at)}%" if _is_number(go_at) else "")
        + f": {runs}."
        + (f" Per component: {', '.join(names)}." if names else "")
    )
    return Chart(chart_id, title, None, draw.render(chart, chart_id, title, alt), alt)


def _run_label(record: dict[str, Any]) -> str:
    """``20261201T164648Z-686f`` -> ``12-01 16:46`` (the run id's own UTC time)."""
    run_id = str(record.get("run_id") or "?")
    stamp = run_id.split("-")[0]
    if len(stamp) >= 13 and stamp[8] == "T":
        return text(f"{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}")
    return text(run_id[:16])


def _component_readiness(record: dict[str, Any], name: str) -> float | None:
    entry = (record.get("components") or {}).get(name)
    value = entry.get("readiness") if isinstance(entry, dict) else None
    return float(value) if _is_number(value) else None


def _component_colours(n: int) -> list[str]:
    palette = [draw.BLUE, draw.ORANGE, draw.VERMILION, draw.PURPLE, draw.SKY, draw.GREEN]
    return [palette[i % len(palette)] for i in range(n)]
