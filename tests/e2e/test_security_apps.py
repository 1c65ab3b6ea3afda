"""The security suite against small apps on 127.0.0.1 (HTTPS, a test CA made now): each
defect app fails exactly its family's checks, the good app passes every check."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme
from helpers import GateRunResult
from security_apps import APPS, SecurityApp, serve_tls

from readiness.demo import WsgiServer

PAGES = ["/", "/about"]
NOT_JUDGED = {"security.grade"}  # the grade is tested on its own (test_security_grade.py)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def serve_https(ca: trustme.CA) -> Iterator[Callable[[SecurityApp], str]]:
    servers: list[WsgiServer] = []

    def start(app: SecurityApp) -> str:
        servers.append(serve_tls(ca, app))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


def security_gates(tmp_path: Path, target: str, ca: trustme.CA | None, extra: str = "") -> Path:
    """A gates file with only the security component, active probes on /search?q=."""
    tls = ""
    if ca is not None:
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        tls = "tls: {ca_bundle: ca.pem}\n"
    path = tmp_path / "gates.yaml"
    path.write_text(
        f"target: {target}\npages: {PAGES}\n{tls}components:\n  security:\n    weight: 1\n"
        "    login: {path: /login, fields: {user: a, password: b}}\n"
        "    active: true\n    active_probes: [{path: /search, param: q}]\n" + extra,
        encoding="utf-8",
    )
    return path


def outcomes(result: GateRunResult) -> dict[str, str]:
    return {
        c["id"]: c["outcome"] for comp in result.readiness["components"] for c in comp["checks"]
    }


@pytest.mark.parametrize("name", sorted(APPS))
def test_each_check_fails_on_its_defect_only(
    name: str, run_gate, serve_https, ca: trustme.CA, tmp_path: Path
) -> None:
    factory, defects = APPS[name]
    url = serve_https(factory())
    result = run_gate("--gates", str(security_gates(tmp_path, url, ca)), "-q")
    seen = outcomes(result)
    failing = {i for i, o in seen.items() if o in ("failed", "warned")} - NOT_JUDGED
    assert failing == defects, result.stdout[-3000:]
    assert not [i for i, o in seen.items() if o in ("errored", "skipped")], seen
    for check_id in defects:  # evidence: the URL, the value seen, why it matters
        labels = [e["label"] for e in result.check(check_id)["evidence"]]
        assert {"URL", "value seen", "why it matters"} <= set(labels), (check_id, labels)


def test_good_app_runs_every_check_and_gets_an_a_plus(
    run_gate, serve_https, ca: trustme.CA, tmp_path: Path
) -> None:
    url = serve_https(SecurityApp())
    result = run_gate("--gates", str(security_gates(tmp_path, url, ca)), "-q")
    assert result.returncode == 0, result.stdout[-3000:]
    seen = outcomes(result)
    assert set(seen.values()) == {"passed"}, seen
    assert len(seen) == 27  # every check but the redirect (an https target on a random port)
    notes = result.readiness["components"][0]["notes"]
    assert "score 100/100, grade A+" in notes


def test_blocking_defaults_and_gates_overrides(
    run_gate, serve_https, ca: trustme.CA, tmp_path: Path
) -> None:
    factory, _ = APPS["reflected_xss"]
    url = serve_https(factory())
    result = run_gate("--gates", str(security_gates(tmp_path, url, ca)), "-q")
    assert result.returncode == 1  # reflected XSS blocks by default
    assert result.check("security.active.xss")["outcome"] == "failed"
    overridden = security_gates(
        tmp_path, url, ca, "    checks:\n      security.active.*: {blocking: false}\n"
    )
    result = run_gate("--gates", str(overridden), "-q")
    assert result.check("security.active.xss")["outcome"] == "warned"


def test_active_probes_are_off_by_default_and_say_so(
    run_gate, serve_https, ca: trustme.CA, tmp_path: Path
) -> None:
    app = APPS["reflected_xss"][0]()
    url = serve_https(app)
    gates = security_gates(tmp_path, url, ca)
    gates.write_text(gates.read_text().replace("active: true", "active: false"))
    result = run_gate("--gates", str(gates), "-q")
    # Switched off, they are not planned (no coverage, no status), and the report lists them
    # once, as not enabled.
    assert not [i for i in result.check_ids() if i.startswith("security.active.")]
    (entry,) = [e for e in result.readiness["not_enabled"] if e["component"] == "security"]
    assert entry["checks"].startswith("security.active") and "security.active" in entry["why"]
    assert app.requests["/search"] == 0


@pytest.mark.parametrize("limit", [None, 5])
def test_exposure_probes_stay_within_the_request_budget(
    limit: int | None, run_gate, serve_https, ca: trustme.CA, tmp_path: Path
) -> None:
    app = SecurityApp()
    url = serve_https(app)
    extra = f"    max_requests: {limit}\n" if limit else ""
    gates = security_gates(tmp_path, url, ca, extra)
    result = run_gate("--gates", str(gates), "-q", "-k", "sensitive_paths")
    assert result.check("security.sensitive_paths")["outcome"] == "passed"
    page_fetches = sum(app.requests[p] for p in PAGES)
    probes = sum(app.requests.values()) - page_fetches
    assert page_fetches == len(PAGES)
    # The CORS requests go out in the same batch as the probes, outside their budget.
    assert app.cors_requests == Counter(PAGES)
    # Defaults: a 404, the one asset folder (/static/) and the 12 sensitive paths, under the
    # cap of 20 (docs/security.md's "14"); with 5, the cap is what stops the list.
    assert probes == (limit or 14)
