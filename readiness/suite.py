"""The suite contract: everything a suite imports from the engine, and nothing else.

A suite is a folder of pytest modules. It gathers **observations** (responses, page loads,
scans, load runs, handshakes, probes), each observed or failed with its reason, and its
checks judge them. A check declares what it judges on its marker:

    @check("robots.allowed", title="robots.txt allows the pages", observes="robots")
    def test_allowed(check, robots: Observed[str], component: Component) -> None:
        check.expect("Disallow: /" not in robots.data, value=...)

Before the test body runs, the engine looks up each fixture named in ``observes``; when any
observation in it failed, the check is ``errored`` with that reason and the body (the
judgement) never runs. A check that judges without any observation is ``errored`` too
("nothing was observed"). There is no path from a failed observation to ``passed``.

``applies=`` on the same marker says when a check is part of the plan at all (a predicate on
the run's ``Plan``): a check that does not apply is not planned, so it moves neither
coverage nor status. ``applies=opt_in("active")`` marks checks the user must switch on:
switched off, they are not planned either, and readiness.json lists them once as not enabled.

docs/writing-a-suite.md shows the contract on one page with a complete example suite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

from readiness.browser.discovery import close_quietly
from readiness.browser.pages import not_a_page, planned_pages
from readiness.browser.session import (
    BrowserSession,
    PageNotResponding,
    evaluate_within,
    first_line,
    load_failure,
    moved_on,
    went_elsewhere,
    went_to,
)
from readiness.browser.settings import MissingSecret, expand_env
from readiness.config import Budget, Component, FailAt, OneOrMany, Threshold, require_unique
from readiness.config.suite_settings import SuiteSettings, ThresholdSpec, UndeclaredThreshold
from readiness.core import evidence
from readiness.core.model import CheckResult, Evidence
from readiness.core.observation import (
    MOST_FAILED,
    Observation,
    Observed,
    failed,
    first_failure,
    flatten,
    latency_failure,
    observed,
)
from readiness.core.paths import UrlPath, url_path
from readiness.core.redaction import Redactor
from readiness.plugin.gate import GateRun
from readiness.plugin.http import BodyNotRead, BoundedSession, Limits, why_no_answer
from readiness.plugin.plan import OptIn, Plan, opt_in
from readiness.plugin.recorder import (
    NOT_APPLICABLE,
    CheckMeta,
    CheckRecorder,
    NotObserved,
    not_applicable,
)
from readiness.plugin.stash import GATE_KEY, META_KEY, RECORDER_KEY, gate_run
from readiness.threads import signals_left_to_main_thread

F = TypeVar("F", bound=Callable[..., object])

__all__ = [
    "GATE_KEY",
    "META_KEY",
    "MOST_FAILED",
    "NOT_APPLICABLE",
    "RECORDER_KEY",
    "BodyNotRead",
    "BoundedSession",
    "BrowserSession",
    "Budget",
    "CheckMeta",
    "CheckRecorder",
    "CheckResult",
    "Component",
    "Evidence",
    "FailAt",
    "GateRun",
    "Limits",
    "MissingSecret",
    "NotObserved",
    "Observation",
    "Observed",
    "OneOrMany",
    "OptIn",
    "PageNotResponding",
    "Plan",
    "Redactor",
    "SuiteSettings",
    "Threshold",
    "ThresholdSpec",
    "UndeclaredThreshold",
    "UrlPath",
    "check",
    "close_quietly",
    "component_for",
    "evaluate_within",
    "evidence",
    "expand_env",
    "failed",
    "first_failure",
    "first_line",
    "flatten",
    "gate_run",
    "latency_failure",
    "load_failure",
    "moved_on",
    "not_a_page",
    "not_applicable",
    "observed",
    "opt_in",
    "planned_pages",
    "require_component",
    "require_unique",
    "signals_left_to_main_thread",
    "url_path",
    "went_elsewhere",
    "went_to",
    "why_no_answer",
]


def check(
    check_id: str | None = None,
    *,
    title: str | None = None,
    observes: str | Sequence[str] = (),
    applies: Callable[[Plan], bool] | None = None,
    blocking: bool | None = None,
    weight: float = 1.0,
    probe: bool = False,
    shard_by: str | None = None,
    whole_run: bool = False,
) -> Callable[[F], F]:
    """The check marker (``@pytest.mark.check(...)``, with its keys checked).

    - ``check_id``: the stable id, ``component.name`` (default: the test's name);
    - ``observes``: the fixture(s) holding the observations the check judges; they are
      requested for the check (it need not take them as arguments unless its body uses them);
    - ``applies``: when the check is planned at all (default: always);
    - ``blocking``: the suite's default for this check (gates.yaml's ``checks:`` wins);
    - ``probe``: run before every other check (a reachability probe);
    - ``shard_by``: under ``--shard I/N``, the parameter whose value decides the check's shard
      (default: all its parameters; an unparametrized check goes with its component), so
      checks judging one observation (one page's measurement) run on one shard;
    - ``whole_run``: the check judges one observation of the whole target that must be made
      once per run (a load run): every shard plans it, one runs it (``--load-shard``).
    """
    names = (observes,) if isinstance(observes, str) else tuple(observes)
    kwargs: dict[str, Any] = {"observes": names, "weight": weight, "probe": probe}
    if shard_by is not None:
        kwargs["shard_by"] = shard_by
    if whole_run:
        kwargs["whole_run"] = True
    if title is not None:
        kwargs["title"] = title
    if applies is not None:
        kwargs["applies"] = applies
    if blocking is not None:
        kwargs["blocking"] = blocking
    args = (check_id,) if check_id is not None else ()
    mark = pytest.mark.check(*args, **kwargs)
    uses = pytest.mark.usefixtures(*names)

    def decorate(function: F) -> F:
        # The engine reads the observations from the item's fixtures: request them.
        return uses(mark(function)) if names else mark(function)

    return decorate


def component_for(config: pytest.Config, suite_dir: Path) -> Component | None:
    """The configured component whose suite lives in ``suite_dir`` (None if not selected)."""
    run = gate_run(config)
    if run is None:
        return None
    suite_dir = Path(suite_dir).resolve()
    return next((c for c in run.config.components.values() if c.suite_dir == suite_dir), None)


def require_component(config: pytest.Config, suite_dir: Path) -> Component:
    """The component of the suite in ``suite_dir``, for a suite's session fixtures; a usage
    error when the suite runs outside a gate that configures it."""
    comp = component_for(config, suite_dir)
    if comp is None:
        raise pytest.UsageError(f"{suite_dir.name}: this suite runs only as a configured component")
    return comp
