"""What a check's ``applies=`` predicate sees at collection (see readiness.suite.check)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from readiness.config import Component
from readiness.plugin.gate import GateRun


@dataclass(frozen=True)
class Plan:
    """What ``applies=`` predicates see at collection: the run, the check's component, and
    the check's parameters (``params["endpoint"]`` for a parametrized check)."""

    run: GateRun
    component: Component
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return self.run.target

    @property
    def https(self) -> bool:
        return self.run.target.startswith("https:")

    @property
    def settings(self) -> Any:
        return self.component.settings


@dataclass(frozen=True)
class OptIn:
    """An ``applies=`` predicate for checks the user must switch on: planned only when the
    component's setting ``setting`` is true. Switched off, the checks are not planned (they
    move neither coverage, status nor risk) and readiness.json lists them once under
    ``not_enabled``, with the setting that would switch them on."""

    setting: str

    def __call__(self, plan: Plan) -> bool:
        return bool(getattr(plan.settings, self.setting))

    def why(self, plan: Plan) -> str:
        """ "opt-in, security.active: false": what is off, as gates.yaml spells it."""
        value = getattr(plan.settings, self.setting)
        shown = {True: "true", False: "false", None: "null"}.get(value, repr(value))
        return f"opt-in, {plan.component.name}.{self.setting}: {shown}"


def opt_in(setting: str) -> OptIn:
    """``applies=opt_in("active")``: the check runs only when the component's ``active``
    setting is switched on (see OptIn)."""
    return OptIn(setting)
