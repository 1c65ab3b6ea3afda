"""gates.yaml: schema, loading, profiles and command-line overrides.

Every error becomes one ConfigError that names the file, the line and the field, says what
was expected, and is shown without a traceback (exit 2).

The modules, in the order a file goes through them: ``yamlpos`` (YAML with the line of every
key), ``schema`` (the file as written), ``loading`` (``load()`` in named steps; ``components``
finds the suites and validates their keys), ``model`` (the resolved configuration). Errors:
``errors`` (ConfigError), ``source`` (the file's lines, to locate one), ``explain`` (pydantic's
errors as sentences); ``targets`` checks --target and --page. Import the names below from here,
not from the modules, which may move.
"""

from __future__ import annotations

from readiness.config.errors import ConfigError
from readiness.config.loading import load
from readiness.config.model import Component, GateConfig
from readiness.config.schema import (
    CheckOverride,
    ComponentConfig,
    ComponentName,
    GatesFile,
    Profile,
    TlsPolicy,
    VerdictPolicy,
    Waiver,
    WatchPolicy,
)
from readiness.config.suite_settings import (
    Budget,
    FailAt,
    OneOrMany,
    SuiteSettings,
    Threshold,
    ThresholdSpec,
    require_unique,
    resolve_threshold,
)
from readiness.config.targets import check_page, check_target

__all__ = [
    "Budget",
    "CheckOverride",
    "Component",
    "ComponentConfig",
    "ComponentName",
    "ConfigError",
    "FailAt",
    "GateConfig",
    "GatesFile",
    "OneOrMany",
    "Profile",
    "SuiteSettings",
    "Threshold",
    "ThresholdSpec",
    "TlsPolicy",
    "VerdictPolicy",
    "Waiver",
    "WatchPolicy",
    "check_page",
    "check_target",
    "load",
    "require_unique",
    "resolve_threshold",
]
