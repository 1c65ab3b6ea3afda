"""Smoke checks: is the target up, and does each endpoint answer as configured?

Gathering is in conftest.py (one request per endpoint); each test below judges one aspect.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from readiness.suite import Observed, Plan, Threshold, check, evidence, observed, why_no_answer

from .conftest import Observation
from .settings import Endpoint

BODY_EXCERPT = 2000  # characters of the body kept as evidence


def on_endpoints(predicate: Callable[[Endpoint], bool]) -> Callable[[Plan], bool]:
    """``applies=`` for a per-endpoint check: planned on the endpoints ``predicate`` keeps."""
    return lambda plan: predicate(plan.params["endpoint"])


def _truncation(obs: Observation) -> list:
    """Says so when the body was read up to gates.yaml's cap only."""
    if not obs.truncated:
        return []
    read = len(obs.body)
    return [
        evidence.text("body read", f"the first {read} bytes (http.max_body_bytes); more followed")
    ]


def _response_evidence(obs: Observation) -> list:
    return [
        evidence.url(f"{obs.method} request", obs.url),
        evidence.json("response headers", evidence.redact_headers(obs.headers)),
    ]


@check("smoke.reachable", title="Target answers HTTP", probe=True)
def test_reachable(check, http: requests.Session, target: str, request_options) -> None:
    """Any HTTP answer proves the target is up; no answer makes the whole run inconclusive."""
    shown = evidence.redact_url(target)  # messages end up in reports: no credentials
    try:
        # The status line and headers are the answer: a body that never ends is the other
        # checks' to judge (stream: the body is not read here).
        with http.get(target + "/", allow_redirects=False, stream=True, **request_options) as r:
            response = r
    except requests.exceptions.SSLError as exc:
        # The host answered, but its TLS is broken: that is a finding, not an absent target.
        why = why_no_answer(exc)
        check.observe(observed(f"TLS handshake with {shown}", why))
        check.expect(
            False,
            value="TLS handshake failed",
            expected="an HTTP response",
            message=f"{shown}: TLS handshake failed: {why}",
            evidence=[evidence.text("error", str(exc))],
        )
        return
    except (requests.ConnectionError, requests.Timeout) as exc:
        check.unreachable_target(
            f"{shown} could not be reached ({why_no_answer(exc)})",
            evidence=[evidence.text("error", str(exc))],
        )
    check.observe(observed(f"GET {shown}/", response.status_code))
    check.expect(
        True,
        value=response.status_code,
        message=f"{shown} answered HTTP {response.status_code}",
        evidence=[evidence.url("probed", target + "/")],
    )


@check("smoke.status", title="Endpoint answers with the expected status", observes="observed")
def test_status(check, endpoint: Endpoint, observed: Observation) -> None:
    loop = (
        f"redirect loop: {observed.redirect_loop} redirects without an end"
        f" (the last to {observed.final_url})"
        if observed.redirect_loop
        else ""
    )
    check.expect(
        observed.status in endpoint.status,
        value=observed.status,
        expected=endpoint.status if len(endpoint.status) > 1 else endpoint.status[0],
        message=loop,
        evidence=[
            *_response_evidence(observed),
            evidence.text("body excerpt", observed.text()[:BODY_EXCERPT]),
            *_truncation(observed),
        ],
    )


@check("smoke.latency", title="Endpoint answers within its latency budget", observes="timed")
def test_latency(check, endpoint: Endpoint, timed: Observed[list[float]], smoke) -> None:
    latencies = timed.data or []
    threshold = endpoint.latency_ms or smoke.threshold("latency_ms")
    check.metric(
        round(statistics.median(latencies), 2),
        threshold=threshold,
        unit="ms",
        samples=latencies,
        evidence=[
            evidence.table(
                "timed requests (ms, whole body)",
                ["#", "ms"],
                [(i + 1, round(v, 2)) for i, v in enumerate(latencies)],
            )
        ],
    )


@check(
    "smoke.contains",
    title="Body contains the expected text",
    observes="observed",
    applies=on_endpoints(lambda e: bool(e.contains)),
)
def test_contains(check, endpoint: Endpoint, observed: Observation) -> None:
    body = observed.text()
    missing = [s for s in endpoint.contains if s not in body]
    check.expect(
        not missing,
        value=f"missing {missing}" if missing else "all present",
        expected=endpoint.contains,
        evidence=[evidence.text("body excerpt", body[:BODY_EXCERPT])],
    )


@check(
    "smoke.regex",
    title="Body matches the expected pattern",
    observes="observed",
    applies=on_endpoints(lambda e: e.regex is not None),
)
def test_regex(check, endpoint: Endpoint, observed: Observation) -> None:
    match = re.search(endpoint.regex or "", observed.text())
    check.expect(
        match is not None,
        value=match.group(0)[:200] if match else None,
        expected=f"/{endpoint.regex}/",
        evidence=[evidence.text("body excerpt", observed.text()[:BODY_EXCERPT])],
    )


_MISSING = object()


def _json_at(document: Any, dotted: str) -> Any:
    current = document
    for part in dotted.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _MISSING
    return current


@check(
    "smoke.json",
    title="JSON fields have the expected values",
    observes="observed",
    applies=on_endpoints(lambda e: bool(e.json_fields)),
)
def test_json(check, endpoint: Endpoint, observed: Observation) -> None:
    try:
        document = requests.models.complexjson.loads(observed.body)
    except ValueError as exc:
        check.expect(
            False,
            value="not JSON",
            expected="a JSON body",
            message=f"body is not JSON: {exc}",
            evidence=[evidence.text("body excerpt", observed.text()[:BODY_EXCERPT])],
        )
        return
    found = {path: _json_at(document, path) for path in endpoint.json_fields}
    wrong = {
        p: ("<missing>" if v is _MISSING else v)
        for p, v in found.items()
        if v != endpoint.json_fields[p]
    }
    check.expect(
        not wrong,
        value=wrong or "all fields match",
        expected=endpoint.json_fields,
        message="" if not wrong else f"fields differ: {wrong}",
        evidence=[evidence.json("response body", document)],
    )


@check(
    "smoke.redirects",
    title="Redirect chain ends where expected",
    observes="observed",
    applies=on_endpoints(lambda e: e.max_redirects is not None or e.final_url is not None),
)
def test_redirects(check, endpoint: Endpoint, observed: Observation) -> None:
    problems = [f"redirect loop: gave up after {observed.redirect_loop}"] * bool(
        observed.redirect_loop
    )
    if endpoint.max_redirects is not None and len(observed.chain) > endpoint.max_redirects:
        problems.append(f"{len(observed.chain)} redirects (at most {endpoint.max_redirects})")
    if endpoint.final_url is not None:
        expected = endpoint.final_url
        actual = observed.final_url
        if expected.startswith("/"):
            parts = urlsplit(actual)
            actual = parts.path + (f"?{parts.query}" if parts.query else "")
        if actual != expected:
            problems.append(f"ended at {actual} (expected {expected})")
    chain = [*observed.chain, (observed.status, observed.final_url)]
    check.expect(
        not problems,
        value=observed.final_url,
        expected={"final_url": endpoint.final_url, "max_redirects": endpoint.max_redirects},
        message="; ".join(problems) or f"{len(observed.chain)} redirect(s) to {observed.final_url}",
        evidence=[evidence.table("redirect chain", ["status", "url"], chain)],
    )


@check(
    "smoke.size",
    title="Response body stays under its size cap",
    observes="observed",
    applies=on_endpoints(lambda e: e.max_bytes is not None),
)
def test_size(check, endpoint: Endpoint, observed: Observation, gate) -> None:
    cap = float(endpoint.max_bytes or 0)
    read_cap = gate.config.http.max_body_bytes
    if observed.truncated and read_cap <= cap:  # its size is unknown, past what was read
        check.no_data(
            f"the body is longer than http.max_body_bytes ({read_cap} bytes, read up to there);"
            f" raise it above max_bytes ({cap:g}) to judge this size"
        )
        return
    check.metric(len(observed.body), threshold=Threshold(good=cap, poor=cap), unit="bytes")


@check("smoke.availability", title="Availability meets its SLO")
def test_availability(
    check, availability, http: requests.Session, target: str, request_options
) -> None:
    """N sequential requests; a success is any answer below 500 within the timeout."""
    url = target + availability.path
    failures: dict[str, int] = {}
    start = time.perf_counter()
    for _ in range(availability.requests):
        try:
            status = http.get(url, **request_options).status_code
            if status >= 500:
                failures[f"HTTP {status}"] = failures.get(f"HTTP {status}", 0) + 1
        except requests.RequestException as exc:
            key = exc.__class__.__name__
            failures[key] = failures.get(key, 0) + 1
    elapsed = time.perf_counter() - start
    # Every request is observed: one with no answer is the finding (down), not a gap.
    check.observe(observed(f"{availability.requests} requests to {url}", failures))
    ratio = 1.0 - sum(failures.values()) / availability.requests
    check.metric(
        round(ratio, 6),
        unit="ratio",
        threshold=Threshold(good=availability.slo, poor=availability.slo, higher_is_better=True),
        message=f"{availability.requests - sum(failures.values())}/{availability.requests}"
        f" requests succeeded ({ratio:.2%}; SLO {availability.slo:.2%})"
        f" in {elapsed:.2f} s",
        evidence=[
            evidence.url("probed", url),
            evidence.table("failures", ["kind", "count"], sorted(failures.items())),
        ],
    )
