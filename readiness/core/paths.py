"""The one rule for paths in gates.yaml: they start with '/' and are joined to the target."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def url_path(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError("must start with '/' (it is joined to the target URL)")
    return value


# Use as a field type in any settings model: `path: UrlPath`.
UrlPath = Annotated[str, AfterValidator(url_path)]
