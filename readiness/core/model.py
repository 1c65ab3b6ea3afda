"""The data every part of the gate passes around: check results, components, the gate result.

Plain dataclasses, no behaviour beyond (de)serialisation: scoring lives in ``scoring.py``,
I/O in the plugin and the report writers.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from readiness.core.thresholds import FailAt, Threshold

# Bumped when readiness.json changes shape (tools outside the project read it).
SCHEMA_VERSION = "1.2.0"  # 1.1: not_enabled; 1.2: shard, merged_from


@dataclass(frozen=True)
class Expected:
    """What a binary check should have seen (its threshold in readiness.json: {"expected": v})."""

    value: Any


def threshold_from_json(data: Any) -> Threshold | Expected | None:
    """A threshold as readiness.json writes it, typed again: {good, poor[, higher_is_better]}
    is a Threshold, {"expected": v} an Expected."""
    if data is None or isinstance(data, Threshold | Expected):
        return data
    if isinstance(data, dict) and {"good", "poor"} <= set(data):
        return Threshold.model_validate(data)
    if isinstance(data, dict) and set(data) == {"expected"}:
        return Expected(data["expected"])
    raise ValueError(f"not a threshold: {data!r} (want {{good, poor}} or {{expected}})")


def threshold_to_json(threshold: Threshold | Expected | None) -> dict[str, Any] | None:
    if isinstance(threshold, Threshold):
        return threshold.model_dump()
    if isinstance(threshold, Expected):
        return {"expected": threshold.value}
    return None


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # a blocking check that did not meet its threshold
    WARNED = "warned"  # a non-blocking check that did not meet its threshold
    WAIVED = "waived"  # failed or warned, but covered by an unexpired waiver
    ERRORED = "errored"  # could not be measured: never counts as passed
    SKIPPED = "skipped"  # not run (unreachable target, opt-in not given, ...)

    @property
    def ran(self) -> bool:
        """True when the check produced a judgement (it counts towards coverage)."""
        return self in (Outcome.PASSED, Outcome.FAILED, Outcome.WARNED, Outcome.WAIVED)


class Verdict(enum.StrEnum):
    GO = "GO"
    NO_GO = "NO-GO"
    INCONCLUSIVE = "INCONCLUSIVE"

    @property
    def exit_code(self) -> int:
        return {Verdict.GO: 0, Verdict.NO_GO: 1, Verdict.INCONCLUSIVE: 3}[self]


class Risk(enum.StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@dataclass(frozen=True)
class CheckMeta:
    """What is known about a check before it runs (Lighthouse's audit `meta`)."""

    id: str
    component: str
    title: str
    blocking: bool
    weight: float
    observes: tuple[str, ...] = ()  # fixtures holding the observations the check judges
    fail_at: FailAt = "poor"  # where a blocking metric fails: at poor, or already past good


@dataclass
class Evidence:
    """One piece of proof behind a check: a text, a URL, a JSON blob, an image or HTML file."""

    kind: str  # text | url | json | image | html | table
    label: str
    content: Any = None  # text or JSON-able data; for files, the path relative to the run dir
    mime: str | None = None


@dataclass
class CheckResult:
    id: str  # stable, namespaced by component: "smoke.status./api"
    component: str
    title: str
    outcome: Outcome
    score: float | None = None  # in [0, 1]; None when the check did not run
    value: Any = None  # what was measured
    unit: str | None = None
    threshold: Threshold | Expected | None = None  # typed from gates.yaml to the JSON writer
    blocking: bool = False
    weight: float = 1.0
    message: str = ""  # one line: why it passed, failed, errored or was skipped
    evidence: list[Evidence] = field(default_factory=list)
    samples: list[float] = field(default_factory=list)  # repeated measurements: feed the spread
    waiver: dict[str, Any] | None = None  # the waiver that applied (or expired), if any
    duration_s: float = 0.0

    def __post_init__(self) -> None:
        # Built from readiness.json's form too (a report re-rendered, a test's literal).
        self.threshold = threshold_from_json(self.threshold)

    @classmethod
    def gap(cls, check_id: str, component: str, title: str, message: str) -> CheckResult:
        """An errored check standing for something planned that could not even start."""
        return cls(check_id, component, title, Outcome.ERRORED, message=message)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        data["threshold"] = threshold_to_json(self.threshold)
        return data


def check_from_json(data: dict[str, Any]) -> CheckResult:
    """A check as readiness.json writes it (CheckResult.to_dict), typed again; TypeError or
    ValueError for what is not one."""
    evidence = [Evidence(**item) for item in data.get("evidence") or []]
    return CheckResult(**{**data, "outcome": Outcome(data["outcome"]), "evidence": evidence})


def cut_short(result: CheckResult, signal_name: str) -> CheckResult:
    """``result`` for a check that ended after the run was interrupted: not run, whatever it
    reported, because a child of the run may have died of the same signal."""
    return CheckResult(
        result.id,
        result.component,
        result.title,
        Outcome.SKIPPED,
        blocking=result.blocking,
        weight=result.weight,
        message=f"not run: the run was interrupted ({signal_name}) while it ran",
        duration_s=result.duration_s,
    )


@dataclass
class ComponentResult:
    name: str
    weight: float
    blocking: bool
    readiness: float | None  # 0-100; None when no check of the component ran
    status: str  # passed | warned | failed | incomplete | not-run
    risk: Risk
    notes: list[str]
    checks: list[CheckResult]
    planned: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weight": self.weight,
            "blocking": self.blocking,
            "readiness": self.readiness,
            "status": self.status,
            "risk": self.risk.value,
            "notes": self.notes,
            "planned": self.planned,
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass
class Confidence:
    value: float  # 0-1: coverage x stability
    coverage: float  # checks that ran / checks planned
    stability: float  # 1 - median score spread of repeated measurements (scoring.stability)
    checks_planned: int
    checks_ran: int


@dataclass
class GateResult:
    run_id: str
    target: str
    profile: str | None
    started_at: str
    duration_s: float
    verdict: Verdict
    readiness: float | None
    confidence: Confidence
    reasons: list[str]
    outstanding: list[str]
    components: list[ComponentResult]
    scoring_version: str
    policy: dict[str, Any]
    interrupted: bool = False
    unreachable: str | None = None  # why the target could not be reached
    gates_file: str | None = None
    tool_version: str = ""
    # Opt-in checks switched off: not planned, listed once ({checks, why, count}).
    not_enabled: list[dict[str, Any]] = field(default_factory=list)
    # A shard's run (--shard I/N): the whole plan, its slice and what a merge needs.
    shard: dict[str, Any] | None = None
    # A merged run (readiness-gate merge): the shards it was weighed from.
    merged_from: list[dict[str, Any]] | None = None

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else self.verdict.exit_code

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "scoring_version": self.scoring_version,
            "tool_version": self.tool_version,
            "run_id": self.run_id,
            "target": self.target,
            "profile": self.profile,
            "gates_file": self.gates_file,
            "started_at": self.started_at,
            "duration_s": round(self.duration_s, 3),
            "interrupted": self.interrupted,
            "unreachable": self.unreachable,
            "verdict": self.verdict.value,
            "exit_code": self.exit_code,
            "readiness": self.readiness,
            "confidence": asdict(self.confidence),
            "policy": self.policy,
            "reasons": self.reasons,
            "outstanding": self.outstanding,
            "not_enabled": self.not_enabled,
            # Only in the runs that have them: an ordinary run's JSON is as it was.
            **({"shard": self.shard} if self.shard is not None else {}),
            **({"merged_from": self.merged_from} if self.merged_from is not None else {}),
            "components": [c.to_dict() for c in self.components],
        }
