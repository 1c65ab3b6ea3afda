"""The security suite against a hostile target (HTTPS on 127.0.0.1, a test CA made now): its
probes go out a few at a time under one deadline, and every request it sends, the login's
included, is bounded. What the deadline ended is errored, never passed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from helpers import GateRunResult, write_gates
from security_apps import HangingApp, TricklingLoginApp, serve_tls

from readiness.demo import WsgiServer

CONCURRENCY = 3  # below the 14 probes the target holds: the bound is what stops them
# The checks that judge the exposure probes (the grade too: it weighs what they saw).
PROBE_CHECKS = (
    "security.sensitive_paths",
    "security.directory_listing",
    "security.error_pages",
    "security.grade",
)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def serve_https(ca: trustme.CA) -> Iterator[Callable[[Any], str]]:
    servers: list[WsgiServer] = []

    def start(app: Any) -> str:
        servers.append(serve_tls(ca, app))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()  # calls the app's close(): what it still holds is released first


def gates(tmp_path: Path, ca: trustme.CA, target: str, extra: str = "") -> Path:
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    return write_gates(
        tmp_path,
        f"target: {target}\npages: [/, /about]\ntls: {{ca_bundle: ca.pem}}\n{extra}"
        "components:\n  security:\n    weight: 1\n"
        "    login: {path: /login, fields: {user: a, password: b}}\n"
        f"    probe_concurrency: {CONCURRENCY}\n    probes_deadline_s: 4\n",
    )


def assert_honest_exit(result: GateRunResult) -> None:
    data = result.readiness
    assert data["verdict"] != "GO", data["reasons"]
    assert result.returncode == data["exit_code"], result.stdout[-2000:] + result.stderr


def test_probes_a_target_holds_are_errored_at_the_deadline_a_few_at_a_time(
    run_gate, serve_https, ca: trustme.CA, tmp_path: Path
) -> None:
    app = HangingApp()
    result = run_gate("--gates", str(gates(tmp_path, ca, serve_https(app))), "-q")
    assert_honest_exit(result)
    for check_id in PROBE_CHECKS:
        check = result.check(check_id)
        assert check["outcome"] == "errored", check
        assert "the probes' 4 s deadline (security.probes_deadline_s)" in check["message"], check
    # The held requests overlapped (the probes went out together), never more than the bound.
    assert 1 < app.most_in_flight <= CONCURRENCY, app.held


def test_a_login_page_that_trickles_fails_the_login_at_the_deadline(
    run_gate, serve_https, ca: trustme.CA, tmp_path: Path
) -> None:
    app = TricklingLoginApp()
    gates_file = gates(tmp_path, ca, serve_https(app), "http: {deadline_s: 2}\n")
    result = run_gate("--gates", str(gates_file), "-q")
    assert_honest_exit(result)
    for check_id in ("security.cookies", "security.error_pages"):  # they judge the login
        check = result.check(check_id)
        assert check["outcome"] == "errored", check
        assert "login form /login could not be fetched" in check["message"], check
        assert "no complete answer within 2 s" in check["message"], check
