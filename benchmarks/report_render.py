"""Every report of a 20-page, all-suites run rendered by this checkout and by another tree.

Issue 14's budget: rendering every report takes under 1 s, and readiness.html stays under
1.5 MB with its screenshots. The fixture is one real run of the bundled broken demo with
every suite (`python -m readiness --demo broken`, made by this checkout unless --source
names a run folder), whose browser-suite checks (performance, accessibility: the ones
`pages` multiplies) and their screenshots are copied to 20 pages. Smoke, security and load
stay as the run measured them.

Each round renders the fixture in a fresh process of each tree, alternating which goes
first: "cold" is the first render in that process, the writers' imports included (what a
gate run pays at its end); "warm" the median of five more in the same process. Timed: the
report writers (readiness.json, readiness.html, summary.md, junit.xml; pytest-html's
report.html is pytest's, not ours). readiness.pdf is timed apart (this checkout only, a
fresh Chromium each time): it is optional and not in the budget.

    git worktree add /tmp/today 2fd42e1          # the commit before issue 14
    flock /tmp/bench.lock python benchmarks/report_render.py --ref /tmp/today [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PAGES = 20
BROWSER_SUITES = ("performance", "accessibility")

# Run in each tree's own process: its writers on a copy of the fixture, timed one by one in
# the order write_reports runs them (readiness.json first; the others read it back).
CHILD = r"""
import json, shutil, sys, time
from pathlib import Path
fixture, out, warm = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
from readiness.reports.writer import WRITERS
imports = time.perf_counter() - t0
result = json.loads((fixture / "readiness.json").read_text(encoding="utf-8"))

def render(run_dir):
    shutil.copytree(fixture, run_dir)
    (run_dir / "readiness.json").unlink()
    times, data = {}, result
    for name, writer in WRITERS.items():
        start = time.perf_counter()
        path = writer(data, run_dir)
        times[name] = time.perf_counter() - start
        if name == "json":
            data = json.loads(path.read_text(encoding="utf-8"))
    sizes = {p.name: p.stat().st_size for p in run_dir.iterdir() if p.is_file()}
    return times, sizes

cold, sizes = render(out / "cold")
warms = [render(out / f"warm{i}")[0] for i in range(warm)]
print(json.dumps({"imports": imports, "cold": cold, "warm": warms, "sizes": sizes}))
"""


def make_source(tmp: Path) -> Path:
    """One real all-suites run of the broken demo, by this checkout."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("READINESS_TARGET", None)
    reports = tmp / "source"
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "--demo", "broken", "-q", "--report-dir", str(reports)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"the source run failed: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    return (reports / "latest").resolve()


def page_of(check_id: str) -> tuple[str, str] | None:
    """``performance.lcp./about`` -> (``performance.lcp``, ``/about``)."""
    base, sep, rest = check_id.partition("./")
    return (base, "/" + rest) if sep else None


def expand(source: Path, fixture: Path, pages: int = PAGES) -> dict[str, int]:
    """``source``'s run, its browser-suite checks copied until they cover ``pages`` pages."""
    shutil.copytree(source, fixture)
    result = json.loads((source / "readiness.json").read_text(encoding="utf-8"))
    # The pages the browser suites visited: the accessibility scan's (performance also
    # times API paths, which `pages` does not multiply).
    measured = sorted(
        {
            found[1]
            for comp in result["components"]
            if comp["name"] == "accessibility"
            for check in comp["checks"]
            if (found := page_of(check["id"]))
        }
    )
    copies = -(-pages // len(measured))  # each measured page stands for this many
    for comp in result["components"]:
        if comp["name"] not in BROWSER_SUITES:
            continue
        checks: list[dict[str, Any]] = []
        for check in comp["checks"]:
            checks.append(check)
            found = page_of(check["id"])
            if found is None or found[1] not in measured:
                continue
            for k in range(2, copies + 1):
                checks.append(clone(check, found, k, fixture))
        comp["planned"] += len(checks) - len(comp["checks"])
        comp["checks"] = checks
    (fixture / "readiness.json").write_text(json.dumps(result), encoding="utf-8")
    return {
        "pages": len(measured) * copies,
        "checks": sum(len(c["checks"]) for c in result["components"]),
    }


def clone(check: dict[str, Any], found: tuple[str, str], k: int, fixture: Path) -> dict[str, Any]:
    base, page = found
    new_page = f"{page.rstrip('/') or '/home'}-{k}"
    copy = json.loads(json.dumps(check))
    copy["id"] = f"{base}.{new_page}"
    for item in copy["evidence"]:
        content = item.get("content")
        if item["kind"] in ("image", "html") and isinstance(content, str):
            original = fixture / content
            if original.is_file():  # its own copy of the screenshot, as a real page has
                rel = Path(content)
                new = rel.with_name(f"{rel.stem}-p{k}{rel.suffix}")
                shutil.copyfile(original, fixture / new)
                item["content"] = str(new)
        elif item["kind"] == "url" and isinstance(content, str) and content.endswith(page):
            item["content"] = content[: len(content) - len(page)] + new_page
    return copy


def render(tree: Path, fixture: Path, out: Path, warm: int = 5) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(fixture), str(out), str(warm)],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def time_pdf(rendered: Path, out: Path) -> tuple[float, int]:
    code = (
        "import sys, time, shutil; from pathlib import Path\n"
        "from readiness.reports.pdf import write_pdf\n"
        "d = Path(sys.argv[2]); shutil.copytree(sys.argv[1], d)\n"
        "t = time.perf_counter(); p = write_pdf(d / 'readiness.html')\n"
        "print(time.perf_counter() - t, p.stat().st_size)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(rendered), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    if proc.returncode != 0:
        raise SystemExit(f"readiness.pdf: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    seconds, size = proc.stdout.split()
    return float(seconds), int(size)


def summary(label: str, runs: list[dict[str, Any]]) -> None:
    cold = [sum(r["cold"].values()) + r["imports"] for r in runs]
    warm = [statistics.median(sum(w.values()) for w in r["warm"]) for r in runs]
    per = {
        name: statistics.median(w[name] for r in runs for w in r["warm"])
        for name in runs[0]["cold"]
    }
    imports = statistics.median(r["imports"] for r in runs)
    sizes = runs[0]["sizes"]
    print(f"  {label}")
    print(
        f"    cold (imports + every writer) median {statistics.median(cold):.3f} s"
        f"  max {max(cold):.3f} s  (imports {imports:.3f} s)"
    )
    print(
        f"    warm median {statistics.median(warm):.3f} s  per writer: "
        + ", ".join(f"{n} {s * 1000:.0f} ms" for n, s in per.items())
    )
    print(
        "    sizes: "
        + ", ".join(
            f"{n} {sizes[n] / 1024:.0f} KB"
            for n in ("readiness.json", "readiness.html", "summary.md", "junit.xml")
            if n in sizes
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", type=Path, required=True, help="a checkout of the reference")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--source", type=Path, help="a run folder to expand (default: run one)")
    parser.add_argument("--no-pdf", action="store_true", help="skip timing readiness.pdf")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-render-") as name:
        tmp = Path(name)
        source = args.source.resolve() if args.source else make_source(tmp)
        shape = expand(source, tmp / "fixture")
        images = sum(1 for p in (tmp / "fixture").rglob("*.png"))
        print(
            f"fixture: {shape['pages']} pages, {shape['checks']} checks, {images} screenshots"
            f" (from {source})"
        )
        trees = [("this checkout", REPO), ("reference " + str(args.ref), args.ref.resolve())]
        runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in trees}
        for i in range(args.rounds):
            for label, tree in trees if i % 2 == 0 else reversed(trees):
                out = tmp / f"out-{i}-{tree.name}"
                out.mkdir()
                runs[label].append(render(tree, tmp / "fixture", out))
        print(f"{args.rounds} rounds, alternating")
        for label, _ in trees:
            summary(label, runs[label])
        if not args.no_pdf:
            rendered = tmp / f"out-0-{REPO.name}" / "cold"  # this checkout's 20-page page
            pdfs = [time_pdf(rendered, tmp / f"pdf-{i}") for i in range(args.rounds)]
            print(
                f"  readiness.pdf (this checkout, fresh Chromium): median"
                f" {statistics.median(s for s, _ in pdfs):.2f} s, {pdfs[0][1] / 1024:.0f} KB"
            )


if __name__ == "__main__":
    main()
