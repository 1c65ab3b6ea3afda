"""Turn pydantic's validation errors into sentences that say what was expected."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel


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
        annotation = next((a for a in typing.get_args(annotation) if a is not type(None)), None)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation
