"""The 0–100 security score and letter grade: a pure function over observations, adding the
modifiers of the published table (modifiers.py; docs/security-scoring.md is generated from it).

Modelled on Mozilla's HTTP Observatory (algorithm v4): start at 100, add each test's modifier;
bonuses count only when the score without them already earns an A (>= 90).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import content, cookies, csp, headers
from .content import Resource
from .modifiers import BONUS_FLOOR, GRADES, POINTS, TABLE, Modifier
from .record import header


@dataclass
class Observations:
    """What the suite saw on the main page, plus the run-wide findings the grade weighs."""

    https: bool
    headers: dict[str, str]
    cookie_lines: list[str] = field(default_factory=list)
    redirect: str = "not-needed"  # to-https | not-needed | missing | not-to-https | off-host
    cors_problem: bool = False  # an arbitrary Origin reflected with credentials
    resources: list[Resource] = field(default_factory=list)
    page_url: str = ""
    banners: bool = False
    exposed_paths: bool = False
    directory_listing: bool = False
    stack_trace: bool = False
    legacy_tls: bool = False

    def header(self, name: str) -> str | None:
        return header(self.headers, name)


def _csp(obs: Observations) -> str:
    value = obs.header("Content-Security-Policy")
    if not value:
        return "missing"
    policy = csp.parse(value)
    broad = any("allows any" in p for p in csp.source_problems(policy))
    script = csp.script_problems(policy)
    if broad or any("unsafe-inline" in p or "no script-src" in p for p in script):
        return "unsafe-inline"
    insecure = [p for p in csp.source_problems(policy) if "insecure" in p]
    if any(
        p.split()[0] in ("script-src", "style-src", "frame-src", "default-src") for p in insecure
    ):
        return "insecure-active"
    if script:
        return "unsafe-eval"
    if insecure:
        return "insecure-passive"
    return "default-src-none" if policy.get("default-src") == ["'none'"] else "no-unsafe"


def _cookies(obs: Observations) -> list[str]:
    parsed = [cookies.parse(line) for line in obs.cookie_lines]
    if not parsed:
        return ["none"]
    hsts = headers.parse_hsts(obs.header("Strict-Transport-Security")).max_age
    protected = obs.https and bool(hsts)
    keys = []
    for c in parsed:
        if not c.secure and c.session_like:
            keys.append("session-no-secure-hsts" if protected else "session-no-secure")
        elif not c.secure:
            keys.append("no-secure-hsts" if protected else "no-secure")
        if c.session_like and not c.http_only:
            keys.append("session-no-httponly")
        if c.same_site is not None and c.same_site not in ("Strict", "Lax", "None"):
            keys.append("samesite-invalid")
    if keys:  # the worst finding counts once, as in the Observatory
        return [min(keys, key=lambda k: POINTS["cookies", k].points)]
    if all(c.same_site for c in parsed):
        return ["secure-httponly-samesite"]
    return ["secure-httponly"]


def _sri(obs: Observations) -> str:
    external = [
        r for r in obs.resources if r.tag == "script" and not _same_origin(r.url, obs.page_url)
    ]
    if not external:
        return "not-needed"
    insecure = any(r.url.startswith("http:") for r in external) or not obs.https
    with_sri = all(r.integrity for r in external)
    if insecure:
        return "external-insecure-sri" if with_sri else "external-insecure"
    return "external-with-sri" if with_sri else "external-no-sri"


def _same_origin(url: str, page: str) -> bool:
    return urlsplit(url)[:2] == urlsplit(page)[:2]


def _framing(obs: Observations) -> str:
    verdict = headers.judge_framing(
        obs.header("X-Frame-Options"), obs.header("Content-Security-Policy")
    )
    if not verdict.ok:
        return "missing"
    return "csp" if verdict.summary.startswith("CSP") else "x-frame-options"


def _hsts(obs: Observations) -> str:
    parsed = headers.parse_hsts(obs.header("Strict-Transport-Security"))
    if not obs.https or parsed.max_age is None:
        return "missing"
    return "six-months" if parsed.max_age >= headers.SIX_MONTHS_S else "short"


def _referrer(obs: Observations) -> str:
    policy = headers.referrer_value(obs.header("Referrer-Policy"))
    if policy is None:
        return "missing"
    return "private" if policy in headers.SAFE_REFERRER else "unsafe"


def _nosniff(obs: Observations) -> str:
    return (
        "nosniff" if headers.judge_nosniff(obs.header("X-Content-Type-Options")).ok else "missing"
    )


def _exposure(obs: Observations) -> list[str]:
    found = [
        key
        for key, seen in (
            ("banner", obs.banners or bool(content.version_banners(obs.headers))),
            ("debug-output", obs.stack_trace),
            ("listing", obs.directory_listing),
            ("sensitive-file", obs.exposed_paths),
        )
        if seen
    ]
    return found or ["none"]


RULES: tuple[tuple[str, Callable[[Observations], str | list[str]]], ...] = (
    ("csp", _csp),
    ("cookies", _cookies),
    ("cors", lambda o: "universal" if o.cors_problem else "ok"),
    ("redirection", lambda o: o.redirect),
    ("referrer-policy", _referrer),
    ("hsts", _hsts),
    ("sri", _sri),
    ("x-content-type-options", _nosniff),
    ("framing", _framing),
    ("exposure", _exposure),
    ("tls", lambda o: "legacy" if o.legacy_tls else "modern"),
)  # fmt: skip


@dataclass(frozen=True)
class Grade:
    score: int  # 0..100, as reported
    letter: str
    applied: tuple[Modifier, ...]
    points: int  # before the 0..100 clamp (the Observatory reports this, e.g. 120)

    def __str__(self) -> str:
        return f"score {self.score}/100, grade {self.letter}"


def letter(score: int) -> str:
    banded = min(score - score % 5, 100)
    return next(grade for floor, grade in GRADES if banded >= floor)


def grade(obs: Observations) -> Grade:
    applied = []
    for test, rule in RULES:
        keys = rule(obs)
        for key in [keys] if isinstance(keys, str) else keys:
            applied.append(POINTS[test, key])
    penalties = 100 + sum(m.points for m in applied if m.points < 0)
    with_bonus = penalties + sum(m.points for m in applied if m.points > 0)
    points = max(with_bonus if penalties >= BONUS_FLOOR else penalties, 0)
    return Grade(min(points, 100), letter(points), tuple(applied), points)


__all__ = ["TABLE", "Grade", "Modifier", "Observations", "grade", "letter"]
