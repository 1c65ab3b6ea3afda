"""The doctor's checks of the target: resolved, reachable, its certificate trusted, answering.

Each step is bounded by a few seconds (``step_s``) and the steps run in order: a name that
does not resolve is not connected to, a port that refuses is not asked for a certificate. The
TLS line is the run's trust store's own diagnosis (readiness.plugin.trust) and the HTTP request
goes through the gate's bounded session with that store, as the suites' first request will.
"""

from __future__ import annotations

import datetime as dt
import math
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import requests

from readiness.doctor.findings import Finding, Status, fail, ok, skip, warn
from readiness.plugin import trust
from readiness.plugin.gate import GateRun
from readiness.plugin.http import BoundedSession, DeadlineExceeded, Limits
from readiness.threads import start_daemon

# The security suite's default `cert_warn_days`: a certificate closer to its end than this warns.
CERT_WARN_DAYS = 30
BODY_CAP = 64 * 1024  # reachability needs the status line, not the page


def check_target(run: GateRun, step_s: float) -> Iterator[Finding]:
    cfg = run.config
    if run.wants_demo:
        yield ok("target", "demo: the bundled demo target, started on 127.0.0.1 by the run")
        # The run trusts the CA it makes for the demo, whatever tls.ca_bundle says.
        yield ok("tls", f"{run.trust.describe()} + the CA the demo makes at start-up")
        return
    parts = urlsplit(cfg.target or "")
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    step_s = min(step_s, cfg.timeout_s, cfg.http.deadline_s)

    try:
        addresses = resolve(host, port, step_s)
    except OSError as exc:
        yield fail(
            "resolve",
            f"{host} does not resolve ({_reason(exc)})",
            "check the host name in --target or the gates file's target, and this machine's DNS",
        )
        return
    shown = ", ".join(dict.fromkeys(a[0] for a in addresses))
    yield ok("resolve", f"{host} -> {shown}")

    try:
        connect(addresses, step_s).close()
    except OSError as exc:
        yield fail(
            "connect",
            f"{where} {_connect_reason(exc, step_s)}",
            "start the target, or correct the port in --target / the gates file's target",
        )
        return
    yield ok("connect", f"{where} accepts connections")

    if parts.scheme == "https":
        tls = check_tls(cfg.target or "", run.trust, step_s)
        yield tls
        if tls.status is Status.FAIL:
            yield skip("http", "not asked: the TLS check failed")
            return
    else:
        yield skip("tls", "plain http: no certificate")
    yield check_http(run, step_s)


def resolve(host: str, port: int, timeout_s: float) -> list[tuple[str, int]]:
    """The target's addresses; getaddrinfo takes no timeout, so it runs in a thread that is
    given ``timeout_s`` (a resolver that hangs is left behind, a daemon, and the doctor ends)."""
    result: list[Any] = []
    failure: list[OSError] = []
    done = threading.Event()

    def work() -> None:
        try:
            result.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            failure.append(exc)
        finally:
            done.set()

    start_daemon(work, "doctor-resolve")
    if not done.wait(timeout_s):
        raise TimeoutError(f"no answer from the resolver within {timeout_s:g} s")
    if failure:
        raise failure[0]
    return [(info[4][0], info[4][1]) for info in result]


def connect(addresses: list[tuple[str, int]], timeout_s: float) -> socket.socket:
    """A TCP connection to the first address that takes one (the resolved addresses, so the
    name is not resolved again without a bound)."""
    last: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection(address, timeout=timeout_s)
        except OSError as exc:
            last = exc
    raise last


def check_tls(url: str, store: trust.TrustStore, step_s: float) -> Finding:
    """Which store, does the chain verify against it, days to expiry: the run's own store
    and its own diagnosis (readiness.plugin.trust), so the doctor and the run agree."""
    found = trust.diagnose(url, store, step_s)
    if found.error is not None:
        return fail("tls", f"no TLS handshake: {found.error}", "check that the target speaks TLS")
    ends = _expiry(found.days_left, found.not_after)
    if not store.verify:
        return warn("tls", f"{found.store}; {ends}", "set tls.verify: true")
    if found.problem is not None:
        return fail(
            "tls",
            f"the certificate does not verify against {found.store}: {found.problem}",
            "trust its CA with `tls: {ca_bundle: PATH}` in the gates file (or SSL_CERT_FILE),"
            " or fix the certificate",
        )
    verified = f"the chain verifies against {found.store}; {ends}"
    if found.days_left is not None and found.days_left < CERT_WARN_DAYS:
        return warn("tls", verified, "renew the certificate")
    return ok("tls", verified)


def _expiry(days_left: float | None, not_after: dt.datetime | None) -> str:
    if days_left is None or not_after is None:
        return "the certificate's end date could not be read"
    ends = not_after.date().isoformat()
    if days_left < 0:
        return f"the certificate expired {_days(math.ceil(-days_left))} ago ({ends})"
    return f"the certificate expires in {_days(math.floor(days_left))} ({ends})"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def check_http(run: GateRun, step_s: float) -> Finding:
    """One GET of the target's URL through the gate's bounded session: same trust, no
    environment proxies, a whole-request deadline."""
    from readiness.plugin.fixtures import USER_AGENT

    url = run.config.target or ""
    path = urlsplit(url).path or "/"
    with BoundedSession(Limits(step_s, BODY_CAP)) as session:
        session.headers["User-Agent"] = USER_AGENT
        session.trust_env = False
        trust.mount(session, run.trust)
        try:
            response = session.get(url, timeout=step_s, allow_redirects=False)
        except DeadlineExceeded:
            return fail(
                "http",
                f"GET {path}: no complete answer within {step_s:g} s",
                "check that the target answers (the doctor waits a few seconds at most)",
            )
        except requests.Timeout:
            return fail(
                "http",
                f"GET {path}: no answer within {step_s:g} s",
                "check that the target answers (the doctor waits a few seconds at most)",
            )
        except requests.RequestException as exc:
            return fail("http", f"GET {path} failed: {_reason(exc)}", "check the target")
    answer = f"GET {path} answered {response.status_code} {response.reason or ''}".rstrip()
    if response.is_redirect:
        answer += f" -> {response.headers.get('Location', '?')}"
    if response.status_code >= 500:
        return warn("http", answer, "the server errs; the smoke suite will judge it")
    return ok("http", answer)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _connect_reason(exc: OSError, timeout_s: float) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "refused the connection (nothing listens there)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"did not accept a connection within {timeout_s:g} s"
    return f"cannot be connected to ({_reason(exc)})"
