"""A suite whose checks misbehave on purpose: the engine must classify every one correctly.

Used by tests/test_engine.py; never run directly.
"""

import os
import time

import pytest

from readiness import evidence
from readiness.config import Threshold


def test_passes(check) -> None:
    check.expect(True, value=1, expected=1)


def test_records_failure(check) -> None:
    check.expect(False, value=500, expected=200, evidence=[evidence.text("body", "oops")])


def test_plain_assert(check) -> None:
    assert 1 + 1 == 3, "arithmetic is broken"


def test_raises(check) -> None:
    raise ConnectionError("socket closed by peer")


def test_records_nothing(check) -> None:
    pass


def test_metric_between_bands(check) -> None:
    check.metric(700, threshold=Threshold(good=500, poor=1000), unit="ms", samples=[690, 700, 710])


def test_metric_no_data(check) -> None:
    check.metric(None, threshold=Threshold(good=500, poor=1000), unit="ms")


def test_skips(check) -> None:
    check.skip("opt-in only")


@pytest.fixture
def broken_gatherer():
    raise TimeoutError("gatherer timed out")


def test_gather_fails(check, broken_gatherer) -> None:
    check.expect(True)


@pytest.mark.check("engine.custom-id", title="A custom title")
def test_custom_id(check) -> None:
    check.expect(True, value="ok")


def test_waived_failure(check) -> None:
    check.expect(False, value="missing", expected="present")


@pytest.mark.parametrize("page", ["/a", "/b"])
def test_param(check, page) -> None:
    check.expect(True, value=page)


def test_target_html(check, target, component) -> None:
    check.expect(component.settings is None, value=target)


def test_slow(check) -> None:
    # Long enough to be interrupted by the engine test; skipped in other runs.
    marker = os.environ.get("ENGINE_SLOW")
    if not marker:
        check.skip("slow check only runs when interrupted on purpose")
    open(marker, "w").close()  # tells the engine test that the check is under way
    time.sleep(60)
    check.expect(True)


@pytest.mark.check(blocking=False, weight=3)
def test_advisory_by_default(check) -> None:
    check.expect(False, value="weak", expected="strong")


@pytest.mark.check(blocking=False)
def test_override_makes_blocking(check) -> None:
    check.expect(False, value="weak", expected="strong")
