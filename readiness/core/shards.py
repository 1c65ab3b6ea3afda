"""Shards: the I-th of N disjoint slices of one plan, and what a merge of them must prove.

Pure: a shard's slice is a function of the plan alone, so every shard of a run, planning the
same checks against the same target, cuts the same slices without talking to the others.
``readiness-gate merge`` (readiness/cli/merge.py) checks the shards it is given against the
same rules (merge_problem) before it weighs their checks as one run.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_SHARD = re.compile(r"(\d+)/(\d+)")
MAX_SHARDS = 64  # more machines than this for one gate is a mistake, not a plan


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class ShardPlan:
    """What one shard planned and what it runs (readiness.json's shard block lists both)."""

    shard: Shard
    load_shard: int
    plan: tuple[str, ...]  # every planned check id, in plan order
    slice: tuple[str, ...]  # this shard's, in plan order


def parse_shard(text: str) -> Shard:
    """``"2/3"`` as Shard(2, 3); ValueError with the one line to show for anything else."""
    match = _SHARD.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a shard: give I/N, e.g. --shard 2/3 (the 2nd of 3)")
    index, count = int(match[1]), int(match[2])
    if not 1 <= count <= MAX_SHARDS:
        raise ValueError(f"'{text}': the number of shards must be 1 to {MAX_SHARDS}")
    if not 1 <= index <= count:
        raise ValueError(f"'{text}': the shard's number must be 1 to {count}")
    return Shard(index, count)


def assign(units: Sequence[Hashable], count: int) -> dict[Hashable, int]:
    """Each distinct unit's shard (1-based): round robin in the order units first appear.

    Round robin rather than a hash: the plan's order groups a component's units together, so
    neighbours (pages of one site, checks of one suite) spread evenly over the shards.
    """
    shards: dict[Hashable, int] = {}
    for unit in units:
        if unit not in shards:
            shards[unit] = len(shards) % count + 1
    return shards


# What every shard of one run must agree on, as readiness.json names it, and how a user
# reads it in the refusal: a shard of another run is never weighed into this one.
SAME_RUN_KEYS: tuple[tuple[str, str], ...] = (
    ("target", "target"),
    ("profile", "profile"),
    ("tool_version", "readiness-gate version"),
    ("scoring_version", "scoring version"),
)
SAME_PLAN_KEYS: tuple[tuple[str, str], ...] = (
    ("count", "number of shards"),
    ("gates_sha256", "gates file (its content)"),
    ("load_shard", "--load-shard"),
    ("plan", "plan (the checks planned)"),
)


def merge_problem(shards: Sequence[tuple[str, Mapping[str, Any]]]) -> str | None:
    """Why these shards (each: its folder's name, its readiness.json) cannot be merged into
    one run, as one line; None when they can."""
    if not shards:
        return "no shard folders given: give every shard's run folder (readiness-gate merge DIR...)"
    for name, result in shards:
        if not isinstance(result.get("shard"), dict):
            return f"{name}: not a shard (its run had no --shard I/N); merge only shards' folders"
    first_name, first = shards[0]
    for name, result in shards[1:]:
        for key, label in SAME_RUN_KEYS:
            if result.get(key) != first.get(key):
                return _differ(label, first_name, first.get(key), name, result.get(key))
        for key, label in SAME_PLAN_KEYS:
            if result["shard"].get(key) != first["shard"].get(key):
                legible = key not in ("plan", "gates_sha256")  # too long to print: named only
                return _differ(
                    label,
                    first_name,
                    first["shard"].get(key) if legible else None,
                    name,
                    result["shard"].get(key) if legible else None,
                )
    count = int(first["shard"]["count"])
    where: dict[int, str] = {}
    for name, result in shards:
        index = int(result["shard"]["index"])
        if index in where:
            return (
                f"shard {index}/{count} is given twice ({where[index]} and {name});"
                " give each shard's folder once"
            )
        where[index] = name
    missing = [i for i in range(1, count + 1) if i not in where]
    if missing:
        shown = ", ".join(f"{i}/{count}" for i in missing)
        return (
            f"shard {shown} missing: {len(shards)} of {count} shard folders given;"
            " give all of them (a shard that did not finish must run again)"
        )
    return _slices_problem(shards)


def _slices_problem(shards: Sequence[tuple[str, Mapping[str, Any]]]) -> str | None:
    """The slices cover the plan, each check once (they do when the plans are equal: this
    catches a hand-edited or corrupted readiness.json)."""
    plan = list(shards[0][1]["shard"]["plan"])
    owner: dict[str, str] = {}
    for name, result in shards:
        for check_id in result["shard"]["slice"]:
            if check_id in owner:
                return f"check {check_id} is in the slices of {owner[check_id]} and {name}"
            owner[check_id] = name
    unowned = [c for c in plan if c not in owner]
    if unowned:
        return f"check {unowned[0]} is planned but in no shard's slice ({len(unowned)} such)"
    extra = [c for c in owner if c not in set(plan)]
    if extra:
        return f"check {extra[0]} is in {owner[extra[0]]}'s slice but not in the plan"
    return None


def _differ(label: str, name_a: str, a: Any, name_b: str, b: Any) -> str:
    values = f" ({name_a}: {a}, {name_b}: {b})" if a is not None or b is not None else ""
    return (
        f"the shards differ in their {label}{values}: merge the shards of one run,"
        " all started with the same target, gates file and readiness-gate"
    )
