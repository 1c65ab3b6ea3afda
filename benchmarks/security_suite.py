"""Wall time of the passive security suite on one https page, end to end.

Serves the test suite's good app (tests/security_apps.py: every control done right) over
HTTPS on 127.0.0.1 with a CA made now, then runs `readiness-gate` with only the security
component, one page and the login flow, active probes off. Budget (issue 3): under 3 s.
Prints the median of N runs and the exposure probe's request count, counted server-side.

    python benchmarks/security_suite.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trustme

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from security_apps import SecurityApp  # noqa: E402

from readiness.demo import WsgiServer  # noqa: E402

BUDGET_S = 3.0
GATES = """\
target: {url}
pages: [/]
tls: {{ca_bundle: ca.pem}}
components:
  security:
    weight: 1
    login: {{path: /login, fields: {{user: a, password: b}}}}
"""


def one_run(tmp: Path, url: str) -> tuple[float, dict]:
    gates = tmp / "gates.yaml"
    gates.write_text(GATES.format(url=url), encoding="utf-8")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "--gates", str(gates), "-q",
         "--report-dir", str(tmp / "reports")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"gate failed with exit {proc.returncode}:\n{proc.stderr[-2000:]}")
    return wall, json.loads((tmp / "reports" / "latest" / "readiness.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    app = SecurityApp()
    walls, inner, probes = [], [], []
    with tempfile.TemporaryDirectory() as name, WsgiServer(app, ssl_context=context) as server:
        tmp = Path(name)
        ca.cert_pem.write_to_path(str(tmp / "ca.pem"))
        for _ in range(args.runs):
            app.requests.clear()
            wall, data = one_run(tmp, server.url)
            walls.append(wall)
            inner.append(data["duration_s"])
            # Everything but the page (+ its CORS re-fetch) and the login: the exposure probes.
            probes.append(sum(n for p, n in app.requests.items() if p not in ("/", "/login")))
            checks = data["confidence"]["checks_planned"]
            verdict = data["verdict"]
    median = statistics.median(walls)
    print(f"passive security suite, one https page, {args.runs} runs, {checks} checks ({verdict})")
    print(
        f"  wall time (process start to exit): median {median:.2f} s,"
        f" min {min(walls):.2f} s, max {max(walls):.2f} s"
    )
    print(f"  inside the gate (config to verdict): median {statistics.median(inner):.2f} s")
    print(f"  requests other than the page and the login: at most {max(probes)} (cap 20)")
    state = "within" if median < BUDGET_S else "OVER"
    print(f"  budget {BUDGET_S:.0f} s: {state} ({median / BUDGET_S:.0%} of budget)")


if __name__ == "__main__":
    main()
