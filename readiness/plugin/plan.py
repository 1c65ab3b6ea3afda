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
