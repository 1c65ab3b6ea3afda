"""gates.yaml loading: every bad file is one clear error naming file, line and field (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from config_cases import BAD_FILES, SMOKE, write

from readiness.browser.settings import BrowserSettings
from readiness.config import ConfigError, GateConfig, Threshold, load
from readiness.plugin.gate import GateOptions, GateRun

REPO = Path(__file__).resolve().parents[2]


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


def test_a_file_that_is_not_utf8_is_one_line_naming_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    path.write_bytes(b"components:\n  smoke: {weight: 1}\n# caf\xe9\n")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(caught.value) == (
        f"{path}:3: not UTF-8 text (byte 0xe9 at offset 38); save the file as UTF-8"
    )


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
        "unknown key 'verdict' (expected one of: description, components, overrides, watch)"
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


def test_a_rejected_value_is_shown_without_its_password_or_token(tmp_path: Path) -> None:
    # The error line quotes the value it refused: a URL's secrets must not reach a CI log.
    path = write(
        tmp_path,
        'browser:\n  connect: "http://user:hunter22secret@farm.test/?token=abcdef123456"\n' + SMOKE,
    )
    with pytest.raises(ConfigError) as raised:
        load(str(path))
    line = str(raised.value)
    assert "browser.connect" in line and "farm.test" in line
    assert "hunter22secret" not in line and "abcdef123456" not in line
