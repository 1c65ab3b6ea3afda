"""The browser suites through the real gate: the demo target, sign-in, crawl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_pages import PASSWORD, SESSION_COOKIE, pages_app
from helpers import write_gates

from readiness.demo import DemoServer
from readiness.demo.tls import DemoCA

pytestmark = pytest.mark.e2e

# The block proposed for the default gates.yaml (see docs/browser-suites.md).
DEMO_GATES = """
target: demo
pages: [/, /about, /products, /login]
tls: {ca_bundle: demo}
components:
  performance:
    weight: 20
    blocking: false
    runs: 3
    thresholds:
      ttfb_ms: {good: 300, poor: 1000}
      fcp_ms: {good: 800, poor: 1500}
      lcp_ms: {good: 1000, poor: 1500}
      requests: {good: 10, poor: 20}
      transfer_kb: {good: 100, poor: 300}
    budgets:
      script: {requests: 2, transfer_kb: 20}
    api:
      - {path: /api/health, requests: 20, p95_ms: {good: 100, poor: 300}}
  accessibility:
    weight: 20
    standard: [wcag21aa, best-practice]
    max: {critical: 0, serious: 0, moderate: 0, minor: 2}
    checks:
      "accessibility.critical.*": {blocking: true}
      "accessibility.serious.*": {blocking: true}
"""

BROKEN_RULES = {
    "critical": {"image-alt", "label"},  # logo without alt; login inputs without a name
    "serious": {"color-contrast", "html-has-lang", "link-name"},  # link-name: the logo link
    "moderate": {"heading-order"},
}


def _rules(check: dict) -> set[str]:
    listed = check["message"].split("violated: ", 1)[1].split(";")[0]
    return set() if listed == "none" else set(listed.split(", "))


def test_healthy_demo_passes_both_browser_suites(run_gate, tmp_path: Path) -> None:
    gates = write_gates(tmp_path, DEMO_GATES)
    result = run_gate("--gates", str(gates), "-q", timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    ids = result.check_ids()
    for page in ("/", "/about", "/products", "/login"):
        for metric in ("ttfb", "fcp", "lcp", "cls", "tbt", "dcl", "load", "requests"):
            assert f"performance.{metric}.{page}" in ids
        for impact in ("critical", "serious", "moderate", "minor"):
            assert f"accessibility.{impact}.{page}" in ids
    assert "performance.budget.script./" in ids and "performance.api_p95./api/health" in ids
    outcomes = {
        c["id"]: c["outcome"] for comp in result.readiness["components"] for c in comp["checks"]
    }
    assert set(outcomes.values()) == {"passed"}, outcomes
    lcp = result.check("performance.lcp./")
    assert len(lcp["samples"]) == 3 and lcp["unit"] == "ms"
    # The healthy demo is HTTPS with a CA made at start-up: the browser trusted it only
    # after Python's ssl verified the certificate against that CA.
    notes = " ".join(result.readiness["components"][0].get("notes", []))
    assert "certificate verified against system store + the demo's CA" in notes


def test_broken_demo_fails_what_its_defects_imply(run_gate, tmp_path: Path) -> None:
    gates = write_gates(tmp_path, DEMO_GATES)
    result = run_gate(
        "--gates",
        str(gates),
        "--demo",
        "broken",
        "--page",
        "/",
        "--page",
        "/products",
        "--page",
        "/login",
        "-q",
        timeout=240,
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    for impact, rules in BROKEN_RULES.items():
        home = result.check(f"accessibility.{impact}./")
        login = result.check(f"accessibility.{impact}./login")
        assert _rules(home) == rules - {"label"}, home["message"]  # no form on the home page
        assert _rules(login) == rules, login["message"]
        assert home["outcome"] == ("failed" if impact in ("critical", "serious") else "warned")
    assert _rules(result.check("accessibility.minor./")) == set()
    shot = result.check("accessibility.critical./login")["evidence"][-1]
    assert shot["kind"] == "image" and (result.run_dir / shot["content"]).is_file()
    # /products answers after 1.5 s: its TTFB, FCP and LCP are in the poor band (score 0).
    for metric in ("ttfb", "fcp", "lcp"):
        slow = result.check(f"performance.{metric}./products")
        assert slow["outcome"] == "warned" and slow["score"] == 0, slow
        assert slow["value"] >= 1500
        assert result.check(f"performance.{metric}./")["outcome"] == "passed"


SIGN_IN = """
target: {target}
pages: [/private]
timeout_s: 3
browser:
  login:
    path: /login
    fields: {{"#user": demo, "#pw": "${{BR_TEST_PASSWORD}}"}}
    success: {success}
components:
  accessibility: {{weight: 1}}
"""


def _report_text(run_dir: Path) -> str:
    return "\n".join(
        p.read_text(errors="replace")
        for p in run_dir.rglob("*")
        if p.suffix != ".png" and p.is_file()
    )


def test_sign_in_step_then_audits_the_private_page(run_gate, serve, tmp_path: Path) -> None:
    gates = write_gates(
        tmp_path, SIGN_IN.format(target=serve(pages_app), success="{url: /private}")
    )
    result = run_gate("--gates", str(gates), "-q", env={"BR_TEST_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    check = result.check("accessibility.critical./private")
    assert check["outcome"] == "passed"
    assert check["evidence"][0]["content"].endswith("/private")
    assert PASSWORD not in _report_text(result.run_dir)


def test_a_storage_state_file_next_to_gates_yaml_signs_in_browser_and_crawl(
    run_gate, serve, tmp_path: Path
) -> None:
    # The gate runs from the repository, not from tmp_path: the file is found because its
    # path is relative to gates.yaml. /clean is linked only from /private.
    name, value = SESSION_COOKIE.split("=")
    cookie = {"name": name, "value": value, "domain": "127.0.0.1", "path": "/", "expires": -1,
              "httpOnly": False, "secure": False, "sameSite": "Lax"}  # fmt: skip
    (tmp_path / "auth.json").write_text(json.dumps({"cookies": [cookie], "origins": []}))
    gates = write_gates(
        tmp_path,
        f"target: {serve(pages_app)}\npages: [/private]\n"
        "browser: {storage_state: auth.json, crawl: {max_pages: 5, max_depth: 1}}\n"
        "components:\n  accessibility: {weight: 1}\n",
    )
    result = run_gate("--gates", str(gates), "-q", "-k", "critical")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert result.check_ids() == [
        "accessibility.critical./private",
        "accessibility.critical./clean",
    ]
    assert result.check("accessibility.critical./private")["outcome"] == "passed"


@pytest.mark.parametrize("password", [PASSWORD, "wrong"])
def test_the_crawl_signs_in_first(run_gate, serve, tmp_path: Path, password: str) -> None:
    # /clean is linked only from /private, which redirects visitors to the sign-in form.
    config = SIGN_IN.format(target=serve(pages_app), success="{url: /private}")
    config = config.replace("browser:\n", "browser:\n  crawl: {max_pages: 5, max_depth: 1}\n")
    gates = write_gates(tmp_path, config)
    result = run_gate(
        "--gates", str(gates), "-q", "-k", "critical", env={"BR_TEST_PASSWORD": password}
    )
    found = result.check_ids()
    if password == PASSWORD:
        assert found == ["accessibility.critical./private", "accessibility.critical./clean"]
        assert result.check("accessibility.critical./clean")["outcome"] == "passed"
    else:  # the crawl sees what a visitor sees; the checks say why they could not audit
        assert found == ["accessibility.critical./private"]
        assert "did not succeed" in result.check("accessibility.critical./private")["message"]


def test_failed_sign_in_errors_the_browser_checks(run_gate, serve, tmp_path: Path) -> None:
    gates = write_gates(
        tmp_path, SIGN_IN.format(target=serve(pages_app), success="{url: /private}")
    )
    result = run_gate("--gates", str(gates), "-q", env={"BR_TEST_PASSWORD": "wrong"})
    assert result.returncode == 3, result.stdout[-3000:] + result.stderr
    check = result.check("accessibility.critical./private")
    assert check["outcome"] == "errored"
    assert "sign-in at /login did not succeed" in check["message"]


def test_pages_that_land_on_the_login_form_are_errored(run_gate, serve, tmp_path: Path) -> None:
    # The success selector also exists on the login page, so a wrong password looks like a
    # sign-in; the visit to /private then lands back on the form and must not be audited.
    gates = write_gates(
        tmp_path, SIGN_IN.format(target=serve(pages_app), success="{selector: main}")
    )
    result = run_gate("--gates", str(gates), "-q", env={"BR_TEST_PASSWORD": "wrong"})
    check = result.check("accessibility.serious./private")
    assert check["outcome"] == "errored"
    assert "landed on the sign-in form" in check["message"]


def test_missing_secret_is_reported_not_sent(run_gate, serve, tmp_path: Path) -> None:
    gates = write_gates(
        tmp_path, SIGN_IN.format(target=serve(pages_app), success="{url: /private}")
    )
    result = run_gate("--gates", str(gates), "-q")
    check = result.check("accessibility.critical./private")
    assert check["outcome"] == "errored"
    assert "BR_TEST_PASSWORD is not set" in check["message"]


@pytest.mark.parametrize(
    ("start", "found", "left_out"),
    [
        ("/clean", "/lcp", None),
        # The crawl leaves out what is not a page, and says so in the component's notes.
        (
            "/links",
            "/clean",
            "crawl left out 3 link(s) that are not pages: /data.json: application/json"
            " (not HTML); /noise.png: image/png (not HTML); /nope: HTTP 404 (an error page)",
        ),
    ],
)
def test_crawl_adds_same_origin_pages(
    run_gate, serve, tmp_path: Path, start: str, found: str, left_out: str | None
) -> None:
    gates = write_gates(
        tmp_path,
        f"target: {serve(pages_app)}\npages: [{start}]\n"
        "browser: {crawl: {max_pages: 5, max_depth: 1}}\n"
        "components:\n  accessibility: {weight: 1}\n",
    )
    result = run_gate("--gates", str(gates), "-q", "-k", "critical")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert result.check_ids() == [f"accessibility.critical.{p}" for p in (start, found)]
    (component,) = result.readiness["components"]
    notes = [n for n in component["notes"] if n.startswith("crawl left out")]
    assert notes == ([left_out] if left_out else [])


@pytest.mark.parametrize("trusted", [False, True], ids=["unknown-ca", "ca-in-SSL_CERT_FILE"])
def test_the_browser_trusts_what_the_run_trusts(trusted: bool, run_gate, tmp_path: Path) -> None:
    # A demo served with a CA gates.yaml does not name; SSL_CERT_FILE names it, or nothing.
    ca = DemoCA()
    ca_file = ca.write_ca(tmp_path / "ca.pem")
    env = {"SSL_CERT_FILE": str(ca_file) if trusted else "", "SSL_CERT_DIR": ""}
    env["REQUESTS_CA_BUNDLE"] = ""
    with DemoServer("healthy", ssl_context=ca.server_context()) as server:
        gates = write_gates(
            tmp_path,
            f"target: {server.url}\npages: [/]\ncomponents:\n"
            "  performance: {weight: 1, runs: 1}\n  accessibility: {weight: 1}\n",
        )
        result = run_gate("--gates", str(gates), "-q", "-k", "fcp or critical", env=env)
    for check_id in ("performance.fcp./", "accessibility.critical./"):
        check = result.check(check_id)
        if trusted:  # the page loaded: measured and scanned, whatever the verdict
            assert check["outcome"] not in ("errored", "skipped"), check["message"]
            continue
        assert result.returncode == 3, result.stdout[-3000:] + result.stderr
        assert check["outcome"] == "errored"
        assert "net::ERR_CERT_AUTHORITY_INVALID" in check["message"]
        assert "set tls.ca_bundle in gates.yaml to the CA that issued it" in check["message"]
