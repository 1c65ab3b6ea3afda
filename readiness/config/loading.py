"""``load()``: a gates file read, validated and resolved in named steps.

read_text -> parse_yaml -> validate -> apply_profile -> check_waivers -> resolve_components
-> resolve_target / resolve_tls / resolve_browser -> GateConfig -> secrets (the run's
Redactor). Each step raises the
ConfigError for what it checks; the order is the order errors are reported in when a file
has several.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from readiness.browser.settings import BrowserSettings
from readiness.config.components import resolve_components
from readiness.config.errors import ConfigError
from readiness.config.model import GateConfig
from readiness.config.schema import GatesFile, Profile, TlsPolicy
from readiness.config.secrets import build_redactor, short_entry
from readiness.config.source import Source
from readiness.config.targets import check_page, check_target
from readiness.config.yamlpos import YamlError, load_with_lines
from readiness.core.redaction import Redactor


def load(
    path: str | Path,
    *,
    profile: str | None = None,
    target: str | None = None,
    pages: list[str] | None = None,
) -> GateConfig:
    """Read, validate and resolve a gates file with its profile and the CLI overrides."""
    gates_path = Path(path)
    source = parse_yaml(gates_path, read_text(gates_path))
    profiled = apply_profile(source, validate(source), profile)
    gates = profiled.gates
    check_waivers(source, gates)
    components = resolve_components(source, gates, profiled.components)
    resolved_target = resolve_target(source, gates.target, target)
    tls = resolve_tls(source, gates.tls)
    browser = resolve_browser(source, gates.browser)
    config = GateConfig(
        path=source.path,
        target=resolved_target,
        pages=[check_page(p) for p in pages] if pages else list(gates.pages),
        timeout_s=gates.timeout_s,
        profile=profiled.name,
        verdict=gates.verdict,
        components=components,
        waivers=list(gates.waivers),
        tls=tls,
        browser=browser,
        all_components=list(gates.components),
        http=gates.http,
        reports=gates.reports,
        watch=gates.profiles[profiled.name].watch if profiled.name else None,
    )
    config.redactor = resolve_secrets(source, gates, config)
    return config


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            "file not found; pass --gates FILE or create gates.yaml", str(path)
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", str(path)) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start});"
            " save the file as UTF-8",
            str(path),
            line,
        ) from None


def parse_yaml(path: Path, text: str) -> Source:
    """The file's data with the line of every key; a mapping at the top."""
    try:
        raw, lines = load_with_lines(text)
    except YamlError as exc:
        raise ConfigError(exc.message, str(path), exc.line, exc.field) from None
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping with a 'components' key at the top", str(path), 1)
    return Source(path, raw, lines)


def validate(source: Source) -> GatesFile:
    """The file as written, against the schema (suite-specific keys are checked later)."""
    try:
        return GatesFile.model_validate(source.raw)
    except ValidationError as exc:
        raise source.invalid(exc, source.raw) from None


@dataclass(frozen=True)
class Profiled:
    """The file with its profile (if any) applied."""

    gates: GatesFile  # validated again with the profile's overrides merged in
    name: str | None  # the profile applied
    components: list[str]  # the components the profile selects, in run order


def apply_profile(source: Source, written: GatesFile, requested: str | None) -> Profiled:
    """The profile named on the command line, else the one the file names, else none."""
    name = requested or written.profile
    if name is None:
        return Profiled(written, None, list(written.components))
    chosen = _find_profile(source, written, name, from_file=requested is None)
    gates = _merge_overrides(source, name, chosen)
    return Profiled(gates, name, _select_components(source, gates, name, chosen))


def _find_profile(source: Source, gates: GatesFile, name: str, *, from_file: bool) -> Profile:
    if name in gates.profiles:
        return gates.profiles[name]
    known = ", ".join(sorted(gates.profiles)) or "none defined"
    # A name from the command line has no line of its own: point at the profiles instead.
    loc = ("profile",) if from_file else ("profiles",)
    raise source.error(f"unknown profile '{name}' (profiles: {known})", loc, field="profile")


def _merge_overrides(source: Source, name: str, profile: Profile) -> GatesFile:
    merged = _deep_merge(copy.deepcopy(source.raw), profile.overrides)
    try:
        return GatesFile.model_validate(merged)
    except ValidationError as exc:
        raise source.invalid(exc, merged, ("profiles", name, "overrides")) from None


def _select_components(source: Source, gates: GatesFile, name: str, profile: Profile) -> list[str]:
    for i, component in enumerate(profile.components or []):
        if component not in gates.components:
            loc = ("profiles", name, "components", i)
            raise source.error(f"unknown component '{component}'", loc)
    return profile.components or list(gates.components)


def check_waivers(source: Source, gates: GatesFile) -> None:
    """Every waiver's check id starts with a component of the file (a typo would waive
    nothing, silently)."""
    for i, waiver in enumerate(gates.waivers):
        prefix = waiver.check.split(".", 1)[0]
        if prefix not in gates.components:
            raise source.error(
                f"unknown component '{prefix}' in check id '{waiver.check}'"
                f" (components: {', '.join(gates.components)})",
                ("waivers", i, "check"),
            )


def resolve_target(source: Source, written: str | None, given: str | None) -> str | None:
    """The command line's target (its error names the option), else the file's (its error
    names the line); ``demo`` is the bundled demo target, started later."""
    if given is not None:
        if given != "demo":
            check_target(given)
        return given
    if written is not None and written != "demo":
        try:
            check_target(written)
        except ConfigError as exc:
            raise source.error(exc.message, ("target",)) from None
    return written


def resolve_tls(source: Source, tls: TlsPolicy) -> TlsPolicy:
    """The CA bundle made absolute (relative to the gates file), and checked to exist."""
    if tls.ca_bundle is None or tls.ca_bundle == "demo":
        return tls
    bundle = (source.base / tls.ca_bundle).resolve()
    if not bundle.is_file():
        raise source.error(
            f"CA bundle '{tls.ca_bundle}' not found (looked for {bundle})", ("tls", "ca_bundle")
        )
    return tls.model_copy(update={"ca_bundle": str(bundle)})


def resolve_browser(source: Source, browser: BrowserSettings) -> BrowserSettings:
    if not browser.storage_state:
        return browser
    # Relative to gates.yaml, like ca_bundle; a missing file is reported by every browser
    # check at run time (the run may create it before the browser suites start).
    state = (source.base / browser.storage_state).resolve()
    return browser.model_copy(update={"storage_state": str(state)})


def resolve_secrets(source: Source, gates: GatesFile, config: GateConfig) -> Redactor:
    """Every secret value the resolved configuration holds (readiness.config.secrets)."""
    short = short_entry(gates.redact)
    if short is not None:
        raise source.error(short[1], ("redact", short[0]))
    return build_redactor(
        redact=gates.redact,
        target=config.target,
        pages=config.pages,
        settings=[config.browser, *(c.settings for c in config.components.values())],
        storage_state=config.browser.storage_state,
    )


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base
