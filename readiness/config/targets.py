"""Checks of the target URL and of --page values, from the file or the command line."""

from __future__ import annotations

from urllib.parse import urlsplit

from readiness.config.errors import ConfigError
from readiness.core.paths import url_path
from readiness.core.redaction import redact_url


def check_target(target: str) -> str:
    shown = redact_url(target)  # the error is printed: never the URL's password or token
    try:
        parts = urlsplit(target)
    except ValueError:  # brackets that hold no IPv6 address
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"'{shown}' is not an absolute http(s) URL;"
            " use e.g. --target https://staging.example.com",
            field="target",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"'{shown}' has an invalid port", field="target") from None
    return target


def check_page(page: str) -> str:
    """A --page value: a path on the target, like gates.yaml's ``pages``."""
    try:
        return url_path(page)
    except ValueError as exc:
        raise ConfigError(f"--page '{page}' {exc}; use e.g. --page /about", field="pages") from None
