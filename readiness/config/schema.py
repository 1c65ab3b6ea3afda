"""The schema of gates.yaml as written: pydantic models, validated before anything resolves.

Suite-specific keys under a component are only allowed here; each suite's own Settings
validate them later (see loading.resolve_components).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from readiness.browser.settings import BrowserSettings
from readiness.config.durations import parse_duration
from readiness.config.suite_settings import Budget, FailAt
from readiness.core.paths import UrlPath


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckOverride(_Strict):
    blocking: bool | None = None
    weight: float | None = Field(default=None, ge=0)
    fail_at: FailAt | None = None


class ComponentConfig(BaseModel):
    # Suite-specific keys are allowed here and validated against the suite's own Settings.
    model_config = ConfigDict(extra="allow")

    weight: float = Field(ge=0)
    blocking: bool = False
    enabled: bool = True
    suite: str | None = None
    thresholds: dict[str, Budget] = {}
    # Where a blocking metric fails: at poor (between good and poor it warns, still
    # blocking), or at good (anything short of good fails).
    fail_at: FailAt = "poor"
    checks: dict[str, CheckOverride] = {}


class VerdictPolicy(_Strict):
    go_at: float = Field(default=90, ge=0, le=100)
    min_coverage: float = Field(default=0.9, ge=0, le=1)


class Waiver(_Strict):
    check: str = Field(min_length=3, description="check id, or a glob such as security.csp*")
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: dt.date


class WatchPolicy(_Strict):
    """`readiness-gate watch`'s window for this profile (its flags win over these). The
    defaults are Argo Rollouts' analysis defaults: any failed or inconclusive round decides,
    and five errors in a row (no verdict at all) make the window inconclusive."""

    window_s: float = Field(default=600.0, gt=0, alias="for")  # how long rounds are started
    every_s: float = Field(default=30.0, ge=0, alias="every")  # from one round's start to the next
    failure_limit: int = Field(default=0, ge=0)  # NO-GO rounds tolerated
    inconclusive_limit: int = Field(default=0, ge=0)  # INCONCLUSIVE rounds tolerated
    consecutive_error_limit: int = Field(default=4, ge=0)  # rounds in a row with no verdict

    _durations = field_validator("window_s", "every_s", mode="before")(parse_duration)


class Profile(_Strict):
    description: str = ""
    components: list[str] | None = None  # select these components (default: all)
    overrides: dict[str, Any] = {}  # merged over the file before validation
    watch: WatchPolicy | None = None  # readiness-gate watch's window (docs/watch.md)


class HttpLimits(_Strict):
    """Bounds on every HTTP request the suites send with the shared helper."""

    # The whole request (connecting, headers, body): timeout_s bounds each read only, and a
    # server that trickles its body would hold a request forever.
    deadline_s: float = Field(default=30, gt=0)
    # The body is read up to this many bytes; the rest is left unread and the evidence says so.
    max_body_bytes: int = Field(default=10_000_000, ge=1024)


class TlsPolicy(_Strict):
    """How every suite verifies the target's certificate."""

    verify: bool = True  # false: accept any certificate (the security suite still reports it)
    # A CA bundle (PEM) to trust besides the system's, e.g. a staging CA; relative to this
    # file. `demo` means the CA the bundled demo target makes at start-up.
    ca_bundle: str | None = None


class ReportsPolicy(_Strict):
    """What the report folder keeps, and what each run writes besides its reports."""

    # Run folders kept under the report folder, newest first; older ones are removed after
    # a complete run (readiness/reports/prune.py says which are never removed). None: all.
    keep: int | None = Field(default=None, ge=1)
    pdf: bool = False  # also print readiness.html to readiness.pdf, as --pdf does


# Component names start check ids (smoke.status./): lower-case, so ids stay stable and the
# readiness.json schema's id pattern holds.
ComponentName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]+$")]


class GatesFile(_Strict):
    target: str | None = None
    pages: list[UrlPath] = ["/"]
    timeout_s: float = Field(default=10, gt=0)
    profile: str | None = None
    verdict: VerdictPolicy = VerdictPolicy()
    http: HttpLimits = HttpLimits()  # every request's deadline and body cap
    tls: TlsPolicy = TlsPolicy()
    reports: ReportsPolicy = ReportsPolicy()  # pruning of old run folders, readiness.pdf
    browser: BrowserSettings = BrowserSettings()  # Chromium, crawl and sign-in for browser suites
    components: dict[ComponentName, ComponentConfig] = Field(min_length=1)
    waivers: list[Waiver] = []
    profiles: dict[str, Profile] = {}
    # Values hidden in every report besides the secrets the file already declares (headers,
    # login fields, URL userinfo...): literals or ${NAME}; readiness.config.secrets.
    redact: list[str] = []
