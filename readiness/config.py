"""gates.yaml: schema, loading, profiles and command-line overrides.

Every error becomes one ConfigError that names the file, the line and the field, says what
was expected, and is shown without a traceback (exit 2).
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from .browser_settings import BrowserSettings
from .config_errors import allowed_keys, best_error, explain
from .paths import UrlPath, url_path
from .settings_base import (
    Budget,
    FailAt,
    OneOrMany,
    SuiteSettings,
    Threshold,
    ThresholdSpec,
    require_unique,
    resolve_threshold,
)
from .suites import SuiteError, find_suite_dir, suite_settings_model
from .yamlpos import YamlError, line_for, load_with_lines


class ConfigError(Exception):
    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message, self.file, self.line, self.field = message, file, line, field
        where = ":".join(str(p) for p in (file, line) if p is not None)
        parts = [p for p in (where, field, message) if p]
        super().__init__(": ".join(parts))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


__all__ = [
    "Budget",
    "Component",
    "ConfigError",
    "FailAt",
    "GateConfig",
    "OneOrMany",
    "SuiteSettings",
    "Threshold",
    "ThresholdSpec",
    "Waiver",
    "load",
    "require_unique",
]


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


class Profile(_Strict):
    description: str = ""
    components: list[str] | None = None  # select these components (default: all)
    overrides: dict[str, Any] = {}  # merged over the file before validation


class TlsPolicy(_Strict):
    """How every suite verifies the target's certificate."""

    verify: bool = True  # false: accept any certificate (the security suite still reports it)
    # A CA bundle (PEM) to trust besides the system's, e.g. a staging CA; relative to this
    # file. `demo` means the CA the bundled demo target makes at start-up.
    ca_bundle: str | None = None


# Component names start check ids (smoke.status./): lower-case, so ids stay stable and the
# readiness.json schema's id pattern holds.
ComponentName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]+$")]


class GatesFile(_Strict):
    target: str | None = None
    pages: list[UrlPath] = ["/"]
    timeout_s: float = Field(default=10, gt=0)
    profile: str | None = None
    verdict: VerdictPolicy = VerdictPolicy()
    tls: TlsPolicy = TlsPolicy()
    browser: BrowserSettings = BrowserSettings()  # Chromium, crawl and sign-in for browser suites
    components: dict[ComponentName, ComponentConfig] = Field(min_length=1)
    waivers: list[Waiver] = []
    profiles: dict[str, Profile] = {}


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
        from .waivers import matches  # waivers.py imports this module

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


def load(
    path: str | Path,
    *,
    profile: str | None = None,
    target: str | None = None,
    pages: list[str] | None = None,
) -> GateConfig:
    """Read, validate and resolve a gates file with its profile and the CLI overrides."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found; pass --gates FILE or create gates.yaml", name) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", name) from None
    try:
        raw, lines = load_with_lines(text)
    except YamlError as exc:
        raise ConfigError(exc.message, name, exc.line, exc.field) from None
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping with a 'components' key at the top", name, 1)

    def located(error: ValidationError, data: Any, prefix: tuple = ()) -> ConfigError:
        first, loc = best_error(error.errors(), data)
        message = explain(first, GatesFile, loc)
        if first["type"] == "missing":
            typo = _typo_for_missing(data, loc)
            if typo is not None:
                loc = (*loc[:-1], typo)
                message = f"unknown key '{typo}'; did you mean '{first['loc'][-1]}'?"
        if loc and loc[-1] == "[key]":  # pydantic's marker for a bad mapping key: name the key
            loc = loc[:-1]
            message = f"invalid name: {message}; use lower-case letters, digits, '-' or '_'"
        field_name = ".".join(str(p) for p in (*prefix, *loc))
        return ConfigError(message, name, line_for(lines, (*prefix, *loc)), field_name)

    try:
        parsed = GatesFile.model_validate(raw)
    except ValidationError as exc:
        raise located(exc, raw) from None

    profile_from_file = profile is None and parsed.profile is not None
    profile = profile or parsed.profile
    if profile is not None:
        if profile not in parsed.profiles:
            known = ", ".join(sorted(parsed.profiles)) or "none defined"
            raise ConfigError(
                f"unknown profile '{profile}' (profiles: {known})",
                name,
                line_for(lines, ("profile",) if profile_from_file else ("profiles",)),
                "profile",
            )
        chosen = parsed.profiles[profile]
        merged = _deep_merge(copy.deepcopy(raw), chosen.overrides)
        try:
            parsed = GatesFile.model_validate(merged)
        except ValidationError as exc:
            raise located(exc, merged, ("profiles", profile, "overrides")) from None
        for i, comp in enumerate(chosen.components or []):
            if comp not in parsed.components:
                raise ConfigError(
                    f"unknown component '{comp}'",
                    name,
                    line_for(lines, ("profiles", profile, "components", i)),
                    f"profiles.{profile}.components.{i}",
                )
        selected = chosen.components or list(parsed.components)
    else:
        selected = list(parsed.components)

    for i, waiver in enumerate(parsed.waivers):
        prefix = waiver.check.split(".", 1)[0]
        if prefix not in parsed.components:
            raise ConfigError(
                f"unknown component '{prefix}' in check id '{waiver.check}'"
                f" (components: {', '.join(parsed.components)})",
                name,
                line_for(lines, ("waivers", i, "check")),
                f"waivers.{i}.check",
            )

    base = path.resolve().parent
    components = {}
    for comp_name in selected:
        comp = parsed.components[comp_name]
        if not comp.enabled:
            continue
        where = ("components", comp_name)
        suite_dir = find_suite_dir(base, comp_name, comp.suite)
        if suite_dir is None:
            raise ConfigError(
                f"no suite folder for component '{comp_name}': add suites/{comp_name}/ next to"
                " the gates file or set 'suite: PATH'",
                name,
                line_for(lines, where),
                ".".join(where),
            )
        try:
            settings_model = suite_settings_model(suite_dir, comp_name)
        except SuiteError as exc:
            raise ConfigError(str(exc), name, line_for(lines, where), ".".join(where)) from None
        _check_threshold_names(settings_model, comp.thresholds, name, lines, where)
        try:
            settings = _validate_settings(settings_model, comp.model_extra or {})
        except ValidationError as exc:
            first, loc = best_error(exc.errors(), comp.model_extra or {})
            explained = explain(
                first,
                settings_model or ComponentConfig,
                loc,
                also=list(ComponentConfig.model_fields),
            )
            raise ConfigError(
                explained,
                name,
                line_for(lines, (*where, *loc)),
                ".".join(str(p) for p in (*where, *loc)),
            ) from None
        components[comp_name] = Component(
            comp_name,
            comp.weight,
            comp.blocking,
            suite_dir,
            dict(comp.thresholds),
            dict(comp.checks),
            settings,
            comp.fail_at,
        )
    if not components:
        raise ConfigError(
            "no component is enabled for this run",
            name,
            line_for(lines, ("components",)),
            "components",
        )

    if target is not None:
        if target != "demo":
            check_target(target)
    elif parsed.target is not None and parsed.target != "demo":
        try:
            check_target(parsed.target)
        except ConfigError as exc:
            raise ConfigError(exc.message, name, line_for(lines, ("target",)), "target") from None
    target = target or parsed.target
    tls = parsed.tls
    if tls.ca_bundle not in (None, "demo"):
        bundle = (path.resolve().parent / tls.ca_bundle).resolve()
        if not bundle.is_file():
            raise ConfigError(
                f"CA bundle '{tls.ca_bundle}' not found (looked for {bundle})",
                name,
                line_for(lines, ("tls", "ca_bundle")),
                "tls.ca_bundle",
            )
        tls = tls.model_copy(update={"ca_bundle": str(bundle)})
    browser = parsed.browser
    if browser.storage_state:
        # Relative to gates.yaml, like ca_bundle; a missing file is reported by every browser
        # check at run time (the run may create it before the browser suites start).
        state = str((path.resolve().parent / browser.storage_state).resolve())
        browser = browser.model_copy(update={"storage_state": state})
    return GateConfig(
        path=path,
        target=target,
        pages=[check_page(p) for p in pages] if pages else list(parsed.pages),
        timeout_s=parsed.timeout_s,
        profile=profile,
        verdict=parsed.verdict,
        components=components,
        waivers=list(parsed.waivers),
        tls=tls,
        browser=browser,
        all_components=list(parsed.components),
    )


def check_target(target: str) -> str:
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"'{target}' is not an absolute http(s) URL;"
            " use e.g. --target https://staging.example.com",
            field="target",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"'{target}' has an invalid port", field="target") from None
    return target


def check_page(page: str) -> str:
    """A --page value: a path on the target, like gates.yaml's ``pages``."""
    try:
        return url_path(page)
    except ValueError as exc:
        raise ConfigError(f"--page '{page}' {exc}; use e.g. --page /about", field="pages") from None


def _deep_merge(base: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def _check_threshold_names(
    model: type[SuiteSettings] | None,
    thresholds: dict[str, Threshold],
    name: str,
    lines: Any,
    where: tuple[str, ...],
) -> None:
    """Every name under ``thresholds:`` must be one the suite declares (k6's rule: a
    threshold on an unknown metric is an error, not a silent default)."""
    declares = model is not None and issubclass(model, SuiteSettings)
    known = sorted(model.THRESHOLDS) if declares else []
    for key in thresholds:
        if key in known:
            continue
        hint = difflib.get_close_matches(key, known, n=1)
        if hint:
            expected = f"did you mean '{hint[0]}'?"
        else:
            expected = f"known: {', '.join(known)}" if known else "this suite reads none"
        raise ConfigError(
            f"unknown threshold '{key}'; {expected}",
            name,
            line_for(lines, (*where, "thresholds", key)),
            ".".join((*where, "thresholds", key)),
        )


def _validate_settings(model: type[BaseModel] | None, extra: dict[str, Any]) -> Any:
    if model is not None:
        return model.model_validate(extra)
    if extra:
        key = next(iter(extra))
        raise ValidationError.from_exception_data(
            "Settings", [{"type": "extra_forbidden", "loc": (key,), "input": extra[key]}]
        )
    return None


def _typo_for_missing(data: Any, loc: tuple) -> str | None:
    """The key next to a missing required key that looks like a misspelling of it, if any."""
    for part in loc[:-1]:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    if not isinstance(data, dict):
        return None
    known = set(allowed_keys(GatesFile, loc[:-1]))
    candidates = [str(k) for k in data if str(k) not in known]
    found = difflib.get_close_matches(str(loc[-1]), candidates, n=1)
    return found[0] if found else None
