"""The security score and grade (docs/security-scoring.md): a note in the matrix and an
informative check (weight 0: the controls are already weighed by their own checks)."""

from __future__ import annotations

from readiness.suite import Threshold, check, evidence

from . import content, grading
from .conftest import Exposure, debug_output, exposed, inspected
from .gather import FOREIGN_ORIGIN


def observations(main_page, login, redirect, cors, exposure: Exposure, tls, https, pages):
    cookie_lines = [*main_page.cookie_lines, *(login.cookie_lines if login else [])]
    seen = inspected(pages, login, exposure)
    return grading.Observations(
        https=https,
        headers=main_page.headers,
        cookie_lines=cookie_lines,
        redirect=redirect.key if redirect else ("not-needed" if https else "missing"),
        cors_problem=any(
            content.cors_reflects_with_credentials(s.headers, FOREIGN_ORIGIN)
            for s in cors.observations
        ),
        resources=main_page.resources,
        page_url=main_page.url,
        banners=any(content.version_banners(s.headers) for s in seen),
        exposed_paths=any(exposed(s, exposure.not_found) for s in exposure.sensitive),
        directory_listing=any(content.is_directory_listing(s.body) for s in exposure.listings),
        stack_trace=any(debug_output(s) for s in seen),
        legacy_tls=bool(tls and any(tls.below_minimum_accepted.get(v) for v in ("1.0", "1.1"))),
    )


@check(
    "security.grade",
    title="Security score and grade",
    blocking=False,
    weight=0,
    observes=("pages", "login", "redirect", "cors", "exposure"),
)
def test_grade(check, request, gate, main_page, login, redirect, cors, exposure, https, pages):
    # A grade is over everything observed: any failed observation above ends it unjudged.
    tls = request.getfixturevalue("tls") if https else None
    if tls is not None:
        check.observe(tls)
    result = grading.grade(
        observations(main_page, login, redirect, cors, exposure, tls, https, pages)
    )
    gate.note("security", str(result))
    check.metric(
        result.score,
        unit="points",
        threshold=Threshold(good=90, poor=50, higher_is_better=True),
        message=f"{result} (docs/security-scoring.md)",
        evidence=[
            evidence.table(
                "modifiers applied",
                ["test", "result", "modifier"],
                [(m.test, m.key, f"{m.points:+d}") for m in result.applied],
            ),
            evidence.json(
                "grade", {"score": result.score, "grade": result.letter, "points": result.points}
            ),
        ],
    )
