"""Security suite gatherers: session fixtures, each fetched once and shared by the checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from readiness.suite import Limits, Plan, component_for, gate_run, opt_in, require_component

from . import content, gather, tlsinfo
from .gather import Budget, Seen
from .login import sign_in
from .probes import Probe, send_all
from .settings import Settings

SUITE_DIR = Path(__file__).parent


def https_only(plan: Plan) -> bool:
    """``applies=``: TLS facts need TLS."""
    return plan.https


def has_http_url(plan: Plan) -> bool:
    """``applies=``: the plain-HTTP redirect can be checked only where plain HTTP is known."""
    return gather.plain_http_url(plan.target, plan.settings.http_url) is not None


# ``applies=``: the active probes are opt-in; switched off, they are not planned, and
# readiness.json lists them once under not_enabled ("opt-in, security.active: false").
active_on = opt_in("active")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run, comp = gate_run(config), component_for(config, SUITE_DIR)
    if run is None or comp is None:
        return
    if not has_http_url(Plan(run, comp)):
        run.note(
            "security",
            "plain-HTTP redirect not checked: https target on a non-default port"
            " (set security.http_url)",
        )


@pytest.fixture(scope="session")
def settings(request: pytest.FixtureRequest) -> Settings:
    return require_component(request.config, SUITE_DIR).settings


@pytest.fixture(scope="session")
def timeout(gate) -> float:
    return gate.config.timeout_s


@pytest.fixture(scope="session")
def https(target: str) -> bool:
    return target.startswith("https:")


@pytest.fixture(scope="session")
def limits(gate) -> Limits:
    """gates.yaml's http: limits, for the sessions the suite makes besides the shared one."""
    return gate.limits


@pytest.fixture(scope="session")
def trust(gate):
    """The run's one trust store (readiness/plugin/trust.py): what every client trusts."""
    return gate.trust


@pytest.fixture(scope="session")
def pages(http: requests.Session, target: str, gate, settings: Settings, timeout) -> list[Seen]:
    paths = settings.pages or gate.config.pages
    return [gather.fetch(http, target + p, timeout) for p in paths]


@pytest.fixture(scope="session")
def main_page(pages: list[Seen]) -> Seen:
    return pages[0]


@pytest.fixture(scope="session")
def login(
    http: requests.Session, target: str, settings: Settings, timeout, limits: Limits
) -> Seen | None:
    """The login flow's answer (None: no login configured, nothing to observe)."""
    flow = settings.login
    return None if flow is None else sign_in(http, target, flow, timeout, limits)


@dataclass(frozen=True)
class Redirect:
    """The first answer to plain HTTP, judged. No answer there is a finding (no redirect),
    not a failed observation: a site that only listens on 443 has no redirect to offer."""

    key: str  # grading key: to-https, not-to-https, off-host, missing
    message: str
    first: Seen
    subject: str
    failure: str | None = None


@pytest.fixture(scope="session")
def redirect(http: requests.Session, target: str, settings: Settings, timeout) -> Redirect | None:
    """What plain HTTP answers; None if its URL is unknowable."""
    start = gather.plain_http_url(target, settings.http_url)
    if start is None:
        return None
    first = gather.fetch(http, start + "/", timeout, allow_redirects=False)
    key, message = gather.redirect_verdict(start + "/", first)
    return Redirect(key, message, first, f"GET {start}/")


@dataclass
class TlsFacts:
    handshake: tlsinfo.Handshake | None
    error: str | None
    below_minimum_accepted: dict[str, bool]
    chain_error: str | None
    host: str
    now: dt.datetime

    @property
    def subject(self) -> str:
        return f"TLS handshake with {self.host}"

    @property
    def failure(self) -> str | None:
        return None if self.handshake is not None else f"no handshake: {self.error}"


@pytest.fixture(scope="session")
def tls(target: str, settings: Settings, trust, timeout) -> TlsFacts:
    parts = urlsplit(target)
    host, port = parts.hostname or "", parts.port or 443
    now = dt.datetime.now(dt.UTC)
    try:
        handshake = tlsinfo.negotiate(host, port, timeout)
    except (OSError, ValueError) as exc:
        return TlsFacts(None, f"{exc.__class__.__name__}: {exc}", {}, None, host, now)
    older = tlsinfo.ORDER[: tlsinfo.ORDER.index(settings.tls_min)]
    accepted = {v: tlsinfo.accepts(host, port, v, timeout) for v in older}
    chain = tlsinfo.verify_chain(host, port, trust.context(), timeout)
    return TlsFacts(handshake, None, accepted, chain, host, now)


@dataclass
class Cors:
    """Each page (and extra path) asked from a foreign origin: (url asked, answer)."""

    answers: list[tuple[str, Seen]]

    @property
    def observations(self) -> list[Seen]:
        return [seen for _, seen in self.answers]


@dataclass
class Exposure:
    not_found: Seen | None
    sensitive: list[Seen]
    listings: list[Seen]
    extra: list[Seen]
    budget: Budget

    @property
    def observations(self) -> list[Seen]:
        """Every probe that was sent (those the budget left out were never planned)."""
        found = [self.not_found] if self.not_found is not None else []
        return [*found, *self.sensitive, *self.listings, *self.extra]


@dataclass
class Probed:
    cors: Cors
    exposure: Exposure


@pytest.fixture(scope="session")
def probed(
    http: requests.Session, target: str, pages, settings: Settings, timeout, limits: Limits
) -> Probed:
    """Every probe of the suite in one batch under one deadline (suites/security/probes.py):
    the CORS requests, then the bounded exposure probes (a 404, configured extra paths,
    asset folders, sensitive files). The CORS requests go first: they ask pages that have
    just answered, and a target that hangs on unknown paths must not starve them."""
    cors_urls = list(
        dict.fromkeys([p.url for p in pages] + [target + p for p in settings.extra_paths])
    )
    budget = Budget(settings.max_requests)
    groups = {
        "not_found": [gather.not_found_path()],
        "extra": settings.extra_paths,
        "listings": gather.directories(pages, target)[:3],
        "sensitive": settings.sensitive_paths,
    }
    kept = {name: [p for p in paths if budget.take()] for name, paths in groups.items()}
    origin = {"Origin": gather.FOREIGN_ORIGIN}
    batch = [Probe(url, origin, follow=True) for url in cors_urls]
    batch += [Probe(target + path) for paths in kept.values() for path in paths]
    # No probe needs longer than all of them together: its whole-request deadline is cut too.
    bounds = replace(limits, deadline_s=min(limits.deadline_s, settings.probes_deadline_s))
    with gather.session_like(http, bounds) as session:
        session.cookies.update(http.cookies)  # as the shared session would have sent them
        answers = iter(
            send_all(
                session,
                batch,
                timeout=timeout,
                concurrency=settings.probe_concurrency,
                deadline_s=settings.probes_deadline_s,
            )
        )
    cors = Cors([(url, next(answers)) for url in cors_urls])
    seen = {name: [next(answers) for _ in paths] for name, paths in kept.items()}
    not_found = seen["not_found"][0] if seen["not_found"] else None
    exposure = Exposure(not_found, seen["sensitive"], seen["listings"], seen["extra"], budget)
    return Probed(cors, exposure)


@pytest.fixture(scope="session")
def cors(probed: Probed) -> Cors:
    return probed.cors


@pytest.fixture(scope="session")
def exposure(probed: Probed) -> Exposure:
    return probed.exposure


def exposed(seen: Seen, not_found: Seen | None) -> bool:
    """A sensitive path is served: 200 with its own content, not a catch-all page."""
    if seen.status != 200 or not seen.body.strip():
        return False
    if not_found is not None and not_found.status == 200 and seen.body == not_found.body:
        return False  # a catch-all that answers 200 for every path
    if seen.url.endswith("/.git/HEAD"):
        return seen.body.startswith("ref:") or len(seen.body.strip()) == 40
    return "<html" not in seen.body[:500].lower() or seen.url.endswith("/server-status")


def inspected(pages: list[Seen], login: Seen | None, exposure: Exposure) -> list[Seen]:
    """The responses judged for debug output: the pages, the login, the 404, extra paths."""
    return [s for s in [*pages, login, exposure.not_found, *exposure.extra] if s is not None]


def debug_output(seen: Seen) -> str | None:
    return content.stack_trace(seen.body) if seen.status >= 400 else None
