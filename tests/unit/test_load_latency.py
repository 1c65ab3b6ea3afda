"""Latency under load on literals: percentiles over the successful requests only, and no
latency at all when most requests failed (a collapsing target is not fast). Locust itself is
never imported here (gevent)."""

from __future__ import annotations

import json
from pathlib import Path

from readiness.config import load as load_gates
from suites.load.results import (
    LoadResults,
    endpoint_entry,
    latency_observation,
    requests_observation,
)
from suites.load.settings import Endpoint, Settings
from suites.load.stats import (
    EntryStats,
    aggregate,
    latency_failure,
    parse_stats_json,
    parse_successes,
    with_successes,
)

REPO = Path(__file__).resolve().parents[2]

# Locust's own view: every request in one histogram, failed ones included. "home": 100
# requests, 40 failed in 1 ms (a refused or 500 answer), 60 succeeded in 200-400 ms.
# "api": 10 requests, 8 failed.
STATS_JSON = json.dumps(
    [
        {
            "name": "home",
            "method": "GET",
            "num_requests": 100,
            "num_failures": 40,
            "response_times": {"1": 40, "200": 30, "300": 20, "400": 10},
            "start_time": 1000.0,
            "last_request_timestamp": 1004.0,
        },
        {
            "name": "api",
            "method": "POST",
            "num_requests": 10,
            "num_failures": 8,
            "response_times": {"1": 8, "50": 2},
            "start_time": 1000.0,
            "last_request_timestamp": 1004.0,
        },
    ]
)
# The gate's own record (successes.json): the successful requests only.
SUCCESSES_JSON = json.dumps(
    [
        {"method": "GET", "name": "home", "response_times": {"200": 30, "300": 20, "400": 10}},
        {"method": "POST", "name": "api", "response_times": {"50": 2}},
    ]
)


def _entries() -> list[EntryStats]:
    return with_successes(parse_stats_json(STATS_JSON), parse_successes(SUCCESSES_JSON))


def _entry(requests: int, failures: int, successes: dict[int, int] | None) -> EntryStats:
    return EntryStats("x", "GET", requests, failures, {1: requests}, 0.0, 1.0, successes=successes)


def test_percentiles_are_taken_over_the_successful_requests_only() -> None:
    home, api = _entries()
    # Over all 100 (Locust's figure) the median would be 200 and p10 1 ms; over the 60
    # successes, Locust's rule gives the smallest bucket with more than the share below it.
    assert (home.succeeded, home.requests, home.failures) == (60, 100, 40)
    assert home.percentile(0.10) == 200
    assert home.percentile(0.50) == 300  # 30 of 60 at 200 ms: exactly half, so the next
    assert home.percentile(0.95) == 400
    assert api.percentile(0.50) == 50


def test_the_total_merges_the_successes_and_counts_all_requests() -> None:
    total = aggregate(_entries())
    assert (total.requests, total.failures, total.succeeded) == (110, 48, 62)
    assert total.successes == {50: 2, 200: 30, 300: 20, 400: 10}
    assert total.histogram[1] == 48  # Locust's histogram still holds the failures
    assert total.percentile(0.05) == 200  # 3 of 62 is past the 2 at 50 ms
    assert total.error_ratio == 48 / 110  # the error ratio is over all requests


def test_an_entry_absent_from_the_successes_had_none() -> None:
    only_home = json.dumps([{"method": "GET", "name": "home", "response_times": {"200": 60}}])
    home, api = with_successes(parse_stats_json(STATS_JSON), parse_successes(only_home))
    assert home.percentile(0.95) == 200
    assert api.successes == {} and api.percentile(0.95) is None
    # Without successes.json at all, nothing is known of the successes: no latency either.
    assert aggregate(parse_stats_json(STATS_JSON)).successes is None


def test_latency_is_not_judged_when_most_requests_failed() -> None:
    # The reproduced collapse: every request failed, in 1 ms.
    message = latency_failure(_entry(21929, 21929, {}))
    assert message == (
        "latency not judged: 21929 of 21929 requests failed (100.00%); the successful ones"
        " do not describe the service"
    )
    assert (latency_failure(_entry(100, 51, {300: 49})) or "").startswith(
        "latency not judged: 51 of 100 requests failed (51.00%)"
    )
    assert latency_failure(_entry(100, 50, {300: 50})) is None  # half is not most
    assert latency_failure(_entry(100, 0, {300: 100})) is None


def test_latency_is_not_judged_without_a_successful_response_time() -> None:
    assert latency_failure(_entry(10, 0, {})) == (
        "latency not judged: none of the 10 requests succeeded"
    )
    assert "not recorded" in (latency_failure(_entry(10, 0, None)) or "")
    assert latency_failure(_entry(0, 0, {})) == "no request completed"


def _results(entries: list[EntryStats], **changes) -> LoadResults:
    results = LoadResults(Settings(), entries=entries, total=aggregate(entries))
    for key, value in changes.items():
        setattr(results, key, value)
    return results


def test_the_load_run_is_an_observation() -> None:
    results = _results(_entries())
    assert results.subject == "load run (10 users, 10 s)"
    assert results.failure is None and results.measured
    crashed = _results([], error="Locust exited with code 1")
    assert crashed.failure == "Locust exited with code 1" and not crashed.measured
    # A refused target is no failed observation: the checks skip with the reason.
    refused = LoadResults(Settings(), skipped="load goes to loopback targets only")
    assert refused.failure is None and not refused.measured
    assert requests_observation(refused) is None and requests_observation(crashed) is None


def test_a_run_without_answers_has_no_requests_to_judge() -> None:
    hung = _results([], unanswered="no request was answered in 3 s with users running")
    found = requests_observation(hung)
    assert found is not None and found.failure == hung.unanswered
    assert hung.failure is None  # the run itself is observed: availability judges it
    ok = requests_observation(_results(_entries()))
    assert ok is not None and ok.failure is None and ok.data is not None


def test_latency_observations_carry_the_rule() -> None:
    home, api = entries = _entries()
    results = _results(entries)
    # 48 of 110 failed overall: the run's latency is observed; api's (8 of 10) is not.
    assert latency_observation(results.total, "all endpoints").failure is None
    failed = latency_observation(api, "api")
    assert failed.subject == "response times (api)"
    assert (failed.failure or "").startswith("latency not judged: 8 of 10 requests failed")
    assert latency_observation(home, "home").data is home
    missing = endpoint_entry(results, Endpoint(path="/nope"))
    assert missing.failure == "none in the run (names: ['api', 'home'])"
    assert endpoint_entry(results, Endpoint(path="/", name="api")).data is api


def test_the_shipped_gates_block_on_a_collapse_under_load() -> None:
    load = load_gates(REPO / "gates.yaml").components["load"]
    assert not load.blocking  # slow under load only warns...
    assert load.is_blocking("load.error_ratio") and load.is_blocking("load.availability")
    assert not load.is_blocking("load.p95")  # ...but failing requests and downtime block
