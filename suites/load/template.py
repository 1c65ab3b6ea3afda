"""The body of every generated locustfile: it runs inside Locust's own process only.

Never import this module from the gate: importing locust monkey-patches the whole process
with gevent, which must not meet Playwright (DESIGN: Locust runs in its own process).
suites/load/locustfile.py copies this text into the run directory and appends the scenario
as a JSON literal, so the locustfile is one self-contained file that Locust can also ship to
remote workers (`locust --worker -f -`): it imports nothing of the gate.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import time
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, HttpUser, LoadTestShape, between, constant, events
from locust import stats as locust_stats
from locust.clients import LocustHttpAdapter
from locust.rpc import Message
from locust.runners import STATE_MISSING, MasterRunner, WorkerRunner

ABORT_EVERY_S = 0.5
# The stats CSV is what the gate's live progress line reads; Locust's default is every 5 s.
locust_stats.CSV_STATS_FLUSH_INTERVAL_SEC = 1
WORKERS_EVERY_S = 0.5
# Local workers are forked right after the master starts and connect within a fraction of a
# second; past this bound, Locust's own wait (and its --expect-workers-max-wait) goes on.
AWAIT_WORKERS_S = 10.0
# Locust's master tells its workers to quit, then gives their final reports 0.5 s before it
# stops listening (MasterRunner.quit). A worker slower than that (a busy machine, a distant
# network) had its last seconds of requests dropped, or every request of a short run: the
# run then read "made no requests", or seconds without an answer. The master here waits for
# each worker's own quit message, which it sends after its final report, for up to this.
FINAL_REPORTS_S = 10.0
# A header value "$env:NAME" is read from the environment (secrets; the same prefix as
# suites/load/locustfile.SECRET_PREFIX, which cannot be imported here).
SECRET_PREFIX = "$env:"
# The key under which a worker's report to its master carries its successes histogram.
SUCCESSES_KEY = "readiness_successes"

# The variables that add to this process's trust store, as in readiness/plugin/trust.py.
TRUST_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE")
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")
_TRUST: list[Any] = []  # the store, built once per process at its first TLS connection

# (method, name) -> response time bucket (ms) -> count, for the successful requests only.
Successes = dict[tuple[str, str], dict[int, int]]


def _install_hooks(config: dict[str, Any]) -> None:
    """Record the successful requests' response times (every runner), and on the master (or
    the single local runner): dump them and Locust's own error stats at quit, watch the
    abort-on-fail rules during the run, and account for the local workers."""
    state: dict[str, Any] = {"connected": 0}
    local_workers = int(config.get("local_workers") or 0)
    # Locust's histogram counts failed requests too: a target failing every request in 1 ms
    # would show a fast p95. The gate keeps its own histogram of the successes.
    successes: Successes = {}

    @events.request.add_listener
    def _on_request(
        request_type: str, name: str, response_time: Any, exception: Any = None, **_kw: Any
    ) -> None:
        # `exception` is set for every failure: an unexpected status marked by the scenario
        # (or a user's locustfile), a connection error or a timeout.
        if exception is None and response_time is not None:
            # Locust's own bucketing (looked up now: a locustfile may replace it).
            _count(
                successes, (request_type, name), locust_stats.bucket_response_time(response_time)
            )

    @events.report_to_master.add_listener
    def _on_report_to_master(data: dict[str, Any], **_kw: Any) -> None:
        # A worker sends what it recorded since its last report with Locust's own stats (its
        # final report included), so the master's merge matches Locust's merged counts.
        data[SUCCESSES_KEY] = _pack(successes)
        successes.clear()

    @events.worker_report.add_listener
    def _on_worker_report(data: dict[str, Any], **_kw: Any) -> None:
        for method, name, buckets in data.get(SUCCESSES_KEY) or []:
            for bucket, count in buckets:
                _count(successes, (method, name), bucket, count)

    @events.init.add_listener
    def _on_init(environment: Any, **_kw: Any) -> None:
        if not isinstance(environment.runner, WorkerRunner):
            state["environment"] = environment
            # gevent's loop caches its clock, last read during the imports before this.
            # Locust arms --run-time from that clock right after init: stale, the run
            # ended as much early as the imports took (about 0.5 s measured).
            gevent.get_hub().loop.update_now()
        if isinstance(environment.runner, MasterRunner):
            _wait_for_final_reports_at_quit(environment.runner)
            if local_workers:
                _await_workers(environment.runner, local_workers)

    @events.worker_connect.add_listener
    def _on_worker_connect(**_kw: Any) -> None:
        state["connected"] += 1

    @events.test_start.add_listener
    def _on_start(environment: Any, **_kw: Any) -> None:
        if "environment" not in state:
            return
        if config.get("abort") and "watch" not in state:
            state["watch"] = gevent.spawn(_watch_abort, environment, config, successes)
        if local_workers and "workers" not in state:
            state["workers"] = gevent.spawn(_watch_workers, environment, state)

    @events.quit.add_listener
    def _on_quit(**_kw: Any) -> None:
        # `quit` fires after the final stats are saved: the errors here are final too.
        environment = state.get("environment")
        if environment is None or not config.get("out_dir"):
            return
        errors = environment.runner.stats.serialize_errors()
        exceptions = [
            {"count": e["count"], "msg": e["msg"], "traceback": e["traceback"]}
            for e in environment.runner.exceptions.values()
        ]
        out = Path(config["out_dir"])
        out.joinpath("errors.json").write_text(json.dumps(errors), encoding="utf-8")
        # Final too: the workers' last reports, which carry them, came before `quit`.
        timed = [
            {"method": method, "name": name, "response_times": buckets}
            for (method, name), buckets in sorted(successes.items())
        ]
        out.joinpath("successes.json").write_text(json.dumps(timed), encoding="utf-8")
        out.joinpath("exceptions.json").write_text(json.dumps(exceptions), encoding="utf-8")
        if local_workers and isinstance(environment.runner, MasterRunner):
            # A worker still listed now never said it quit: it died, or its final stats
            # came after the master had stopped listening. Either way they are not merged.
            found = {"expected": local_workers, "connected": state["connected"]}
            found["lost"] = sorted(environment.runner.clients)
            found["missing_after_s"] = state.get("missing_after_s")
            out.joinpath("workers.json").write_text(json.dumps(found), encoding="utf-8")


def _count(successes: Successes, key: tuple[str, str], bucket: int, count: int = 1) -> None:
    buckets = successes.setdefault(key, {})
    buckets[bucket] = buckets.get(bucket, 0) + count


def _pack(successes: Successes) -> list[list[Any]]:
    """Lists for the worker's message (msgpack maps with int keys are not portable)."""
    return [[method, name, list(b.items())] for (method, name), b in successes.items()]


def _latency(successes: Successes, share: float) -> float | None:
    """The run's percentile over the successful requests so far (Locust's rule)."""
    total: dict[int, int] = {}
    for buckets in successes.values():
        for bucket, count in buckets.items():
            total[bucket] = total.get(bucket, 0) + count
    count = sum(total.values())
    if not count:
        return None
    return locust_stats.calculate_response_time_percentile(total, count, share)


def _await_workers(runner: Any, expected: int) -> None:
    """Yield until the forked workers are ready. Locust's master checks for them as soon as
    init returns, before its message loop has run even once, so it would always find none
    and sleep a whole second before checking again; here their ready messages arrive."""
    deadline = time.monotonic() + AWAIT_WORKERS_S
    while len(runner.clients.ready) < expected and time.monotonic() < deadline:
        gevent.sleep(0.02)


def _wait_for_final_reports_at_quit(runner: Any) -> None:
    """Make ``runner.quit`` (every way a run ends calls it: the run time, a shape's end, an
    abort, a lost worker) collect the workers' final reports before Locust's own quit."""
    locust_quit = runner.quit

    def quit_after_final_reports() -> None:
        _collect_final_reports(runner)
        locust_quit()

    runner.quit = quit_after_final_reports


def _collect_final_reports(runner: Any) -> None:
    """Send the workers "quit" and wait until each has said it quit, or FINAL_REPORTS_S. A
    worker's final report and then its quit travel on one socket, in order. Workers already
    missing (no heartbeat) will say nothing and are not waited for."""

    def answering() -> list[Any]:
        return [c for c in runner.clients.all if c.state != STATE_MISSING]

    if not answering() or not len(runner.greenlet):  # nobody to wait for, or nobody listening
        return
    runner.stop(send_stop_to_client=False)  # as Locust's quit does first: no rebalancing
    for client in answering():
        runner.server.send_to_client(Message("quit", None, client.id))
    give_up = time.monotonic() + FINAL_REPORTS_S
    while answering() and time.monotonic() < give_up:
        gevent.sleep(0.05)


def _watch_workers(environment: Any, state: dict[str, Any]) -> None:
    """End the run once Locust's master marks a local worker missing (no heartbeat for 3 s):
    what it sent since its last report is lost, so the results could only be partial."""
    started = time.monotonic()
    runner = environment.runner
    while True:
        gevent.sleep(WORKERS_EVERY_S)
        if runner.clients.missing:
            state["missing_after_s"] = round(time.monotonic() - started, 2)
            runner.quit()
            return


def _watch_abort(environment: Any, config: dict[str, Any], successes: Successes) -> None:
    """k6's abortOnFail: stop as soon as a blocking threshold is already lost. Latency is
    judged as the checks judge it: over the successful requests, and not at all while most
    requests fail (then only the error ratio can abort)."""
    abort = config["abort"]
    started = time.monotonic()
    while True:
        gevent.sleep(ABORT_EVERY_S)
        elapsed = time.monotonic() - started
        total = environment.runner.stats.total
        # Too early or too few requests: one slow first request must not end the run.
        if elapsed < abort["grace_s"] or total.num_requests < abort["min_requests"]:
            continue
        mostly_failed = total.fail_ratio > abort["most_failed"]
        for rule in abort["rules"]:
            metric = rule["metric"]
            if metric == "error_ratio":
                value = total.fail_ratio
            elif mostly_failed:
                continue
            else:
                value = _latency(successes, rule["share"])
            if value is None:
                continue
            lost = value > rule["poor"] if rule["budget"] else value >= rule["poor"]
            if lost:
                found = {"metric": metric, "value": value, "poor": rule["poor"]}
                found.update(after_s=round(elapsed, 2), requests=total.num_requests)
                Path(config["out_dir"], "abort.json").write_text(json.dumps(found))
                environment.runner.quit()
                return


def _wait_time(think: Any) -> Any:
    low, high = think if isinstance(think, list) else (think, think)
    return constant(low) if low == high else between(low, high)


def _from_env(value: Any) -> Any:
    """A header value, path or body "$env:NAME" is read from the environment: a secret
    kept out of this file (suites/load/plan.py moves them there)."""
    if isinstance(value, str) and value.startswith(SECRET_PREFIX):
        return os.environ.get(value.removeprefix(SECRET_PREFIX), "")
    return value


def _task(endpoint: dict[str, Any]) -> Any:
    expected = set(endpoint["status"])
    headers = {k: _from_env(v) for k, v in endpoint["headers"].items()}
    path, body = _from_env(endpoint["path"]), _from_env(endpoint["body"])

    def request(user: Any) -> None:
        with user.client.request(
            endpoint["method"],
            path,
            headers=headers or None,
            data=body,
            name=endpoint["name"],
            catch_response=True,
        ) as response:
            code = response.status_code
            if code in expected:
                response.success()
            elif not code:
                response.failure(f"no response: {type(response.error).__name__}")
            else:
                response.failure(f"HTTP {code} (expected {sorted(expected)})")

    request.__name__ = f"request_{endpoint['name']}"
    return request


def _trust_context(extra_pem: str) -> Any:
    """This process's trust store, built at start the way the gate builds its own
    (readiness/plugin/trust.py, which a remote worker does not have): its system store (the
    OpenSSL default file, else folder, else certifi's bundle), the standard variables set
    here, and the gate's extra CAs (tls.ca_bundle, the demo's) carried in the scenario as PEM
    text, never as a path of the master's. Chain and host name are verified."""
    if _TRUST:
        return _TRUST[0]
    paths = ssl.get_default_verify_paths()
    covered = set()
    if os.path.isfile(paths.openssl_cafile):
        locations = [paths.openssl_cafile]
        covered.add(os.path.realpath(paths.openssl_capath))  # the same, under hashed names
    elif os.path.isdir(paths.openssl_capath):
        locations = [paths.openssl_capath]
    else:
        import certifi

        locations = [certifi.where()]
    for name in TRUST_VARIABLES:
        value = os.environ.get(name, "").strip()
        locations += value.split(os.pathsep) if name == "SSL_CERT_DIR" else [value]
    texts = [extra_pem]
    for location in filter(None, locations):
        if os.path.realpath(location) in covered:
            continue
        covered.add(os.path.realpath(location))
        files = sorted(Path(location).iterdir()) if os.path.isdir(location) else [location]
        for file in files:
            try:
                texts.append(Path(file).read_text(encoding="ascii", errors="replace"))
            except OSError:  # a sub-folder, or a file this process may not read
                continue
    context = gevent.ssl.SSLContext(gevent.ssl.PROTOCOL_TLS_CLIENT)
    blocks = dict.fromkeys(b for t in texts for b in _PEM.findall(t))
    if blocks:
        context.load_verify_locations(cadata="\n".join(blocks) + "\n")
    _TRUST.append(context)
    return context


class _TrustAdapter(LocustHttpAdapter):
    """Locust's requests adapter, verifying against this process's store instead of the
    certifi context Locust preloads."""

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None):
        host, pool = super().build_connection_pool_key_attributes(request, verify, cert)
        if verify is True:
            pool["ssl_context"] = self.trust
        return host, pool


def _user_class(config: dict[str, Any]) -> type:
    verify = bool(config["verify"])  # false: tls.verify is false, any certificate is taken
    extra_pem = config.get("ca_pem") or ""
    attrs: dict[str, Any] = {
        "host": config["host"],
        "wait_time": _wait_time(config["think_time_s"]),
        "tasks": {_task(e): e["weight"] for e in config["endpoints"]},
    }
    if config["client"] == "fast":
        base: type = FastHttpUser
        attrs["network_timeout"] = config["timeout_s"]
        attrs["connection_timeout"] = config["timeout_s"]
        attrs["insecure"] = not verify
        if verify:
            # geventhttpclient calls the factory with cafile=<certifi>, which the store
            # replaces; it keeps host name checks on (insecure=False).
            def trusted(*_args: Any, **_kw: Any) -> Any:
                return _trust_context(extra_pem)

            attrs["ssl_context_factory"] = staticmethod(trusted)
    else:
        base = HttpUser

        def on_start(user: Any) -> None:
            user.client.verify = verify
            user.client.trust_env = False  # a gate measures the target, not a proxy
            if verify:
                adapter = _TrustAdapter(pool_manager=getattr(user, "pool_manager", None))
                adapter.trust = _trust_context(extra_pem)
                user.client.mount("https://", adapter)

        attrs["on_start"] = on_start
    return type("GateUser", (base,), attrs)


def _shape_class(stages: list[dict[str, Any]], spawn_rate: float) -> type:
    ends = []
    elapsed = 0
    for stage in stages:
        elapsed += stage["duration_s"]
        ends.append((elapsed, stage["users"], stage.get("spawn_rate") or spawn_rate))

    def tick(shape: Any) -> tuple[int, float] | None:
        now = shape.get_run_time()
        for end, users, rate in ends:
            if now < end:
                return users, rate
        return None  # past the last stage: the run stops

    return type("GateShape", (LoadTestShape,), {"tick": tick, "abstract": False})
