"""A suite whose checks misbehave on purpose: the engine must classify every one correctly.

Used by tests/test_engine.py; never run directly.
"""

import os
import time

import pytest

from readiness.suite import Threshold, check, evidence, failed, observed


@pytest.fixture
def seen():
    """An observation that was made: what the honest checks below judge."""
    return observed("literal answer", 1)


@pytest.fixture
def lost():
    """An observation that failed, as a timed-out request would."""
    return failed("GET /slow", "timed out after 10 s")


@pytest.fixture
def empty():
    return []


@check(observes="seen")
def test_passes(check, seen) -> None:
    check.expect(True, value=seen.data, expected=1)


@check(observes="seen")
def test_records_failure(check, seen) -> None:
    check.expect(False, value=500, expected=200, evidence=[evidence.text("body", "oops")])


def test_plain_assert(check) -> None:
    assert 1 + 1 == 3, "arithmetic is broken"


def test_raises(check) -> None:
    raise ConnectionError("socket closed by peer")


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text for you")


def test_raises_unprintable(check) -> None:
    raise Unprintable()


def test_records_nothing(check) -> None:
    pass


@check(observes="seen")
def test_metric_between_bands(check, seen) -> None:
    check.metric(700, threshold=Threshold(good=500, poor=1000), unit="ms", samples=[690, 700, 710])


@check(observes="seen")
def test_fails_at_good(check, seen) -> None:
    check.metric(700, threshold=Threshold(good=500, poor=1000), unit="ms")


@check(observes="seen")
def test_metric_no_data(check, seen) -> None:
    check.metric(None, threshold=Threshold(good=500, poor=1000), unit="ms")


def test_skips(check) -> None:
    check.skip("opt-in only")


@pytest.fixture
def broken_gatherer():
    raise TimeoutError("gatherer timed out")


def test_gather_fails(check, broken_gatherer) -> None:
    check.expect(True)


@check(observes="lost")
def test_observation_failed(check, lost) -> None:
    # Never reached: a failed observation ends the check before its judgement.
    check.expect(True, value="judged anyway")


@check(observes="empty")
def test_observes_nothing(check, empty) -> None:
    check.expect(True, value="judged anyway")


def test_judges_without_observing(check) -> None:
    check.expect(True, value="a pass from nowhere")


def test_observes_inline(check) -> None:
    check.observe(failed("TLS handshake", "certificate expired"))
    check.expect(True, value="judged anyway")


@check(observes="seen", applies=lambda plan: plan.settings is not None)
def test_does_not_apply(check, seen) -> None:
    check.expect(True)


@check("engine.custom-id", title="A custom title", observes="seen")
def test_custom_id(check, seen) -> None:
    check.expect(True, value="ok")


@check(observes="seen")
def test_waived_failure(check, seen) -> None:
    check.expect(False, value="missing", expected="present")


@pytest.mark.parametrize("page", ["/a", "/b"])
@check(observes="seen")
def test_param(check, page, seen) -> None:
    check.expect(True, value=page)


@check(observes="seen")
def test_target_html(check, target, component, seen) -> None:
    check.expect(component.settings is None, value=target)


@check(observes="seen")
def test_slow(check, seen) -> None:
    # Long enough to be interrupted by the engine test; skipped in other runs.
    marker = os.environ.get("ENGINE_SLOW")
    if not marker:
        check.skip("slow check only runs when interrupted on purpose")
    open(marker, "w").close()  # tells the engine test that the check is under way
    time.sleep(60)
    check.expect(True)


@check(blocking=False, weight=3, observes="seen")
def test_advisory_by_default(check, seen) -> None:
    check.expect(False, value="weak", expected="strong")


@check(blocking=False, observes="seen")
def test_override_makes_blocking(check, seen) -> None:
    check.expect(False, value="weak", expected="strong")
