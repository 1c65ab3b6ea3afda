"""gates.yaml loading: every bad file is one clear error naming file, line and field (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from readiness.browser.settings import BrowserSettings
from readiness.config import ConfigError, GateConfig, Threshold, load
from readiness.plugin.gate import GateOptions, GateRun

REPO = Path(__file__).resolve().parent.parent
SMOKE = "components:\n  smoke: {weight: 1}\n"
WAIVER = "waivers:\n  - check: {check}\n    reason: known\n    owner: ana\n    expires: {expires}\n"


def waiver_file(check: str = "smoke.status./", expires: str = "2027-01-31") -> str:
    return SMOKE + WAIVER.format(check=check, expires=expires)


def write(tmp_path: Path, text: str, name: str = "gates.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# (yaml text, load() keyword arguments, line, field, a fragment of the message)
BAD_FILES: dict[str, tuple[str, dict[str, Any], int, str | None, str]] = {
    "yaml-unclosed-bracket": (
        "pages: [/, /about\ncomponents:\n  smoke: {weight: 1}\n",
        {},
        2,
        None,
        "invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence started"
        " on line 1)",
    ),
    "yaml-bad-indentation": (
        "components:\n  smoke:\n    weight: 1\n   blocking: true\n",
        {},
        4,
        None,
        "invalid YAML",
    ),
    "yaml-tab": ("components:\n  smoke:\n\tweight: 1\n", {}, 3, None, "invalid YAML"),
    "duplicate-key": (
        "components:\n  smoke: {weight: 1}\n  smoke: {weight: 2}\n",
        {},
        3,
        "components.smoke",
        "duplicate key 'smoke'",
    ),
    "typo-of-required-top-level-key": (
        "componets:\n  smoke: {weight: 1}\n",
        {},
        1,
        "componets",
        "unknown key 'componets'; did you mean 'components'?",
    ),
    "unknown-top-level-key-hint": (
        SMOKE + "timeout: 5\n",
        {},
        3,
        "timeout",
        "unknown key 'timeout'; did you mean 'timeout_s'?",
    ),
    "unknown-top-level-key-lists-keys": (
        "colour: red\n" + SMOKE,
        {},
        1,
        "colour",
        "unknown key 'colour' (expected one of: target, pages, timeout_s, profile, verdict,",
    ),
    "typo-of-component-weight": (
        "components:\n  smoke:\n    wieght: 1\n",
        {},
        3,
        "components.smoke.wieght",
        "unknown key 'wieght'; did you mean 'weight'?",
    ),
    "typo-next-to-component-weight": (
        "components:\n  smoke:\n    weight: 1\n    wieght: 1\n",
        {},
        4,
        "components.smoke.wieght",
        "unknown key 'wieght'; did you mean 'weight'?",
    ),
    "typo-of-suite-setting": (
        "components:\n  smoke:\n    weight: 1\n    endpionts: []\n",
        {},
        4,
        "components.smoke.endpionts",
        "unknown key 'endpionts'; did you mean 'endpoints'?",
    ),
    "weight-wrong-type": (
        "components:\n  smoke:\n    weight: heavy\n",
        {},
        3,
        "components.smoke.weight",
        "valid number, unable to parse string as a number (got 'heavy')",
    ),
    "weight-negative": (
        "components:\n  smoke:\n    weight: -5\n",
        {},
        3,
        "components.smoke.weight",
        "greater than or equal to 0 (got -5)",
    ),
    "blocking-wrong-type": (
        "components:\n  smoke:\n    weight: 1\n    blocking: perhaps\n",
        {},
        4,
        "components.smoke.blocking",
        "valid boolean",
    ),
    "no-components": ("components: {}\n", {}, 1, "components", "at least 1 item"),
    "no-suite-folder": (
        "components:\n  nosuch: {weight: 1}\n",
        {},
        2,
        "components.nosuch",
        "no suite folder for component 'nosuch'",
    ),
    "threshold-missing-poor": (
        "components:\n  smoke:\n    weight: 1\n    thresholds:\n      latency_ms: {good: 300}\n",
        {},
        5,
        "components.smoke.thresholds.latency_ms.poor",
        "required key is missing",
    ),
    "go-at-above-100": (
        "verdict:\n  go_at: 150\n" + SMOKE,
        {},
        2,
        "verdict.go_at",
        "less than or equal to 100 (got 150)",
    ),
    "min-coverage-above-1": (
        "verdict:\n  min_coverage: 2\n" + SMOKE,
        {},
        2,
        "verdict.min_coverage",
        "less than or equal to 1 (got 2)",
    ),
    "verdict-key-typo": (
        "verdict:\n  go_at: 90\n  min_coverge: 0.5\n" + SMOKE,
        {},
        3,
        "verdict.min_coverge",
        "did you mean 'min_coverage'?",
    ),
    "waiver-unknown-component": (
        waiver_file(check="securty.csp"),
        {},
        4,
        "waivers.0.check",
        "unknown component 'securty' in check id 'securty.csp' (components: smoke)",
    ),
    "waiver-date-day-first": (
        waiver_file(expires="31/01/2027"),
        {},
        7,
        "waivers.0.expires",
        "write dates as YYYY-MM-DD (got '31/01/2027')",
    ),
    "waiver-date-month-13": (
        waiver_file(expires="2027-13-01"),
        {},
        7,
        "waivers.0.expires",
        "write dates as YYYY-MM-DD (got '2027-13-01')",
    ),
    "waiver-missing-owner": (
        SMOKE + "waivers:\n  - check: smoke.x\n    reason: known\n    expires: 2027-01-31\n",
        {},
        4,
        "waivers.0.owner",
        "required key is missing",
    ),
    "unknown-profile-from-cli": (
        SMOKE + "profiles:\n  pre-deploy: {}\n  post-deploy: {}\n",
        {"profile": "nope"},
        3,
        "profile",
        "unknown profile 'nope' (profiles: post-deploy, pre-deploy)",
    ),
    "unknown-profile-in-file": (
        "profile: nope\n" + SMOKE + "profiles:\n  pre-deploy: {}\n",
        {},
        1,
        "profile",
        "unknown profile 'nope' (profiles: pre-deploy)",
    ),
    "unknown-profile-none-defined": (
        SMOKE,
        {"profile": "nope"},
        1,
        "profile",
        "unknown profile 'nope' (profiles: none defined)",
    ),
    "profile-selects-unknown-component": (
        SMOKE + "profiles:\n  quick:\n    components:\n      - smoke\n      - perf\n",
        {"profile": "quick"},
        7,
        "profiles.quick.components.1",
        "unknown component 'perf'",
    ),
    "profile-override-out-of-range": (
        SMOKE + "profiles:\n  strict:\n    overrides:\n      verdict: {go_at: 101}\n",
        {"profile": "strict"},
        6,
        "profiles.strict.overrides.verdict.go_at",
        "less than or equal to 100 (got 101)",
    ),
    "smoke-endpoint-relative-path": (
        "components:\n  smoke:\n    weight: 1\n    endpoints: [{path: api}]\n",
        {},
        4,
        "components.smoke.endpoints.0.path",
        "must start with '/' (it is joined to the target URL) (got 'api')",
    ),
    "smoke-endpoint-unknown-key": (
        "components:\n  smoke:\n    weight: 1\n    endpoints:\n      - {path: /, statuss: 200}\n",
        {},
        5,
        "components.smoke.endpoints.0.statuss",
        "unknown key 'statuss'; did you mean 'status'?",
    ),
    # A setting that is a preset name or a mapping of its own: the error of the branch the
    # value is shaped like, at the key the user wrote (not pydantic's branch tags).
    "union-mapping-bad-value": (
        "components:\n  performance:\n    weight: 1\n    throttling:\n      cpu_slowdown: 0\n",
        {},
        5,
        "components.performance.throttling.cpu_slowdown",
        "Input should be greater than or equal to 1 (got 0)",
    ),
    "union-mapping-unknown-key": (
        "components:\n  performance:\n    weight: 1\n    throttling: {cpu_slowdwn: 2}\n",
        {},
        4,
        "components.performance.throttling.cpu_slowdwn",
        "unknown key 'cpu_slowdwn'; did you mean 'cpu_slowdown'?",
    ),
    "union-unknown-name": (
        "components:\n  performance:\n    weight: 1\n    throttling: fast\n",
        {},
        4,
        "components.performance.throttling",
        "Input should be 'none', 'desktop' or 'mobile' (got 'fast')",
    ),
    # axe rule ids are checked against the bundled axe-core: a typo in an exclude or an
    # ignore would otherwise do nothing at all.
    "axe-rule-typo-in-exclude": (
        "components:\n  accessibility:\n    weight: 1\n    rules: {exclude: [colour-contrast]}\n",
        {},
        4,
        "components.accessibility.rules.exclude.0",
        "no such rule in axe-core 4.",
    ),
    "axe-rule-typo-in-ignore": (
        "components:\n  accessibility:\n    weight: 1\n    ignore:\n"
        "      - {rule: image-alts, selector: img.logo, reason: known}\n",
        {},
        5,
        "components.accessibility.ignore.0.rule",
        "; did you mean 'image-alt'? (got 'image-alts')",
    ),
    "empty-file": ("", {}, 1, None, "expected a mapping with a 'components' key at the top"),
    "comments-only": ("# nothing yet\n", {}, 1, None, "expected a mapping"),
    "top-level-list": ("- smoke\n- security\n", {}, 1, None, "expected a mapping"),
    "bad-target-in-file": (
        "target: ftp://x\n" + SMOKE,
        {},
        1,
        "target",
        "'ftp://x' is not an absolute http(s) URL",
    ),
    "bad-port-in-file": (
        SMOKE + "target: http://127.0.0.1:99999\n",
        {},
        3,
        "target",
        "has an invalid port",
    ),
    # A key written in the wrong section says where it belongs (the closest spelling of a key
    # allowed here would send the user the wrong way: 'login' is not a typo of 'blocking').
    "browser-key-under-a-component": (
        "components:\n  performance:\n    weight: 1\n    login:\n      path: /login\n",
        {},
        4,
        "components.performance.login",
        "unknown key 'login'; 'login' belongs under 'browser:' (top level), not under a component",
    ),
    "tls-key-under-a-component": (
        "components:\n  smoke:\n    weight: 1\n    verify: false\n",
        {},
        4,
        "components.smoke.verify",
        "unknown key 'verify'; 'verify' belongs under 'tls:' (top level), not under a component",
    ),
    "top-level-key-under-a-component": (
        "components:\n  smoke:\n    weight: 1\n    target: http://127.0.0.1:9\n",
        {},
        4,
        "components.smoke.target",
        "unknown key 'target'; 'target' belongs at the top level, not under a component",
    ),
    "browser-key-at-the-top-level": (
        "login: {path: /login}\n" + SMOKE,
        {},
        1,
        "login",
        "unknown key 'login'; 'login' belongs under 'browser:', not at the top level",
    ),
    "top-level-key-under-browser": (
        "browser:\n  pages: [/]\n" + SMOKE,
        {},
        2,
        "browser.pages",
        "unknown key 'pages'; 'pages' belongs at the top level, not under 'browser:'",
    ),
    "misplaced-key-in-a-profile-override": (
        SMOKE + "profiles:\n  signed-in:\n    overrides:\n      storage_state: state.json\n",
        {"profile": "signed-in"},
        6,
        "profiles.signed-in.overrides.storage_state",
        "'storage_state' belongs under 'browser:', not at the top level",
    ),
}


@pytest.mark.parametrize(
    ("text", "kwargs", "line", "field", "fragment"),
    list(BAD_FILES.values()),
    ids=list(BAD_FILES),
)
def test_load_bad_file_names_file_line_and_field(
    tmp_path: Path,
    text: str,
    kwargs: dict[str, Any],
    line: int,
    field: str | None,
    fragment: str,
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load(path, **kwargs)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), line, field)
    where = f"{path}:{line}: " + (f"{field}: " if field else "")
    assert str(error).startswith(where)
    assert fragment in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize("key", list(BrowserSettings.model_fields))
def test_every_browser_key_under_a_component_points_to_browser(tmp_path: Path, key: str) -> None:
    # Looked up in the schema, not a list of known mistakes: each key of browser: is found.
    text = f"components:\n  smoke:\n    weight: 1\n    {key}: x\n"
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text))
    assert caught.value.field == f"components.smoke.{key}"
    assert caught.value.message == (
        f"unknown key '{key}'; '{key}' belongs under 'browser:' (top level), not under a component"
    )


def test_misplaced_key_inside_a_suite_setting_keeps_the_list_of_keys(tmp_path: Path) -> None:
    # Below a component's own level the suite's structure decides what a name means.
    text = "components:\n  smoke:\n    weight: 1\n    endpoints: [{path: /, login: x}]\n"
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text))
    assert caught.value.field == "components.smoke.endpoints.0.login"
    assert "belongs" not in caught.value.message
    assert caught.value.message.startswith("unknown key 'login' (expected one of: path,")


def test_top_level_key_in_a_profile_keeps_the_list_of_keys(tmp_path: Path) -> None:
    # A profile's top-level keys go under its overrides: "belongs at the top level" would
    # mislead, so the profile's own keys are listed instead.
    text = SMOKE + "profiles:\n  strict:\n    verdict: {go_at: 95}\n"
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text), profile="strict")
    assert caught.value.field == "profiles.strict.verdict"
    assert caught.value.message == (
        "unknown key 'verdict' (expected one of: description, components, overrides)"
    )


def test_load_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(caught.value) == f"{path}: file not found; pass --gates FILE or create gates.yaml"


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("ftp://x", "is not an absolute http(s) URL; use e.g. --target https://"),
        ("notaurl", "is not an absolute http(s) URL"),
        ("http://", "is not an absolute http(s) URL"),
        ("http://127.0.0.1:99999", "has an invalid port"),
    ],
)
def test_load_bad_command_line_target(tmp_path: Path, target: str, fragment: str) -> None:
    # The file is fine, so the error names the option, not a line of the file.
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, SMOKE), target=target)
    assert caught.value.field == "target"
    assert caught.value.file is None
    assert str(caught.value).startswith(f"target: '{target}' ")
    assert fragment in str(caught.value)


def test_command_line_target_overrides_a_bad_one_in_the_file(tmp_path: Path) -> None:
    cfg = load(write(tmp_path, "target: ftp://x\n" + SMOKE), target="http://127.0.0.1:9")
    assert cfg.target == "http://127.0.0.1:9"


# --- good files -----------------------------------------------------------------------------


def test_repo_gates_file_loads() -> None:
    cfg = load(REPO / "gates.yaml")
    assert isinstance(cfg, GateConfig)
    assert cfg.target == "demo"
    assert cfg.pages == ["/", "/about", "/products", "/login"]
    assert (cfg.verdict.go_at, cfg.verdict.min_coverage) == (90, 0.9)
    smoke = cfg.components["smoke"]
    assert (smoke.weight, smoke.blocking) == (25, True)
    assert smoke.suite_dir == REPO / "suites" / "smoke"
    assert smoke.thresholds["latency_ms"] == Threshold(good=300, poor=1000)
    assert len(smoke.settings.endpoints) == 8
    assert cfg.waivers == []


def test_repo_post_deploy_profile(tmp_path: Path) -> None:
    cfg = load(REPO / "gates.yaml", profile="post-deploy")
    assert cfg.profile == "post-deploy"
    assert list(cfg.components) == ["smoke"]
    assert cfg.verdict.go_at == 95
    assert cfg.verdict.min_coverage == 0.9  # untouched by the override


GATES_WITH_TWO = """\
target: http://127.0.0.1:8000
pages: [/, /login]
components:
  smoke: {weight: 25, blocking: true}
  extra: {weight: 5}
  spare: {weight: 5, enabled: false}
profiles:
  quick:
    components: [smoke]
    overrides:
      verdict: {go_at: 95}
"""


@pytest.fixture
def two_components(tmp_path: Path) -> Path:
    for name in ("extra", "spare"):
        (tmp_path / "suites" / name).mkdir(parents=True)
    return write(tmp_path, GATES_WITH_TWO)


def test_profile_selects_components_and_overrides_the_verdict(two_components: Path) -> None:
    everything = load(two_components)
    assert list(everything.components) == ["smoke", "extra"]  # 'spare' is disabled
    assert everything.all_components == ["smoke", "extra", "spare"]
    assert everything.verdict.go_at == 90
    assert everything.components["extra"].suite_dir == two_components.parent / "suites" / "extra"
    assert everything.components["extra"].settings is None

    quick = load(two_components, profile="quick")
    assert list(quick.components) == ["smoke"]
    assert quick.verdict.go_at == 95


def test_target_and_pages_overrides(two_components: Path) -> None:
    assert load(two_components).target == "http://127.0.0.1:8000"
    assert load(two_components).pages == ["/", "/login"]
    cfg = load(two_components, target="https://staging.example.com", pages=["/about"])
    assert cfg.target == "https://staging.example.com"
    assert cfg.pages == ["/about"]


def _prepare(gates: Path, tmp_path: Path, **kw: Any) -> GateRun:
    return GateRun.prepare(GateOptions(gates=str(gates), report_dir=str(tmp_path / "r"), **kw))


def test_readiness_target_env_is_honoured(
    two_components: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINESS_TARGET", "http://127.0.0.1:9")
    assert _prepare(two_components, tmp_path).config.target == "http://127.0.0.1:9"
    explicit = _prepare(two_components, tmp_path, target="http://127.0.0.1:10")
    assert explicit.config.target == "http://127.0.0.1:10"


def test_readiness_target_env_is_checked(
    two_components: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINESS_TARGET", "notaurl")
    with pytest.raises(ConfigError, match="'notaurl' is not an absolute http"):
        _prepare(two_components, tmp_path)


def test_demo_conflicts_with_readiness_target_env(
    two_components: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINESS_TARGET", "http://127.0.0.1:9")
    with pytest.raises(ConfigError) as caught:
        _prepare(two_components, tmp_path, demo="healthy")
    assert caught.value.field == "--demo"


def test_prepare_without_env_uses_the_file_target(
    two_components: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("READINESS_TARGET", raising=False)
    run = _prepare(two_components, tmp_path, pages=["/x"], components=["extra"])
    assert run.config.target == "http://127.0.0.1:8000"
    assert run.config.pages == ["/x"]
    assert list(run.config.components) == ["extra"]
    assert run.run_dir.parent == tmp_path / "r"


def test_keys_that_yaml_1_1_reads_as_booleans_stay_names(tmp_path: Path) -> None:
    (tmp_path / "suites" / "off").mkdir(parents=True)
    text = SMOKE + "  off: {weight: 1}\nprofiles:\n  yes: {components: ['off']}\n"
    cfg = load(write(tmp_path, text), profile="yes")
    assert list(cfg.components) == ["off"]
    assert cfg.profile == "yes"


def test_bare_number_threshold_is_a_budget(tmp_path: Path) -> None:
    text = "components:\n  load:\n    weight: 1\n    thresholds: {p95_ms: 800, error_ratio: 0.5}\n"
    thresholds = load(write(tmp_path, text)).components["load"].thresholds
    assert thresholds["p95_ms"] == Threshold(good=800, poor=800, higher_is_better=False)
    assert thresholds["error_ratio"] == Threshold(good=0.5, poor=0.5)


@pytest.mark.parametrize(
    ("good", "poor", "flag", "higher"),
    [
        (0.99, 0.9, False, True),  # direction follows the order of good and poor
        (0.99, 0.9, True, True),
        (300, 1000, False, False),
        (300, 1000, True, False),
        (100, 100, False, False),  # a budget is an upper limit...
        (100, 100, True, True),  # ...unless it says otherwise
    ],
)
def test_threshold_direction(good: float, poor: float, flag: bool, higher: bool) -> None:
    assert Threshold(good=good, poor=poor, higher_is_better=flag).higher_is_better is higher


# --- end to end: the real console script ----------------------------------------------------


def _cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("READINESS_TARGET", None)
    return env


CLI_CASES: dict[str, tuple[str | None, list[str], str]] = {
    # (gates file text or None for a missing file, extra arguments, stderr after "error: ")
    "yaml-syntax": (BAD_FILES["yaml-unclosed-bracket"][0], [], "{file}:2: invalid YAML"),
    "unknown-key": (
        BAD_FILES["typo-of-required-top-level-key"][0],
        [],
        "{file}:1: componets: unknown key 'componets'; did you mean 'components'?",
    ),
    "negative-weight": (
        BAD_FILES["weight-negative"][0],
        [],
        "{file}:3: components.smoke.weight: Input should be greater than or equal to 0",
    ),
    "waiver-unknown-component": (
        waiver_file(check="securty.csp"),
        [],
        "{file}:4: waivers.0.check: unknown component 'securty'",
    ),
    "waiver-bad-date": (
        waiver_file(expires="2027-13-01"),
        [],
        "{file}:7: waivers.0.expires: Input should be a valid date",
    ),
    "smoke-setting": (
        BAD_FILES["smoke-endpoint-unknown-key"][0],
        [],
        "{file}:5: components.smoke.endpoints.0.statuss: unknown key 'statuss'",
    ),
    "unknown-profile": (SMOKE, ["--profile", "nope"], "{file}:1: profile: unknown profile"),
    "missing-file": (None, [], "{file}: file not found"),
    "bad-target": (SMOKE, ["--target", "ftp://x"], "target: 'ftp://x' is not an absolute"),
    "bad-page": (SMOKE, ["--page", "about"], "pages: --page 'about' must start with '/'"),
    "demo-with-target": (
        SMOKE,
        ["--demo", "healthy", "--target", "http://127.0.0.1:9"],
        "--demo: --demo starts the bundled demo target",
    ),
}


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("text", "args", "expected"), list(CLI_CASES.values()), ids=list(CLI_CASES)
)
def test_cli_config_error_is_one_line_and_exit_2(
    tmp_path: Path, text: str | None, args: list[str], expected: str
) -> None:
    gates = tmp_path / "gates.yaml"
    if text is not None:
        gates.write_text(text, encoding="utf-8")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "--gates", str(gates), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=_cli_env(),
    )
    elapsed = time.monotonic() - started
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("readiness-gate: error: " + expected.format(file=gates))
    assert "Traceback" not in proc.stdout + proc.stderr
    assert elapsed < 10  # failed before any request: no demo target, no suite ran
    assert not (tmp_path / "reports").exists()
