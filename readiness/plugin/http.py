"""One HTTP request with a whole-request deadline and a body cap.

requests' ``timeout`` bounds each read, not the request: a server that trickles a byte every
couple of seconds keeps one request going forever, and a 1 GB body is read into memory whole.
Here the body is read as it arrives (``read1``: whatever one read returns, never waiting to
fill a buffer), against a deadline for the whole request and a cap on the bytes kept. The
deadline covers connecting and the headers too: at it, the request's socket is shut down
(readiness/plugin/deadline.py), which ends even a read that is still waiting.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import urllib3

from readiness.plugin import deadline

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    deadline_s: float  # the whole request: connecting, the headers and the body
    max_body_bytes: int  # read up to this; the rest is left unread (the body is truncated)


@dataclass
class Fetched:
    """A response whose body was read within the limits."""

    response: requests.Response
    body: bytes
    truncated: bool  # the body was longer than the cap: ``body`` holds the first bytes
    elapsed_s: float


class DeadlineExceeded(requests.Timeout):
    """The whole request took longer than its deadline (headers or a body still arriving)."""


def _exceeded(watch: deadline.Watch, response: requests.Response | None = None) -> DeadlineExceeded:
    """What the deadline cut, said as such: before the headers were whole, "no answer"."""
    within = f"within {watch.deadline_s:g} s (the whole request's deadline;"
    if watch.fired_in == deadline.CONNECTING:
        return DeadlineExceeded(f"no answer {within} the TLS handshake was still under way)")
    if watch.fired_in != deadline.BODY:
        return DeadlineExceeded(f"no answer {within} the headers had not all arrived)")
    answered = f"answered HTTP {response.status_code}" if response is not None else "answered"
    return DeadlineExceeded(
        f"{answered}, but no complete answer {within} the body was still arriving)"
    )


class BodyNotRead(requests.ConnectionError):
    """The status line and headers arrived, the body did not (it stalled or broke off): the
    target answered, so it is not "unreachable", but what it answered was never seen whole."""


class BodyStalled(BodyNotRead, requests.ReadTimeout):
    """The body stopped arriving for longer than the per-read timeout."""


_TLS_REASON = re.compile(r"certificate verify failed: ([^(')\]]+)|\[SSL: [A-Z_]+\] ([^(')\]]+)")
_CAUSES = (
    "Connection refused",
    "Connection reset",
    "timed out",
    "Name or service not known",
    "No address associated with hostname",
    "No route to host",
    "Temporary failure in name resolution",
    "Remote end closed connection without response",
)


def why_no_answer(exc: BaseException) -> str:
    """The cause of a failed request in a few words: what the TLS handshake refused
    ("certificate has expired", "Hostname mismatch, certificate is not valid for
    'localhost'"), the socket error ("connection refused"), else the exception's class."""
    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        found = _TLS_REASON.search(text)
        if found:
            return (found.group(1) or found.group(2)).strip().rstrip(".")
    if isinstance(exc, (DeadlineExceeded, BodyNotRead)):
        return text.splitlines()[0][:200] if text else type(exc).__name__
    for cause in _CAUSES:
        if cause.lower() in text.lower():
            return cause.lower()
    return exc.__class__.__name__


def fetch(
    session: Any,
    method: str,
    url: str,
    limits: Limits,
    *,
    read_body: Callable[[requests.Response], bool] | None = None,
    **kwargs: Any,
) -> Fetched:
    """``session.request(method, url, **kwargs)`` with its body read within ``limits``;
    raises requests' exceptions, and DeadlineExceeded past the deadline. ``read_body``, when
    given, sees the status and headers and says whether the body is wanted at all (not: the
    body is left unread, ``body`` is empty)."""
    started = time.monotonic()
    per_read = kwargs.pop("timeout", None)
    kwargs.pop("stream", None)  # the body is read here, as it arrives
    read_s = limits.deadline_s if per_read is None else min(float(per_read), limits.deadline_s)
    # One deadline from here to the body's last byte (the request's own, below, keeps it).
    owned = deadline.CURRENT.get() is None
    with deadline.deadline(limits.deadline_s) as watch:
        response = session.request(method, url, stream=True, timeout=read_s, **kwargs)
        chunks: list[bytes] = []
        size, truncated = 0, False

        def past_deadline() -> DeadlineExceeded:
            return DeadlineExceeded(
                f"answered HTTP {response.status_code}, but no complete answer within"
                f" {limits.deadline_s:g} s (the whole request's deadline; {size} bytes of"
                " the body had arrived)"
            )

        try:
            if read_body is not None and not read_body(response):
                return Fetched(response, b"", False, time.monotonic() - started)
            while True:
                if watch.fired or time.monotonic() - started > limits.deadline_s:
                    raise past_deadline()
                chunk = response.raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    break
                room = limits.max_body_bytes - size
                if len(chunk) >= room:
                    chunks.append(chunk[:room])
                    size += room
                    more = len(chunk) > room or response.raw.read1(1, decode_content=True)
                    truncated = bool(more)
                    break
                chunks.append(chunk)
                size += len(chunk)
            if watch.fired:  # the socket was shut: what looked like the body's end was not
                raise past_deadline()
        except urllib3.exceptions.ReadTimeoutError as exc:  # as requests says it of the headers
            if watch.fired:
                raise past_deadline() from exc
            raise BodyStalled(
                f"answered HTTP {response.status_code}, then the body stopped arriving"
                f" ({size} bytes read): {exc}"
            ) from exc
        except urllib3.exceptions.HTTPError as exc:  # a reset or a broken encoding mid-body
            if watch.fired:
                raise past_deadline() from exc
            raise BodyNotRead(
                f"answered HTTP {response.status_code}, then the body could not be read"
                f" ({size} bytes read): {exc}"
            ) from exc
        finally:
            if owned:  # the deadline lets go of the socket before it is closed (and reused)
                deadline.WATCHDOG.end(watch)
            response.close()
    return Fetched(response, b"".join(chunks), truncated, time.monotonic() - started)


# requests.Session.request's parameters after the URL, in order: a positional call is
# bounded as a keyword one is.
_REQUEST_PARAMS = (
    "params",
    "data",
    "headers",
    "cookies",
    "files",
    "auth",
    "timeout",
    "allow_redirects",
    "proxies",
    "hooks",
    "stream",
    "verify",
    "cert",
    "json",
)


class BoundedSession(requests.Session):
    """A requests Session whose every request has the whole-request deadline and the body cap
    (the shared ``http`` fixture): suites call it as any Session, and ``.content`` holds the
    body read within the limits. ``response.truncated`` says the body went past the cap.
    A caller that asks for ``stream=True`` reads the body itself, as it chose: the deadline
    then covers the request up to its headers (and the redirects it follows).

    The deadline holds whatever adapter is mounted (the trust store's, a copy of another
    session's): each is made watchable when it is first used (deadline.watch_adapter)."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        for name, value in zip(_REQUEST_PARAMS, args, strict=False):
            if name in kwargs:
                raise TypeError(f"request() got multiple values for argument '{name}'")
            kwargs[name] = value
        if kwargs.get("stream"):
            return super().request(str(method), str(url), **kwargs)
        # fetch() asks for stream=True: that request goes to requests' own, above.
        fetched = fetch(self, str(method), str(url), self.limits, **kwargs)
        response = fetched.response
        response._content = fetched.body  # what .content and .text read from now on
        response._content_consumed = True
        response.truncated = fetched.truncated  # type: ignore[attr-defined]
        return response

    def get_adapter(self, url: str) -> Any:
        adapter = super().get_adapter(url)
        deadline.watch_adapter(adapter)
        return adapter

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        # Every request, a redirect's or a prepared one sent directly too, is watched from
        # here; one sent inside another (a redirect, fetch's) keeps the outer deadline.
        with deadline.deadline(self.limits.deadline_s) as watch:
            try:
                response = super().send(request, **kwargs)
            except DeadlineExceeded:
                raise
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                if watch.fired:  # what the socket's shutdown broke
                    raise _exceeded(watch) from exc
                raise
            if watch.fired:  # cut short: the headers (or the body) may look whole, and are not
                response.close()
                raise _exceeded(watch, response)
            return response
