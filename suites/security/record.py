"""Turn a Judgement into a recorded check with the evidence every security check carries:
the value seen, the URL, and why the control matters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from readiness.suite import Evidence, evidence

from .judgement import Judgement


def judged(
    check,
    verdict: Judgement,
    url: str,
    seen: str | None,
    *,
    expected: str,
    extra: Iterable[Evidence] = (),
) -> None:
    items = [
        evidence.url("URL", url),
        evidence.text("value seen", seen if seen is not None else "(absent)"),
        evidence.text("why it matters", verdict.why),
    ]
    if verdict.notes:
        items.append(evidence.text("also reported", "\n".join(verdict.notes)))
    check.expect(
        verdict.ok,
        value=verdict.summary,
        expected=expected,
        message=verdict.message,
        evidence=[*items, *extra],
    )


def over_pages(check, rows: list[tuple[str, str | None, Judgement]], *, expected: str) -> None:
    """One verdict per page; the check passes when every page passes."""
    failing = [row for row in rows if not row[2].ok]
    url, seen, verdict = failing[0] if failing else rows[0]
    table = evidence.table(
        "per page",
        ["URL", "value seen", "verdict"],
        [(evidence.redact_url(u), v or "(absent)", j.message) for u, v, j in rows],
    )
    if len(failing) > 1:
        more = f"and {len(failing) - 1} more page(s)"
        verdict = replace(verdict, problems=(*verdict.problems, more))
    judged(check, verdict, url, seen, expected=expected, extra=[table])


def header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)
