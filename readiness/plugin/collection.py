"""Collection: which component each check belongs to, its identity (id, title, blocking,
weight, the observations it declares), what is planned (applies=), the gaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.core.model import CheckResult
from readiness.plugin.gate import GateRun
from readiness.plugin.outcomes import safe_text
from readiness.plugin.plan import OptIn, Plan
from readiness.plugin.recorder import NOT_APPLICABLE, CheckMeta
from readiness.plugin.stash import (
    BROKEN_KEY,
    META_KEY,
    gate_run,
)


def _component_of(run: GateRun, path: Path) -> str | None:
    for name, comp in run.config.components.items():
        if path.is_relative_to(comp.suite_dir):
            return name
    return None


def _meta(run: GateRun, item: pytest.Item, component: str) -> CheckMeta:
    marker = item.get_closest_marker("check")
    kwargs = marker.kwargs if marker else {}
    base = (marker.args[0] if marker and marker.args else kwargs.get("id")) or (
        f"{component}.{item.name.split('[')[0].removeprefix('test_')}"
    )
    if not base.startswith(f"{component}."):
        base = f"{component}.{base}"
    callspec = getattr(item, "callspec", None)
    # Its parametrize id is redacted already (plugin/redact.py); a marker's id may not be.
    # A fixed placeholder, so the id is the same whatever the secret's value.
    redactor = run.config.redactor
    check_id = redactor.text(f"{base}.{callspec.id}" if callspec else base)
    doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
    title = redactor.text(kwargs.get("title") or (doc[0] if doc else check_id))
    comp = run.config.components[component]
    override = comp.override(check_id)
    blocking = comp.is_blocking(check_id, kwargs.get("blocking"))
    weight = float(kwargs.get("weight", 1.0))
    if override is not None and override.weight is not None:
        weight = override.weight
    observes = kwargs.get("observes", ())
    observes = (observes,) if isinstance(observes, str) else tuple(observes)
    return CheckMeta(
        check_id,
        component,
        title,
        bool(blocking),
        weight,
        observes=observes,
        fail_at=comp.fail_at_for(check_id),
    )


def _applies(run: GateRun, item: pytest.Item, component: str) -> bool | str:
    """Whether the check's ``applies=`` predicate plans it (True without one); the error
    text when the predicate itself fails (a suite's bug: the check is errored, not dropped).
    An opt-in check switched off is noted in ``run.not_enabled``: not planned, but listed."""
    marker = item.get_closest_marker("check")
    predicate = marker.kwargs.get("applies") if marker else None
    if predicate is None:
        return True
    callspec = getattr(item, "callspec", None)
    plan = Plan(run, run.config.components[component], dict(callspec.params) if callspec else {})
    try:
        applies = bool(predicate(plan))
        why = predicate.why(plan) if not applies and isinstance(predicate, OptIn) else None
    except Exception as exc:
        return f"its applies= predicate raised {type(exc).__name__}: {safe_text(exc)}"
    if why is not None:
        run.not_enabled.setdefault((component, why), []).append(_meta(run, item, component).id)
    return applies


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    run = gate_run(config)
    if run is None:
        return
    order = list(run.config.components)
    # Checks that do not apply (no endpoint asks for a regex, an https-only check on an http
    # target) are not planned at all: they must neither count as skipped nor lower coverage.
    planned, dropped = [], []
    seen: dict[str, str] = {}
    for item in items:
        component = _component_of(run, item.path)
        applies = True if component is None else _applies(run, item, component)
        if item.get_closest_marker(NOT_APPLICABLE) or applies is False:
            dropped.append(item)
            continue
        planned.append(item)
        if component is None:
            continue
        meta = _meta(run, item, component)
        if isinstance(applies, str):
            item.stash[BROKEN_KEY] = applies
        if meta.id in seen:
            raise pytest.UsageError(
                f"check id {meta.id} is used by {seen[meta.id]} and"
                f" {item.nodeid}; check ids must be unique"
            )
        seen[meta.id] = item.nodeid
        item.stash[META_KEY] = meta
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = planned

    def rank(item: pytest.Item) -> tuple[int, int]:
        meta = item.stash.get(META_KEY, None)
        if meta is None:
            return (1, len(order))
        marker = item.get_closest_marker("check")
        probe = bool(marker and marker.kwargs.get("probe"))
        return (0 if probe else 1, order.index(meta.component))

    items.sort(key=rank)  # stable: file order is kept within a component


def pytest_itemcollected(item: pytest.Item) -> None:
    run = gate_run(item.config)
    if run is not None:
        component = _component_of(run, Path(item.path).resolve())
        if component is not None:
            run.collected.add(component)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    # A suite module that fails to import must not vanish from the matrix: it is a gap.
    report = yield
    run = gate_run(collector.config)
    if run is None or not report.failed:
        return report
    path = Path(collector.path).resolve()
    component = _component_of(run, path)
    if component is not None:
        run.add(
            CheckResult.gap(
                f"{component}.collection.{path.name}",
                component,
                "suite module could be collected",
                str(report.longrepr).strip().splitlines()[-1][:300],
            )
        )
    return report


def pytest_collection_finish(session: pytest.Session) -> None:
    # The plan is what is left after every deselection (-k, not applicable): the report
    # holds exactly these checks, whether they ran, errored or never got to run.
    run = gate_run(session.config)
    if run is not None:
        run.planned = {
            meta.id: meta for i in session.items if (meta := i.stash.get(META_KEY, None))
        }
