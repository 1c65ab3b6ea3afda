"""`readiness-gate doctor` through the real console script, against real servers on 127.0.0.1:
one line per item, a FAIL line with its fix for each broken part, exit 0 or 2, no traceback,
and never a run (no report, no history line)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from helpers import closed_port, server_tls, write_gates

from readiness.browser import discovery
from readiness.cli.usage import SUBCOMMANDS
from readiness.demo import WsgiServer


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def doctor(cwd: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    hidden = ("READINESS_TARGET", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")  # the developer's own
    env = {k: v for k, v in os.environ.items() if k not in hidden} | extra_env
    return subprocess.run(
        [sys.executable, "-m", "readiness", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def items(proc: subprocess.CompletedProcess[str]) -> dict[str, tuple[str, str]]:
    """stdout's item lines as {item: (status, the rest)}; the summary line is left out."""
    found = {}
    for text in proc.stdout.splitlines():
        if text.startswith("doctor:"):
            continue
        status, item, rest = text.split(None, 2)
        assert status in ("ok", "warn", "FAIL", "skip"), text
        found[item] = (status, rest)
    return found


def assert_clean(proc: subprocess.CompletedProcess[str], root: Path) -> None:
    """No traceback, nothing on stderr, and no run: the doctor writes no report folder."""
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr == "", proc.stderr
    assert not (root / "reports").exists()
    assert not list(root.rglob("readiness.json")) and not list(root.rglob("history.jsonl"))


def smoke_gates(directory: Path, target: str, extra: str = "") -> str:
    text = f"target: {target}\n{extra}components:\n  smoke: {{weight: 1, blocking: true}}\n"
    return str(write_gates(directory, text))


@pytest.fixture
def http_url(serve: Callable[[Callable[..., Any]], str]) -> str:
    return serve(hello)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_url(ca: trustme.CA) -> Iterator[str]:
    with WsgiServer(hello, ssl_context=server_tls(ca)) as server:
        yield server.url


def test_all_ok_against_a_local_http_server(tmp_path: Path, http_url: str) -> None:
    proc = doctor(tmp_path, "doctor", "--gates", smoke_gates(tmp_path, http_url))
    found = items(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert found["config"][0] == "ok" and "valid (1 component: smoke" in found["config"][1]
    assert "from --gates" in found["config"][1]
    for item in ("reports", "resolve", "connect", "http"):
        assert found[item][0] == "ok", proc.stdout
    assert found["http"][1] == "GET / answered 200 OK"
    for item in ("browser", "locust", "tls"):  # a smoke-only plain-http gate needs none
        assert found[item][0] == "skip", proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("doctor: 5 ok, 0 warning(s), 0 failed")
    assert_clean(proc, tmp_path)


def test_the_bundled_demo_is_named_and_the_rest_is_checked(tmp_path: Path) -> None:
    # No gates.yaml here and no --target: the built-in gates file, which names the demo.
    proc = doctor(tmp_path, "doctor")
    found = items(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "from the built-in default" in found["config"][1]
    assert found["target"] == (
        "ok",
        "demo: the bundled demo target, started on 127.0.0.1 by the run",
    )
    assert found["reports"][0] == "ok" and "resolve" not in found
    assert_clean(proc, tmp_path)


def test_a_closed_port_fails_connect(tmp_path: Path) -> None:
    target = f"http://127.0.0.1:{closed_port()}"
    proc = doctor(tmp_path, "doctor", "--gates", smoke_gates(tmp_path, target))
    found = items(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert found["resolve"][0] == "ok"
    status, text = found["connect"]
    assert status == "FAIL" and "refused the connection" in text and "— start the target" in text
    assert "http" not in found  # not asked once the connection failed
    assert_clean(proc, tmp_path)


def test_an_unresolvable_host_fails_resolve(tmp_path: Path) -> None:
    proc = doctor(tmp_path, "doctor", "--target", "http://no-such-host.invalid:8080")
    found = items(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    status, text = found["resolve"]
    assert status == "FAIL" and text.startswith("no-such-host.invalid does not resolve")
    assert "— check the host name" in text
    assert "connect" not in found
    assert_clean(proc, tmp_path)


def test_a_config_error_fails_config_and_skips_what_needs_it(tmp_path: Path) -> None:
    path = write_gates(tmp_path, "components:\n  smoke: {wieght: 1}\n")
    proc = doctor(tmp_path, "doctor", "--gates", str(path))
    found = items(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    status, text = found["config"]
    assert status == "FAIL" and text.startswith(f"{path}:2: components.smoke"), text
    assert "wieght" in text and "— correct it" in text
    assert found["reports"][0] == "ok"  # not a matter of the gates file
    for item in ("browser", "locust", "target"):
        assert found[item] == ("skip", "not checked: the gates file is not valid")
    assert_clean(proc, tmp_path)


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("under-a-file", "is a file, not a folder; pass another --report-dir"),
        ("history-is-a-folder", "history.jsonl is not a file; move it away"),
        ("not-writable", "cannot be written"),
    ],
)
def test_a_report_folder_that_cannot_take_a_run_fails(
    tmp_path: Path, http_url: str, layout: str, expected: str
) -> None:
    reports = tmp_path / "out" / "reports"
    if layout == "under-a-file":
        (tmp_path / "out").write_text("x", encoding="utf-8")
    elif layout == "history-is-a-folder":
        (reports / "history.jsonl").mkdir(parents=True)
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into any folder")
        reports.mkdir(parents=True)
        reports.chmod(0o500)
    gates = smoke_gates(tmp_path, http_url)
    try:
        proc = doctor(tmp_path, "doctor", "--gates", gates, "--report-dir", str(reports))
    finally:
        if reports.is_dir():
            reports.chmod(0o700)
    found = items(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert found["reports"][0] == "FAIL" and expected in found["reports"][1]
    assert found["http"][0] == "ok"  # everything else is still checked
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not list(tmp_path.rglob("readiness.json"))


def test_a_certificate_whose_ca_is_not_trusted_fails_tls(tmp_path: Path, https_url: str) -> None:
    proc = doctor(tmp_path, "doctor", "--gates", smoke_gates(tmp_path, https_url))
    found = items(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    status, text = found["tls"]
    assert status == "FAIL" and "the certificate does not verify against system store" in text
    assert "— trust its CA with `tls: {ca_bundle: PATH}`" in text
    assert found["http"][0] == "skip"
    assert_clean(proc, tmp_path)


def test_a_trusted_ca_bundle_verifies_and_says_when_the_certificate_ends(
    tmp_path: Path, https_url: str, ca: trustme.CA
) -> None:
    ca.cert_pem.write_to_path(str(tmp_path / "staging-ca.pem"))
    gates = smoke_gates(tmp_path, https_url, "tls: {ca_bundle: staging-ca.pem}\n")
    proc = doctor(tmp_path, "doctor", "--gates", gates)
    found = items(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    status, text = found["tls"]
    assert status == "ok" and "the chain verifies against system store + tls.ca_bundle" in text
    assert "the certificate expires in " in text and " days (" in text
    assert found["http"] == ("ok", "GET / answered 200 OK")
    assert_clean(proc, tmp_path)


def test_ssl_cert_file_is_part_of_the_store_the_doctor_checks(
    tmp_path: Path, https_url: str, ca: trustme.CA
) -> None:
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    gates = smoke_gates(tmp_path, https_url)
    proc = doctor(tmp_path, "doctor", "--gates", gates, SSL_CERT_FILE=str(tmp_path / "ca.pem"))
    found = items(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert found["tls"][0] == "ok" and f"SSL_CERT_FILE={tmp_path / 'ca.pem'}" in found["tls"][1]
    assert found["http"][0] == "ok"  # the request trusts what the TLS line said


def browser_gates(directory: Path, target: str, browser: str = "") -> str:
    text = (
        f"target: {target}\n{browser}components:\n  accessibility: {{weight: 1}}\n"
        "  load: {weight: 1}\n"
    )
    return str(write_gates(directory, text))


def test_a_browser_executable_that_does_not_exist_fails_browser(
    tmp_path: Path, http_url: str
) -> None:
    missing = tmp_path / "no-chromium"
    gates = browser_gates(tmp_path, http_url, f"browser: {{executable: {missing}}}\n")
    proc = doctor(tmp_path, "doctor", "--gates", gates)
    found = items(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    status, text = found["browser"]
    assert status == "FAIL" and f"not an executable file: {missing}" in text
    assert "— correct or remove browser.executable in gates.yaml" in text
    assert found["http"][0] == "ok"
    assert_clean(proc, tmp_path)


def test_chromium_and_locust_are_started_when_the_run_needs_them(
    tmp_path: Path, http_url: str
) -> None:
    if discovery.discover_chromium() is None:
        pytest.skip("no Chromium on this machine")
    proc = doctor(tmp_path, "doctor", "--gates", browser_gates(tmp_path, http_url))
    found = items(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    status, text = found["browser"]
    assert status == "ok" and text.startswith("Chromium ") and "starts headless" in text
    status, text = found["locust"]
    assert status == "ok" and text.startswith("Locust ") and "imports" in text
    assert_clean(proc, tmp_path)


def test_text_from_outside_is_shown_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "\x1b[31mgates.yaml"  # a file name holding a terminal escape
    proc = doctor(tmp_path, "doctor", "--gates", str(hostile))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "\x1b" not in proc.stdout and "\\x1b[31mgates.yaml: file not found" in proc.stdout


def test_a_mistyped_subcommand_is_one_line_and_runs_nothing(tmp_path: Path) -> None:
    proc = doctor(tmp_path, "doktor")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "readiness-gate: error: unknown subcommand 'doktor'; did you mean doctor?"
        f" (subcommands: {', '.join(SUBCOMMANDS)}; options start with '-')"
    ]
    assert list(tmp_path.iterdir()) == []  # no reports folder, no demo CA, nothing


def test_run_is_the_gate_and_a_bad_doctor_option_is_one_line(tmp_path: Path) -> None:
    proc = doctor(tmp_path, "run", "--gates", str(tmp_path / "missing.yaml"))
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith(
        "missing.yaml: file not found; pass --gates FILE or create gates.yaml"
    )
    proc = doctor(tmp_path, "doctor", "--gatez", "x")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "readiness-gate doctor: error: unrecognized arguments: --gatez x"
    ]
    assert list(tmp_path.iterdir()) == []
