"""The shape every pure judge returns: a pass/fail, what was seen, and why it matters."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Judgement:
    ok: bool
    summary: str  # one line: what was seen, in the reader's terms
    why: str  # why the control matters (goes into the evidence)
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())  # reported, never failing (e.g. preload)

    @property
    def message(self) -> str:
        return "; ".join(self.problems) if self.problems else self.summary
