"""Every gates.yaml example in the docs and the README loads with the real config loader, and
the smallest one gates the bundled demo (it once stopped at a TLS handshake error).

A block that is not a whole file, or wrong on purpose, says so in an HTML comment on the line
just before its fence (invisible once rendered):

- ``<!-- fragment: top level -->``: keys of a gates file, loaded merged into a file with one
  smoke component (``BASE``);
- ``<!-- fragment: under components.smoke -->``: nested under that path first, then merged;
- ``<!-- invalid: fails with the error below -->``: must not load, and must fail with exactly
  the ``readiness-gate: error:`` line of the ``text`` block that follows it;
- ``<!-- file: PATH -->``: a file of the repository shown whole (PATH from the root), which
  the block must equal; it loads as a gates file when its name is ``gates.yaml``, else (a
  compose file) it must parse, and its own test runs it (tests/e2e/test_compose_load.py).

A CA file an example names (``tls.ca_bundle``) is created, as docs/gates.md says ("with the
files it names present"). docs/writing-a-suite.md's example (a suite of its own) is run by
tests/e2e/test_outside_suite.py.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from helpers import REPO, write_gates

from readiness.config import ConfigError, load

DOCS = ("docs/gates.md", "docs/browser-suites.md", "docs/load.md", "docs/security.md", "README.md")
BASE: dict[str, Any] = {"components": {"smoke": {"weight": 1}}}
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>\S*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*(?P<kind>fragment|invalid|file):\s*(?P<how>.*?)\s*-->\s*$")
ERROR_PREFIX = "readiness-gate: error: "


@dataclass(frozen=True)
class Example:
    doc: str
    line: int  # of the opening fence, 1-based
    text: str  # the YAML, dedented
    kind: str | None = None  # "fragment", "invalid" or None (a whole file)
    how: str = ""  # the marker's words: "top level", "under components.smoke", ...
    error: str | None = None  # an invalid example's documented error line
    before: str = ""  # the last line of prose before it (to find an example by its words)

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}"


def examples(doc: str) -> list[Example]:
    lines = (REPO / doc).read_text(encoding="utf-8").splitlines()
    blocks: list[tuple[int, str, str]] = []  # (fence line index, language, body)
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if FENCE.match(lines[j]))
        blocks.append((i, fence["lang"], textwrap.dedent("\n".join(lines[i + 1 : end])) + "\n"))
        i = end + 1
    found = []
    for n, (at, lang, body) in enumerate(blocks):
        if lang != "yaml":
            continue
        prose = [line for line in lines[:at] if line.strip()]
        marker = MARKER.match(prose[-1]) if prose else None
        kind, how = (marker["kind"], marker["how"]) if marker else (None, "")
        if marker:
            prose.pop()
        error = None
        if kind == "invalid" and n + 1 < len(blocks) and blocks[n + 1][1] == "text":
            errors = [x for x in blocks[n + 1][2].splitlines() if x.startswith(ERROR_PREFIX)]
            error = errors[0] if errors else None
        before = prose[-1].strip() if prose else ""
        found.append(Example(doc, at + 1, body, kind, how, error, before))
    return found


ALL = [example for doc in DOCS for example in examples(doc)]


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def gates_text(example: Example) -> str:
    """The file the example stands for: itself, or a fragment placed in BASE."""
    if example.kind != "fragment":
        return example.text
    data = yaml.safe_load(example.text)
    if example.how.startswith("under "):
        for key in reversed(example.how.removeprefix("under ").split(".")):
            data = {key: data}
    else:
        assert example.how == "top level", f"{example}: unknown fragment marker {example.how!r}"
    return yaml.safe_dump(_merged(BASE, data), sort_keys=False)


def write_named_files(folder: Path, text: str) -> None:
    """Create the CA file the example names, so that it can load."""
    try:  # as strings, untyped: an invalid example may hold an impossible date
        data = yaml.load(text, Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError:
        return  # the loader says what is wrong with it
    bundle = (data.get("tls") or {}).get("ca_bundle") if isinstance(data, dict) else None
    if bundle and bundle != "demo":
        (folder / bundle).parent.mkdir(parents=True, exist_ok=True)
        trustme.CA().cert_pem.write_to_path(str(folder / bundle))


def test_the_docs_have_examples() -> None:
    for doc in DOCS:
        assert examples(doc), f"{doc} has no yaml block left: drop it from DOCS"


@pytest.mark.parametrize("example", ALL, ids=str)
def test_the_example_loads(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if example.kind == "file":
        shown = REPO / example.how
        assert example.text == shown.read_text(encoding="utf-8"), f"{example} differs from {shown}"
        if shown.name != "gates.yaml":
            assert isinstance(yaml.safe_load(example.text), dict), f"{example}: not YAML"
            return
    text = gates_text(example)
    write_gates(tmp_path, text)
    write_named_files(tmp_path, text)
    monkeypatch.chdir(tmp_path)  # errors name the file as the docs show it: gates.yaml
    if example.kind == "invalid":
        assert example.error, f"{example}: an invalid example needs its error in a text block"
        with pytest.raises(ConfigError) as raised:
            load("gates.yaml")
        assert ERROR_PREFIX + str(raised.value) == example.error
        return
    try:
        load("gates.yaml")
    except ConfigError as exc:
        pytest.fail(
            f"{example} does not load: {exc} (fix the example, or mark it with"
            " <!-- fragment: ... --> or <!-- invalid: ... --> just before its fence)"
        )


def _example(doc: str, before: str) -> Example:
    """The one example of ``doc`` that follows a paragraph ending with ``before``."""
    (found,) = [e for e in examples(doc) if e.before.endswith(before)]
    return found


def test_the_smallest_file_gates_the_bundled_demo(run_gate, tmp_path: Path) -> None:
    example = _example("docs/gates.md", "The smallest valid file:")
    gates = write_gates(tmp_path, gates_text(example))
    result = run_gate("--gates", str(gates), "--demo", "healthy")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert result.readiness["target"].startswith("https://127.0.0.1:")  # the demo's own CA
    checks = [c for comp in result.readiness["components"] for c in comp["checks"]]
    assert checks and {c["outcome"] for c in checks} == {"passed"}, checks
    assert "TLS" not in result.stdout


def test_the_complete_smoke_component_plans_what_the_docs_say(run_gate, tmp_path: Path) -> None:
    example = _example(
        "docs/gates.md",
        "A complete smoke component (the smoke part of the repository's `gates.yaml`):",
    )
    gates = write_gates(tmp_path, gates_text(example))
    result = run_gate("--gates", str(gates), "--demo", "healthy", "--component", "smoke", "-q")
    ids = result.check_ids()
    assert len(ids) == 24, ids  # "Against the healthy demo it plans 24 checks"
    assert sum(i.startswith("smoke.status.") for i in ids) == 8
    assert sum(i.startswith("smoke.latency.") for i in ids) == 8
    assert {
        "smoke.reachable", "smoke.contains./", "smoke.contains./login",
        "smoke.regex./api/products", "smoke.json./api/health",
        "smoke.redirects.old-home-redirect", "smoke.size./", "smoke.availability./api/health",
    } <= set(ids)  # fmt: skip
    outcomes = {i: result.check(i)["outcome"] for i in ids}
    # Measured, whatever a busy machine makes of the latencies: nothing left unobserved.
    assert not {i for i, o in outcomes.items() if o in ("errored", "skipped")}, outcomes
