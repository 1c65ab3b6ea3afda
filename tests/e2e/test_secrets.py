"""Secrets are redacted by value everywhere: a target that needs the URL's password and echoes
every credential it is sent (in a header and in the body) leaves none of them in any file of
the run folder or on the terminal, and the check ids do not depend on the secrets' values."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from helpers import GateRunResult, run_gate_process, write_gates

pytestmark = pytest.mark.e2e

USER = "user"


@dataclass(frozen=True)
class Secrets:
    password: str  # in the target URL's userinfo: the target requires it (Basic auth)
    api_key: str  # in a page's query string
    header: str  # a configured request header's value (${API_TOKEN})
    marker: str  # a value the target shows by itself, listed under redact: (${MARKER})

    @property
    def basic(self) -> str:
        return base64.b64encode(f"{USER}:{self.password}".encode()).decode()

    def forms(self) -> set[str]:
        """Each value as is, URL-encoded and base64; and the Basic header's credentials."""
        values = [self.password, self.api_key, self.header, self.marker, f"{USER}:{self.password}"]
        found = {self.basic}
        for value in values:
            found |= {value, quote(value, safe=""), quote_plus(value), _b64(value)}
        return found


FIRST = Secrets("S3cretPassw0rd", "TOKENVALUE123", "hdr secret/+=one", "internal-marker-41")
SECOND = Secrets("0ther-Passw0rd-2", "OTHERTOKEN456789", "hdr secret/+=two", "other-marker-42")


PIXEL = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def _b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def echoing_app(secrets: Secrets) -> Callable[..., list[bytes]]:
    """Answers 401 without the URL's credentials; else echoes what it was sent (the
    Authorization header, the X-Api-Token header as is and URL-encoded, the query string)
    and its own marker, in a response header and in the body."""
    expected = f"Basic {secrets.basic}"

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if auth != expected:
            start_response(
                "401 Unauthorized",
                [("WWW-Authenticate", 'Basic realm="gate"'), ("Content-Type", "text/plain")],
            )
            return [b"credentials needed"]
        token = environ.get("HTTP_X_API_TOKEN", "")
        echo = f"{auth} | {token} | {quote(token, safe='')} | {environ.get('QUERY_STRING', '')}"
        body = (
            "<!doctype html><html lang=en><head><title>Echo</title></head><body><main>"
            f"<h1>Echo</h1><p>{echo}</p><p>build {secrets.marker}</p>"
            # No alt text: a critical axe violation, so its screenshot is written.
            f'<img src="data:image/gif;base64,{PIXEL}"></main></body></html>'
        )
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("X-Echo", echo),
                ("X-Build", secrets.marker),
            ],
        )
        return [body.encode()]

    return app


def _gates(directory: Path, secrets: Secrets) -> Path:
    page = f"/?api_key={secrets.api_key}"
    return write_gates(
        directory,
        f"pages: ['{page}']\n"
        "redact: ['${MARKER}']\n"
        "components:\n"
        "  smoke:\n"
        "    weight: 1\n"
        "    blocking: true\n"
        "    availability: null\n"
        "    endpoints:\n"
        f"      - {{path: '{page}', contains: Echo, headers: {{X-Api-Token: '${{API_TOKEN}}'}}}}\n"
        "  security:\n"
        "    weight: 1\n"
        "  accessibility:\n"  # Chromium signs in with the URL's credentials
        "    weight: 1\n"
        "  load:\n"
        "    weight: 1\n"
        "    users: 2\n"
        "    duration: 1s\n",
    )


def _run(serve: Callable[..., str], tmp: Path, s: Secrets) -> GateRunResult:
    url = serve(echoing_app(s))
    target = url.replace("http://", f"http://{USER}:{s.password}@", 1)
    tmp.mkdir()
    # A report folder of its own: reports/latest of each run stays its own.
    return run_gate_process(
        tmp / "reports",
        "--gates",
        str(_gates(tmp, s)),
        "--target",
        target,
        "-v",
        env={"API_TOKEN": s.header, "MARKER": s.marker},
    )


def _leaks(result: GateRunResult, secrets: Secrets) -> list[str]:
    """Where any form of any secret shows: a file's name or content, stdout, stderr, the
    history line."""
    found = []
    forms = secrets.forms()
    history = (result.report_dir / "history.jsonl").read_text(encoding="utf-8")
    shown = {"stdout": result.stdout, "stderr": result.stderr, "history.jsonl": history}
    for path in sorted(result.run_dir.rglob("*")):
        name = str(path.relative_to(result.run_dir))
        shown[f"name of {name}"] = name
        if path.is_file():
            shown[name] = path.read_bytes().decode("utf-8", errors="replace")
    for where, text in shown.items():
        found += [f"{form!r} in {where}" for form in forms if form in text]
    return found


@pytest.fixture
def runs(serve, tmp_path: Path) -> tuple[GateRunResult, GateRunResult]:
    return _run(serve, tmp_path / "first", FIRST), _run(serve, tmp_path / "second", SECOND)


def test_no_secret_anywhere_and_the_same_ids(runs: tuple[GateRunResult, GateRunResult]) -> None:
    for result, secrets in zip(runs, (FIRST, SECOND), strict=True):
        assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr
        # The secret was needed and sent: the target answered the page, not its 401.
        status = result.check("smoke.status./?api_key=[redacted]")
        assert status["outcome"] == "passed", status
        assert result.check("smoke.contains./?api_key=[redacted]")["outcome"] == "passed"
        # ...by Locust too, which got the path and the target from its environment.
        assert result.check("load.error_ratio")["outcome"] == "passed"
        assert (result.run_dir / "load" / "locustfile.py").is_file()
        # ...and by Chromium: the page was scanned, its violation shot under a clean name.
        critical = result.check("accessibility.critical./?api_key=[redacted]")
        assert critical["outcome"] in ("failed", "warned"), critical
        assert [p.name for p in result.run_dir.rglob("*.png")] == ["api-key-redacted-critical.png"]
        assert (result.run_dir / "readiness.html").is_file()
        assert "could not write" not in result.stderr
        assert _leaks(result, secrets) == []
        # The echoes are in the report, redacted: evidence kept, secret gone.
        assert "[redacted]" in (result.run_dir / "readiness.json").read_text(encoding="utf-8")
        assert "test_status[/?api_key=[redacted]]" in result.stdout
    first, second = runs
    assert first.check_ids() == second.check_ids()
