"""Resolve the selected components: find each one's suite and validate its own keys.

The file's schema only knows the keys every component has (weight, blocking, thresholds...);
the rest belong to the suite, whose ``settings.py: Settings`` validates them here.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from readiness.config.explain import best_error, explain
from readiness.config.model import Component
from readiness.config.schema import ComponentConfig, GatesFile
from readiness.config.source import Source
from readiness.config.suite_settings import SuiteSettings, Threshold
from readiness.config.suites import SuiteError, find_suite_dir, suite_settings_model


def resolve_components(
    source: Source, gates: GatesFile, selected: list[str]
) -> dict[str, Component]:
    """The enabled components among ``selected``, in that order; at least one."""
    components = {
        name: resolve_component(source, name, gates.components[name])
        for name in selected
        if gates.components[name].enabled
    }
    if not components:
        raise source.error("no component is enabled for this run", ("components",))
    return components


def resolve_component(source: Source, name: str, config: ComponentConfig) -> Component:
    where = ("components", name)
    suite_dir = _suite_dir(source, name, config.suite)
    try:
        model = suite_settings_model(suite_dir, name)
    except SuiteError as exc:
        raise source.error(str(exc), where) from None
    _check_threshold_names(source, model, config.thresholds, where)
    settings = _suite_settings(source, model, config.model_extra or {}, where)
    return Component(
        name,
        config.weight,
        config.blocking,
        suite_dir,
        dict(config.thresholds),
        dict(config.checks),
        settings,
        config.fail_at,
    )


def _suite_dir(source: Source, name: str, suite: str | None) -> Path:
    found = find_suite_dir(source.base, name, suite)
    if found is None:
        raise source.error(
            f"no suite folder for component '{name}': add suites/{name}/ next to"
            " the gates file or set 'suite: PATH'",
            ("components", name),
        )
    return found


def _check_threshold_names(
    source: Source,
    model: type[SuiteSettings] | None,
    thresholds: dict[str, Threshold],
    where: tuple[str, ...],
) -> None:
    """Every name under ``thresholds:`` must be one the suite declares (k6's rule: a
    threshold on an unknown metric is an error, not a silent default)."""
    known: list[str] = []
    if model is not None and issubclass(model, SuiteSettings):  # a plain model declares none
        known = sorted(model.THRESHOLDS)
    for key in thresholds:
        if key in known:
            continue
        hint = difflib.get_close_matches(key, known, n=1)
        if hint:
            expected = f"did you mean '{hint[0]}'?"
        else:
            expected = f"known: {', '.join(known)}" if known else "this suite reads none"
        raise source.error(f"unknown threshold '{key}'; {expected}", (*where, "thresholds", key))


def _suite_settings(
    source: Source, model: type[BaseModel] | None, extra: dict[str, Any], where: tuple[str, ...]
) -> Any:
    """The suite's validated Settings for the component's own keys (None: it has none)."""
    try:
        return _validate_settings(model, extra)
    except ValidationError as exc:
        first, loc = best_error(exc.errors(), extra)
        message = explain(
            first,
            model or ComponentConfig,
            loc,
            also=list(ComponentConfig.model_fields),
            root=GatesFile,
            prefix=where,
        )
        raise source.error(message, (*where, *loc)) from None


def _validate_settings(model: type[BaseModel] | None, extra: dict[str, Any]) -> Any:
    if model is not None:
        return model.model_validate(extra)
    if extra:
        # No Settings: every suite-specific key is unknown, reported like pydantic would.
        key = next(iter(extra))
        raise ValidationError.from_exception_data(
            "Settings", [{"type": "extra_forbidden", "loc": (key,), "input": extra[key]}]
        )
    return None
