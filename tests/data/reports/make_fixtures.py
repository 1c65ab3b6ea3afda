"""Make the fixed readiness.json fixtures of the report-page tests from real gate runs.

Run it from the repository root when readiness.json's shape changes, then commit the JSON:

    python tests/data/reports/make_fixtures.py

Each fixture is a real run of `python -m readiness` (the bundled demo, an unreachable port, a
target that puts markup everywhere), shrunk so the repository stays small: two pages, long
text evidence cut, absolute paths of the run folder replaced by "reports/<run>". Images
(outlined screenshots) are not copied: the tests write small stand-ins where the JSON points.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))

from readiness.demo import WsgiServer  # noqa: E402

PAGES = ["--page", "/", "--page", "/login"]  # performance passes on these in the broken demo
SLOW_PAGES = ["--page", "/", "--page", "/products", "--page", "/login"]  # /products is slow
NO_LOAD = [f"--component={c}" for c in ("smoke", "security", "performance", "accessibility")]
MAX_TEXT = 240  # characters kept of a text evidence item (body excerpts, Locust command)
MAX_ROWS = 12  # rows kept of a table evidence item

PAYLOAD = "<script>alert('xss')</script>"
ATTR_PAYLOAD = '"><img src=x onerror=alert(2)>'


def hostile_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Markup in the title, a header, the body and an unlabelled control axe will quote."""
    body = (
        f"<!doctype html><html><head><title>{PAYLOAD}</title></head><body>"
        f"<h1>{ATTR_PAYLOAD}</h1><p style='color:#bbb'>{PAYLOAD}</p>"
        f"<input name='{ATTR_PAYLOAD}'></body></html>"
    ).encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("X-Evil", PAYLOAD)])
    return [body]


HOSTILE_GATES = """\
target: TARGET
pages: [/]
verdict: {go_at: 90, min_coverage: 0.5}
components:
  smoke:
    weight: 1
    blocking: true
    availability: null
    endpoints:
      - {path: '/', name: "PAYLOAD", contains: "PAYLOAD-absent"}
  security: {weight: 1}
  accessibility: {weight: 1, standard: [wcag21aa]}
""".replace("PAYLOAD", PAYLOAD)  # no double quote in it: YAML reads it as is

WAIVERS = """\
waivers:
  - {check: security.https, reason: "TLS terminates at the load balancer", owner: platform-team,
     expires: 2099-12-31}
  - {check: "accessibility.serious./login", reason: "login redesign ships next sprint",
     owner: web-team, expires: 2020-01-31}
"""


def gate(root: Path, run_id: str, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "readiness", "--report-dir", str(root), "--run-id", run_id]
    proc = subprocess.run([*cmd, *args, "-q"], cwd=REPO, capture_output=True, text=True)
    path = root / run_id / "readiness.json"
    if not path.is_file():
        sys.exit(f"make_fixtures: {run_id} wrote no readiness.json:\n{proc.stderr[-2000:]}")
    print(f"{run_id}: exit {proc.returncode}", file=sys.stderr)
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


def shrink(value: Any, root: str) -> Any:
    """The same evidence, smaller: long text cut, long tables shortened, paths relative."""
    if isinstance(value, str):
        value = value.replace(root + "/", "reports/").replace(root, "reports")
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + " …"
    if isinstance(value, list):
        return [shrink(v, root) for v in value]
    if isinstance(value, dict):
        if isinstance(value.get("rows"), list) and len(value["rows"]) > MAX_ROWS:
            value = {**value, "rows": value["rows"][:MAX_ROWS]}
        return {k: shrink(v, root) for k, v in value.items()}
    return value


def save(name: str, result: dict[str, Any], root: Path) -> None:
    # Compact: the fixtures are data the tests read, not documents.
    text = json.dumps(shrink(result, str(root)), separators=(",", ":"), ensure_ascii=False)
    text += "\n"
    (HERE / f"{name}.json").write_text(text, encoding="utf-8")
    print(f"{name}.json: {len(text.encode()):,} bytes", file=sys.stderr)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="report-fixtures-"))
    try:
        # One report root for three runs, so its history holds a trend of three points.
        trend = work / "trend"
        gate(trend, "20260101T090000Z-nogo", "--demo", "broken", *PAGES)
        gate(trend, "20260102T090000Z-go1", "--demo", "healthy", *PAGES)
        save("go", gate(trend, "20260103T090000Z-go", "--demo", "healthy", *PAGES), trend)
        lines = (trend / "history.jsonl").read_text(encoding="utf-8").splitlines()
        history = [shrink(json.loads(line), str(trend)) for line in lines if line.strip()]
        (HERE / "history.jsonl").write_text(
            "".join(json.dumps(h, ensure_ascii=False) + "\n" for h in history), encoding="utf-8"
        )

        broken = work / "broken"
        save("nogo", gate(broken, "20260103T100000Z-nogo", "--demo", "broken", *PAGES), broken)

        gates = work / "waivers.yaml"
        text = (REPO / "gates.yaml").read_text(encoding="utf-8")
        gates.write_text(re.sub(r"^waivers: \[\]$", WAIVERS, text, flags=re.M), encoding="utf-8")
        args = ["--gates", str(gates), "--demo", "broken", *SLOW_PAGES, *NO_LOAD]
        save("waivers-noload", gate(broken, "20260103T110000Z-waivers", *args), broken)

        port = closed_port()
        unreachable = ["--target", f"http://127.0.0.1:{port}", *PAGES]
        save("inconclusive", gate(broken, "20260103T120000Z-unreachable", *unreachable), broken)

        with WsgiServer(hostile_app) as server:
            gates = work / "hostile.yaml"
            gates.write_text(HOSTILE_GATES.replace("TARGET", server.url), encoding="utf-8")
            run = gate(broken, "20260103T130000Z-hostile", "--gates", str(gates))
        save("hostile", run, broken)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
