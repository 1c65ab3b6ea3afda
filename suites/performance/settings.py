"""gates.yaml keys of the performance component (validated by the engine when the file loads).

Timing budgets live in the component's common ``thresholds`` mapping (``lcp_ms``, ``fcp_ms``,
``cls``, ``tbt_ms``, ``ttfb_ms``, ``dcl_ms``, ``load_ms``, ``requests``, ``transfer_kb``);
``DEFAULTS`` below applies to any key not given there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from readiness.suite import Budget, SuiteSettings, Threshold, ThresholdSpec, UrlPath, require_unique


def _t(good: float, poor: float) -> Threshold:
    return Threshold(good=good, poor=poor)


# Core Web Vitals "good" / "poor" boundaries (web.dev/articles/vitals, /lcp, /cls, /fcp, /ttfb)
# and Lighthouse's TBT control points; DCL, load and the resource totals have no standard:
# they are this project's defaults (load as LCP, DCL as FCP; totals from Lighthouse's
# total-byte-weight audit, 1.6 MB is its p10 target, 4 MB its median).
DEFAULTS: dict[str, Threshold] = {
    "ttfb_ms": _t(800, 1800),
    "fcp_ms": _t(1800, 3000),
    "lcp_ms": _t(2500, 4000),
    "cls": _t(0.1, 0.25),
    "tbt_ms": _t(200, 600),
    "dcl_ms": _t(1800, 3000),
    "load_ms": _t(2500, 4000),
    "requests": _t(50, 100),
    "transfer_kb": _t(1600, 4000),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Throttling(_Strict):
    """CPU slowdown and network shaping through the DevTools protocol, plus the viewport."""

    cpu_slowdown: float = Field(default=1.0, ge=1, le=20)
    latency_ms: float = Field(default=0, ge=0)  # added to every request
    download_kbps: float = Field(default=0, ge=0)  # 0: unlimited
    upload_kbps: float = Field(default=0, ge=0)
    width: int = Field(default=1350, ge=200)
    height: int = Field(default=940, ge=200)
    device_scale_factor: float = Field(default=1, gt=0)
    mobile: bool = False


# Lighthouse's presets (core/config/constants.js): "mobile" is Slow 4G (150 ms RTT,
# 1.6 Mbit/s down, 750 kbit/s up) on a 4x slower CPU, "desktop" a 40 ms / 10 Mbit/s cable link.
# DevTools throttling applies latency per request, so Lighthouse scales RTT by 3.75 and
# throughput by 0.9 for it; the same factors are used here.
PRESETS: dict[str, Throttling] = {
    "none": Throttling(),
    "desktop": Throttling(latency_ms=40 * 3.75, download_kbps=10240 * 0.9, upload_kbps=10240 * 0.9),
    "mobile": Throttling(
        cpu_slowdown=4,
        latency_ms=150 * 3.75,
        download_kbps=1638.4 * 0.9,
        upload_kbps=750 * 0.9,
        width=412,
        height=823,
        device_scale_factor=1.75,
        mobile=True,
    ),
}


class TypeBudget(_Strict):
    """Budget for one resource type (document, script, stylesheet, image, font, xhr, ...)."""

    requests: Budget | None = None
    transfer_kb: Budget | None = None


class ApiEndpoint(_Strict):
    """An API call timed without the browser: N sequential requests, p50 and p95."""

    path: UrlPath
    name: str | None = None  # stable id suffix (default: the path)
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    body: str | None = None
    json_body: Any = Field(default=None, alias="json")
    headers: dict[str, str] = {}  # values may use ${ENV}; redacted in reports
    requests: int = Field(default=20, ge=2, le=1000)
    status: list[int] = [200]
    p50_ms: Budget = Threshold(good=200, poor=500)
    p95_ms: Budget = Threshold(good=500, poor=1000)

    @property
    def id(self) -> str:
        return self.name or self.path


class Settings(SuiteSettings):
    NEEDS_BROWSER: ClassVar[bool] = True  # the engine finds Chromium before the run starts
    THRESHOLDS: ClassVar[Mapping[str, ThresholdSpec]] = {
        key: ThresholdSpec(default=default) for key, default in DEFAULTS.items()
    }

    runs: int = Field(default=3, ge=1, le=20)  # page loads per page, each in a fresh context
    aggregate: Literal["median", "pessimistic", "optimistic"] = "median"
    throttling: Literal["none", "desktop", "mobile"] | Throttling = "none"
    # The observation ends once the page has been quiet (no paint, layout shift, long task,
    # finished or in-flight request) for this long after load, with nothing it scheduled
    # (timers, idle callbacks, finite animations) due soon; see docs/browser-suites.md.
    settle_ms: int = Field(default=80, ge=50, le=10_000)
    budgets: dict[str, TypeBudget] = {}  # per resource type
    api: list[ApiEndpoint] = []

    @model_validator(mode="after")
    def _unique_api_ids(self) -> Settings:
        require_unique([a.id for a in self.api], "api ids")
        return self

    @property
    def profile(self) -> Throttling:
        return PRESETS[self.throttling] if isinstance(self.throttling, str) else self.throttling
