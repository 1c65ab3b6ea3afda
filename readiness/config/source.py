"""A gates file as read, and the located ConfigError for anything wrong in it.

Every step of loading reports through ``Source``, so each error names the same file, the line
of the key it is about (from the YAML, since pydantic knows no lines) and the dotted field.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from readiness.config.errors import ConfigError
from readiness.config.explain import allowed_keys, best_error, explain
from readiness.config.schema import GatesFile
from readiness.config.yamlpos import Path_, line_for


@dataclass(frozen=True)
class Source:
    path: Path  # as given: messages name the file the way the user did
    raw: dict[str, Any]  # the YAML's data, before validation
    lines: dict[Path_, int]  # key path -> 1-based line

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def base(self) -> Path:
        """The folder relative paths in the file (suites, CA bundle, storage state) start at."""
        return self.path.resolve().parent

    def error(self, message: str, loc: Path_, field: str | None = None) -> ConfigError:
        """A ConfigError at the line of ``loc``; its field is ``loc`` dotted unless given."""
        dotted = ".".join(str(p) for p in loc) if field is None else field
        return ConfigError(message, self.name, line_for(self.lines, loc), dotted)

    def invalid(self, error: ValidationError, data: Any, prefix: Path_ = ()) -> ConfigError:
        """The ConfigError for GatesFile's validation of ``data`` (the file, or the file with
        a profile's overrides merged: then ``prefix`` is where those overrides are written)."""
        first, loc = best_error(error.errors(), data)
        message, loc = _reworded(first, loc, data)
        return self.error(message, (*prefix, *loc))


def _reworded(first: Any, loc: tuple, data: Any) -> tuple[str, tuple]:
    """The message for pydantic's error ``first`` at ``loc``, and the location to name."""
    message = explain(first, GatesFile, loc, root=GatesFile)
    if first["type"] == "missing":
        typo = _typo_for_missing(data, loc)
        if typo is not None:
            # The misspelt key is the one written in the file: name it and its line.
            message = f"unknown key '{typo}'; did you mean '{first['loc'][-1]}'?"
            loc = (*loc[:-1], typo)
    if loc and loc[-1] == "[key]":  # pydantic's marker for a bad mapping key: name the key
        message = f"invalid name: {message}; use lower-case letters, digits, '-' or '_'"
        loc = loc[:-1]
    return message, loc


def _typo_for_missing(data: Any, loc: tuple) -> str | None:
    """The key next to a missing required key that looks like a misspelling of it, if any."""
    node: Any = data
    for part in loc[:-1]:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    if not isinstance(node, dict):
        return None
    known = set(allowed_keys(GatesFile, loc[:-1]))
    candidates = [str(k) for k in node if str(k) not in known]
    found = difflib.get_close_matches(str(loc[-1]), candidates, n=1)
    return found[0] if found else None
