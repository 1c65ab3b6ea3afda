"""Performance checks: lab metrics per page, resource budgets, API latency.

Gathering is in conftest.py (each page loaded ``runs`` times in fresh contexts, once per run);
each test judges one metric of one page against its good/poor thresholds.
"""

from __future__ import annotations

from collections.abc import Callable

from readiness.suite import Component, Threshold, check, evidence

from .collect import PageRun
from .conftest import ApiTiming, PageMeasurement
from .metrics import aggregate, percentile

LARGEST = 5  # largest resources listed as evidence


def _threshold(component: Component, key: str) -> Threshold:
    found = component.threshold(key)
    assert found is not None, f"{key} is declared with a default"
    return found


def _judge(
    check,
    measured: PageMeasurement,
    performance: Component,
    key: str,
    unit: str | None,
    value_of: Callable[[PageRun], float | None],
    digits: int = 0,
) -> None:
    values = [v for v in (value_of(r) for r in measured.runs) if v is not None]
    if not values:
        check.no_data(f"the page reported no {key.removesuffix('_ms').upper()} in any run")
        return
    mode = performance.settings.aggregate
    value = round(aggregate(values, mode), digits if digits else None)
    check.metric(
        value,
        threshold=_threshold(performance, key),
        unit=unit,
        samples=values,
        evidence=[
            evidence.url("page", measured.runs[0].url),
            evidence.table(
                f"{len(values)} runs ({mode} reported)",
                ["run", unit or "value"],
                [(i + 1, round(v, 4)) for i, v in enumerate(values)],
            ),
        ],
    )


@check("performance.ttfb", title="Time to first byte within budget", observes="measured")
def test_ttfb(check, measured: PageMeasurement, performance: Component) -> None:
    _judge(check, measured, performance, "ttfb_ms", "ms", lambda r: r.ttfb)


@check("performance.fcp", title="First Contentful Paint within budget", observes="measured")
def test_fcp(check, measured: PageMeasurement, performance: Component) -> None:
    _judge(check, measured, performance, "fcp_ms", "ms", lambda r: r.fcp)


@check("performance.lcp", title="Largest Contentful Paint within budget", observes="measured")
def test_lcp(check, measured: PageMeasurement, performance: Component) -> None:
    elements = sorted({r.lcp_element for r in measured.runs if r.lcp_element})
    if elements:
        check.attach(evidence.text("LCP element", ", ".join(elements)))
    _judge(check, measured, performance, "lcp_ms", "ms", lambda r: r.lcp)


@check("performance.cls", title="Cumulative Layout Shift within budget", observes="measured")
def test_cls(check, measured: PageMeasurement, performance: Component) -> None:
    _judge(check, measured, performance, "cls", None, lambda r: r.cls, digits=4)


@check("performance.tbt", title="Total Blocking Time within budget", observes="measured")
def test_tbt(check, measured: PageMeasurement, performance: Component) -> None:
    _judge(check, measured, performance, "tbt_ms", "ms", lambda r: r.tbt)


@check("performance.dcl", title="DOMContentLoaded within budget", observes="measured")
def test_dcl(check, measured: PageMeasurement, performance: Component) -> None:
    _judge(check, measured, performance, "dcl_ms", "ms", lambda r: r.dcl)


@check("performance.load", title="Load event within budget", observes="measured")
def test_load(check, measured: PageMeasurement, performance: Component) -> None:
    _judge(check, measured, performance, "load_ms", "ms", lambda r: r.load)


def _resource_evidence(run: PageRun) -> list:
    by_type = sorted(run.by_type().items(), key=lambda kv: -kv[1][1])
    largest = sorted(run.resources, key=lambda r: -r.bytes)[:LARGEST]
    return [
        evidence.table(
            "by resource type (first run)",
            ["type", "requests", "KiB"],
            [(t, n, round(kb, 1)) for t, (n, kb) in by_type],
        ),
        evidence.table(
            "largest resources (first run)",
            ["url", "type", "KiB"],
            [(evidence.redact_url(r.url), r.type, round(r.bytes / 1024, 1)) for r in largest],
        ),
    ]


@check("performance.requests", title="Request count within budget", observes="measured")
def test_requests(check, measured: PageMeasurement, performance: Component) -> None:
    check.attach(*_resource_evidence(measured.runs[0]))
    _judge(check, measured, performance, "requests", "requests", lambda r: r.requests)


@check("performance.transfer", title="Transferred bytes within budget", observes="measured")
def test_transfer(check, measured: PageMeasurement, performance: Component) -> None:
    check.attach(*_resource_evidence(measured.runs[0]))
    _judge(check, measured, performance, "transfer_kb", "KiB", lambda r: r.transfer_kb, 1)


@check(
    "performance.budget",
    title="Resource type within its budget",
    observes="measured",
    shard_by="page_path",  # with the page's other checks: one measurement per page
)
def test_type_budget(
    check, resource_type: str, measured: PageMeasurement, performance: Component
) -> None:
    """Requests and KiB of one resource type, against ``budgets.<type>`` (both must hold)."""
    budget = performance.settings.budgets[resource_type]
    mode = performance.settings.aggregate
    counts = [r.by_type().get(resource_type, (0, 0.0)) for r in measured.runs]
    n = aggregate([c[0] for c in counts], mode)
    kb = round(aggregate([c[1] for c in counts], mode), 1)
    # The worse of the two budgets decides: a metric on the KiB budget if it is the one
    # exceeded (or the only one given), else on the request count.
    checks = [(kb, budget.transfer_kb, "KiB"), (n, budget.requests, "requests")]
    checks = [(v, t, u) for v, t, u in checks if t is not None]
    if not checks:
        check.no_data(f"budgets.{resource_type} sets neither requests nor transfer_kb")
        return
    value, threshold, unit = min(checks, key=lambda c: _headroom(c[0], c[1]))
    check.metric(
        value,
        threshold=threshold,
        unit=unit,
        samples=[c[1] if unit == "KiB" else c[0] for c in counts],
        message=f"{resource_type}: {n:g} requests, {kb:g} KiB ({mode} of {len(counts)} runs)",
        evidence=_resource_evidence(measured.runs[0]),
    )


def _headroom(value: float, threshold: Threshold) -> float:
    return (threshold.poor - value) / (threshold.poor or 1.0)


def _api_judge(check, timing: ApiTiming, pct: int, threshold: Threshold) -> None:
    endpoint = timing.endpoint
    failures = sum(timing.failures.values())
    evidence_items = [
        evidence.text("request", f"{endpoint.method} {endpoint.path} x{endpoint.requests}"),
        evidence.table("failures", ["kind", "count"], sorted(timing.failures.items())),
    ]
    check.attach(*evidence_items)
    value = round(percentile(timing.latencies_ms, pct), 2)
    note = f"; {failures} failed and were not timed" if failures else ""
    check.metric(
        value,
        threshold=threshold,
        unit="ms",
        samples=timing.latencies_ms,
        message=f"p{pct} {value:g} ms over {len(timing.latencies_ms)} requests{note}",
    )


@check("performance.api_p50", title="API median latency within budget", observes="api_timing")
def test_api_p50(check, api_endpoint, api_timing: ApiTiming) -> None:
    _api_judge(check, api_timing, 50, api_endpoint.p50_ms)


@check("performance.api_p95", title="API p95 latency within budget", observes="api_timing")
def test_api_p95(check, api_endpoint, api_timing: ApiTiming) -> None:
    _api_judge(check, api_timing, 95, api_endpoint.p95_ms)
