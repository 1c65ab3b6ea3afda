"""What a suite declares about its gates.yaml keys: thresholds with their defaults and
direction, whether it needs the browser, and the value types its settings are written in.

The engine reads these declarations (k6 validates a threshold's metric name before the run
the same way): a threshold name gates.yaml sets that the suite does not declare is a
configuration error, and a suite asking for a name it did not declare is a bug named in the
check, never a silent default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

from readiness.core.thresholds import FailAt, Threshold

__all__ = [
    "Budget",
    "FailAt",
    "OneOrMany",
    "SuiteSettings",
    "Threshold",
    "ThresholdSpec",
    "UndeclaredThreshold",
    "require_unique",
    "resolve_threshold",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _as_threshold(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"good": value, "poor": value}
    return value


# A Threshold that may also be written as a bare number: a budget, {good: n, poor: n}.
Budget = Annotated[Threshold, BeforeValidator(_as_threshold)]

_T = TypeVar("_T")
# A list that may also be written as its one item: `status: 201` means `status: [201]`.
OneOrMany = Annotated[list[_T], BeforeValidator(lambda v: v if isinstance(v, list) else [v])]


def require_unique(ids: Sequence[str], what: str) -> None:
    """Raise for ids given more than once (a validator's error: `name` tells them apart)."""
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{what} must be unique; set 'name' on: {duplicates}")


class ThresholdSpec(_Strict):
    """One threshold name a suite reads from its component's ``thresholds:``.

    ``default`` applies when gates.yaml does not set it (None: the checks that need it are
    not planned); ``higher_is_better`` gives a bare-number budget its direction (a floor for
    availability or throughput, a ceiling for a latency)."""

    default: Threshold | None = None
    higher_is_better: bool = False
    unit: str | None = None

    def resolve(self, configured: Threshold | None) -> Threshold | None:
        found = configured if configured is not None else self.default
        if found is not None and found.good == found.poor and self.higher_is_better:
            found = found.model_copy(update={"higher_is_better": True})
        return found


class UndeclaredThreshold(KeyError):
    """A suite asked for a threshold its Settings do not declare."""

    def __str__(self) -> str:
        name, known = self.args
        listed = ", ".join(sorted(known)) or "none"
        return f"threshold '{name}' is not declared in the suite's Settings.THRESHOLDS ({listed})"


class SuiteSettings(_Strict):
    """Base of every suite's ``settings.py: Settings``: unknown keys are errors.

    A suite declares, as class variables:
    - ``THRESHOLDS``: name -> ThresholdSpec, every name its checks read from ``thresholds:``;
    - ``NEEDS_BROWSER``: True when its checks use the ``browser_session`` fixture (the engine
      finds Chromium before any traffic, and the crawl's notes reach the component).
    """

    THRESHOLDS: ClassVar[Mapping[str, ThresholdSpec]] = {}
    NEEDS_BROWSER: ClassVar[bool] = False


def resolve_threshold(
    settings_model: type[SuiteSettings] | None,
    configured: Mapping[str, Threshold],
    name: str,
) -> Threshold | None:
    """The threshold ``name`` as gates.yaml sets it (given its declared direction), else its
    declared default; raises UndeclaredThreshold for a name the suite did not declare."""
    declared = settings_model.THRESHOLDS if settings_model is not None else {}
    if name not in declared:
        raise UndeclaredThreshold(name, list(declared))
    return declared[name].resolve(configured.get(name))
