"""gates.yaml keys of the accessibility component (validated by the engine when the file loads)."""

from __future__ import annotations

import difflib
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from readiness.suite import Budget, OneOrMany, SuiteSettings, Threshold

from .axe_source import AXE_VERSION, rule_ids


def known_rule(rule: str) -> str:
    """An axe rule id the bundled axe-core has (any id, if its rules cannot be read)."""
    known = rule_ids()
    if known and rule not in known:
        hint = difflib.get_close_matches(rule, sorted(known), n=1)
        also = f"; did you mean '{hint[0]}'?" if hint else ""
        raise ValueError(f"no such rule in axe-core {AXE_VERSION}{also}")
    return rule


AxeRule = Annotated[str, AfterValidator(known_rule)]

Impact = Literal["critical", "serious", "moderate", "minor"]
IMPACTS: tuple[str, ...] = ("critical", "serious", "moderate", "minor")
Standard = Literal["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# axe-core tags each rule with the standard and level that require it; a level includes the
# levels below it and the earlier WCAG versions (WCAG 2.2 AA = 2.0 A/AA + 2.1 A/AA + 2.2 AA).
TAGS: dict[str, list[str]] = {
    "wcag2a": ["wcag2a"],
    "wcag2aa": ["wcag2a", "wcag2aa"],
    "wcag21a": ["wcag2a", "wcag21a"],
    "wcag21aa": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    "wcag22aa": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    "best-practice": ["best-practice"],
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rules(_Strict):
    include: list[AxeRule] = []  # axe rule ids to run in addition to the standard's
    exclude: list[AxeRule] = []  # axe rule ids never to run


class Ignore(_Strict):
    """A known violation to leave out: always one rule, narrowed to a selector and/or a page."""

    rule: AxeRule
    selector: str | None = None  # elements matching it (or inside a match) are ignored
    page: str | None = None  # a page path, e.g. /legacy
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _scoped(self) -> Ignore:
        if not (self.selector or self.page):
            raise ValueError(
                "an ignore names a rule and a selector or page; to drop a rule everywhere,"
                " use rules.exclude"
            )
        return self


class Settings(SuiteSettings):
    NEEDS_BROWSER: ClassVar[bool] = True  # the engine finds Chromium before the run starts
    # No `thresholds:`: the limits are `max:` per impact.

    standard: OneOrMany[Standard] = ["wcag21aa", "best-practice"]
    rules: Rules = Rules()
    # Violated rules allowed per page and impact (a number is a budget; or {good, poor}).
    max: dict[Impact, Budget] = Field(
        default_factory=lambda: {i: Threshold(good=0, poor=0) for i in IMPACTS}
    )
    ignore: list[Ignore] = []
    screenshots: bool = True  # a screenshot per page and impact, offending elements outlined
    # Pages scanned at the same time (separate tabs of one browser). On two cores 1 is as fast
    # as any (docs/PERFORMANCE.md); more cores can run more axe scans side by side.
    concurrency: int = Field(default=1, ge=1, le=8)

    def threshold(self, impact: str) -> Threshold:
        return self.max.get(impact) or Threshold(good=0, poor=0)  # type: ignore[call-overload]

    def axe_options(self) -> dict[str, Any]:
        tags = list(dict.fromkeys(t for s in self.standard for t in TAGS[s]))
        rules = {r: {"enabled": True} for r in self.rules.include}
        rules.update({r: {"enabled": False} for r in self.rules.exclude})
        options: dict[str, Any] = {
            "runOnly": {"type": "tag", "values": tags},
            "resultTypes": ["violations"],
        }
        if rules:
            options["rules"] = rules
        return options
