"""The digest: what a reader of a report needs first, drawn from one readiness.json dict.

Pure functions, no I/O, nothing re-judged: every writer (HTML, Markdown, terminal) shows the
same grouping, so the page, summary.md and the terminal never disagree on what matters.

- ``grouped_reasons``: the verdict's reasons with one line per finding (an axe rule, a check
  kind) and the pages it affects, instead of one line per page; the engine's order (most
  decisive first) is kept.
- ``fix_first``: the failures ordered by how much overall readiness each would give back,
  computed with the real scoring functions (readiness if its checks passed minus now).
- ``not_measured``: planned checks that did not run (errored, skipped), grouped by cause.
- ``not_enabled``: opt-in checks switched off, as readiness.json lists them (not planned).
- ``components``: per component, the checks needing attention first, passed ones counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from readiness.core.formatting import count_of, format_points
from readiness.core.model import CheckResult, ComponentResult, Outcome, Risk
from readiness.core.scoring import component_readiness, overall_readiness

__all__ = [
    "ComponentDigest",
    "Digest",
    "Finding",
    "FixItem",
    "Gap",
    "NotEnabled",
    "Reason",
    "digest",
    "finding_key",
    "subject_of",
]

# Most decisive first: a blocking failure stops the deploy; a blocking check unmeasured makes
# the verdict inconclusive; the rest is advisory.
RANK = {
    ("failed", True): 0,
    ("failed", False): 0,
    ("errored", True): 1,
    ("warned", True): 2,
    ("errored", False): 3,
    ("warned", False): 4,
    ("waived", True): 5,
    ("waived", False): 5,
    ("skipped", True): 6,
    ("skipped", False): 6,
    ("passed", True): 7,
    ("passed", False): 7,
}
ATTENTION = ("failed", "errored", "warned", "waived", "skipped")
# How each reason line that names a check starts (readiness.core.scoring.decide writes them),
# and the shorter word its grouped line starts with.
_CHECK_REASONS = {
    "blocking check failed: ": "failed: ",
    "blocking check not measured: ": "not measured (blocking): ",
    "could not measure: ": "not measured: ",
}
# "2 critical rule(s) violated: image-alt, label" (suites/accessibility): the rules, by name.
_RULES_IN_MESSAGE = re.compile(r"\brule\(s\) violated: (?P<rules>.+)$")
_HOW_TO_FIX = ": how to fix"
_RULE_KEY = "accessibility.rule."


@dataclass(frozen=True)
class Finding:
    """One thing wrong, wherever it shows: an axe rule on several pages, a check kind on
    several endpoints, or one check. ``pages`` are the subjects (pages, endpoints) in the
    order the checks were recorded; empty for a check that has none."""

    key: str  # "accessibility.rule.image-alt", "smoke.latency", "security.https"
    label: str  # "image-alt (critical)", "smoke.latency", "security.https"
    component: str
    outcome: str  # the outcome shared by every check of the finding
    blocking: bool
    pages: tuple[str, ...]
    check_ids: tuple[str, ...]
    detail: str  # the first check's message (what was seen)

    @property
    def rank(self) -> int:
        return RANK.get((self.outcome, self.blocking), 8)

    @property
    def where(self) -> str:
        """ "on 4 pages", "on /login", "on /, /about"; "" when the finding has no page."""
        if not self.pages:
            return ""
        if len(self.pages) <= 2:
            return "on " + ", ".join(self.pages)
        return "on " + count_of(len(self.pages), "page")

    @property
    def text(self) -> str:
        """One line: "image-alt (critical) on 4 pages", "security.https: target is not https"."""
        head = f"{self.label} {self.where}".strip()
        if len(self.check_ids) == 1 and not self.key.startswith(_RULE_KEY):
            head = self.check_ids[0]  # one check: its id, the name waivers and history use
        # An axe rule's help reads the same on every page; a kind's messages differ per page.
        if self.detail and (len(self.check_ids) == 1 or self.key.startswith(_RULE_KEY)):
            return f"{head}: {self.detail}"
        return head


@dataclass(frozen=True)
class Reason:
    """One line of the verdict's reasons: a finding (grouped) or the engine's own sentence."""

    text: str  # the whole line: "failed: image-alt (critical) on 4 pages: ..."
    finding: Finding | None = None
    word: str = ""  # how the line starts ("failed: ", "not measured (blocking): "), or ""

    @property
    def body(self) -> str:
        """The line without its leading word, for a writer that shows the outcome itself."""
        return self.text.removeprefix(self.word)


@dataclass(frozen=True)
class FixItem:
    """A failure to fix and the overall readiness points it would give back."""

    finding: Finding
    gain: float  # percentage points of overall readiness
    component: str
    waiver_owner: str | None = None
    waiver_expired: bool = False

    @property
    def text(self) -> str:
        return f"{self.finding.text} ({format_points(self.gain)})"


@dataclass(frozen=True)
class Gap:
    """Planned checks that did not run, sharing one cause."""

    cause: str
    outcome: str  # errored | skipped
    blocking: bool  # any of them blocking
    check_ids: tuple[str, ...]
    components: tuple[str, ...]

    @property
    def text(self) -> str:
        what = count_of(len(self.check_ids), "check")
        if len(self.check_ids) == 1:
            what = self.check_ids[0]
        # A suite's own "skipped: ..." need not say it twice.
        return f"{what} {self.outcome}: {self.cause.removeprefix(self.outcome + ': ')}"


@dataclass(frozen=True)
class NotEnabled:
    """Opt-in checks switched off (readiness.json ``not_enabled``): not planned at all."""

    checks: str  # an id pattern such as "security.active.*"
    why: str
    count: int = 0

    @property
    def text(self) -> str:
        return f"{self.checks}: {self.why}"


@dataclass(frozen=True)
class ComponentDigest:
    name: str
    weight: float
    blocking: bool
    readiness: float | None
    status: str
    risk: str
    notes: tuple[str, ...]
    attention: tuple[dict[str, Any], ...]  # failed, errored, warned, waived, skipped: in order
    passed: int
    counts: Mapping[str, int]  # outcome -> number of checks


@dataclass(frozen=True)
class Digest:
    verdict: str
    exit_code: int | None
    readiness: float | None
    grouped_reasons: list[Reason]
    fix_first: list[FixItem]
    not_measured: list[Gap]
    not_enabled: list[NotEnabled]
    components: list[ComponentDigest]
    outstanding: list[Finding] = field(default_factory=list)  # warned and waived, grouped


def subject_of(check_id: str) -> tuple[str, str | None]:
    """("smoke.status", "/api/products") for "smoke.status./api/products": the check kind and
    the page it was made on; (id, None) for a check that is not per page."""
    at = check_id.find("./")
    if at < 0:
        return check_id, None
    return check_id[:at], check_id[at + 1 :]


def _rules(check: Mapping[str, Any]) -> list[str]:
    """The axe rules a failing accessibility check names (each has a "how to fix" link in its
    evidence; the message lists them too). Empty for any other check."""
    if check.get("component") != "accessibility":
        return []
    rules = [
        str(ev["label"])[: -len(_HOW_TO_FIX)]
        for ev in check.get("evidence") or []
        if str(ev.get("label", "")).endswith(_HOW_TO_FIX)
    ]
    if rules:
        return rules
    match = _RULES_IN_MESSAGE.search(str(check.get("message", "")))
    if not match or match["rules"].strip() == "none":
        return []
    return [r.strip() for r in match["rules"].split(",") if r.strip()]


def finding_key(check: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, label) of each finding a check reports: one per axe rule it names, else one for
    its check kind (the id without its page)."""
    kind, _ = subject_of(str(check["id"]))
    rules = _rules(check)
    if rules:
        impact = kind.rsplit(".", 1)[-1]
        return [(f"{_RULE_KEY}{rule}.{impact}", f"{rule} ({impact})") for rule in rules]
    return [(kind, kind)]


def _rule_help(check: Mapping[str, Any], rule: str) -> str:
    """axe's one-line help for ``rule``, from the evidence table it labels
    ("image-alt: Images must have alternative text (1 element(s))")."""
    for ev in check.get("evidence") or []:
        label = str(ev.get("label", ""))
        if label.startswith(f"{rule}: ") and not label.endswith(_HOW_TO_FIX):
            return re.sub(r"\s*\(\d+ element\(s\)\)$", "", label[len(rule) + 2 :])
    return ""


def _checks(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [c for comp in result.get("components") or [] for c in comp.get("checks") or []]


def _detail(check: Mapping[str, Any], key: str) -> str:
    if key.startswith(_RULE_KEY):
        return _rule_help(check, key.split(".")[2])
    return str(check.get("message", ""))


K = TypeVar("K")
V = TypeVar("V")


def _grouped(pairs: Iterable[tuple[K, V]]) -> dict[K, list[V]]:
    """The values under each key, keys and values in first-seen order."""
    groups: dict[K, list[V]] = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """``values`` without repeats or None, in first-seen order."""
    return tuple(v for v in dict.fromkeys(values) if v is not None)


def group_findings(checks: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Findings in first-seen order: checks sharing a finding key, outcome and blocking flag
    become one finding listing their pages."""
    groups = _grouped(
        ((key, str(check.get("outcome", "")), bool(check.get("blocking"))), (check, label))
        for check in checks
        for key, label in finding_key(check)
    )
    findings = []
    for (key, outcome, blocking), members in groups.items():
        first, label = members[0]
        findings.append(
            Finding(
                key=key,
                label=label,
                component=str(first.get("component", key.split(".", 1)[0])),
                outcome=outcome,
                blocking=blocking,
                pages=_unique(subject_of(str(c["id"]))[1] for c, _ in members),
                check_ids=_unique(str(c["id"]) for c, _ in members),
                detail=_detail(first, key),
            )
        )
    return findings


def _reason_check(reason: str, checks: Mapping[str, Mapping[str, Any]]) -> tuple[str, str] | None:
    """The id of the check a reason line names (scoring.decide's "<prefix><id> <outcome>...")
    and the word its grouped line starts with."""
    for prefix, word in _CHECK_REASONS.items():
        if not reason.startswith(prefix):
            continue
        rest = reason[len(prefix) :]
        for check_id, check in checks.items():
            if rest.startswith(f"{check_id} {check.get('outcome')}"):
                return check_id, word
    return None


def grouped_reasons(result: Mapping[str, Any]) -> list[Reason]:
    """The verdict's reasons in the engine's order, each check reason replaced by its finding
    (emitted once, where its first check appeared)."""
    checks = {str(c["id"]): c for c in _checks(result)}
    named = {
        str(reason): found
        for reason in result.get("reasons") or []
        if (found := _reason_check(str(reason), checks)) is not None
    }
    findings = group_findings(checks[cid] for cid, _ in dict.fromkeys(named.values()))
    by_check: dict[str, list[Finding]] = {}
    for finding in findings:
        for cid in finding.check_ids:
            by_check.setdefault(cid, []).append(finding)
    out: list[Reason] = []
    shown: set[str] = set()
    for reason in result.get("reasons") or []:
        found = named.get(str(reason))
        if found is None:
            out.append(Reason(str(reason)))
            continue
        cid, word = found
        for finding in by_check.get(cid, []):
            ident = f"{finding.key}|{finding.outcome}|{finding.blocking}"
            if ident not in shown:
                shown.add(ident)
                out.append(Reason(word + finding.text, finding, word))
    return out


# --- fix first: the real scoring, re-run with a finding's checks passing ----------------------


def _as_result(check: Mapping[str, Any], passing: bool) -> CheckResult:
    outcome = Outcome.PASSED if passing else Outcome(str(check.get("outcome", "errored")))
    return CheckResult(
        str(check["id"]),
        str(check.get("component", "")),
        str(check.get("title", "")),
        outcome,
        score=1.0 if passing else check.get("score"),
        weight=float(check.get("weight", 1.0)),
    )


def _overall(result: Mapping[str, Any], passing: Mapping[str, float]) -> float:
    """Overall readiness with the checks in ``passing`` made to pass; a check credited with a
    share ``s`` < 1 (it fails on several findings) moves its score by that share only."""
    components = []
    for comp in result.get("components") or []:
        checks = []
        for check in comp.get("checks") or []:
            share = passing.get(str(check["id"]), 0.0)
            checks.append(_as_result(check, passing=share > 0))
            if 0 < share < 1:
                before = float(check.get("score") or 0.0) if _counts(check) else 0.0
                checks[-1].score = before + (1.0 - before) * share
        components.append(
            ComponentResult(
                name=str(comp.get("name", "")),
                weight=float(comp.get("weight", 0.0)),
                blocking=bool(comp.get("blocking")),
                readiness=component_readiness(checks),
                status="",
                risk=Risk.LOW,
                notes=[],
                checks=checks,
                planned=len(checks),
            )
        )
    return overall_readiness(components) or 0.0


def _counts(check: Mapping[str, Any]) -> bool:
    return check.get("outcome") in ("passed", "failed", "warned") and check.get("score") is not None


FIXABLE = ("failed", "warned", "waived")


def fix_first(result: Mapping[str, Any]) -> list[FixItem]:
    """Failures (failed, warned, waived) grouped into findings, each with the overall
    readiness it would give back: readiness with its checks passing minus readiness now. A
    check failing on k findings (an axe check naming k rules) credits each with 1/k of it, so
    the gains add up to what fixing everything gives. Largest gain first; ties by how decisive
    the finding is."""
    checks = [c for c in _checks(result) if c.get("outcome") in FIXABLE]
    findings_of = {str(c["id"]): len(finding_key(c)) for c in checks}
    now = _overall(result, {})
    by_id = {str(c["id"]): c for c in checks}
    items = []
    for finding in group_findings(checks):
        shares = {cid: 1.0 / findings_of[cid] for cid in finding.check_ids}
        gain = round(_overall(result, shares) - now, 2)
        waiver = next(
            (by_id[cid].get("waiver") for cid in finding.check_ids if by_id[cid].get("waiver")),
            None,
        )
        items.append(
            FixItem(
                finding,
                gain,
                finding.component,
                waiver_owner=str(waiver.get("owner")) if waiver and waiver.get("owner") else None,
                waiver_expired=bool(waiver and waiver.get("expired")),
            )
        )
    return sorted(items, key=lambda i: (-i.gain, i.finding.rank))


# --- not measured, not enabled, components ---------------------------------------------------


def not_measured(result: Mapping[str, Any]) -> list[Gap]:
    """Errored and skipped checks grouped by their cause (the message), blocking ones first."""
    groups = _grouped(
        ((str(check.get("outcome")), str(check.get("message") or "no reason given")), check)
        for check in _checks(result)
        if str(check.get("outcome")) in ("errored", "skipped")
    )
    gaps = [
        Gap(
            cause,
            outcome,
            any(bool(c.get("blocking")) for c in members),
            tuple(str(c["id"]) for c in members),
            _unique(str(c.get("component")) for c in members),
        )
        for (outcome, cause), members in groups.items()
    ]
    return sorted(gaps, key=lambda g: (g.outcome != "errored", not g.blocking))


def not_enabled(result: Mapping[str, Any]) -> list[NotEnabled]:
    return [
        NotEnabled(str(e.get("checks", "")), str(e.get("why", "")), int(e.get("count", 0)))
        for e in result.get("not_enabled") or []
    ]


def _check_rank(check: Mapping[str, Any]) -> int:
    return RANK.get((str(check.get("outcome")), bool(check.get("blocking"))), 8)


def component_digest(comp: Mapping[str, Any]) -> ComponentDigest:
    checks = list(comp.get("checks") or [])
    counts: dict[str, int] = {}
    for check in checks:
        counts[str(check.get("outcome"))] = counts.get(str(check.get("outcome")), 0) + 1
    attention = sorted((c for c in checks if c.get("outcome") in ATTENTION), key=_check_rank)
    return ComponentDigest(
        name=str(comp.get("name", "")),
        weight=float(comp.get("weight", 0.0)),
        blocking=bool(comp.get("blocking")),
        readiness=comp.get("readiness"),
        status=str(comp.get("status", "")),
        risk=str(comp.get("risk", "")),
        notes=tuple(str(n) for n in comp.get("notes") or []),
        attention=tuple(attention),
        passed=counts.get("passed", 0),
        counts=counts,
    )


def outstanding(result: Mapping[str, Any]) -> list[Finding]:
    """Warned and waived checks as findings, most decisive first (blocking warned first)."""
    checks = [c for c in _checks(result) if c.get("outcome") in ("warned", "waived")]
    return sorted(group_findings(checks), key=lambda f: f.rank)


def scope_line(result: Mapping[str, Any]) -> str | None:
    """What part of a run this report is, when it is not a whole single run: a shard's
    verdict covers its slice only (a reader must not take it for the run's), a merged run
    names its shards. None for an ordinary run."""
    shard = result.get("shard")
    if isinstance(shard, dict):
        ran, planned = len(shard.get("slice") or []), len(shard.get("plan") or [])
        return (
            f"Shard {shard.get('index')}/{shard.get('count')}: this report covers its slice,"
            f" {ran} of the run's {planned} planned checks. The run's verdict is the merge's"
            " (readiness-gate merge with every shard's folder)."
        )
    merged = result.get("merged_from")
    if isinstance(merged, list) and merged:
        runs = ", ".join(str(m.get("run_id")) for m in merged)
        return f"Merged from {len(merged)} shards ({runs})."
    return None


def digest(result: Mapping[str, Any]) -> Digest:
    """Everything above for one readiness.json dict."""
    return Digest(
        verdict=str(result.get("verdict", "?")),
        exit_code=result.get("exit_code"),
        readiness=result.get("readiness"),
        grouped_reasons=grouped_reasons(result),
        fix_first=fix_first(result),
        not_measured=not_measured(result),
        not_enabled=not_enabled(result),
        components=[component_digest(c) for c in result.get("components") or []],
        outstanding=outstanding(result),
    )


def outcome_counts(counts: Mapping[str, int], order: Sequence[str] = ATTENTION) -> str:
    """ "2 failed, 1 warned, 20 passed": the non-zero outcomes, attention first."""
    parts = [f"{counts[o]} {o}" for o in (*order, "passed") if counts.get(o)]
    return ", ".join(parts) or "no checks"
