"""The load suite's pure parts on literals: Locust output -> statistics, safety, thresholds,
scenario -> locustfile, settings caps. Locust itself is never imported here (gevent)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from readiness.config import CheckOverride, Component, Threshold
from readiness.suite import UndeclaredThreshold
from suites.load.conftest import endpoint_threshold
from suites.load.locustfile import SECRET_PREFIX, render, scenario_dict
from suites.load.plan import _abort_rules
from suites.load.runner import LoadPlan, MasterSpec, is_loopback, load_refusal
from suites.load.settings import Endpoint, Settings, seconds
from suites.load.stats import (
    EntryStats,
    HistoryRow,
    aggregate,
    availability,
    distribution,
    parse_errors,
    parse_history_csv,
    parse_stats_json,
    percentile,
    rps,
    time_series,
)

STATS_JSON = json.dumps(
    [
        {
            "name": "home",
            "method": "GET",
            "num_requests": 100,
            "num_failures": 5,
            "response_times": {"10": 50, "20": 40, "300": 9, "1000": 1},
            "total_response_time": 4800.0,
            "start_time": 1000.0,
            "last_request_timestamp": 1004.0,
            "num_reqs_per_sec": {"1000": 20, "1001": 30, "1002": 25, "1003": 25},
            "num_fail_per_sec": {"1002": 5},
        },
        {
            "name": "api",
            "method": "POST",
            "num_requests": 20,
            "num_failures": 20,
            "response_times": {"5": 20},
            "total_response_time": 100.0,
            "start_time": 1000.5,
            "last_request_timestamp": 1005.0,
            "num_reqs_per_sec": {"1003": 10, "1004": 10},
            "num_fail_per_sec": {"1003": 10, "1004": 10},
        },
    ]
)

HISTORY_CSV = """Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,Total Request Count
1000,2,GET,home,0,0,10,20,10
1000,2,,Aggregated,0,0,10,20,10
1001,4,,Aggregated,0,0,10,N/A,50
1003,4,,Aggregated,0,0,10,300,100
"""


def test_stats_json_percentiles_follow_locusts_histogram_rule() -> None:
    home, api = parse_stats_json(STATS_JSON)
    assert (home.name, home.requests, home.failures) == ("home", 100, 5)
    # Locust's rule (checked against locust.stats.calculate_response_time_percentile): the
    # smallest bucket with more than the share of requests at or below it, so exactly 50 of
    # 100 at 10 ms makes the median 20, and 90 at or below 20 ms makes p90 300.
    shares = (0.5, 0.9, 0.95, 0.99, 1.0)
    assert [percentile(home.histogram, p) for p in shares] == [20, 300, 300, 1000, 1000]
    assert percentile(home.histogram, 0.49) == 10
    assert home.error_ratio == 0.05
    assert percentile(api.histogram, 0.95) == 5
    # Locust's histogram holds every request; the latency checks use the successes only.
    assert home.successes is None and home.percentile(0.95) is None


def test_aggregate_merges_histograms_and_seconds() -> None:
    entries = parse_stats_json(STATS_JSON)
    total = aggregate(entries)
    assert (total.requests, total.failures) == (120, 25)
    assert total.histogram[5] == 20 and total.histogram[10] == 50
    assert total.per_second[1003] == 35 and total.failures_per_second[1003] == 10
    assert (total.start, total.last) == (1000.0, 1005.0)
    assert rps(total, total) == 24.0  # 120 requests over 5 s
    assert rps(entries[1], total) == 4.0  # an endpoint's rate over the whole run's window


def test_empty_stats_have_no_percentile_or_rate() -> None:
    total = aggregate(parse_stats_json("[]"))
    assert total.percentile(0.95) is None and total.error_ratio is None
    assert percentile({}, 0.5) is None
    assert rps(total, total) is None


def test_history_and_time_series() -> None:
    history = parse_history_csv(HISTORY_CSV)
    assert [(r.timestamp, r.users, r.p95_ms) for r in history] == [
        (1000, 2, 20.0),
        (1001, 4, None),
        (1003, 4, 300.0),
    ]
    points = time_series(history, aggregate(parse_stats_json(STATS_JSON)))
    assert [p.t for p in points] == [0, 1, 2, 3, 4]
    assert [p.users for p in points] == [2, 4, 4, 4, 4]  # 1002 and 1004 carried forward
    assert [p.rps for p in points] == [20, 30, 25, 35, 10]
    assert [p.errors_per_s for p in points] == [0, 0, 5, 10, 10]


def test_availability_counts_seconds_where_most_requests_failed() -> None:
    total = aggregate(parse_stats_json(STATS_JSON))
    # Failure shares per second: 0, 0, 0.2, 10/35, 1.0 -> only the last is down at 0.5.
    found = availability(total, down_ratio=0.5)
    assert (found.ratio, found.seconds, found.down) == (0.8, 5, [4])
    assert availability(total, down_ratio=0.2).down == [2, 3, 4]
    assert availability(aggregate([]), 0.5).ratio is None


def _seconds(ok: dict[int, int], failed: dict[int, int] | None = None) -> EntryStats:
    """An endpoint's completions per second (all of them, failed ones included)."""
    failed = failed or {}
    counts = {s: ok.get(s, 0) + failed.get(s, 0) for s in set(ok) | set(failed)}
    return EntryStats("x", "GET", sum(counts.values()), sum(failed.values()), {50: 1}, 0.0,
                      0.0, counts, failed)  # fmt: skip


def _users(level: int, *seconds: int) -> list[HistoryRow]:
    return [HistoryRow(s, level, None) for s in seconds]


def test_a_hung_target_is_down_while_nothing_is_answered() -> None:
    # Users ran 100..109; answers stopped after 102: a silence to the end of the run.
    hung = availability(_seconds({100: 9, 101: 9, 102: 9}), 0.5, _users(4, *range(100, 110)))
    assert (hung.seconds, hung.down, hung.silent) == (10, [3, 4, 5, 6, 7, 8, 9], 7)
    # Without the history (no user counts) the silence cannot be seen: old behaviour.
    assert availability(_seconds({100: 9, 101: 9, 102: 9}), 0.5).ratio == 1.0


def test_a_silence_takes_the_state_of_the_answers_that_end_it() -> None:
    users = _users(4, *range(100, 106))
    # A hang that ends in timeouts (failures at 105): 103 and 104 were down too.
    timeouts = availability(_seconds({100: 9, 101: 9, 102: 9}, {105: 4}), 0.5, users)
    assert timeouts.down == [3, 4, 5] and timeouts.silent == 2
    # Slow answers that succeed (at 105): the silence was a slow target, not a down one.
    slow = availability(_seconds({100: 9, 101: 9, 102: 9, 105: 4}), 0.5, users)
    assert slow.down == [] and slow.ratio == 1.0 and slow.silent == 2


def test_a_short_silence_at_the_end_is_the_run_stopping_not_an_outage() -> None:
    # Users still counted at 103, no answer: under quiet_s, so not judged at all.
    found = availability(_seconds({100: 9, 101: 9, 102: 9}), 0.5, _users(4, *range(100, 104)),
                         quiet_s=1.5)  # fmt: skip
    assert (found.ratio, found.seconds) == (1.0, 3)
    # A ramp's pause (0 users) is not judged and splits the run: 101-102 are its own end.
    paused = _users(4, 100) + _users(0, 101, 102) + _users(4, 103, 104)
    found = availability(_seconds({100: 9, 103: 9, 104: 9}), 0.5, paused)
    assert (found.ratio, found.seconds) == (1.0, 3)


def test_errors_are_grouped_most_frequent_first() -> None:
    text = json.dumps(
        {
            "a": {"method": "GET", "name": "x", "error": "HTTP 500", "occurrences": 3},
            "b": {"method": "GET", "name": "y", "error": "timeout", "occurrences": 9},
        }
    )
    assert [(f.name, f.count) for f in parse_errors(text)] == [("y", 9), ("x", 3)]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("localhost.example.com", False),
        ("staging.example.invalid", False),
    ],
)
def test_is_loopback_never_resolves_names(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_load_refusal_needs_both_the_file_and_the_command_line() -> None:
    remote = "https://staging.example.invalid:8443"
    assert load_refusal("http://127.0.0.1:8000", False, []) is None
    assert "not loopback" in (load_refusal(remote, False, ["staging.example.invalid"]) or "")
    assert "--allow-load-on" in (load_refusal(remote, True, []) or "")
    assert load_refusal(remote, True, ["other.example.invalid"]) is not None
    assert load_refusal(remote, True, ["staging.example.invalid"]) is None
    assert load_refusal(remote, True, ["STAGING.example.invalid:8443"]) is None


def _component(thresholds: dict[str, Threshold], blocking: bool = False, **checks) -> Component:
    settings = Settings.model_validate({"abort_on_fail": True, "abort_grace": "2s"})
    overrides = {k: CheckOverride(**v) for k, v in checks.items()}
    return Component("load", 15, blocking, Path("."), thresholds, overrides, settings)


def test_thresholds_defaults_and_floors() -> None:
    comp = _component({"min_rps": Threshold(good=50, poor=50)})
    assert comp.threshold("p95_ms") == Threshold(good=1000, poor=3000)  # default
    assert comp.threshold("p99_ms") is None  # not planned
    floor = comp.threshold("min_rps")
    assert floor is not None and floor.higher_is_better  # a bare RPS number is a minimum
    with pytest.raises(UndeclaredThreshold):
        comp.threshold("p90_ms")


def test_an_endpoints_own_budget_wins() -> None:
    comp = _component({"p50_ms": Threshold(good=50, poor=50)})
    own = Endpoint.model_validate({"path": "/", "p50_ms": 10})
    assert endpoint_threshold(comp, own, "p50_ms") == Threshold(good=10, poor=10)
    assert endpoint_threshold(comp, Endpoint(path="/x"), "p50_ms") == Threshold(good=50, poor=50)
    assert endpoint_threshold(comp, Endpoint(path="/x"), "p99_ms") is None  # not planned
    assert endpoint_threshold(comp, None, "p95_ms") == Threshold(good=1000, poor=3000)


def test_abort_rules_only_for_blocking_thresholds() -> None:
    limits = {
        "p95_ms": Threshold(good=100, poor=300),
        "error_ratio": Threshold(good=0.01, poor=0.01),
    }
    assert _abort_rules(_component(limits))["rules"] == []  # advisory component: never abort
    rules = _abort_rules(_component(limits, blocking=True))
    assert {r["metric"]: (r["share"], r["poor"], r["budget"]) for r in rules["rules"]} == {
        "p95_ms": (0.95, 300, False),
        "error_ratio": (0.0, 0.01, True),
    }
    assert rules["grace_s"] == 2 and rules["most_failed"] == 0.5
    only_p95 = _abort_rules(_component(limits, **{"load.p95": {"blocking": True}}))
    assert [r["metric"] for r in only_p95["rules"]] == ["p95_ms"]


def _scenario(**extra) -> dict:
    base = dict(
        host="https://127.0.0.1:8443",
        endpoints=[{"name": "home", "method": "GET", "path": "/", "weight": 3}],
        think_time_s=(0.5, 1.5),
        stages=[],
        spawn_rate=5.0,
        client="fast",
        verify=True,
        timeout_s=10.0,
        out_dir="/tmp/out",
        abort=None,
    )
    base.update(extra)
    return scenario_dict(**base)


def _embedded(source: str) -> dict:
    """The scenario literal inside a generated locustfile, read back without running it."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SCENARIO":
            return json.loads(ast.literal_eval(node.value.args[0]))
    raise AssertionError("no SCENARIO in the locustfile")


def test_generated_locustfile_embeds_the_scenario() -> None:
    scenario = _scenario(
        endpoints=[{"name": "q'\"", "method": "POST", "path": "/x", "body": "'''"}]
    )
    source = render(scenario)
    compile(source, "locustfile.py", "exec")
    assert _embedded(source) == scenario  # quotes in names or bodies survive the round trip
    assert "GateUser = _user_class(SCENARIO)" in source
    assert "GateShape" not in source.split("# --- the scenario")[1]
    assert scenario["think_time_s"] == [0.5, 1.5]
    assert scenario["endpoints"][0]["status"] == [200]


def test_generated_locustfile_with_stages_defines_a_shape() -> None:
    stages = [{"users": 10, "duration_s": 10, "spawn_rate": None}, {"users": 0, "duration_s": 5}]
    source = render(_scenario(stages=stages))
    assert 'GateShape = _shape_class(SCENARIO["stages"], SCENARIO["spawn_rate"])' in source


def test_user_locustfile_is_wrapped_not_replaced_by_the_scenario(tmp_path: Path) -> None:
    user = tmp_path / "mine.py"
    source = render(_scenario(), user)
    compile(source, "locustfile.py", "exec")
    assert repr(str(user.resolve())) in source
    assert "_install_hooks(SCENARIO)" in source and "GateUser =" not in source


def test_the_locustfile_reads_secrets_with_the_prefix_the_gate_writes() -> None:
    # The template cannot import locustfile.py (it runs inside Locust): the copies agree.
    assert f'SECRET_PREFIX = "{SECRET_PREFIX}"' in render(_scenario())


def test_plan_commands_use_locusts_own_distributed_mode(tmp_path: Path) -> None:
    remote = LoadPlan(tmp_path / "lf.py", tmp_path, "http://127.0.0.1:1", 8, 4.0, 5, 40.0,
                      MasterSpec("0.0.0.0", 5599, 2, 30))  # fmt: skip
    main = remote.main_command()
    for flag in ("--headless", "--csv-full-history", "--master", "--expect-workers"):
        assert flag in main
    assert "--processes" not in main
    assert main[main.index("-t") + 1] == "5s" and main[main.index("-u") + 1] == "8"
    assert main[main.index("--json-file") + 1] == str(tmp_path / "locust")
    worker = remote.worker_command("10.1.2.3", "-")
    assert worker[worker.index("-f") + 1] == "-" and "--worker" in worker
    assert worker[worker.index("--master-port") + 1] == "5599"
    staged = LoadPlan(tmp_path / "lf.py", tmp_path, "http://127.0.0.1:1", None, 4.0, None, 40.0)
    assert "-u" not in staged.main_command() and "-t" not in staged.main_command()


def test_local_workers_are_forked_by_the_master(tmp_path: Path) -> None:
    # --processes: Locust forks the workers after its import (no second import each); it
    # implies --master and --expect-workers, which it refuses alongside.
    local = LoadPlan(tmp_path / "lf.py", tmp_path, "http://127.0.0.1:1", 8, 4.0, 5, 40.0,
                     MasterSpec("127.0.0.1", 5599, 2, 30, local=True))  # fmt: skip
    main = local.main_command()
    assert main[main.index("--processes") + 1] == "2"
    assert "--master" not in main and "--expect-workers" not in main
    for flag in ("--master-bind-port", "--master-port"):
        assert main[main.index(flag) + 1] == "5599"
    assert main[main.index("--master-host") + 1] == "127.0.0.1"


def test_durations_and_caps() -> None:
    assert [seconds(v) for v in ("30s", "2m", "1m30s", "1h", 7)] == [30, 120, 90, 3600, 7]
    with pytest.raises(ValueError, match="not a duration"):
        seconds("soon")
    ok = Settings.model_validate({"users": 200, "duration": "5m"})
    assert ok.planned_seconds == 300 and ok.peak_users == 200
    with pytest.raises(ValidationError) as users:
        Settings.model_validate({"limits": {"users": 10}, "users": 11})
    assert users.value.errors()[0]["loc"] == ("users",)
    with pytest.raises(ValidationError) as stages:
        Settings.model_validate({"stages": [{"users": 201, "duration": 1}]})
    assert "stage 0: 201 users exceed the cap of 200" in str(stages.value)
    with pytest.raises(ValidationError):
        Settings.model_validate({"limits": {"users": 999_999}})  # above the hard ceiling
    with pytest.raises(ValidationError, match="mode 'master'"):
        Settings.model_validate({"mode": "master", "workers": 2})


def test_distribution_has_percentiles_by_locusts_rule_and_coarse_bins() -> None:
    successes = {1: 10, 6: 44, 27: 3, 1500: 20}
    found = distribution(successes)
    assert found is not None and found["requests"] == 77
    rows = dict(found["percentiles"]["rows"])
    assert rows[50.0] == percentile(successes, 0.5) == 6
    assert rows[95.0] == percentile(successes, 0.95) == 1500
    assert rows[100.0] == 1500  # the slowest bucket
    # From the first non-empty bin to the last, the empty ones between kept as zero.
    bins = found["histogram"]["rows"]
    assert bins[0] == [1, 2, 10] and bins[-1] == [1000, 2000, 20]
    assert [1, 2, 10] in bins and [5, 10, 44] in bins and [20, 50, 3] in bins
    assert sum(n for _, _, n in bins) == 77
    assert distribution({}) is None
    # The last bin is open-ended.
    assert distribution({60_000: 1})["histogram"]["rows"] == [[50_000, None, 1]]
