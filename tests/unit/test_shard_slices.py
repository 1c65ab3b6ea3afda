"""The pure side of shards: parsing I/N, cutting slices, what a merge refuses."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from readiness.core.shards import Shard, assign, merge_problem, parse_shard


@pytest.mark.parametrize(("text", "shard"), [("1/1", Shard(1, 1)), (" 2/3 ", Shard(2, 3))])
def test_parse_shard(text: str, shard: Shard) -> None:
    assert parse_shard(text) == shard


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("3", "is not a shard: give I/N"),
        ("0/3", "the shard's number must be 1 to 3"),
        ("4/3", "the shard's number must be 1 to 3"),
        ("1/0", "the number of shards must be 1 to 64"),
        ("-1/2", "is not a shard"),
    ],
)
def test_parse_shard_refuses(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_shard(text)


def test_assign_is_round_robin_over_first_appearance() -> None:
    units = ["a", "b", "a", "c", "d", "b", "e"]
    assert assign(units, 2) == {"a": 1, "b": 2, "c": 1, "d": 2, "e": 1}
    assert assign(units, 1) == dict.fromkeys("abcde", 1)
    assert set(assign(units, 9).values()) == {1, 2, 3, 4, 5}  # more shards than units


def shard(index: int, count: int = 2, **changes: Any) -> tuple[str, dict[str, Any]]:
    plan = ["smoke.a", "smoke.b", "security.c"]
    slices = {1: ["smoke.a", "security.c"], 2: ["smoke.b"]}
    data: dict[str, Any] = {
        "target": "https://t.test",
        "profile": None,
        "tool_version": "1.0",
        "scoring_version": "3",
        "shard": {
            "index": index,
            "count": count,
            "load_shard": 1,
            "gates_sha256": "sha256:x",
            "plan": plan,
            "slice": slices.get(index, []),
        },
    }
    for key, value in changes.items():
        (data["shard"] if key in data["shard"] else data)[key] = value
    return f"dir{index}", data


def test_shards_of_one_run_merge() -> None:
    assert merge_problem([shard(2), shard(1)]) is None


@pytest.mark.parametrize(
    ("shards", "why"),
    [
        ([], "no shard folders given"),
        ([shard(1), ("plain", {"target": "https://t.test"})], "plain: not a shard"),
        ([shard(1), shard(2, target="https://u.test")], "differ in their target (dir1: htt"),
        ([shard(1), shard(2, tool_version="2.0")], "readiness-gate version (dir1: 1.0, dir2: 2.0)"),
        ([shard(1), shard(2, scoring_version="4")], "scoring version"),
        ([shard(1), shard(2, gates_sha256="sha256:y")], "gates file (its content):"),
        ([shard(1), shard(2, plan=["smoke.a"])], "differ in their plan (the checks planned):"),
        ([shard(1), shard(2, count=3)], "number of shards (dir1: 2, dir2: 3)"),
        ([shard(1), shard(1)], "shard 1/2 is given twice (dir1 and dir1)"),
        ([shard(1)], "shard 2/2 missing: 1 of 2 shard folders given"),
        ([shard(1), shard(2, slice=["smoke.a", "smoke.b"])], "smoke.a is in the slices of dir1"),
        ([shard(1), shard(2, slice=[])], "smoke.b is planned but in no shard's slice"),
        ([shard(1), shard(2, slice=["smoke.b", "x.y"])], "x.y is in dir2's slice but not in"),
    ],
)
def test_merge_refuses(shards: list[tuple[str, dict[str, Any]]], why: str) -> None:
    problem = merge_problem(copy.deepcopy(shards))
    assert problem is not None and why in problem, problem
    assert "\n" not in problem
