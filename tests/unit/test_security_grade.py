"""The security grade: the documented table is the code's table, and a given observation's score
is 100 plus the documented modifiers (parsed from docs/security-scoring.md, not from the code)."""

from __future__ import annotations

import re

import pytest
from helpers import REPO

from suites.security import grading, modifiers
from suites.security.content import Resource

DOC = REPO / "docs" / "security-scoring.md"


def documented() -> dict[tuple[str, str], int]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split(modifiers.START)[1].split(modifiers.END)[0]
    rows = re.findall(r"^\| ([\w-]+) \| ([\w-]+) \| ([+-]\d+) \|", table, re.MULTILINE)
    return {(test, key): int(points) for test, key, points in rows}


def test_doc_table_is_generated_from_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"{modifiers.START}\n{modifiers.markdown_table()}\n{modifiers.END}" in text, (
        "docs/security-scoring.md is stale: run"
        ' python -c "from suites.security.modifiers import update_doc; update_doc()"'
    )
    assert len(documented()) == len(modifiers.TABLE)


def test_doc_grade_bands_match_the_code() -> None:
    text = DOC.read_text(encoding="utf-8").split("## Grades")[1]
    for score in range(0, 136, 5):
        assert grading.letter(score) in text
    bands = re.findall(r"^\| (\d+)[^|]*\| ([A-F][+-]?) \|", text, re.MULTILINE)
    assert [(int(s), g) for s, g in bands] == [(s, g) for s, g in modifiers.GRADES]


STRONG = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
GOOD_COOKIE = "__Host-sid=x; Path=/; Secure; HttpOnly; SameSite=Lax"

CASES = [
    (  # every bonus, nothing wrong: 100 + 10 + 5 + 5 + 5 = 125, reported as 100
        grading.Observations(True, STRONG, [GOOD_COOKIE], redirect="to-https"),
        [("csp", "default-src-none"), ("cookies", "secure-httponly-samesite"),
         ("cors", "ok"), ("redirection", "to-https"), ("referrer-policy", "private"),
         ("hsts", "six-months"), ("sri", "not-needed"), ("x-content-type-options", "nosniff"),
         ("framing", "csp"), ("exposure", "none"), ("tls", "modern")],
    ),
    (  # nothing at all over plain HTTP, with a leaky session cookie and banners
        grading.Observations(False, {"Server": "nginx/1.18"}, ["sessionid=1; Path=/"],
                             redirect="missing"),
        [("csp", "missing"), ("cookies", "session-no-secure"), ("cors", "ok"),
         ("redirection", "missing"), ("referrer-policy", "missing"), ("hsts", "missing"),
         ("sri", "not-needed"), ("x-content-type-options", "missing"), ("framing", "missing"),
         ("exposure", "banner"), ("tls", "modern")],
    ),
    (  # penalties below 90: the bonuses (csp, referrer, framing) do not count
        grading.Observations(
            True, {**STRONG, "Strict-Transport-Security": "max-age=60"}, [],
            cors_problem=True, page_url="https://s.example/",
            resources=[Resource("script", "https://cdn.example/x.js", False, True)],
            exposed_paths=True, legacy_tls=True,
        ),
        [("csp", "default-src-none"), ("cookies", "none"), ("cors", "universal"),
         ("redirection", "not-needed"), ("referrer-policy", "private"), ("hsts", "short"),
         ("sri", "external-no-sri"), ("x-content-type-options", "nosniff"), ("framing", "csp"),
         ("exposure", "sensitive-file"), ("tls", "legacy")],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("obs", "expected"), CASES, ids=["strong", "bare-http", "no-bonus"])
def test_score_is_the_sum_of_the_documented_modifiers(obs, expected) -> None:
    table = documented()
    points = [table[pair] for pair in expected]
    penalties = 100 + sum(p for p in points if p < 0)
    raw = penalties + sum(p for p in points if p > 0) if penalties >= 90 else penalties
    result = grading.grade(obs)
    assert [(m.test, m.key) for m in result.applied] == expected
    assert result.points == max(raw, 0)
    assert result.score == min(max(raw, 0), 100)


def test_letter_bands() -> None:
    assert [grading.letter(s) for s in (135, 100, 99, 90, 89, 85, 72, 50, 49, 20, 0)] == [
        "A+", "A+", "A", "A", "A-", "A-", "B", "C", "C-", "F", "F",
    ]  # fmt: skip
    assert str(grading.grade(CASES[0][0])) == "score 100/100, grade A+"
    assert str(grading.grade(CASES[1][0])) == "score 0/100, grade F"
