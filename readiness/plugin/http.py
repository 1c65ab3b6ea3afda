"""One HTTP request with a whole-request deadline and a body cap.

requests' ``timeout`` bounds each read, not the request: a server that trickles a byte every
couple of seconds keeps one request going forever, and a 1 GB body is read into memory whole.
Here the body is read as it arrives (``read1``: whatever one read returns, never waiting to
fill a buffer), against a deadline for the whole request and a cap on the bytes kept.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3

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
    """The whole request took longer than its deadline (a body still arriving, say)."""


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


def fetch(session: Any, method: str, url: str, limits: Limits, **kwargs: Any) -> Fetched:
    """``session.request(method, url, **kwargs)`` with its body read within ``limits``;
    raises requests' exceptions, and DeadlineExceeded past the deadline."""
    started = time.monotonic()
    per_read = kwargs.pop("timeout", None)
    read_s = limits.deadline_s if per_read is None else min(float(per_read), limits.deadline_s)
    response = session.request(method, url, stream=True, timeout=read_s, **kwargs)
    chunks: list[bytes] = []
    size, truncated = 0, False
    try:
        while True:
            if time.monotonic() - started > limits.deadline_s:
                raise DeadlineExceeded(
                    f"answered HTTP {response.status_code}, but no complete answer within"
                    f" {limits.deadline_s:g} s (the whole request's deadline; {size} bytes of"
                    " the body had arrived)"
                )
            chunk = response.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            room = limits.max_body_bytes - size
            if len(chunk) >= room:
                chunks.append(chunk[:room])
                size += room
                truncated = len(chunk) > room or bool(response.raw.read1(1, decode_content=True))
                break
            chunks.append(chunk)
            size += len(chunk)
    except urllib3.exceptions.ReadTimeoutError as exc:  # as requests says it of the headers
        raise BodyStalled(
            f"answered HTTP {response.status_code}, then the body stopped arriving"
            f" ({size} bytes read): {exc}"
        ) from exc
    except urllib3.exceptions.HTTPError as exc:  # a reset or a broken encoding mid-body
        raise BodyNotRead(
            f"answered HTTP {response.status_code}, then the body could not be read"
            f" ({size} bytes read): {exc}"
        ) from exc
    finally:
        response.close()
    return Fetched(response, b"".join(chunks), truncated, time.monotonic() - started)


class BoundedSession(requests.Session):
    """A requests Session whose every request has the whole-request deadline and the body cap
    (the shared ``http`` fixture): suites call it as any Session, and ``.content`` holds the
    body read within the limits. ``response.truncated`` says the body went past the cap.
    A caller that asks for ``stream=True`` reads the body itself, as it chose."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if args or kwargs.get("stream"):
            return super().request(str(method), str(url), *args, **kwargs)
        # fetch() asks for stream=True: that request goes to requests' own, above.
        fetched = fetch(self, str(method), str(url), self.limits, **kwargs)
        response = fetched.response
        response._content = fetched.body  # what .content and .text read from now on
        response._content_consumed = True
        response.truncated = fetched.truncated  # type: ignore[attr-defined]
        return response
