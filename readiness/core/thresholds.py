"""A threshold: the good and poor lines a metric is judged and scored against (a value type,
validated wherever it is written: gates.yaml, a suite's defaults, readiness.json)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

# Where a blocking metric fails: at its poor line (the default: between good and poor it
# warns, still blocking), or as soon as it is past its good line.
FailAt = Literal["poor", "good"]


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    """good: at or better scores 1; poor: at or worse scores 0. A bare number is a budget.

    good < poor means lower is better (latency), good > poor higher is better (availability);
    a budget (good == poor) is an upper limit unless higher_is_better is set.
    """

    good: float
    poor: float
    higher_is_better: bool = False

    @model_validator(mode="after")
    def _direction(self) -> Threshold:
        if self.good != self.poor:
            self.higher_is_better = self.good > self.poor
        return self
