"""Exposure checks: CORS, banners, sensitive files, listings, debug output, page content."""

from __future__ import annotations

from readiness.suite import check, evidence

from . import content
from .conftest import Exposure, debug_output, exposed, https_only, inspected
from .gather import FOREIGN_ORIGIN
from .judgement import Judgement
from .record import header, judged

CORS_WHY = (
    "A CORS policy that trusts any origin with credentials lets every website read this site's"
    " responses with the visitor's session: their data, CSRF tokens, everything."
)
BANNER_WHY = "Version banners tell an attacker which known vulnerabilities to try first."
FILES_WHY = "Files like /.git/HEAD or /.env leak source code, credentials and internal hosts."
LISTING_WHY = "A directory listing publishes every file in a folder, including forgotten ones."
DEBUG_WHY = "Stack traces and debug pages reveal code paths, library versions and secrets."
MIXED_WHY = "Resources over http:// on an https page can be read or replaced on the network."
SRI_WHY = (
    "A third-party script runs with this site's privileges; without an integrity hash a"
    " compromised CDN serves anything it likes."
)


@check("security.cors", title="CORS does not trust arbitrary origins", observes="cors")
def test_cors(check, cors) -> None:
    rows, by_problem = [], {}
    for url, seen in cors.answers:
        problem = content.cors_problem(seen.headers, FOREIGN_ORIGIN)
        allow = header(seen.headers, "Access-Control-Allow-Origin")
        rows.append((url, allow or "(absent)", problem or "ok"))
        if problem:
            by_problem.setdefault(problem, []).append(url)
    # One line per kind of problem, not per URL: the evidence table lists every URL.
    problems = [f"{p} on {len(urls)} URL(s), e.g. {urls[0]}" for p, urls in by_problem.items()]
    asked = f"{len(cors.answers)} URL(s) asked from a foreign origin"
    verdict = Judgement(not problems, asked, CORS_WHY, tuple(problems))
    judged(
        check,
        verdict,
        cors.answers[0][0],
        f"Origin: {FOREIGN_ORIGIN}",
        expected="not reflected",
        extra=[evidence.table("answers", ["URL", "Allow-Origin", "verdict"], rows)],
    )


@check("security.banner", title="No version in Server / X-Powered-By", observes="pages")
def test_banner(check, pages, exposure: Exposure) -> None:
    check.observe(exposure.extra)  # the other probes are not judged here
    found = (content.version_banners(s.headers) for s in [*pages, *exposure.extra])
    problems = tuple(dict.fromkeys(f"{k}: {v}" for b in found for k, v in b.items()))
    summary = f"{len(problems)} version banner(s)" if problems else "no version banners"
    verdict = Judgement(not problems, summary, BANNER_WHY, problems)
    shown = "; ".join(problems) or str({"Server": header(pages[0].headers, "Server")})
    judged(check, verdict, pages[0].url, shown, expected="no product/version in banners")


@check("security.sensitive_paths", title="No sensitive files served", observes="exposure")
def test_sensitive_paths(check, exposure: Exposure, target: str) -> None:
    hits = [s for s in exposure.sensitive if exposed(s, exposure.not_found)]
    problems = tuple(f"{s.url} answered 200: {s.body[:60]!r}" for s in hits)
    verdict = Judgement(not hits, f"{len(exposure.sensitive)} paths probed", FILES_WHY, problems)
    rows = [(s.url, s.status, "exposed" if s in hits else "ok") for s in exposure.sensitive]
    judged(
        check,
        verdict,
        hits[0].url if hits else target,
        ", ".join(s.url for s in hits) or "none",
        expected="no 200 for well-known sensitive paths",
        extra=[
            evidence.table("probes", ["URL", "status", "verdict"], rows),
            evidence.text(
                "requests sent", f"{exposure.budget.used} of at most {exposure.budget.limit}"
            ),
        ],
    )


@check("security.directory_listing", title="No directory listings", observes="pages")
def test_directory_listing(check, pages, exposure: Exposure) -> None:
    check.observe(exposure.listings)
    hits = [s for s in [*pages, *exposure.listings] if content.is_directory_listing(s.body)]
    problems = tuple(f"{s.url} lists its directory" for s in hits)
    probed = ", ".join(s.url for s in exposure.listings) or "no asset folders found"
    verdict = Judgement(not hits, f"probed {probed}", LISTING_WHY, problems)
    judged(check, verdict, hits[0].url if hits else probed, probed, expected="no listing")


@check(
    "security.error_pages",
    title="No stack traces or debug pages",
    observes=("pages", "login", "exposure"),
)
def test_error_pages(check, pages, login, exposure: Exposure) -> None:
    seen = inspected(pages, login, exposure)
    hits = [(s, kind) for s in seen if (kind := debug_output(s))]
    problems = tuple(f"{s.url} ({s.status}): {kind}" for s, kind in hits)
    verdict = Judgement(not hits, f"{len(seen)} responses inspected", DEBUG_WHY, problems)
    excerpt = hits[0][0].body[:1500] if hits else "no debug output"
    judged(
        check,
        verdict,
        hits[0][0].url if hits else seen[0].url,
        excerpt,
        expected="generic error pages",
        extra=[evidence.table("inspected", ["URL", "status"], [(s.url, s.status) for s in seen])],
    )


@check(
    "security.mixed_content",
    title="No http:// resources on https pages",
    observes="pages",
    applies=https_only,
)
def test_mixed_content(check, pages) -> None:
    rows = [(p.url, r) for p in pages for r in content.mixed_content(p.url, p.resources)]
    problems = tuple(f"{page}: <{r.tag}> {r.url}" for page, r in rows)
    verdict = Judgement(not rows, f"{len(pages)} page(s) scanned", MIXED_WHY, problems)
    judged(check, verdict, pages[0].url, "; ".join(problems) or "none", expected="https only")


@check("security.sri", title="Third-party scripts carry integrity hashes", observes="pages")
def test_sri(check, pages) -> None:
    rows = [
        (p.url, r)
        for p in pages
        for r in content.third_party_scripts_without_sri(p.url, p.resources)
    ]
    problems = tuple(f"{page}: <{r.tag}> {r.url} without integrity" for page, r in rows)
    verdict = Judgement(not rows, f"{len(pages)} page(s) scanned", SRI_WHY, problems)
    judged(
        check,
        verdict,
        pages[0].url,
        "; ".join(problems) or "none",
        expected="integrity= on third-party scripts and stylesheets",
    )
