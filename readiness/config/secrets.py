"""The secret values a configuration holds, collected once into the run's Redactor.

Where secrets are found (docs/gates.md, "Secrets are redacted"):

- ``redact:``, the list gates.yaml gives (``${NAME}`` is read from the environment);
- the target URL's userinfo (its password, and ``user:password``, whose base64 is the Basic
  header a client sends) and credential-named query values (``?api_key=…``) in the target,
  the pages and any path or URL a suite's settings hold;
- ``headers:`` anywhere (browser, suites): the values of headers named like credentials
  (Authorization, Cookie, X-Api-Key, anything with auth, token, key, secret, session...),
  with a Bearer token and a Basic header's decoded password on their own;
- ``login: fields:`` (browser and security): the values of fields named like a password,
  token or key;
- ``cookies:`` anywhere, and the cookies of ``browser.storage_state`` when the file exists;
- any settings key named like a credential (``password:``, ``token:``, ``api_key:``);
- every value written as ``${NAME}`` anywhere: one kept out of the file is a secret.

Other header and field values (``Accept: text/html``, a user name) are not secrets: hiding
them would only garble the reports. Unset variables are skipped: the request that needs
one fails with its name, and a value never set cannot leak.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel

from readiness.core.redaction import (
    MIN_LENGTH,
    Redactor,
    authorization_parts,
    is_credential_name,
    userinfo_parts,
)

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Header names whose values are credentials (substrings, lower-case).
_SECRET_HEADER_WORDS = (
    "auth",
    "cookie",
    "credential",
    "key",
    "password",
    "secret",
    "session",
    "signature",
    "token",
)
# Login field names or CSS selectors whose values are credentials (substrings, lower-case).
_SECRET_FIELD_WORDS = ("pass", "pwd", "secret", "token", "key", "otp")


def expanded(value: str) -> str | None:
    """``value`` with every ``${NAME}`` read from the environment; None if one is unset."""
    try:
        return _ENV.sub(lambda m: os.environ[m.group(1)], value)
    except KeyError:
        return None


def redact_entries(entries: list[str]) -> list[tuple[int, str | None]]:
    """gates.yaml's ``redact:`` entries expanded, by index (None: a variable is unset)."""
    return [(i, expanded(entry)) for i, entry in enumerate(entries)]


def short_entry(entries: list[str]) -> tuple[int, str] | None:
    """The first ``redact:`` entry shorter than MIN_LENGTH once expanded, and why."""
    for index, value in redact_entries(entries):
        if value is not None and len(value) < MIN_LENGTH:
            return index, (
                f"a redact: value must have at least {MIN_LENGTH} characters ({len(value)}"
                " given): a shorter one occurs in ordinary text and would garble the reports"
            )
    return None


def build_redactor(
    *,
    redact: list[str],
    target: str | None,
    pages: Iterable[str],
    settings: Iterable[Any],
    storage_state: str | None = None,
) -> Redactor:
    """The run's Redactor: every secret value the configuration holds (module docstring).
    ``settings`` are the browser settings and each component's validated settings."""
    values = [v for _, v in redact_entries(redact) if v]
    for text in [target or "", *pages]:
        values += url_secrets(text)
    for model in settings:
        values += list(_walk(_plain(model)))
    if storage_state:
        values += _storage_cookies(Path(storage_state))
    return Redactor(values)


def url_secrets(text: str) -> list[str]:
    """The userinfo and credential-named query (and fragment) values in a URL or path."""
    if not any(c in text for c in "@?#"):
        return []
    try:
        parts = urlsplit(text)
        user, password = parts.username or "", parts.password or ""
    except ValueError:  # not a URL after all (a bracket in its authority)
        return []
    found = userinfo_parts(user, password)
    for query in (parts.query, parts.fragment):
        found += [v for k, v in parse_qsl(query, keep_blank_values=False) if is_credential_name(k)]
    return found


def _plain(model: Any) -> Any:
    return model.model_dump() if isinstance(model, BaseModel) else model


def _walk(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            name = str(name)
            if key == "headers" and isinstance(value, str):
                yield from _header(name, value)
            elif key == "cookies" and isinstance(value, str):
                yield from _secret(value, always=True)
            elif key == "fields" and isinstance(value, str):
                yield from _secret(value, always=_named(name, _SECRET_FIELD_WORDS))
            elif isinstance(value, str) and is_credential_name(name):
                yield from _secret(value, always=True)
            else:
                yield from _walk(value, name)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item, key)
    elif isinstance(node, str):
        yield from _secret(node, always=False)


def _header(name: str, value: str) -> Iterator[str]:
    if _named(name, _SECRET_HEADER_WORDS) or _ENV.search(value):
        full = expanded(value)
        if full:
            yield from authorization_parts(full)
            yield from _env_values(value)


def _secret(value: str, *, always: bool) -> Iterator[str]:
    """``value`` itself when ``always`` or written as ``${NAME}``, and what it names."""
    full = expanded(value)
    if full is None:
        return
    if always or _ENV.search(value):
        yield full
        yield from _env_values(value)
    yield from url_secrets(full)


def _env_values(value: str) -> Iterator[str]:
    """Each variable's own value (``Bearer ${TOKEN}``: the token alone may be echoed)."""
    for match in _ENV.finditer(value):
        found = os.environ.get(match.group(1))
        if found:
            yield found


def _named(name: str, words: tuple[str, ...]) -> bool:
    lower = name.lower()
    return any(word in lower for word in words)


def _storage_cookies(path: Path) -> list[str]:
    """The cookie values of a Playwright storage state (a file made later is not read)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cookies = state.get("cookies") if isinstance(state, dict) else None
    if not isinstance(cookies, list):
        return []
    return [c["value"] for c in cookies if isinstance(c, dict) and isinstance(c.get("value"), str)]
