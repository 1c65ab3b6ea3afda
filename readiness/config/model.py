"""The resolved configuration a run uses: profile applied, suites found, paths absolute."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readiness.browser.settings import BrowserSettings
from readiness.config.schema import (
    CheckOverride,
    HttpLimits,
    ReportsPolicy,
    TlsPolicy,
    VerdictPolicy,
    Waiver,
    WatchPolicy,
)
from readiness.config.suite_settings import FailAt, SuiteSettings, Threshold, resolve_threshold
from readiness.core.ids import matches
from readiness.core.redaction import Redactor


@dataclass
class Component:
    name: str
    weight: float
    blocking: bool
    suite_dir: Path
    thresholds: dict[str, Threshold]
    checks: dict[str, CheckOverride]
    settings: Any  # the suite's validated Settings, or None
    fail_at: FailAt = "poor"

    def threshold(self, name: str) -> Threshold | None:
        """The threshold ``name`` from gates.yaml, else the suite's declared default (None:
        neither). A name the suite's Settings do not declare raises UndeclaredThreshold."""
        model = type(self.settings) if isinstance(self.settings, SuiteSettings) else None
        return resolve_threshold(model, self.thresholds, name)

    @property
    def needs_browser(self) -> bool:
        """Whether the suite declares it needs the browser (Settings.NEEDS_BROWSER)."""
        return isinstance(self.settings, SuiteSettings) and type(self.settings).NEEDS_BROWSER

    def fail_at_for(self, check_id: str) -> FailAt:
        override = self.override(check_id)
        if override is not None and override.fail_at is not None:
            return override.fail_at
        return self.fail_at

    def override(self, check_id: str) -> CheckOverride | None:
        """gates.yaml's first ``checks:`` entry whose id or glob matches ``check_id``."""
        return next((o for pattern, o in self.checks.items() if matches(check_id, pattern)), None)

    def is_blocking(self, check_id: str, suite_default: bool | None = None) -> bool:
        """Precedence: gates.yaml's per-check override, then the suite's default for the
        check (an expired certificate blocks even in an advisory component), then the
        component's own ``blocking``."""
        override = self.override(check_id)
        if override is not None and override.blocking is not None:
            return override.blocking
        return self.blocking if suite_default is None else suite_default


@dataclass
class GateConfig:
    path: Path
    target: str | None
    pages: list[str]
    timeout_s: float
    profile: str | None
    verdict: VerdictPolicy
    components: dict[str, Component]
    waivers: list[Waiver]
    tls: TlsPolicy = field(default_factory=TlsPolicy)
    browser: BrowserSettings = field(default_factory=BrowserSettings)
    all_components: list[str] = field(default_factory=list)
    http: HttpLimits = field(default_factory=HttpLimits)
    reports: ReportsPolicy = field(default_factory=ReportsPolicy)  # gates.yaml reports:
    # Every secret value the configuration holds: applied to everything the run shows.
    redactor: Redactor = field(default_factory=Redactor)
    # The profile's `watch:` key (readiness-gate watch's window), None when it has none.
    watch: WatchPolicy | None = None
