"""Turn pydantic's validation errors into sentences that say what was expected."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel

from readiness.core.redaction import redact_url

# Errors of a union's branch that the value is not even shaped like (a name where a mapping
# was given, or the reverse): the branch the user meant has the informative error.
_WRONG_SHAPE = frozenset({"model_type", "model_attributes_type", "dict_type", "literal_error"})


def best_error(errors: list[Any], data: Any) -> tuple[Any, tuple]:
    """The error to report, and its location in ``data`` (the raw YAML) without pydantic's
    union-branch tags (``literal['a','b']``, a model's class name).

    A misspelt key comes first (the required key it was meant to be is only "missing"); then
    any error but those of a union branch of the wrong shape, e.g. for ``throttling:
    {cpu_slowdown: 0}`` the limit on cpu_slowdown, not "should be 'none', 'desktop' or
    'mobile'"."""
    ranked = sorted(
        errors,
        key=lambda e: (e["type"] != "extra_forbidden", _wrong_shape(e, errors)),
    )
    chosen = ranked[0]
    return chosen, _data_loc(tuple(chosen["loc"]), data)


def _wrong_shape(error: Any, errors: list[Any]) -> bool:
    if error["type"] not in _WRONG_SHAPE or len(errors) == 1:
        return False
    return error["type"] != "literal_error" or isinstance(error.get("input"), dict | list)


def _data_loc(loc: tuple, data: Any) -> tuple:
    """``loc`` less the segments that name a union branch rather than a key of ``data``."""
    kept: list[Any] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif isinstance(part, str) and (part.startswith("literal[") or part[:1].isupper()):
            continue  # a branch tag; the value itself is still at ``node``
        else:
            node = None  # a missing key, or below one
        kept.append(part)
    return tuple(kept)


def explain(
    error: Any,
    model: type[BaseModel] | None,
    loc: tuple,
    also: list[str] | None = None,
    *,
    root: type[BaseModel] | None = None,
    prefix: tuple = (),
) -> str:
    """Turn a pydantic error into a sentence that says what was expected.

    ``also``: keys allowed next to the model's own at the top level (a component's common keys
    beside its suite's settings). ``root``: the whole file's model, with ``prefix`` the place
    of ``model`` in it; an unknown key that is a key of another section of the file then says
    where it belongs, rather than suggesting the closest spelling of a key that is allowed."""
    if error["type"] == "extra_forbidden":
        return _unknown_key(model, loc, also, root, prefix)
    if error["type"] == "missing":
        return "required key is missing"
    got = error.get("input")
    # A URL's password or token must not reach the terminal or a CI log in an error line.
    shown = "" if isinstance(got, dict | list) else f" (got {_hidden(got)!r})"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"].startswith("date"):
        message += "; write dates as YYYY-MM-DD"
    return f"{message}{shown}"


def _hidden(value: Any) -> Any:
    return redact_url(value) if isinstance(value, str) else value


def _unknown_key(
    model: type[BaseModel] | None,
    loc: tuple,
    also: list[str] | None,
    root: type[BaseModel] | None,
    prefix: tuple,
) -> str:
    key = str(loc[-1])
    message = f"unknown key '{key}'"
    # A key of another section is no typo: the closest allowed spelling would mislead.
    elsewhere = belongs_elsewhere(root, key, (*prefix, *loc[:-1])) if root is not None else None
    if elsewhere:
        return f"{message}; {elsewhere}"
    allowed = allowed_keys(model, loc[:-1]) if model else []
    if also and len(loc) == 1:
        allowed = list(dict.fromkeys([*also, *allowed]))
    hint = difflib.get_close_matches(key, allowed, n=1)
    if hint:
        return f"{message}; did you mean '{hint[0]}'?"
    if allowed:
        return f"{message} (expected one of: {', '.join(allowed)})"
    return message


def allowed_keys(model: Any, loc: tuple) -> list[str]:
    """Field names of the model found by walking ``loc`` through the schema (best effort)."""
    current: Any = model
    for part in loc:
        current = _unwrap_optional(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return []
            current = info.annotation
            continue
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        if origin is dict:
            current = args[1]
        elif origin is list:
            current = args[0]
        else:
            return []
    current = _unwrap_optional(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        # As the file writes them: a field with an alias (watch's `for`) is known by it.
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def belongs_elsewhere(root: type[BaseModel], key: str, parent: tuple) -> str | None:
    """Where ``key`` belongs when it is unknown at ``parent`` but is a key of the top level or
    of one of its sections (``browser:``, ``tls:``...), looked up in ``root``'s schema: e.g.
    "'login' belongs under 'browser:' (top level), not under a component". None when it is
    not, or when ``parent`` lies inside a suite's own settings (deeper than a component),
    where a key of the same name may mean something else."""
    here = _place(root, parent)
    if here is None:
        return None
    homes = [section for section in _sections(root) if key in allowed_keys(root, section)]
    if not homes:
        return None
    # "(top level)" says that 'browser:' is the file's own key, unless we are there already.
    there = " or ".join(
        f"under '{s[0]}:'{' (top level)' if parent else ''}" if s else "at the top level"
        for s in homes
    )
    return f"'{key}' belongs {there}, not {here}"


def _sections(root: type[BaseModel]) -> list[tuple[str, ...]]:
    """The top level and each top-level key whose value is a mapping of fixed keys."""
    return [
        (),
        *((name,) for name, info in root.model_fields.items() if _is_model(info.annotation)),
    ]


def _place(root: type[BaseModel], parent: tuple) -> str | None:
    """How a message names ``parent``: the top level, a section, or an entry of a top-level
    collection (a component, a waiver); None below those."""
    if not parent:
        return "at the top level"
    info = root.model_fields.get(str(parent[0]))
    if info is None:
        return None
    if len(parent) == 1 and _is_model(info.annotation):
        return f"under '{parent[0]}:'"
    container = _unwrap_optional(info.annotation)
    if len(parent) == 2 and typing.get_origin(container) in (dict, list):
        entry = _unwrap_optional(typing.get_args(container)[-1])
        if _is_model(entry) and _takes_any_key(entry):
            # An entry with a mapping of any keys (a profile's overrides) may be where the key
            # was meant to go, not the top level: no hint rather than a wrong one.
            return None
        # The collection's own name in the singular: "components" holds components.
        return f"under a {str(parent[0]).removesuffix('s')}"
    return None


def _takes_any_key(model: type[BaseModel]) -> bool:
    """Whether a field of ``model`` is a mapping of arbitrary keys to arbitrary values."""
    return any(
        typing.get_origin(info.annotation) is dict and typing.get_args(info.annotation)[1] is Any
        for info in model.model_fields.values()
    )


def _is_model(annotation: Any) -> bool:
    current = _unwrap_optional(annotation)
    return isinstance(current, type) and issubclass(current, BaseModel)


def _unwrap_optional(annotation: Any) -> Any:
    """The type inside Optional[...] and Annotated[...] (e.g. config.Budget is a Threshold)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        # A union with a model in it (a preset name or its own settings) walks into the model.
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        annotation = (models or args or [None])[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation
