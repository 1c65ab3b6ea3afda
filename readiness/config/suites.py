"""Where a component's suite lives, and its own settings model.

A suite is a folder of pytest modules (a package, so its modules can import each other)
with an optional ``settings.py`` declaring ``Settings``, a ``readiness.suite.SuiteSettings``
(pydantic, unknown keys forbidden) for its gates.yaml keys and declared thresholds.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

from readiness.config.suite_settings import SuiteSettings

# The suites shipped with the package: the checkout's suites/ folder, or its installed copy.
BUILTIN_SUITES = Path(__file__).resolve().parents[2] / "suites"


def find_suite_dir(base: Path, name: str, explicit: str | None) -> Path | None:
    if explicit:
        candidate = (base / explicit).resolve()
        return candidate if candidate.is_dir() else None
    for root in (base / "suites", BUILTIN_SUITES):
        if (root / name).is_dir():
            return (root / name).resolve()
    return None


class SuiteError(Exception):
    """A suite's settings module cannot be loaded; the message says why and what to do."""


def suite_settings_model(suite_dir: Path, name: str) -> type[SuiteSettings] | None:
    """The suite's own ``settings.py: Settings`` model, if it has one.

    This is how a suite adds its own configuration keys without touching the engine.
    """
    module_path = suite_dir / "settings.py"
    if not module_path.is_file():
        return None
    try:
        model = _load_settings(suite_dir, module_path, name)
    except SuiteError:
        raise
    except Exception as exc:  # a suite's own bug must read as one line, not a traceback
        raise SuiteError(f"{module_path} failed to load: {type(exc).__name__}: {exc}") from None
    if not (isinstance(model, type) and issubclass(model, SuiteSettings)):
        raise SuiteError(
            f"{module_path} must define `class Settings(readiness.suite.SuiteSettings)`"
            " (the suite contract: its keys, THRESHOLDS and NEEDS_BROWSER)"
        )
    return model


def _load_settings(suite_dir: Path, module_path: Path, name: str) -> object:
    if (suite_dir / "__init__.py").is_file():
        # Import under the dotted name pytest gives the suite's modules too (the packages
        # above it, as pytest's default import mode computes them), so the suite's tests and
        # this loader share one module and one Settings class.
        root, dotted = package_name(module_path)
        top = dotted.split(".")[0]
        loaded = sys.modules.get(top)
        loaded_from = next(iter(getattr(loaded, "__path__", None) or []), None)
        if loaded_from and Path(loaded_from).resolve() != (root / top).resolve():
            raise SuiteError(
                f"package name '{top}' of {suite_dir} is already taken by"
                f" {loaded_from}; rename the folder that holds your suites"
                f" (e.g. {top}_local) or give it no __init__.py"
            )
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        return getattr(importlib.import_module(dotted), "Settings", None)
    spec = importlib.util.spec_from_file_location(f"readiness_suite_settings_{name}", module_path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "Settings", None)


def package_name(module_path: Path) -> tuple[Path, str]:
    """(import root, dotted module name) for a module inside ``__init__.py`` packages."""
    parts = [module_path.stem]
    folder = module_path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)
