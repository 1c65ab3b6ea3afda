"""gates.yaml cases shared by the configuration tests (unit, and through the console script)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    "alias-to-itself": (
        "components: &all\n  smoke: *all\n",
        {},
        1,
        "components.smoke",
        "an alias refers to a value that contains it (the document would be infinite)",
    ),
    # 2 KB that doubles at every line: millions of values once expanded.
    "alias-bomb": (
        "a: &a [x, x]\n"
        + "".join(
            f"{n}: &{n} [*{p}, *{p}]\n"
            for p, n in zip("abcdefghijklmnopqrs", "bcdefghijklmnopqrst", strict=True)
        )
        + "components:\n  smoke: {weight: 1}\n",
        {},
        14,  # n: the first top-level key whose value takes the count past the limit
        None,
        "the file expands to more than 50,000 values through its aliases (an alias bomb?)",
    ),
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
