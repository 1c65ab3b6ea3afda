"""The shards of one run weighed as that run: one set of checks, one verdict (pure).

Each shard's readiness.json holds its slice's checks as they were judged (waivers already
applied) and, in its ``shard`` block, the inputs of the verdict that are not checks: the
waivers and the date they were judged on, the suites' own notes, the engine's errors. The
merged run is evaluate() over every slice's checks with those inputs, so it is the verdict
the single run would have reached on the same observations (readiness/core/shards.py checks
first that the shards belong together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from readiness.config import VerdictPolicy, Waiver
from readiness.core.evaluate import ComponentSpec, RunFacts, evaluate
from readiness.core.model import CheckResult, GateResult, Outcome, check_from_json

Shard = tuple[str, Mapping[str, Any]]  # its folder, as the user named it; its readiness.json


def merged_checks(shards: Sequence[Shard]) -> list[CheckResult]:
    """Every planned check from the shard whose slice holds it, in plan order; then the gaps
    (a suite that could not be collected), once each, as the shards reported them."""
    plan = list(shards[0][1]["shard"]["plan"])
    planned = set(plan)
    found: dict[str, CheckResult] = {}
    gaps: dict[str, CheckResult] = {}
    for name, result in shards:
        mine = set(result["shard"]["slice"])
        for component in result["components"]:
            for data in component.get("checks") or []:
                check = check_from_json(data)
                if check.id in mine:
                    found[check.id] = check
                elif check.id not in planned:
                    gaps.setdefault(check.id, check)
        for check_id in mine - set(found):  # complete_plan makes this rare: named, not lost
            found[check_id] = _unreported(check_id, name)
    return [found[c] for c in plan] + list(gaps.values())


def _unreported(check_id: str, name: str) -> CheckResult:
    component = check_id.split(".", 1)[0]
    return CheckResult.gap(
        check_id, component, check_id, f"errored: shard {name} did not report this check"
    )


def merged_notes(shards: Sequence[Shard]) -> dict[str, list[str]]:
    """The suites' notes of every shard, each line once, in shard order."""
    notes: dict[str, list[str]] = {}
    for _, result in shards:
        for component, lines in (result["shard"].get("notes") or {}).items():
            kept = notes.setdefault(component, [])
            kept.extend(line for line in lines if line not in kept)
    return notes


def merge(shards: Sequence[Shard], run_id: str) -> GateResult:
    """One GateResult for the shards (in any order) of one run."""
    shards = sorted(shards, key=lambda s: int(s[1]["shard"]["index"]))
    first = shards[0][1]
    count = int(first["shard"]["count"])
    specs = [
        ComponentSpec(c["name"], float(c["weight"]), bool(c["blocking"]))
        for c in first["components"]
    ]
    engine_errors = [
        f"shard {r['shard']['index']}/{count}: {line}"
        for _, r in shards
        for line in r["shard"].get("engine_errors") or []
    ]
    facts = RunFacts(
        run_id=run_id,
        target=first["target"],
        profile=first["profile"],
        started_at=min(str(r["started_at"]) for _, r in shards),
        # Shards run side by side: the run took as long as its slowest shard.
        duration_s=max(float(r["duration_s"]) for _, r in shards),
        today=dt.date.fromisoformat(first["shard"]["today"]),
        gates_file=first.get("gates_file"),
        unreachable=next((r["unreachable"] for _, r in shards if r.get("unreachable")), None),
        interrupted=any(bool(r.get("interrupted")) for _, r in shards),
        notes=merged_notes(shards),
        engine_errors=engine_errors,
        merged_from=[
            {
                "index": int(r["shard"]["index"]),
                "count": count,
                "run_id": str(r["run_id"]),
                "folder": name,
                "verdict": str(r["verdict"]),
                "duration_s": float(r["duration_s"]),
            }
            for name, r in shards
        ],
    )
    policy = VerdictPolicy.model_validate(first["policy"])
    waivers = [Waiver.model_validate(w) for w in first["shard"].get("waivers") or []]
    result = evaluate(merged_checks(shards), specs, policy, waivers, facts)
    # Listed at collection, before the plan was sliced: the same in every shard.
    result.not_enabled = list(first.get("not_enabled") or [])
    return result


def outcomes(result: Mapping[str, Any]) -> dict[str, Outcome]:
    """Each check id of a readiness.json with its outcome (what a merge is compared on)."""
    return {
        check["id"]: Outcome(check["outcome"])
        for component in result["components"]
        for check in component.get("checks") or []
    }
