"""Content-Security-Policy: parsed into directives, then judged (no substring matching).

Follows CSP Level 3 parsing: policies split on ',', directives on ';', the first occurrence of
a directive wins, names are case-insensitive, source expressions are not.
"""

from __future__ import annotations

import re

from .judgement import Judgement

Policy = dict[str, list[str]]

WHY = (
    "CSP limits where scripts and objects may load from: it turns most injected markup"
    " (XSS) into inert text."
)
_NONCE_OR_HASH = re.compile(r"^'(nonce-|sha256-|sha384-|sha512-)", re.IGNORECASE)
# Directives that fall back to default-src when absent (the ones this judge looks at).
_FETCH = ("script-src", "object-src", "style-src", "img-src", "connect-src", "frame-src")


def parse(header: str | None) -> Policy:
    """The first policy of a header value as {directive: [sources]}; {} when absent."""
    if not header:
        return {}
    policy: Policy = {}
    first = header.split(",")[0]
    for part in first.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        policy.setdefault(name, tokens[1:])  # a repeated directive is ignored by browsers
    return policy


def effective(policy: Policy, directive: str) -> list[str] | None:
    """The sources that apply to a fetch directive (falling back to default-src)."""
    if directive in policy:
        return policy[directive]
    return policy.get("default-src")


def _lower(sources: list[str]) -> list[str]:
    return [s.lower() for s in sources]


def script_problems(policy: Policy) -> list[str]:
    """unsafe-inline / unsafe-eval in the effective script-src, unless neutralised.

    A nonce or hash makes browsers ignore 'unsafe-inline' (CSP2+); 'unsafe-eval' has no such
    escape, so it is always reported.
    """
    sources = effective(policy, "script-src")
    if sources is None:
        return ["no script-src or default-src: scripts may load from anywhere"]
    lowered = _lower(sources)
    problems = []
    has_nonce = any(_NONCE_OR_HASH.match(s) for s in sources)
    if "'unsafe-inline'" in lowered and not has_nonce:
        problems.append("script-src allows 'unsafe-inline' without a nonce or hash")
    if "'unsafe-eval'" in lowered:
        problems.append("script-src allows 'unsafe-eval'")
    return problems


def source_problems(policy: Policy) -> list[str]:
    """Wildcard or plain-http sources in any fetch directive."""
    problems = []
    for directive in dict.fromkeys([*_FETCH, "default-src"]):
        for source in effective(policy, directive) or []:
            low = source.lower()
            if low == "*":
                problems.append(f"{directive} allows any origin ('*')")
            elif low == "http:" or low.startswith("http://"):
                problems.append(f"{directive} allows insecure {source}")
            elif directive in ("script-src", "object-src") and low in ("https:", "data:"):
                problems.append(f"{directive} allows any {low} source")
    return list(dict.fromkeys(problems))


def judge(header: str | None) -> Judgement:
    if not header:
        return Judgement(False, "no Content-Security-Policy header", WHY, ("CSP missing",))
    policy = parse(header)
    problems = [*script_problems(policy), *source_problems(policy)]
    if _lower(effective(policy, "object-src") or []) != ["'none'"]:
        problems.append("object-src is not 'none' (plugins can run script)")
    notes = []
    if "frame-ancestors" in policy:
        notes.append(f"frame-ancestors {' '.join(policy['frame-ancestors'])}")
    else:
        notes.append("no frame-ancestors (framing is judged in security.framing)")
    if _lower(policy.get("default-src", [])) == ["'none'"]:
        notes.append("default-src 'none': deny by default")
    summary = f"CSP with {len(policy)} directives"
    return Judgement(not problems, summary, WHY, tuple(problems), tuple(notes))
