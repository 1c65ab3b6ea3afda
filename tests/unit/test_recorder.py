"""The recorder's observation rule on literals: what a failed observation leaves behind."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from readiness.core import evidence
from readiness.core.model import CheckMeta, Evidence, Outcome
from readiness.core.observation import NotAnObservation, failed, observed
from readiness.plugin.recorder import CheckRecorder, NotObserved


@dataclass
class Run:
    subject: str = "load run (10 users, 5 s)"
    failure: str | None = "Locust exited with code 1"
    evidence: list[Evidence] = field(
        default_factory=lambda: [evidence.text("Locust output (last lines)", "SyntaxError")]
    )


def recorder() -> CheckRecorder:
    return CheckRecorder(CheckMeta("load.p95", "load", "p95", True, 1.0))


def test_a_failed_observation_errors_the_check_with_its_evidence() -> None:
    check = recorder()
    with pytest.raises(NotObserved):
        check.observe(Run())
    assert check.result is not None and check.result.outcome is Outcome.ERRORED
    assert (
        check.result.message == "not observed: load run (10 users, 5 s): Locust exited with code 1"
    )
    assert [e.label for e in check.result.evidence] == ["Locust output (last lines)"]


def test_the_first_failed_observation_is_the_reason() -> None:
    check = recorder()
    with pytest.raises(NotObserved, match="GET /b: refused"):
        check.observe([observed("GET /a", 1), failed("GET /b", "refused"), failed("x", "y")])


def test_a_verdict_without_observation_is_errored() -> None:
    check = recorder()
    result = check.expect(True, value=1)
    assert result.outcome is Outcome.ERRORED and result.message.startswith("nothing was observed")


def test_something_that_is_not_an_observation_is_named() -> None:
    with pytest.raises(NotAnObservation, match="a dict, not an observation"):
        recorder().observe({"status": 200})


def test_api_latency_is_not_judged_when_most_requests_failed() -> None:
    from suites.performance.conftest import ApiTiming
    from suites.performance.settings import ApiEndpoint

    endpoint = ApiEndpoint(path="/api", requests=20)
    collapsed = ApiTiming(endpoint, [3.0] * 5, {"HTTP 500": 15})
    assert collapsed.failure == (
        "latency not judged: 15 of 20 requests failed (75.00%); the successful ones do not"
        " describe the service"
    )
    assert ApiTiming(endpoint, [3.0] * 15, {"HTTP 500": 5}).failure is None
