"""The suite's probes (the CORS requests and the exposure probes), sent at most
``concurrency`` at a time under one deadline for them all.

Sent one after another, each probe a target never answers cost ``timeout_s``: a target that
hangs on unknown paths held the suite for a minute. Here what has not answered when the
deadline comes is a failed observation that names it, so its checks are errored, never
passed. Each request is also cut to the time left, so no probe outlives the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

import requests

from readiness.suite import signals_left_to_main_thread

from . import gather
from .gather import Seen

DEADLINE_KEY = "security.probes_deadline_s"


@dataclass(frozen=True)
class Probe:
    url: str
    headers: dict[str, str] | None = None
    follow: bool = False  # follow redirects (a CORS request does, as a browser's fetch would)


def send_all(
    session: requests.Session,
    probes: Sequence[Probe],
    *,
    timeout: float,
    concurrency: int,
    deadline_s: float,
) -> list[Seen]:
    """Each probe's answer, in order; one without an answer before the deadline is failed."""
    if not probes:
        return []
    deadline = time.monotonic() + deadline_s
    pool = ThreadPoolExecutor(min(concurrency, len(probes)), thread_name_prefix="security-probe")
    with signals_left_to_main_thread():  # the pool starts its workers on submit
        futures = [pool.submit(_send, session, p, timeout, deadline, deadline_s) for p in probes]
    try:
        done, _ = wait(futures, timeout=max(0.0, deadline - time.monotonic()))
    finally:
        # The queued probes are dropped; the running ones end by themselves (cut to the time
        # left), so nothing is waited for here.
        pool.shutdown(wait=False, cancel_futures=True)
    return [
        f.result() if f in done else late(p.url, deadline_s, sent=not f.cancelled())
        for p, f in zip(probes, futures, strict=True)
    ]


def _send(
    session: requests.Session, probe: Probe, timeout: float, deadline: float, deadline_s: float
) -> Seen:
    left = deadline - time.monotonic()
    if left <= 0:
        return late(probe.url, deadline_s, sent=False)
    answer = gather.fetch(
        session,
        probe.url,
        min(timeout, left),
        headers=probe.headers,
        allow_redirects=probe.follow,
    )
    if answer.error is not None and time.monotonic() >= deadline:
        return late(probe.url, deadline_s)  # cut by the deadline, whatever the exception says
    return answer


def late(url: str, deadline_s: float, *, sent: bool = True) -> Seen:
    """The failed observation of a probe the deadline ended (or that it left unsent)."""
    within = f"the probes' {deadline_s:g} s deadline ({DEADLINE_KEY})"
    reason = f"no answer within {within}" if sent else f"not sent: {within} passed first"
    return Seen(url, 0, {}, error=reason)
