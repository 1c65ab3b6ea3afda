"""The security suite on the bundled demo: healthy passes it all, broken fails what its
defects imply (see readiness/demo/app.py: create_app)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_security_apps import outcomes

GATES = """\
target: demo
pages: [/, /about, /products, /login]
tls: {ca_bundle: demo}
components:
  security:
    weight: 20
    login: {path: /login, fields: {username: demo, password: demo}}
    extra_paths: [/api/health, /api/products]
"""
BROKEN_FAILS = {
    "security.https", "security.redirect", "security.hsts",  # plain HTTP, no redirect
    "security.csp", "security.framing", "security.nosniff", "security.referrer_policy",
    "security.permissions_policy", "security.coop",  # no security headers
    "security.xss_protection",  # X-XSS-Protection: 1; mode=block
    "security.cookies",  # no Secure (http), no HttpOnly, no SameSite
    "security.cors",  # reflects Origin with credentials
    "security.banner",  # Server/X-Powered-By versions
    "security.sensitive_paths",  # /.git/HEAD
    "security.error_pages",  # /api/products traceback
    "security.grade",
}  # fmt: skip


@pytest.fixture
def gates(tmp_path: Path) -> Path:
    path = tmp_path / "gates.yaml"
    path.write_text(GATES, encoding="utf-8")
    return path


@pytest.mark.e2e
def test_healthy_demo_passes_the_security_suite(run_gate, gates: Path) -> None:
    result = run_gate("--gates", str(gates), "-q")
    assert result.returncode == 0, result.stdout[-3000:]
    seen = outcomes(result)
    assert not [i for i in seen if i.startswith("security.active.")]  # opt-in, not planned
    assert set(seen.values()) == {"passed"}, seen
    assert "security.tls.version" in seen and "security.cookies" in seen
    assert "score 100/100, grade A+" in result.readiness["components"][0]["notes"]


@pytest.mark.e2e
def test_broken_demo_fails_the_checks_its_defects_imply(run_gate, gates: Path) -> None:
    result = run_gate("--gates", str(gates), "--demo", "broken", "-q")
    assert result.returncode == 1  # https is blocking: plain HTTP stops a deploy
    seen = outcomes(result)
    failing = {i for i, o in seen.items() if o in ("failed", "warned")}
    assert failing == BROKEN_FAILS, seen
    assert not any(i.startswith(("security.tls", "security.cert")) for i in seen)  # not https
    assert "grade F" in " ".join(result.readiness["components"][0]["notes"])
    sensitive = result.check("security.sensitive_paths")
    assert "/.git/HEAD answered 200" in sensitive["message"]
