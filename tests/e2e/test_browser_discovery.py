"""The shared browser: discovery order, the exit-2 error, certificate trust, pages and crawl."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import write_gates

from readiness.browser import discovery as browser
from readiness.browser.pages import (
    CHECKS_PER_PAGE,
    allowed,
    crawl_pages,
    not_a_page,
    same_origin_paths,
)
from readiness.browser.session import PageNotResponding, evaluate_within, https_policy
from readiness.browser.settings import Crawl
from readiness.demo import DemoServer
from readiness.demo.tls import DemoCA
from readiness.plugin import trust

A11Y_ONLY = """
target: {target}
pages: [/clean]
browser:
  executable: {executable}
components:
  accessibility: {{weight: 1}}
"""


def _wrapper(tmp_path: Path, real: str) -> Path:
    """An executable that records it was used, then runs the real Chromium."""
    marker = tmp_path / "used"
    script = tmp_path / "my-chromium"
    script.write_text(f'#!/bin/sh\ntouch "{marker}"\nexec "{real}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.fixture
def real_chromium(chromium) -> str:  # the chromium fixture skips (or fails in CI) without one
    found = browser.discover_chromium()
    assert found is not None
    return found


def test_explicit_path_in_gates_yaml_wins_over_the_environment(
    run_gate, serve, tmp_path: Path, real_chromium: str
) -> None:
    from browser_pages import pages_app

    wrapper = _wrapper(tmp_path, real_chromium)
    gates = write_gates(tmp_path, A11Y_ONLY.format(target=serve(pages_app), executable=wrapper))
    result = run_gate("--gates", str(gates), "-q", env={browser.ENV_VAR: "/no/such/chromium"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert (tmp_path / "used").exists()
    assert result.check("accessibility.critical./clean")["outcome"] == "passed"


@pytest.mark.parametrize("where", ["gates.yaml", "environment"])
def test_bogus_path_is_a_clear_error_and_exit_2(run_gate, tmp_path: Path, where: str) -> None:
    bogus = str(tmp_path / "no-such-chromium")
    executable = bogus if where == "gates.yaml" else "null"
    gates = write_gates(
        tmp_path, A11Y_ONLY.format(target="http://127.0.0.1:9", executable=executable)
    )
    env = {browser.ENV_VAR: bogus} if where == "environment" else {}
    result = run_gate("--gates", str(gates), env=env)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr
    assert "readiness-gate: error: Chromium from " in result.stderr
    assert f"is not an executable file: {bogus}" in result.stderr
    assert "Install Chromium with:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (result.report_dir / "latest").exists()  # stopped before any check ran


def test_a_binary_that_does_not_start_errors_the_browser_checks(
    run_gate, serve, tmp_path: Path
) -> None:
    # Found, but not a Chromium that starts: was exit 2 beside a report saying 130,
    # interrupted, "no checks were planned". Now its checks are errored naming the cause,
    # the run is INCONCLUSIVE, and the process exit is the report's.
    from browser_pages import pages_app

    gates = write_gates(tmp_path, A11Y_ONLY.format(target=serve(pages_app), executable="/bin/true"))
    result = run_gate("--gates", str(gates), "-q")
    data = result.readiness
    assert result.returncode == data["exit_code"] == 3, result.stdout[-2000:] + result.stderr
    assert data["verdict"] == "INCONCLUSIVE" and data["interrupted"] is False
    checks = [c for comp in data["components"] for c in comp["checks"]]
    assert checks and all(c["outcome"] == "errored" for c in checks)
    assert all("Chromium did not start (/bin/true)" in c["message"] for c in checks), checks[0]
    assert "Traceback" not in result.stderr


def test_smoke_only_runs_need_no_browser(run_gate, tmp_path: Path) -> None:
    gates = write_gates(
        tmp_path,
        "target: demo\ntls: {ca_bundle: demo}\nbrowser: {executable: /no/such/chromium}\n"
        "components:\n  smoke: {weight: 1, availability: null}\n",
    )
    result = run_gate("--gates", str(gates), "-q")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr


def test_no_chromium_anywhere_names_the_install_command(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setattr(browser, "SYSTEM_CANDIDATES", ("no-such-chromium-binary",))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))  # an empty managed store
    with pytest.raises(browser.BrowserNotFound) as error:
        browser.preflight_chromium(None)
    message = str(error.value)
    assert "No Chromium found" in message
    expected = "apt-get install -y chromium" if os.path.exists("/etc/debian_version") else ""
    assert f"Install Chromium with: {expected}" in message


def _fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_system_headless_shell_comes_before_the_full_browser(
    monkeypatch, tmp_path: Path
) -> None:
    shell = _fake_executable(tmp_path / "bin" / "chromium-headless-shell")
    full = _fake_executable(tmp_path / "bin" / "chromium")
    monkeypatch.setattr(browser, "SYSTEM_CANDIDATES", (shell.name, str(full)))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert browser.system_chromium() == str(shell)
    shell.unlink()
    assert browser.system_chromium() == str(full)


def test_playwrights_headless_shell_of_the_same_revision_is_preferred(tmp_path: Path) -> None:
    full = _fake_executable(tmp_path / "chromium-1255" / "chrome-linux64" / "chrome")
    assert browser.headless_shell_beside(str(full)) is None  # not installed
    _fake_executable(tmp_path / "chromium_headless_shell-1200" / "x" / "chrome-headless-shell")
    assert browser.headless_shell_beside(str(full)) is None  # another revision
    shell = _fake_executable(
        tmp_path / "chromium_headless_shell-1255" / "chrome-headless-shell-linux64"
        / "chrome-headless-shell"
    )  # fmt: skip
    assert browser.headless_shell_beside(str(full)) == str(shell)


def test_https_trust_needs_the_certificate_to_verify_first(tmp_path: Path) -> None:
    ca, other = DemoCA(), DemoCA()

    def store(bundle: Path | None, verify: bool = True) -> trust.TrustStore:
        return trust.from_config(verify, str(bundle) if bundle else None, environ={})

    with DemoServer("healthy", ssl_context=ca.server_context()) as server:
        url = server.url
        good = https_policy(url, store(ca.write_ca(tmp_path / "ca.pem")), 5)
        wrong = https_policy(url, store(other.write_ca(tmp_path / "other.pem")), 5)
        system_only = https_policy(url, store(None), 5)
    assert url.startswith("https://")
    assert good.ignore_https_errors, good.reason
    assert "verified against system store + tls.ca_bundle" in good.reason
    assert not wrong.ignore_https_errors and "does not verify" in wrong.reason
    assert not system_only.ignore_https_errors  # Chromium verifies with its own CAs
    assert https_policy(url, store(None, verify=False), 5).ignore_https_errors
    assert not https_policy("http://127.0.0.1:1", store(None), 5).ignore_https_errors


def test_same_origin_links() -> None:
    html = (
        '<a href="/a">a</a><a href="b?x=1#frag">b</a><a href="https://other.example/c">c</a>'
        '<a href="mailto:x@example.com">m</a><a href="/a">dup</a><a href="//evil.example/">e</a>'
    )
    assert same_origin_paths("http://127.0.0.1:8000/dir/", html) == ["/a", "/dir/b?x=1"]


def test_crawl_is_breadth_first_within_limits() -> None:
    site = {
        "/": ["/a", "/b", "/logout"],
        "/a": ["/a/1", "/a/2"],
        "/b": ["/b/1"],
    }

    def fetch(path: str):
        links = "".join(f'<a href="{p}">x</a>' for p in site.get(path, []))
        return "http://h" + path, links

    crawl = Crawl(max_pages=10, max_depth=1, exclude=["/logout"])
    assert crawl_pages(["/"], crawl, fetch).pages == ["/", "/a", "/b"]
    deeper = Crawl(max_pages=4, max_depth=2)
    assert crawl_pages(["/"], deeper, fetch).pages == ["/", "/a", "/b", "/logout"]
    only_a = Crawl(max_pages=10, max_depth=2, include=["/a*"])
    assert crawl_pages(["/"], only_a, fetch).pages == ["/", "/a", "/a/1", "/a/2"]
    assert allowed("/a/1?x=2", only_a) and not allowed("/b", only_a)


def test_the_crawl_adds_only_links_that_are_pages() -> None:
    site = {"/": ["/file.pdf", "/gone", "/a"], "/a": ["/a/1", "/gone"]}
    not_pages = {"/file.pdf": "application/pdf (not HTML)", "/gone": "HTTP 404 (an error page)"}
    fetched: list[str] = []

    def fetch(path: str):
        fetched.append(path)
        if path in not_pages:
            return not_pages[path]
        return "http://h" + path, "".join(f'<a href="{p}">x</a>' for p in site.get(path, []))

    crawled = crawl_pages(["/"], Crawl(max_pages=10, max_depth=2), fetch)
    assert crawled.pages == ["/", "/a", "/a/1"]
    assert crawled.skipped == not_pages
    assert fetched.count("/gone") == 1  # a link found twice is checked once
    # Links that are not pages count against a bound: max_pages x CHECKS_PER_PAGE checks.
    many = {"/": [f"/f{i}.pdf" for i in range(100)] + ["/a"]}
    fetched.clear()
    site, not_pages = many, {p: "application/pdf (not HTML)" for p in many["/"][:-1]}
    crawled = crawl_pages(["/"], Crawl(max_pages=2, max_depth=1), fetch)
    assert crawled.pages == ["/"] and len(fetched) == 1 + 2 * CHECKS_PER_PAGE


@pytest.mark.parametrize(
    ("status", "content_type", "expected"),
    [
        (200, "text/html; charset=utf-8", None),
        (200, "application/xhtml+xml", None),
        (200, None, None),  # browsers sniff an untyped body: given the benefit of the doubt
        (200, "application/json", "application/json (not HTML)"),
        (200, "Text/Plain; charset=x", "text/plain (not HTML)"),
        (500, "text/html", "HTTP 500 (an error page)"),
        (None, "text/html", None),
    ],
)
def test_not_a_page(status, content_type, expected) -> None:
    assert not_a_page(status, content_type) == expected


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("browser:\n  executabel: /x\n", "3: browser.executabel: unknown key 'executabel';"),
        (
            "browser:\n  login: {fields: {'#a': b}, success: {}}\n",
            "3: browser.login.success: give a selector or a url",
        ),
    ],
)
def test_browser_key_errors_name_line_and_field(
    run_gate, tmp_path: Path, block: str, expected: str
) -> None:
    gates = write_gates(tmp_path, f"target: demo\n{block}components:\n  smoke: {{weight: 1}}\n")
    result = run_gate("--gates", str(gates))
    assert result.returncode == 2
    assert expected in result.stderr


def test_evaluate_within_gives_up_on_a_page_that_never_yields(chromium: Any) -> None:
    from browser_pages import pages_app

    from readiness.demo import WsgiServer

    context = chromium.new_context()
    with WsgiServer(pages_app) as server:
        page = context.new_page()
        page.goto(server.url + "/clean")
        assert evaluate_within(page, 2, "(n) => n + 1", 41) == 42
        page.goto(server.url + "/spins")
        # The page never yields, so only evaluate_within's own bound can end the call: its
        # error, naming that bound, is the event (Playwright's would be a TimeoutError).
        with pytest.raises(PageNotResponding, match=r"stayed busy for more than 1\.0 s"):
            evaluate_within(page, 1, "() => 0")
        page.close()  # the stuck page can be closed, and the context goes on working
        fresh = context.new_page()
        fresh.goto(server.url + "/clean")
        assert evaluate_within(fresh, 2, "() => document.title") == "Clean page"
    context.close()


# Run in a fresh interpreter: a second Playwright cannot start inside this process's, which
# the session's `chromium` fixture may hold.
DRIVER_START = """
import os
from readiness.browser import discovery as browser
with browser.started_playwright() as pw:
    assert pw.chromium.name == "chromium"
    print(os.environ.get(browser.COMPILE_CACHE_VAR, "unset"))
print(browser.compile_cache_dir())
"""


def test_playwright_driver_keeps_its_compiled_code_in_the_user_cache(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != browser.COMPILE_CACHE_VAR}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    out = subprocess.run(
        [sys.executable, "-c", DRIVER_START], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    cached = tmp_path / "cache" / "readiness-gate" / "node-compile-cache"
    assert out == ["unset", str(cached)]  # given to the driver only, not to the process
    assert any(p.is_file() for p in cached.rglob("*")), "the driver wrote no compile cache"
    # A cache the environment already names is the one used, and left as it was.
    mine = tmp_path / "mine"
    env[browser.COMPILE_CACHE_VAR] = str(mine)
    out = subprocess.run(
        [sys.executable, "-c", DRIVER_START], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == str(mine)
    assert any(p.is_file() for p in mine.rglob("*"))
