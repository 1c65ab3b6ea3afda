"""Turn pydantic's validation errors into sentences that say what was expected."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel

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
    error: Any, model: type[BaseModel] | None, loc: tuple, also: list[str] | None = None
) -> str:
    """Turn a pydantic error into a sentence that says what was expected.

    ``also``: keys allowed next to the model's own at the top level (a component's common keys
    beside its suite's settings)."""
    if error["type"] == "extra_forbidden":
        allowed = allowed_keys(model, loc[:-1]) if model else []
        if also and len(loc) == 1:
            allowed = list(dict.fromkeys([*also, *allowed]))
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        message = f"unknown key '{loc[-1]}'"
        if hint:
            message += f"; did you mean '{hint[0]}'?"
        elif allowed:
            message += f" (expected one of: {', '.join(allowed)})"
        return message
    if error["type"] == "missing":
        return "required key is missing"
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"].startswith("date"):
        message += "; write dates as YYYY-MM-DD"
    return f"{message}{shown}"


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
        return list(current.model_fields)
    return []


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
