"""Fails to import on purpose: the engine must report the gap, not drop it."""

import module_that_does_not_exist  # noqa: F401


def test_never_collected(check) -> None:
    check.expect(True)
