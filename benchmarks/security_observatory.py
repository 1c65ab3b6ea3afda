"""Our security score and grade beside MDN's HTTP Observatory, on each test app.

Serves each app of tests/security_apps.py on https://localhost:443 (a certificate for
localhost from a CA made now) with http://localhost:80 redirecting to it, then runs our gate
(security component only) and the Observatory's scanner against it. Needs root (ports 80/443)
and the Observatory installed without its install script (it would fetch the HSTS preload
list from the internet):

    mkdir -p /tmp/obs && cd /tmp/obs && npm i -E --ignore-scripts @mdn/mdn-http-observatory@1.4.8
    echo '{}' > node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json
    python benchmarks/security_observatory.py [--observatory DIR] [--app NAME ...]

Where the two differ, docs/security-scoring.md says why.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import subprocess
import sys
import tempfile
from pathlib import Path

import trustme

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from security_apps import APPS  # noqa: E402

from readiness.demo import WsgiServer  # noqa: E402

DEFAULT_OBSERVATORY = Path("/tmp/obs/node_modules/@mdn/mdn-http-observatory")
GATES = """\
target: https://localhost
pages: [/]
tls: {ca_bundle: ca.pem}
components:
  security:
    weight: 1
    login: {path: /login, fields: {user: a, password: b}}
"""


def to_https(environ, start_response):
    """Port 80: a permanent redirect to the same path on https://localhost."""
    location = "https://localhost" + (environ.get("PATH_INFO") or "/")
    start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
    return [b""]


def ours(tmp: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "--gates", str(tmp / "gates.yaml"), "-q",
         "-k", "not active", "--report-dir", str(tmp / "reports")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    # Before reading the report: reports/latest is shared by every app's run, so a run that
    # wrote none would otherwise be scored with the previous app's grade.
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr[-2000:])
    data = json.loads((tmp / "reports" / "latest" / "readiness.json").read_text())
    check = next(c for comp in data["components"] for c in comp["checks"]
                 if c["id"] == "security.grade")  # fmt: skip
    grade = next(e["content"] for e in check["evidence"] if e["label"] == "grade")
    return grade["points"], grade["grade"]


def observatory(folder: Path, ca: Path) -> tuple[int | None, str]:
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(ca)}
    proc = subprocess.run(
        ["node", str(folder / "src" / "scan.js"), "localhost"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    result = json.loads(proc.stdout or "{}")
    if "scan" not in result:
        return None, f"error: {result.get('error', proc.stderr[-200:])}"
    return result["scan"]["score"], result["scan"]["grade"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observatory", type=Path, default=DEFAULT_OBSERVATORY)
    parser.add_argument("--app", action="append", choices=sorted(APPS))
    args = parser.parse_args()
    ca = trustme.CA()
    rows = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        ca.cert_pem.write_to_path(str(tmp / "ca.pem"))
        (tmp / "gates.yaml").write_text(GATES, encoding="utf-8")
        for app_name in args.app or sorted(APPS):
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
            app = APPS[app_name][0]()
            with (
                WsgiServer(app, port=443, ssl_context=context),
                WsgiServer(to_https, port=80),
            ):
                our_points, our_grade = ours(tmp)
                their_points, their_grade = observatory(args.observatory, tmp / "ca.pem")
            rows.append((app_name, our_points, our_grade, their_points, their_grade))
    print("| app | ours | grade | Observatory | grade | differ |\n|---|---:|---|---:|---|---|")
    for app_name, op, og, tp, tg in rows:
        differ = "" if (op, og) == (tp, tg) else "yes"
        print(f"| {app_name} | {op} | {og} | {tp} | {tg} | {differ} |")


if __name__ == "__main__":
    main()
