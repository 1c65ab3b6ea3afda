"""``--shard I/N``: plan every check, run only this shard's slice of them.

Every shard plans the same checks (the same gates file and target give the same plan), cuts
it into the same N slices (readiness.core.shards.assign) and keeps its own. The slice unit is
what one observation serves, so nothing is observed twice across shards: a page (its
performance measurement serves all its metrics), an endpoint, or, for unparametrized checks,
their component (the security suite's probes serve all its checks). Checks marked
``whole_run`` (the load run) all go to one shard, ``--load-shard`` (default 1).

The plan and the slice go into readiness.json's ``shard`` block, which is what
``readiness-gate merge`` needs to weigh the shards as one run (readiness/cli/merge.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pytest

from readiness.core.shards import Shard, ShardPlan, assign
from readiness.plugin.gate import GateRun
from readiness.plugin.stash import META_KEY, gate_run

WHOLE_RUN = ("whole-run",)


def unit_of(item: pytest.Item) -> Hashable:
    """The slice unit ``item`` belongs to (see the module's docstring)."""
    marker = item.get_closest_marker("check")
    kwargs = marker.kwargs if marker else {}
    if kwargs.get("whole_run"):
        return WHOLE_RUN
    callspec = getattr(item, "callspec", None)
    shard_by = kwargs.get("shard_by")
    if callspec is not None and shard_by in callspec.params:
        # As a one-parameter check's id reads it, so that budget[script./a] joins ttfb[/a].
        return ("params", str(callspec.params[shard_by]))
    if callspec is not None:
        return ("params", callspec.id)
    meta = item.stash.get(META_KEY, None)
    return ("component", meta.component) if meta is not None else ("node", item.nodeid)


def slice_items(items: list[pytest.Item], shard: Shard, load_shard: int) -> list[bool]:
    """For each item, whether ``shard`` runs it."""
    units = [unit_of(item) for item in items]
    shards = assign([u for u in units if u != WHOLE_RUN], shard.count)
    return [(load_shard if u == WHOLE_RUN else shards[u]) == shard.index for u in units]


@pytest.hookimpl(trylast=True)  # after the engine has planned and ordered the checks
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    run = gate_run(config)
    if run is None or run.shard is None:
        return
    mine = slice_items(items, run.shard, run.load_shard)
    ids = [meta.id if (meta := i.stash.get(META_KEY, None)) else None for i in items]
    run.shard_plan = ShardPlan(
        shard=run.shard,
        load_shard=run.load_shard,
        plan=tuple(i for i in ids if i is not None),
        slice=tuple(i for i, kept in zip(ids, mine, strict=True) if i is not None and kept),
    )
    others = [item for item, kept in zip(items, mine, strict=True) if not kept]
    if others:
        config.hook.pytest_deselected(items=others)
        items[:] = [item for item, kept in zip(items, mine, strict=True) if kept]


def shard_block(run: GateRun) -> dict[str, Any] | None:
    """readiness.json's ``shard`` block for a shard's run (None for an ordinary run): the
    plan and the slice, and the inputs of the verdict a merge weighs again (the waivers and
    the date they are judged on, the suites' notes before the counts join them)."""
    plan = run.shard_plan
    if plan is None:
        return None
    redactor = run.config.redactor
    return {
        "index": plan.shard.index,
        "count": plan.shard.count,
        "load_shard": plan.load_shard,
        "gates_sha256": _digest(Path(run.config.path)),
        "plan": list(plan.plan),
        "slice": list(plan.slice),
        "today": run.today.isoformat(),
        "waivers": [w.model_dump(mode="json") for w in run.config.waivers],
        "notes": redactor.data({name: list(lines) for name, lines in run.notes.items()}),
        "engine_errors": redactor.data(list(run.engine_errors)),
    }


def _digest(path: Path) -> str:
    try:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:  # the file went away during the run: no merge can trust it
        return f"unreadable: {exc.strerror}"
