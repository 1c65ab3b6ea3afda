"""Observations: what a suite's gathering saw, or why it saw nothing. Pure, no pytest.

Lighthouse's audits declare the artifacts they require, and an audit whose artifact errored
becomes an error result without its judgement running. An observation plays the artifact's
part here: a response, a page load, an axe scan, a load run, a TLS handshake, a probe. It has
an explicit state: ``failure is None`` means observed; otherwise ``failure`` says why not
(timeout, TLS, refused, redirected elsewhere, body over the cap...).

Any object with a ``subject`` (what was observed, for messages) and a ``failure`` attribute is
an observation, so a suite's own result types (a response record, a page scan) take part
without wrapping; ``Observed`` is a ready-made one for suites that have no such type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")


@runtime_checkable
class Observation(Protocol):
    """What one act of gathering produced: observed (``failure is None``) or failed."""

    @property
    def subject(self) -> str:
        """What was observed, in the reader's terms: 'GET https://host/api', 'page /login'."""
        ...

    @property
    def failure(self) -> str | None:
        """Why nothing usable was observed; None when it was observed."""
        ...


# An observation may also carry ``evidence`` (a list of Evidence): what explains its failure
# (a tool's last output lines, the command it ran). The check it leaves errored shows it.


@dataclass(frozen=True)
class Observed(Generic[T]):
    """A generic observation: ``data`` when observed, ``failure`` when not."""

    subject: str
    data: T | None = None
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def observed(subject: str, data: T) -> Observed[T]:
    return Observed(subject, data)


def failed(subject: str, reason: str) -> Observed[Any]:
    return Observed(subject, None, reason or "failed (no reason given)")


class NotAnObservation(TypeError):
    """A value declared as an observation is not one (a suite's bug, named in the check)."""


def flatten(value: Any, name: str = "value") -> list[Observation]:
    """Every observation in ``value``: one, a list or tuple of them, None (nothing), or an
    object that bundles several under an ``observations`` attribute (and may be one itself)."""
    if value is None:
        return []
    bundle = getattr(value, "observations", None)
    if bundle is not None:  # a bundle may be an observation itself (a whole load run)
        own = [value] if isinstance(value, Observation) else []
        return own + flatten(list(bundle), name)
    if isinstance(value, Observation):
        return [value]
    if isinstance(value, list | tuple):
        return [o for item in value for o in flatten(item, name)]
    raise NotAnObservation(
        f"{name} is a {type(value).__name__}, not an observation: give it `subject` and"
        " `failure` attributes (or use readiness.suite.observed / failed)"
    )


# Share of failed requests above which the successful ones no longer describe the service:
# the few that got through are not its latency, they are what survived its collapse.
MOST_FAILED = 0.5


def latency_failure(failed_requests: int, total: int) -> str | None:
    """Why latency cannot be judged from a batch of requests, or None when it can: latency
    is taken over successful requests only, and only while they are most of them (the few
    that succeeded while most failed would pass a collapsing target as fast)."""
    if total <= 0:
        return "latency not judged: no request was made"
    if failed_requests > total * MOST_FAILED:
        share = failed_requests / total
        return (
            f"latency not judged: {failed_requests} of {total} requests failed ({share:.2%});"
            " the successful ones do not describe the service"
        )
    return None


def first_failed(observations: Iterable[Observation]) -> Observation | None:
    """The first failed observation, or None when all were observed."""
    return next((item for item in observations if item.failure is not None), None)


def first_failure(observations: Iterable[Observation]) -> str | None:
    """'subject: reason' of the first failed observation, or None when all were observed."""
    item = first_failed(observations)
    return None if item is None else f"{item.subject}: {item.failure}"
