"""`run --shard I/N` and `merge`: three shards of a real run, merged, are that run.

One demo target (broken mode: checks fail, warn and pass in every suite) serves a single run
and three shards of the same plan, with the real browser suites. The merge must give the
single run's checks, outcomes, coverage and verdict, and refuse shards that do not belong
together with one line and exit 2.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import GateRunResult, run_cli, run_gate_process

from readiness.core.merge import outcomes
from readiness.demo import DemoServer

pytestmark = pytest.mark.usefixtures("chromium")  # the browser suites need one

GATES = str(Path(__file__).resolve().parents[2] / "gates.yaml")
COMPONENTS = ("smoke", "security", "performance", "accessibility")
PAGES = ("/", "/about", "/products")
# Measured in milliseconds on a busy machine: their outcome may differ between two runs of
# the same target, so they are compared by id only (every other check by outcome too).
TIMED = ("performance.", "smoke.latency.")


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    with DemoServer("broken") as server:
        yield server.url


def gate(report_dir: Path, target: str, *extra: str) -> GateRunResult:
    args = ["--gates", GATES, "--target", target, "-q", "-p", "no:html"]
    for name in COMPONENTS:
        args += ["--component", name]
    for page in PAGES:
        args += ["--page", page]
    return run_gate_process(report_dir, *args, *extra)


@pytest.fixture(scope="module")
def runs(target: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The single run, the three shards and their merge, once for the module's tests."""
    root = tmp_path_factory.mktemp("shards")
    single = gate(root / "single", target, "--run-id", "single")
    shards = [
        gate(root / "shards", target, "--shard", f"{i}/3", "--run-id", f"shard-{i}")
        for i in (1, 2, 3)
    ]
    merged = run_cli(
        root,
        "merge",
        *(str(root / "shards" / f"shard-{i}") for i in (3, 1, 2)),  # any order
        "--report-dir",
        str(root / "merged"),
        "--run-id",
        "merged",
    )
    return {"root": root, "single": single, "shards": shards, "merged": merged}


def _json(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "readiness.json").read_text(encoding="utf-8"))


def test_the_merge_of_three_shards_is_the_single_run(runs: dict[str, Any]) -> None:
    single = _json(runs["root"] / "single" / "single")
    merged_run = runs["merged"]
    assert merged_run.returncode == single["exit_code"], merged_run.stderr
    merged = _json(runs["root"] / "merged" / "merged")
    assert merged["verdict"] == single["verdict"] == "NO-GO"
    assert merged["exit_code"] == single["exit_code"]
    assert merged["confidence"]["checks_planned"] == single["confidence"]["checks_planned"]
    assert merged["confidence"]["coverage"] == single["confidence"]["coverage"]
    a, b = outcomes(single), outcomes(merged)
    assert list(a) == list(b)  # check for check, in plan order
    untimed = [c for c in a if not c.startswith(TIMED)]
    assert len(untimed) > 40
    assert {c: a[c] for c in untimed} == {c: b[c] for c in untimed}
    assert {"failed", "warned", "passed"} <= {str(o) for o in a.values()}
    assert [c["name"] for c in merged["components"]] == list(COMPONENTS)
    assert [s["index"] for s in merged["merged_from"]] == [1, 2, 3]
    assert "shard" not in merged and "merged_from" not in single
    # A merged run is a run: its own reports, a history line, reports/latest.
    for name in ("readiness.html", "summary.md", "junit.xml"):
        assert (runs["root"] / "merged" / "merged" / name).is_file()
    assert (runs["root"] / "merged" / "latest").resolve().name == "merged"
    history = (runs["root"] / "merged" / "history.jsonl").read_text(encoding="utf-8")
    assert len(history.splitlines()) == 1
    assert "merged 3 shards" in merged_run.stdout
    summary = (runs["root"] / "merged" / "merged" / "summary.md").read_text(encoding="utf-8")
    assert "Merged from 3 shards (shard-1, shard-2, shard-3)." in summary


def test_shards_cut_disjoint_slices_that_keep_a_page_together(runs: dict[str, Any]) -> None:
    folders = [runs["root"] / "shards" / f"shard-{i}" for i in (1, 2, 3)]
    blocks = [_json(folder)["shard"] for folder in folders]
    plan = blocks[0]["plan"]
    assert all(b["plan"] == plan for b in blocks)
    slices = [set(b["slice"]) for b in blocks]
    assert all(slices), "every shard has work"
    assert sum(len(s) for s in slices) == len(plan) == len(set().union(*slices))
    # One page's checks (its measurement, its scan) on one shard, budgets included.
    for page in PAGES:
        holders = {
            i for i, s in enumerate(slices) for c in s if c.endswith(f".{page}") and "/" in c
        }
        assert len(holders) == 1, (page, holders)
    # A shard's folder is a part: no history line, no `latest`; only its slice ran.
    shards_root = runs["root"] / "shards"
    assert not (shards_root / "history.jsonl").exists()
    assert not (shards_root / "latest").exists()
    for folder, mine in zip(folders, slices, strict=True):
        assert set(outcomes(_json(folder))) == mine
    # No reader takes a shard's verdict for the run's: every report and the terminal say so.
    first = runs["shards"][0]
    scope = f"Shard 1/3: this report covers its slice, {len(slices[0])} of the run's {len(plan)}"
    assert scope in first.stdout
    assert scope in (folders[0] / "summary.md").read_text(encoding="utf-8")
    assert scope.replace("'", "&#39;") in (folders[0] / "readiness.html").read_text("utf-8")


def test_merge_refuses_shards_that_do_not_make_one_run(
    runs: dict[str, Any], target: str, tmp_path: Path
) -> None:
    shards = [str(runs["root"] / "shards" / f"shard-{i}") for i in (1, 2, 3)]
    single = str(runs["root"] / "single" / "single")
    other = tmp_path / "other"
    other_gates = tmp_path / "gates.yaml"
    other_gates.write_text(Path(GATES).read_text(encoding="utf-8") + "\n# edited\n")
    run_gate_process(
        other,
        "--gates",
        str(other_gates),
        "--target",
        target,
        "--component",
        "smoke",
        "--shard",
        "2/3",
        "--run-id",
        "edited",
        "-q",
    )
    retargeted = tmp_path / "retargeted"
    shutil.copytree(shards[1], retargeted)
    data = _json(retargeted)
    data["target"] = "https://elsewhere.test"
    (retargeted / "readiness.json").write_text(json.dumps(data), encoding="utf-8")
    cases = {
        "shard 3/3 missing": shards[:2],
        "shard 2/3 is given twice": [*shards, shards[1]],
        "not a shard": [shards[0], single],
        "differ in their target": [shards[0], str(retargeted), shards[2]],
        "differ in their gates file": [shards[0], str(other / "edited"), shards[2]],
        "no readiness.json": [shards[0], str(tmp_path)],
    }
    for expected, folders in cases.items():
        out = run_cli(tmp_path, "merge", *folders, "--report-dir", str(tmp_path / "merged"))
        assert out.returncode == 2, (expected, out.stdout, out.stderr)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (expected, out.stderr)
        assert not (tmp_path / "merged").exists(), "a refused merge writes nothing"


def test_the_load_runs_on_one_shard_only(target: str, tmp_path: Path) -> None:
    """Load checks are whole_run: planned by every shard, run by --load-shard alone. Shown
    on the shards that do not run it (no Locust is started for them)."""
    gates = tmp_path / "gates.yaml"
    gates.write_text(
        "components:\n  load:\n    weight: 1\n    users: 1\n    spawn_rate: 1\n    duration: 1s\n",
        encoding="utf-8",
    )
    for shard, load_shard in (("2/2", None), ("1/2", "2")):
        extra = ["--load-shard", load_shard] if load_shard else []
        out = run_gate_process(
            tmp_path / "reports",
            "--gates",
            str(gates),
            "--target",
            target,
            "--shard",
            shard,
            *extra,
            "--run-id",
            f"load-{shard[0]}",
            "-q",
        )
        block = _json(tmp_path / "reports" / f"load-{shard[0]}")["shard"]
        assert block["plan"] and all(c.startswith("load.") for c in block["plan"]), out.stderr
        assert block["slice"] == [], block
        assert block["load_shard"] == int(load_shard or 1)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--shard", "4/3"), "--shard: '4/3': the shard's number must be 1 to 3"),
        (("--shard", "two"), "--shard: 'two' is not a shard: give I/N"),
        (("--shard", "1/2", "--load-shard", "3"), "--load-shard 3: give a shard of the 2"),
        (("--load-shard", "1"), "--load-shard says which shard runs the load: give --shard"),
    ],
)
def test_bad_shard_options_are_one_line_and_exit_2(
    args: tuple[str, ...], expected: str, tmp_path: Path
) -> None:
    out = run_gate_process(tmp_path / "reports", "--gates", GATES, "--target", "http://x", *args)
    assert out.returncode == 2, out.stdout
    assert expected in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert not (tmp_path / "reports").exists(), "nothing ran"
