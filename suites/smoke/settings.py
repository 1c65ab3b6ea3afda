"""gates.yaml keys of the smoke component (validated by the engine when the file loads)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from readiness.suite import (
    Budget,
    OneOrMany,
    SuiteSettings,
    Threshold,
    ThresholdSpec,
    UrlPath,
    require_unique,
)

DEFAULT_LATENCY = Threshold(good=500, poor=2000)


class Endpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: UrlPath
    name: str | None = Field(default=None, description="stable id suffix (default: the path)")
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    headers: dict[str, str] = {}
    body: str | None = None
    status: OneOrMany[int] = [200]
    latency_ms: Budget | None = None  # default: the component's thresholds.latency_ms
    contains: OneOrMany[str] = []
    regex: str | None = None
    json_fields: dict[str, Any] = Field(default={}, alias="json")  # dotted path -> value
    max_redirects: int | None = Field(default=None, ge=0)
    final_url: str | None = None  # a path on the target or an absolute URL
    max_bytes: int | None = Field(default=None, gt=0)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return value

    @property
    def id(self) -> str:
        return self.name or self.path


class Availability(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: UrlPath = "/"
    requests: int = Field(default=50, ge=1, le=10_000)
    slo: float = Field(default=0.999, gt=0, le=1)  # share of requests that must succeed


class Settings(SuiteSettings):
    # What this suite reads from the component's `thresholds:` (a typo there is an error).
    THRESHOLDS: ClassVar[Mapping[str, ThresholdSpec]] = {
        "latency_ms": ThresholdSpec(default=DEFAULT_LATENCY, unit="ms"),
    }

    endpoints: list[Endpoint] = []  # none: every configured page must answer 200
    availability: Availability | None = Availability()
    latency_samples: int = Field(default=3, ge=1, le=50)  # timed requests per endpoint

    @model_validator(mode="after")
    def _unique_ids(self) -> Settings:
        require_unique([e.id for e in self.endpoints], "endpoint ids")
        return self
