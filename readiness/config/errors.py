"""The one error a bad gates file (or a bad --target/--page) raises.

It names the file, the line and the field, says what was expected, and is shown without a
traceback (exit 2).
"""

from __future__ import annotations


class ConfigError(Exception):
    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message, self.file, self.line, self.field = message, file, line, field
        where = ":".join(str(p) for p in (file, line) if p is not None)
        parts = [p for p in (where, field, message) if p]
        super().__init__(": ".join(parts))
