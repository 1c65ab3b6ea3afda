"""No path leads to a pass or a GO on evidence that was never seen: the gate against local
targets that misbehave (each case reproduced a pass or a GO before the suite contract).

The load collapse (a target that falls over once load starts) is in test_load_e2e.py;
a blocking metric between good and poor is in test_engine.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, write_gates

CSP = "default-src 'self'; object-src 'none'; frame-ancestors 'none'"
PAGE = b"<!doctype html><html lang=en><head><title>ok</title></head><body><p>hi</p></body></html>"


def answer(start_response: Callable, status: str, body: bytes, **headers: str) -> list[bytes]:
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Content-Security-Policy", CSP),
            *headers.items(),
        ],
    )
    return [body]


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of a test: frees the server threads that hang on purpose."""
    event = threading.Event()
    yield event
    event.set()


def test_an_exception_without_text_does_not_turn_500s_into_go(
    run_gate, serve, tmp_path: Path
) -> None:
    # A check whose exception cannot be formatted used to end the session in an INTERNALERROR:
    # the smoke checks that had not run yet dropped out of the plan and the run said GO.
    def broken(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        return answer(start_response, "500 Internal Server Error", b"<p>boom</p>")

    suite = tmp_path / "outside" / "crash"
    suite.mkdir(parents=True)
    (suite / "test_crash.py").write_text(
        "class Unprintable(Exception):\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no text')\n\n\n"
        "def test_explodes(check):\n"
        "    raise Unprintable()\n",
        encoding="utf-8",
    )
    gates = write_gates(
        tmp_path,
        f"target: {serve(broken)}\n"
        "components:\n"
        f"  crash: {{weight: 1, suite: {suite}}}\n"
        "  smoke: {weight: 3, blocking: true, availability: null}\n",
    )
    result = run_gate("--gates", str(gates))
    assert "INTERNALERROR" not in result.stdout + result.stderr
    data = result.readiness
    assert data["verdict"] != "GO" and result.returncode == data["exit_code"] == 1, data["reasons"]
    crash = result.check("crash.explodes")
    assert crash["outcome"] == "errored" and "Unprintable" in crash["message"]
    assert result.check("smoke.status./")["outcome"] == "failed"


def test_an_engine_error_is_inconclusive_with_every_report_written(
    run_gate, serve, tmp_path: Path
) -> None:
    def healthy(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        return answer(start_response, "200 OK", PAGE)

    # A plugin that breaks pytest's reporting after the first check: an error in the engine's
    # own machinery, not in a check.
    plugin = tmp_path / "crashing_plugin.py"
    plugin.write_text(
        "seen = []\n\n\n"
        "def pytest_runtest_logreport(report):\n"
        "    if report.when == 'call':\n"
        "        seen.append(report.nodeid)\n"
        "        if len(seen) == 2:\n"
        "            raise RuntimeError('the reporter fell over')\n",
        encoding="utf-8",
    )
    gates = write_gates(
        tmp_path,
        f"target: {serve(healthy)}\ncomponents:\n  smoke: {{weight: 1, blocking: true}}\n",
    )
    result = run_gate(
        "--gates", str(gates), "-p", "crashing_plugin", env={"PYTHONPATH": str(tmp_path)}
    )
    data = result.readiness
    assert data["verdict"] == "INCONCLUSIVE", data["reasons"]
    assert result.returncode == data["exit_code"] == 3
    assert any("the reporter fell over" in r for r in data["reasons"]), data["reasons"]
    # The plan is whole: the checks that never got to run are there, not silently dropped.
    never = [c for c in data["components"][0]["checks"] if "never reported" in c["message"]]
    assert never and all(c["outcome"] == "errored" for c in never)
    for name in ("readiness.html", "summary.md", "junit.xml"):
        assert (result.run_dir / name).is_file(), name


def test_security_checks_error_on_pages_and_probes_that_never_answered(
    run_gate, serve, tmp_path: Path, release: threading.Event
) -> None:
    # /slow and every unknown path hang past timeout_s: nothing was read there, so nothing
    # there may pass (was: the page checks passed, CSP "missing" warned on a page that sends
    # one, and the exposure probes with status 0 counted as "not exposed").
    def hangs(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/":
            return answer(start_response, "200 OK", PAGE)
        release.wait(30)  # until the test ends; the gate gives up after timeout_s
        return answer(start_response, "404 Not Found", b"gone")

    gates = write_gates(
        tmp_path,
        f"target: {serve(hangs)}\n"
        "timeout_s: 0.5\n"
        "pages: [/, /slow]\n"
        "components:\n"
        "  security: {weight: 1, blocking: true, max_requests: 3}\n",
    )
    result = run_gate("--gates", str(gates))
    data = result.readiness
    assert data["verdict"] != "GO", data["reasons"]
    checks = {c["id"]: c for c in data["components"][0]["checks"]}
    page_checks = [
        "security.csp",
        "security.framing",
        "security.cookies",
        "security.banner",
        "security.sri",
        "security.xss_protection",
        "security.error_pages",
    ]
    for check_id in [*page_checks, "security.sensitive_paths", "security.grade"]:
        check = checks[check_id]
        assert check["outcome"] == "errored", check
        assert check["message"].startswith("not observed: "), check
    assert "/slow" in checks["security.csp"]["message"]
    assert "no answer" in checks["security.sensitive_paths"]["message"] or (
        "Timeout" in checks["security.sensitive_paths"]["message"]
    )
    # Only what judged / alone (it answered) may have a verdict; nothing passed here.
    assert checks["security.hsts"]["outcome"] == "failed"  # / answered, without HSTS
    assert not [i for i, c in checks.items() if c["outcome"] == "passed"]


def _account_app(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
    """/account needs a valid session; a stale one is sent to /login."""
    if environ["PATH_INFO"] == "/account":
        if "session=valid" not in environ.get("HTTP_COOKIE", ""):
            start_response("302 Found", [("Location", "/login"), ("Content-Length", "0")])
            return [b""]
        return answer(start_response, "200 OK", PAGE)
    return answer(start_response, "200 OK", PAGE.replace(b"hi", b"please sign in"))


def _stale_state(tmp_path: Path, host: str) -> Path:
    state = tmp_path / "state.json"
    cookie = {
        "name": "session",
        "value": "expired",
        "domain": host,
        "path": "/",
        "expires": -1,
        "httpOnly": True,
        "secure": False,
        "sameSite": "Lax",
    }
    state.write_text(json.dumps({"cookies": [cookie], "origins": []}), encoding="utf-8")
    return state


@pytest.mark.e2e
@pytest.mark.parametrize("expected", [False, True], ids=["unexpected", "declared"])
def test_a_page_that_ended_on_the_login_page_is_not_audited_under_its_name(
    run_gate, serve, tmp_path: Path, chromium, expected: bool
) -> None:
    url = serve(_account_app)
    state = _stale_state(tmp_path, "127.0.0.1")
    redirects = "\n  redirects: {/account: /login}" if expected else ""
    gates = write_gates(
        tmp_path,
        f"target: {url}\n"
        "pages: [/account]\n"
        f"browser:\n  storage_state: {state}{redirects}\n"
        "components:\n"
        "  performance: {weight: 1, runs: 1}\n"
        "  accessibility: {weight: 1, screenshots: false}\n",
    )
    result = run_gate("--gates", str(gates))
    lcp = result.check("performance.lcp./account")
    critical = result.check("accessibility.critical./account")
    if expected:  # gates.yaml says /account may end on /login: that is what is audited
        assert lcp["outcome"] != "errored" and critical["outcome"] == "passed", (lcp, critical)
        return
    for check in (lcp, critical):
        assert check["outcome"] == "errored", check
        assert "redirected to /login" in check["message"], check
    assert result.readiness["verdict"] == "INCONCLUSIVE"


def test_the_new_contract_is_the_only_import_suites_need() -> None:
    # Suites import engine names from readiness.suite only (the contract with __all__).
    offenders = []
    for path in (REPO / "suites").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("from readiness", "import readiness")) and not (
                stripped.startswith("from readiness.suite import")
            ):
                offenders.append(f"{path.relative_to(REPO)}: {stripped}")
    assert not offenders, offenders


def _signed_in_app(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
    """With a valid session, /login sends the visitor on to /home, as most apps do."""
    signed_in = "session=valid" in environ.get("HTTP_COOKIE", "")
    if environ["PATH_INFO"] == "/login" and signed_in:
        start_response("302 Found", [("Location", "/home"), ("Content-Length", "0")])
        return [b""]
    return _account_app(environ, start_response)


@pytest.mark.e2e
@pytest.mark.parametrize("signed_out", [False, True], ids=["signed-in", "signed-out"])
def test_the_login_page_is_audited_signed_out_only_when_asked(
    run_gate, serve, tmp_path: Path, chromium, signed_out: bool
) -> None:
    # Signed in, /login is never the login page: it was measured and labelled as it anyway.
    url = serve(_signed_in_app)
    state = _stale_state(tmp_path, "127.0.0.1")
    state.write_text(state.read_text().replace('"expired"', '"valid"'), encoding="utf-8")
    extra = "\n  signed_out: [/login]" if signed_out else ""
    gates = write_gates(
        tmp_path,
        f"target: {url}\n"
        "pages: [/login, /account]\n"
        f"browser:\n  storage_state: {state}{extra}\n"
        "components:\n"
        "  performance: {weight: 1, runs: 1}\n"
        "  accessibility: {weight: 1, screenshots: false}\n",
    )
    result = run_gate("--gates", str(gates))
    assert result.check("accessibility.critical./account")["outcome"] == "passed"  # signed in
    assert result.check("performance.lcp./account")["outcome"] != "errored"
    for check_id in ("accessibility.critical./login", "performance.lcp./login"):
        login = result.check(check_id)
        if signed_out:
            assert login["outcome"] != "errored", login
        else:
            assert login["outcome"] == "errored", login
            assert "redirected to /home" in login["message"], login
