"""Checks of the target URL and of --page values, from the file or the command line."""

from __future__ import annotations

from urllib.parse import urlsplit

from readiness.config.errors import ConfigError
from readiness.core.paths import url_path


def check_target(target: str) -> str:
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"'{target}' is not an absolute http(s) URL;"
            " use e.g. --target https://staging.example.com",
            field="target",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"'{target}' has an invalid port", field="target") from None
    return target


def check_page(page: str) -> str:
    """A --page value: a path on the target, like gates.yaml's ``pages``."""
    try:
        return url_path(page)
    except ValueError as exc:
        raise ConfigError(f"--page '{page}' {exc}; use e.g. --page /about", field="pages") from None
