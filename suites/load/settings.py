"""gates.yaml keys of the load component (validated by the engine when the file loads).

The scenario (endpoints, think time, users, spawn rate, duration or ramp stages) becomes a
generated locustfile; `locustfile:` replaces it with the user's own. Caps on users and
duration are checked here, so an oversized load test is a configuration error (exit 2)
before any request is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from readiness.suite import (
    Budget,
    OneOrMany,
    SuiteSettings,
    Threshold,
    ThresholdSpec,
    UrlPath,
    require_unique,
)

# Absolute ceilings: `limits` may lower them, never raise them. A gate is not a stress-test
# tool; beyond these, use Locust directly and on purpose.
HARD_MAX_USERS = 5000
HARD_MAX_DURATION_S = 3600

_SPAN = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def seconds(value: Any) -> Any:
    """`30`, `"30s"`, `"2m"`, `"1h30m"` -> whole seconds (Locust's run time is whole seconds)."""
    if isinstance(value, str):
        match = _SPAN.match(value.strip())
        if not value.strip() or match is None:
            raise ValueError(f"'{value}' is not a duration; write e.g. 30, 30s, 2m or 1m30s")
        h, m, s = (int(g or 0) for g in match.groups())
        return h * 3600 + m * 60 + s
    return value


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: int = Field(default=200, ge=1, le=HARD_MAX_USERS)
    duration_s: int = Field(default=300, ge=1, le=HARD_MAX_DURATION_S, alias="duration")

    _duration = field_validator("duration_s", mode="before")(seconds)


class Endpoint(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    path: UrlPath
    name: str | None = Field(default=None, description="request name for grouping (default path)")
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    headers: dict[str, str] = {}
    body: str | None = None
    status: OneOrMany[int] = [200]  # expected status codes; any other is a failure
    weight: int = Field(default=1, ge=1)
    # Per-endpoint percentile budgets (ms); default: the component's p50_ms/p95_ms/p99_ms.
    p50_ms: Budget | None = None
    p95_ms: Budget | None = None
    p99_ms: Budget | None = None

    @property
    def id(self) -> str:
        return self.name or self.path


class Stage(BaseModel):
    """Hold `users` for `duration` (reached at `spawn_rate` users/s); users 0 ramps down."""

    model_config = ConfigDict(extra="forbid")

    users: int = Field(ge=0)
    duration_s: int = Field(ge=1, alias="duration")
    spawn_rate: float | None = Field(default=None, gt=0)  # default: the scenario's

    _duration = field_validator("duration_s", mode="before")(seconds)


class Settings(SuiteSettings):
    # `limits` comes first: the users/duration validators below read it (fields validate in
    # declaration order), which lets a cap error name the exceeding field itself.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    # What this suite reads from the component's `thresholds:` (a typo there is an error).
    # A check whose threshold has no default is planned only when gates.yaml sets it.
    THRESHOLDS: ClassVar[Mapping[str, ThresholdSpec]] = {
        "p50_ms": ThresholdSpec(unit="ms"),
        "p95_ms": ThresholdSpec(default=Threshold(good=1000, poor=3000), unit="ms"),
        "p99_ms": ThresholdSpec(unit="ms"),
        "error_ratio": ThresholdSpec(default=Threshold(good=0.01, poor=0.05)),
        # A bare number is a floor for these two (more is better), not a ceiling.
        "min_rps": ThresholdSpec(higher_is_better=True, unit="req/s"),
        "availability": ThresholdSpec(
            default=Threshold(good=0.999, poor=0.99), higher_is_better=True
        ),
    }

    limits: Limits = Limits()
    endpoints: list[Endpoint] = []  # none (and no locustfile): GET every configured page
    locustfile: str | None = None  # replaces the generated scenario (relative to cwd)
    users: int = Field(default=10, ge=1)
    spawn_rate: float = Field(default=10, gt=0)  # users started per second
    duration_s: int = Field(default=10, ge=1, alias="duration")
    stages: list[Stage] = []  # a ramp (Locust LoadTestShape); replaces users/duration
    think_time_s: float | tuple[float, float] = Field(default=0, alias="think_time")
    client: Literal["fast", "requests"] = "fast"  # FastHttpUser (default) or HttpUser
    workers: int | Literal["auto"] = 0  # local worker processes under a master; auto = cores
    mode: Literal["local", "master"] = "local"  # master: wait for remote workers
    expect_workers: int = Field(default=1, ge=1)
    master_bind_host: str = "0.0.0.0"  # mode master: where remote workers connect
    master_port: int = Field(default=5557, ge=1, le=65535)
    expect_workers_max_wait_s: int = Field(default=60, ge=1, alias="expect_workers_max_wait")
    allow_remote: bool = False  # and --allow-load-on HOST, or load goes to loopback only
    abort_on_fail: bool = False  # stop early once a blocking threshold is lost
    abort_grace_s: int = Field(default=3, ge=0, alias="abort_grace")  # no abort before this
    # Availability: a second of the run counts as down when at least this share of its
    # requests failed (an outage, not the background error rate the error ratio judges).
    availability_down_ratio: float = Field(default=0.5, gt=0, le=1)

    _durations = field_validator(
        "duration_s", "expect_workers_max_wait_s", "abort_grace_s", mode="before"
    )(seconds)

    @field_validator("think_time_s")
    @classmethod
    def _think_time(cls, value: Any) -> Any:
        low, high = value if isinstance(value, tuple) else (value, value)
        if low < 0 or high < low:
            raise ValueError("think time is seconds >= 0, or [min, max] with min <= max")
        return value

    @field_validator("users")
    @classmethod
    def _users_cap(cls, value: int, info: ValidationInfo) -> int:
        cap = _limits(info).users
        if value > cap:
            raise ValueError(f"{value} users exceed the cap of {cap} (limits.users)")
        return value

    @field_validator("duration_s")
    @classmethod
    def _duration_cap(cls, value: int, info: ValidationInfo) -> int:
        cap = _limits(info).duration_s
        if value > cap:
            raise ValueError(f"{value} s exceeds the cap of {cap} s (limits.duration)")
        return value

    @field_validator("stages")
    @classmethod
    def _stages_cap(cls, value: list[Stage], info: ValidationInfo) -> list[Stage]:
        limits = _limits(info)
        for i, stage in enumerate(value):
            if stage.users > limits.users:
                raise ValueError(
                    f"stage {i}: {stage.users} users exceed the cap of {limits.users}"
                    " (limits.users)"
                )
        total = sum(s.duration_s for s in value)
        if total > limits.duration_s:
            raise ValueError(
                f"stages last {total} s in all, over the cap of {limits.duration_s} s"
                " (limits.duration)"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        require_unique([e.id for e in self.endpoints], "endpoint names")
        if self.mode == "master" and self.workers:
            raise ValueError("mode 'master' waits for remote workers; drop 'workers'")
        return self

    @property
    def planned_seconds(self) -> int:
        """How long the load lasts as configured (the ramp's total when stages are set)."""
        return sum(s.duration_s for s in self.stages) if self.stages else self.duration_s

    @property
    def peak_users(self) -> int:
        return max(s.users for s in self.stages) if self.stages else self.users


def _limits(info: ValidationInfo) -> Limits:
    # A bad `limits` block has its own error; judge the rest against the defaults then.
    found = info.data.get("limits")
    return found if isinstance(found, Limits) else Limits()
