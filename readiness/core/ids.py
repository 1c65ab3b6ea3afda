"""Check ids: how waivers and gates.yaml's per-check overrides name them (pure)."""

from __future__ import annotations

import fnmatch


def matches(check_id: str, pattern: str) -> bool:
    """Check ids in waivers and overrides are exact ids or shell-style globs."""
    return fnmatch.fnmatchcase(check_id, pattern)
