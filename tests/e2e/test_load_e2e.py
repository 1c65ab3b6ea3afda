"""The load suite end to end: the real gate runs real Locust against small servers on
127.0.0.1. Every run is small and short (a few users, 2-4 seconds)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import GateRunResult, closed_port, write_gates

pytestmark = pytest.mark.e2e

OK = ("200 OK", [("Content-Type", "text/plain")])


def fast_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response(*OK)
    return [b"ok"]


SLOW_S = 1.0  # SlowAndFast's /slow: far above what a loaded machine adds to a fast answer


class SlowAndFast:
    """/slow sleeps a known SLOW_S (a deliberately slow target: only the lower bound of
    what is measured depends on it); everything else answers at once."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/slow":
            time.sleep(SLOW_S)
        start_response(*OK)
        return [b"ok"]


class EveryFourthFails:
    """Every 4th request answers 500: a known 25 % error share, independent of timing."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            self.count += 1
            failing = self.count % 4 == 0
        start_response("500 Internal Server Error" if failing else "200 OK", OK[1])
        return [b"boom" if failing else b"ok"]


class FallsOverUnderLoad:
    """Answers the first request normally, then 500 at once to every other: a target that
    falls over the moment load starts (and answers its failures fast)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            self.count += 1
            first = self.count == 1
        start_response("200 OK" if first else "500 Internal Server Error", OK[1])
        return [b"ok" if first else b"down"]


class HangsAfter:
    """Answers its first ``answers`` requests, then nothing until released (a hung target:
    connections accepted, no response, no error). Counted, not timed: with no think time
    the answers take a fraction of the first second, however busy the machine."""

    def __init__(self, answers: int) -> None:
        self.answers = answers
        self.lock = threading.Lock()
        self.count = 0
        self.released = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            self.count += 1
            hangs = self.count > self.answers
        if hangs:
            self.released.wait(60)  # released when the test ends (see run_against_hang)
        start_response(*OK)
        return [b"ok"]


class Counting:
    """Counts the paths it serves (to see which traffic really arrived)."""

    def __init__(self, signal_at: int = 0) -> None:
        self.lock = threading.Lock()
        self.paths: Counter[str] = Counter()
        self.reached = threading.Event()  # set once ``signal_at`` requests have arrived
        self.signal_at = signal_at

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            self.paths[environ["PATH_INFO"]] += 1
            if self.signal_at and sum(self.paths.values()) >= self.signal_at:
                self.reached.set()
        start_response(*OK)
        return [b"ok"]


def gates(tmp_path: Path, url: str, load: str) -> str:
    body = "\n".join("    " + line for line in load.strip().splitlines())
    text = f"target: {url}\ncomponents:\n  load:\n    weight: 1\n{body}\n"
    return str(write_gates(tmp_path, text))


def shown(check: dict[str, Any], label: str) -> Any:
    """The content of the check's evidence labelled ``label``."""
    return next(e["content"] for e in check["evidence"] if e["label"] == label)


def run_against_hang(run_gate, serve, tmp_path: Path, answers: int, load: str) -> GateRunResult:
    """The gate's run against a target that hangs after ``answers`` answers; its hung
    requests are released afterwards, whatever happened."""
    app = HangsAfter(answers)
    path = gates(tmp_path, serve(app), load)
    try:
        return run_gate("--gates", path)
    finally:
        app.released.set()


def test_fast_endpoint_meets_its_thresholds(run_gate, serve, tmp_path: Path) -> None:
    url = serve(fast_app)
    path = gates(
        tmp_path,
        url,
        """
users: 4
duration: 2s
thresholds: {p50_ms: 500, p95_ms: {good: 1000, poor: 2000}, p99_ms: 2000,
             error_ratio: 0.001, min_rps: 20}
endpoints: [{path: /, name: home}]
""",
    )
    # Thresholds far above a loopback answer (a few ms; hundreds of requests a second), even
    # on a loaded machine: this is the passing path of every check, not a speed test (the
    # gate's own speed is benchmarks/load_rps.py's).
    result = run_gate("--gates", path)
    assert result.returncode == 0, result.stdout + result.stderr
    ids = ["load.p50", "load.p95", "load.p99", "load.p95.home", "load.error_ratio", "load.rps"]
    for check_id in [*ids, "load.availability"]:
        assert result.check(check_id)["outcome"] == "passed", result.check(check_id)
    assert result.check("load.rps")["value"] >= 20
    # The load lasted the configured 2 s: Locust's own log says it was given that limit
    # and that reaching it is what ended the run.
    log = (result.run_dir / "load" / "locust.log").read_text()
    assert "Run time limit set to 2 seconds" in log and RUN_TIME_REACHED in log, log[-2000:]


def shopper_locustfile(path: Path, name: str, *, imports: str = "", after: str = "") -> Path:
    """A user locustfile at ``path``: one FastHttpUser requesting /<name> (named ``name``)
    without pause; ``imports`` go at its top and ``after`` follows the class."""
    path.write_text(
        f"{imports}from locust import FastHttpUser, constant, task\n\n\n"
        "class Shopper(FastHttpUser):\n"
        "    wait_time = constant(0.01)\n\n"
        "    @task\n"
        f"    def {name}(self):\n"
        f"        self.client.get('/{name}', name='{name}')\n" + (f"\n\n{after}" if after else "")
    )
    return path


def successes(run_dir: Path) -> dict[str, int]:
    """Successful requests per name, by the generated locustfile's own record."""
    found = json.loads((run_dir / "load" / "successes.json").read_text())
    return {e["name"]: sum(e["response_times"].values()) for e in found}


def locust_counts(run_dir: Path) -> dict[str, tuple[int, int]]:
    """(requests, failures) per name, by Locust's own statistics."""
    found = json.loads((run_dir / "load" / "locust.json").read_text())
    return {e["name"]: (e["num_requests"], e["num_failures"]) for e in found}


def test_a_target_that_falls_over_under_load_is_no_go(run_gate, serve, tmp_path: Path) -> None:
    # The shipped gates.yaml's shape: an advisory load component whose error ratio and
    # availability block. Before, this ended GO: both only warned, and p95 passed at 1 ms,
    # taken over the 500s (Locust's histogram counts failed requests too).
    url = serve(FallsOverUnderLoad())
    path = gates(
        tmp_path,
        url,
        """
blocking: false
users: 4
duration: 2s
think_time: 0.01
thresholds: {p95_ms: {good: 500, poor: 1500}, error_ratio: {good: 0.001, poor: 0.01}}
checks: {load.error_ratio: {blocking: true}, load.availability: {blocking: true}}
endpoints: [{path: /, name: home}]
""",
    )
    result = run_gate("--gates", path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.readiness["verdict"] == "NO-GO"
    error_ratio = result.check("load.error_ratio")
    assert error_ratio["outcome"] == "failed" and error_ratio["value"] > 0.99, error_ratio
    availability = result.check("load.availability")
    assert availability["outcome"] == "failed", availability["message"]
    requests, failures = locust_counts(result.run_dir)["home"]
    assert requests > 10 and failures == requests - 1  # the first request only succeeded
    for check_id in ("load.p95", "load.p95.home"):
        p95 = result.check(check_id)
        assert p95["outcome"] == "errored", p95
        assert p95["value"] is None
        assert f"latency not judged: {failures} of {requests} requests failed" in p95["message"]
        assert "the successful ones do not describe the service" in p95["message"]
    assert successes(result.run_dir) == {"home": 1}


# What Locust logs when its --run-time ends the run (and not an abort, a crash or a stop).
RUN_TIME_REACHED = "--run-time limit reached"


def test_slow_endpoint_breaks_p95(run_gate, serve, tmp_path: Path) -> None:
    url = serve(SlowAndFast())
    path = gates(
        tmp_path,
        url,
        """
blocking: true
users: 4
duration: 3s
thresholds: {p95_ms: {good: 800, poor: 900}}
endpoints: [{path: /slow, name: slow}, {path: /fast, name: fast}]
""",
    )
    # The thresholds sit between the two endpoints by construction: /slow cannot answer
    # under SLOW_S (1000 ms > poor), and /fast would need a 800 ms p95 on loopback to warn.
    result = run_gate("--gates", path)
    assert result.returncode == 1, result.stdout + result.stderr
    slow = result.check("load.p95.slow")
    assert slow["outcome"] == "failed"
    # At least the known sleep, and every slow request answered (none cut off by the client
    # timeout): the value is the answers' own latency.
    assert slow["value"] >= SLOW_S * 1000, slow
    assert locust_counts(result.run_dir)["slow"][1] == 0
    assert result.check("load.p95.fast")["outcome"] == "passed"
    assert result.check("load.p95")["outcome"] == "failed"  # half of all requests are slow


def test_known_share_of_500s_breaks_the_error_ratio(run_gate, serve, tmp_path: Path) -> None:
    app = EveryFourthFails()
    path = gates(
        tmp_path,
        serve(app),
        """
users: 4
duration: 2s
thresholds: {error_ratio: 0.05}
endpoints: [{path: /, name: flaky}]
""",
    )
    result = run_gate("--gates", path)
    check = result.check("load.error_ratio")
    assert check["outcome"] == "warned"  # non-blocking component: a lost threshold warns
    # The server failed exactly every 4th request it answered; Locust counted them all but
    # the ones in flight when the run stopped (at most one per user, 4 here). Both counts,
    # not the machine's speed, bound the ratio.
    requests, failures = locust_counts(result.run_dir)["flaky"]
    answered = (requests, failures), app.count
    assert requests <= app.count <= requests + 4, answered
    assert failures <= app.count // 4 <= failures + 4, answered
    assert check["value"] == pytest.approx(failures / requests, abs=1e-6), check["message"]
    (count, method, name, error) = shown(check, "failures (grouped)")["rows"][0]
    assert (method, name) == ("GET", "flaky") and "HTTP 500" in error and count == failures
    # The latency checks count only the successes: the gate's own record of them is exact.
    assert successes(result.run_dir) == {"flaky": requests - failures}
    p95 = result.check("load.p95.flaky")
    assert f"successful of {requests} requests" in p95["message"], p95


def test_a_target_that_stops_answering_is_down_until_the_end(
    run_gate, serve, tmp_path: Path
) -> None:
    # Nothing fails: every answer is a 200, the hung requests are cut off at the stop
    # (before the 10 s client timeout). Only the silence shows the outage.
    load = "users: 2\nduration: 5s\nendpoints: [{path: /, name: hang}]"
    result = run_against_hang(run_gate, serve, tmp_path, 50, load)
    assert result.check("load.error_ratio")["value"] == 0
    check = result.check("load.availability")
    assert check["outcome"] == "warned", check["message"]
    # Up for the first second (its 50 answers), then silent to the end of the 5: about 4
    # seconds are down. The bound leaves room for where Locust's one-second buckets fall
    # (<= 0.6, i.e. at least 2 seconds down); the old rule, which skipped silent seconds,
    # gave 1.0.
    assert 0 < check["value"] <= 0.6, check["message"]
    assert "without any answer" in check["message"], check["message"]


def test_a_target_that_never_answers_is_down_not_unmeasured(
    run_gate, serve, tmp_path: Path
) -> None:
    load = "users: 2\nduration: 3s\nendpoints: [{path: /, name: hang}]"
    result = run_against_hang(run_gate, serve, tmp_path, 0, load)
    check = result.check("load.availability")
    assert check["outcome"] == "warned" and check["value"] == 0, check["message"]
    p95 = result.check("load.p95")
    assert p95["outcome"] == "errored" and "no request was answered" in p95["message"]


def test_ramp_stages_show_in_the_time_series(run_gate, serve, tmp_path: Path) -> None:
    url = serve(fast_app)
    path = gates(
        tmp_path,
        url,
        """
spawn_rate: 20
think_time: 0.05
stages:
  - {users: 2, duration: 2s}
  - {users: 5, duration: 2s}
  - {users: 0, duration: 1s}
""",
    )
    result = run_gate("--gates", path)
    rows = shown(result.check("load.p95"), "time series (for charts)")["rows"]
    users = [row[1] for row in rows if row[1] is not None]
    assert max(users) == 5
    assert 2 in users
    # 2 before 5: the ramp's order, not just its levels.
    assert users.index(2) < users.index(5)
    # The report draws the series and the distribution from the evidence; the suite no
    # longer writes a chart of its own.
    assert not (result.run_dir / "load" / "timeseries.svg").exists()
    found = shown(result.check("load.p95"), "response times (for charts)")
    percentiles = dict(found["percentiles"]["rows"])
    assert percentiles[95.0] == result.check("load.p95")["value"]
    assert sum(row[2] for row in found["histogram"]["rows"]) == found["requests"] > 0


def test_two_local_workers_are_merged_by_the_master(run_gate, serve, tmp_path: Path) -> None:
    app = Counting()
    url = serve(app)
    path = gates(
        tmp_path,
        url,
        """
workers: 2
users: 4
duration: 2s
think_time: 0.01
endpoints: [{path: /w, name: w}]
""",
    )
    result = run_gate("--gates", path)
    assert result.returncode == 0, result.stdout + result.stderr
    load_dir = result.run_dir / "load"
    # The master forks its workers (--processes 2): one log holds all three processes.
    log = (load_dir / "locust.log").read_text()
    assert "2 workers connected" in log
    assert log.count("Got quit message from master") == 2
    p95 = result.check("load.p95")
    assert shown(p95, "Locust run")["local_workers"] == {
        "expected": 2, "connected": 2, "lost": [], "missing_after_s": None
    }  # fmt: skip
    merged = shown(p95, "per endpoint")["rows"][0][2]
    # The master's total must be both workers' traffic: what the server answered, give or
    # take the requests cut off at stop. One worker's share alone would be about half.
    assert 0.9 * app.paths["/w"] <= merged <= app.paths["/w"]
    # The workers' successes reach the master with their stats: the same merged count.
    assert successes(load_dir.parent) == {"w": merged}


def test_a_workers_late_final_report_is_still_merged(run_gate, serve, tmp_path: Path) -> None:
    # Locust's master gives its workers' final reports 0.5 s after it says quit. Here each
    # worker sends its own 1.5 s late (its test_stop listener holds it), as a busy machine
    # or a distant network would: without the master's wait, a 2 s run lost every request
    # (the workers' periodic reports come every 3 s) and read "made no requests".
    app = Counting()
    url = serve(app)
    locustfile = shopper_locustfile(
        tmp_path / "late_workers.py",
        "late",
        imports="import gevent\n"
        "from locust import events\n"
        "from locust.runners import WorkerRunner\n",
        after="@events.test_stop.add_listener\n"
        "def _hold_the_final_report(environment, **_kw):\n"
        "    if isinstance(environment.runner, WorkerRunner):\n"
        "        gevent.sleep(1.5)\n",
    )
    path = gates(
        tmp_path,
        url,
        f"""
locustfile: {locustfile}
workers: 2
users: 2
duration: 2s
endpoints: [{{path: /late, name: late}}]
""",
    )
    result = run_gate("--gates", path)
    assert result.returncode == 0, result.stdout + result.stderr
    check = result.check("load.p95.late")
    assert check["outcome"] == "passed", check
    assert shown(result.check("load.p95"), "Locust run")["local_workers"]["lost"] == []
    requests, _ = locust_counts(result.run_dir)["late"]
    # Everything the server answered, but a request per user cut off at the stop.
    assert app.paths["/late"] - 2 <= requests <= app.paths["/late"]
    assert app.paths["/late"] > 10


def test_non_loopback_target_is_skipped_before_any_traffic(run_gate, tmp_path: Path) -> None:
    # .invalid never resolves (RFC 2606): nothing can be contacted, and nothing may try.
    path = gates(tmp_path, "http://staging.example.invalid", "users: 1\nduration: 1s")
    result = run_gate("--gates", path)
    check = result.check("load.p95")
    assert check["outcome"] == "skipped"
    assert "staging.example.invalid is not loopback" in check["message"]
    assert "--allow-load-on staging.example.invalid" in check["message"]
    assert not (result.run_dir / "load").exists()  # Locust never started
    assert result.readiness["confidence"]["coverage"] < 1


def test_allow_remote_needs_the_host_on_the_command_line(run_gate, tmp_path: Path) -> None:
    path = gates(tmp_path, "http://staging.example.invalid", "allow_remote: true")
    result = run_gate("--gates", path, "--allow-load-on", "other.example.invalid")
    check = result.check("load.error_ratio")
    assert check["outcome"] == "skipped"
    assert "pass --allow-load-on staging.example.invalid" in check["message"]


def test_user_locustfile_is_honoured(run_gate, serve, tmp_path: Path) -> None:
    app = Counting()
    url = serve(app)
    locustfile = shopper_locustfile(tmp_path / "my_locustfile.py", "custom")
    path = gates(
        tmp_path,
        url,
        f"""
locustfile: {locustfile}
users: 2
duration: 2s
endpoints: [{{path: /custom, name: custom}}]
""",
    )
    result = run_gate("--gates", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.check("load.p95.custom")["outcome"] == "passed"
    assert app.paths["/custom"] > 10 and set(app.paths) == {"/custom"}
    requests, failures = locust_counts(result.run_dir)["custom"]
    assert failures == 0 and successes(result.run_dir) == {"custom": requests}


def test_a_user_locustfiles_failures_are_not_timed_as_latency(
    run_gate, serve, tmp_path: Path
) -> None:
    # The user's own requests go through the gate's request hook too: Locust marks each 500
    # as failed (no catch_response here), and only the one success is timed.
    url = serve(FallsOverUnderLoad())
    locustfile = shopper_locustfile(tmp_path / "my_locustfile.py", "custom")
    path = gates(
        tmp_path,
        url,
        f"locustfile: {locustfile}\nusers: 2\nduration: 2s\n"
        "endpoints: [{path: /custom, name: custom}]",
    )
    result = run_gate("--gates", path)
    requests, failures = locust_counts(result.run_dir)["custom"]
    assert requests > 10 and failures == requests - 1
    assert successes(result.run_dir) == {"custom": 1}
    for check_id in ("load.p95", "load.p95.custom"):
        check = result.check(check_id)
        assert check["outcome"] == "errored" and "latency not judged" in check["message"]


def test_user_locustfile_with_syntax_error_errors_with_its_output(
    run_gate, serve, tmp_path: Path
) -> None:
    url = serve(fast_app)
    locustfile = tmp_path / "broken_locustfile.py"
    locustfile.write_text("from locust import HttpUser\n\nclass Broken(HttpUser:\n    pass\n")
    path = gates(tmp_path, url, f"locustfile: {locustfile}\nduration: 1s")
    result = run_gate("--gates", path)
    assert result.returncode == 3, result.stdout + result.stderr  # nothing measured
    for check_id in ("load.p95", "load.error_ratio", "load.availability"):
        check = result.check(check_id)
        assert check["outcome"] == "errored"
        assert "Locust exited with code" in check["message"]
        assert "SyntaxError" in shown(check, "Locust output (last lines)")


def test_abort_on_fail_stops_the_run_early(run_gate, serve, tmp_path: Path) -> None:
    url = serve(EveryFourthFails())
    path = gates(
        tmp_path,
        url,
        """
blocking: true
abort_on_fail: true
abort_grace: 1s
users: 4
duration: 30s
thresholds: {error_ratio: 0.05}
""",
    )
    result = run_gate("--gates", path)
    check = result.check("load.error_ratio")
    assert check["outcome"] == "failed"
    assert "run aborted early" in check["message"]
    assert result.returncode == 1
    # The abort ended the run, not its 30 s: Locust never reached its --run-time.
    log = (result.run_dir / "load" / "locust.log").read_text()
    assert "Run time limit set to 30 seconds" in log and RUN_TIME_REACHED not in log, log[-2000:]


def test_load_caps_are_configuration_errors(run_gate, tmp_path: Path) -> None:
    path = gates(tmp_path, "http://127.0.0.1:9", "users: 500")
    result = run_gate("--gates", path)
    assert result.returncode == 2
    assert "gates.yaml:5: components.load.users:" in result.stderr
    assert "500 users exceed the cap of 200 (limits.users)" in result.stderr

    path = gates(
        tmp_path,
        "http://127.0.0.1:9",
        "limits: {duration: 60s}\nstages:\n  - {users: 5, duration: 50s}\n"
        "  - {users: 5, duration: 20s}",
    )
    result = run_gate("--gates", path)
    assert result.returncode == 2
    assert "components.load.stages:" in result.stderr and "over the cap of 60 s" in result.stderr


def test_https_demo_is_verified_with_the_demos_own_ca(run_gate, tmp_path: Path) -> None:
    """The healthy demo serves HTTPS with a CA made at start-up, which the run trusts (the
    gate made it) with or without `ca_bundle: demo`. That FastHttpUser really verifies, and
    refuses a CA it was not given, is tests/e2e/test_trust_store.py's."""
    load = "users: 2\nduration: 2s\nendpoints: [{path: /api/health}]"
    body = "\n".join("    " + line for line in load.splitlines())
    gates_file = write_gates(tmp_path, f"components:\n  load:\n    weight: 1\n{body}\n")
    result = run_gate("--gates", str(gates_file), "--demo", "healthy")
    assert result.check("load.error_ratio")["outcome"] == "passed", result.stdout


def test_master_mode_waits_for_a_remote_worker_started_with_the_printed_command(
    run_gate, serve, tmp_path: Path
) -> None:
    url = serve(fast_app)
    port = closed_port()
    command = f"locust -f - --worker --master-host 127.0.0.1 --master-port {port}"
    # The "remote" worker runs here, on loopback, started before the master: Locust's
    # worker keeps asking for the locustfile (`-f -`) until the master answers.
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", *command.split()], cwd=tmp_path, stdout=log, stderr=log
    )
    try:
        path = gates(
            tmp_path,
            url,
            f"""
mode: master
master_bind_host: 127.0.0.1
master_port: {port}
expect_workers: 1
expect_workers_max_wait: 30s
users: 2
duration: 2s
""",
        )
        result = run_gate("--gates", path)
        worker.wait(15)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        log.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"start each with: {command}" in result.stdout  # printed while the master waits
    run = shown(result.check("load.p95"), "Locust run")
    assert run["remote_worker_command"].startswith(command)
    assert result.check("load.p95")["outcome"] == "passed"
    assert "Got quit message from master" in (tmp_path / "worker.log").read_text()


def test_secret_headers_reach_the_target_but_not_the_report_folder(
    run_gate, serve, tmp_path: Path
) -> None:
    seen: set[str] = set()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.add(environ.get("HTTP_AUTHORIZATION", ""))
        start_response(*OK)
        return [b"ok"]

    url = serve(app)
    path = gates(
        tmp_path,
        url,
        """
users: 1
duration: 2s
think_time: 0.05
endpoints: [{path: /, headers: {Authorization: Bearer s3cret-token}}]
""",
    )
    result = run_gate("--gates", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert seen == {"Bearer s3cret-token"}
    leaks = [p for p in result.run_dir.rglob("*") if p.is_file() and b"s3cret" in p.read_bytes()]
    assert leaks == []


def test_sigterm_stops_locust_and_writes_the_partial_report(serve, tmp_path: Path) -> None:
    # SIGTERM (CI cancelling the job) used to end the gate at once with exit 143 and no
    # report, and the Locust run it had started went on loading the target.
    import os
    import signal

    import psutil
    from helpers import REPO

    app = Counting(signal_at=20)
    path = gates(tmp_path, serve(app), "users: 2\nspawn_rate: 2\nduration: 60s")
    reports = tmp_path / "reports"
    env = {k: v for k, v in os.environ.items() if k != "READINESS_TARGET"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "readiness", "--gates", path, "--report-dir", str(reports)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "NO_COLOR": "1"},
    )
    # The event, not a clock: the load is under way once the target has seen 20 requests.
    assert app.reached.wait(60), "Locust never sent its load"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out[-2000:] + err
    # An interrupted run does not move `latest` (the newest complete run): its own folder.
    (partial,) = reports.glob("*/readiness.json")
    data = json.loads(partial.read_text())
    assert data["interrupted"] is True and data["exit_code"] == 130
    left = [
        p.pid
        for p in psutil.process_iter(["cmdline"])
        if str(reports) in " ".join(p.info["cmdline"] or [])
    ]
    assert left == [], "Locust outlived the gate"
