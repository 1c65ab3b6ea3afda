"""Assemble one GateResult from the recorded checks: waivers, matrix, confidence, verdict.

Pure: everything it needs comes in as arguments (the date too), so it is tested on literals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from readiness import __version__
from readiness.config import VerdictPolicy, Waiver
from readiness.core.model import CheckMeta, CheckResult, ComponentResult, GateResult, Outcome
from readiness.core.scoring import (
    SCORING_VERSION,
    component_readiness,
    component_risk,
    component_status,
    confidence,
    decide,
    overall_readiness,
)
from readiness.core.waivers import apply_waivers


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    weight: float
    blocking: bool


@dataclass
class RunFacts:
    run_id: str
    target: str
    profile: str | None
    started_at: str
    duration_s: float
    today: dt.date
    gates_file: str | None = None
    unreachable: str | None = None
    interrupted: bool = False
    notes: Mapping[str, Sequence[str]] = field(default_factory=dict)  # per component, by suites
    engine_errors: list[str] = field(default_factory=list)  # the engine's own failures
    # Opt-in checks switched off: (component, why) -> their ids. Not planned: they reach
    # readiness.json's not_enabled list and nothing else (coverage, status, risk, verdict).
    not_enabled: Mapping[tuple[str, str], Sequence[str]] = field(default_factory=dict)
    shard: dict[str, Any] | None = None  # a shard's block (readiness/plugin/shard.py)
    merged_from: list[dict[str, Any]] | None = None  # a merged run's shards (cli/merge.py)


def evaluate(
    checks: Sequence[CheckResult],
    components: Sequence[ComponentSpec],
    policy: VerdictPolicy,
    waivers: Sequence[Waiver],
    facts: RunFacts,
) -> GateResult:
    waived, waiver_notes = apply_waivers(checks, waivers, facts.today)
    results = [
        _component(spec, [c for c in waived if c.component == spec.name], policy, facts)
        for spec in components
    ]
    overall = overall_readiness(results)
    conf = confidence(results)
    decision = decide(
        results,
        overall,
        conf,
        go_at=policy.go_at,
        min_coverage=policy.min_coverage,
        unreachable=facts.unreachable,
        interrupted=facts.interrupted,
        waiver_notes=waiver_notes,
        engine_errors=facts.engine_errors,
    )
    return GateResult(
        run_id=facts.run_id,
        target=facts.target,
        profile=facts.profile,
        started_at=facts.started_at,
        duration_s=facts.duration_s,
        verdict=decision.verdict,
        readiness=overall,
        confidence=conf,
        reasons=decision.reasons,
        outstanding=decision.outstanding,
        components=results,
        scoring_version=SCORING_VERSION,
        policy=policy.model_dump(),
        interrupted=facts.interrupted,
        unreachable=facts.unreachable,
        gates_file=facts.gates_file,
        tool_version=__version__,
        not_enabled=not_enabled_entries(facts.not_enabled),
        shard=facts.shard,
        merged_from=facts.merged_from,
    )


def id_pattern(ids: Sequence[str]) -> str:
    """One name for a set of check ids: the id itself for one, else their longest common
    dotted prefix and ``.*`` ("security.active.xss", "security.active.sqli" ->
    "security.active.*")."""
    if len(ids) == 1:
        return ids[0]
    parts = [i.split(".") for i in ids]
    common: list[str] = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return ".".join(common) + ".*"


def not_enabled_entries(
    switched_off: Mapping[tuple[str, str], Sequence[str]],
) -> list[dict[str, Any]]:
    """readiness.json's not_enabled: one entry per component and reason, in plan order."""
    return [
        {"component": component, "checks": id_pattern(list(ids)), "why": why, "count": len(ids)}
        for (component, why), ids in switched_off.items()
        if ids
    ]


def _component(
    spec: ComponentSpec, checks: list[CheckResult], policy: VerdictPolicy, facts: RunFacts
) -> ComponentResult:
    readiness = component_readiness(checks)
    # The suite's own notes (a security grade, say) say more than the counts: first.
    notes = list(facts.notes.get(spec.name, ())) + _summary_note(checks)
    return ComponentResult(
        name=spec.name,
        weight=spec.weight,
        blocking=spec.blocking,
        readiness=readiness,
        status=component_status(checks, len(checks)),
        risk=component_risk(readiness, checks, policy.go_at),
        notes=notes,
        checks=checks,
        planned=len(checks),
    )


def complete_plan(
    planned: Sequence[CheckMeta], results: Sequence[CheckResult], outcome: Outcome, why: str
) -> list[CheckResult]:
    """``results`` plus one result (``outcome``, ``why``) per planned check that never
    reported: the report holds every planned check, whatever stopped the run."""
    reported = {r.id for r in results}
    missing = [
        CheckResult(
            m.id, m.component, m.title, outcome, blocking=m.blocking, weight=m.weight, message=why
        )
        for m in planned
        if m.id not in reported
    ]
    return [*results, *missing]


def _summary_note(checks: Sequence[CheckResult]) -> list[str]:
    if not checks:
        return ["no checks were planned"]
    counts = Counter(c.outcome for c in checks)
    parts = [f"{counts[o]} {o.value}" for o in Outcome if counts[o]]
    notes = [f"{len(checks)} checks: " + ", ".join(parts)]
    worst = [c for c in checks if c.outcome in (Outcome.FAILED, Outcome.WARNED, Outcome.ERRORED)]
    notes += [f"{c.id}: {c.message}" for c in worst[:3]]
    if len(worst) > 3:
        notes.append(f"... and {len(worst) - 3} more")
    return notes
