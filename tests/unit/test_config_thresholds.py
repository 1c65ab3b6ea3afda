"""A suite declares the threshold names it reads; a misspelt one is a config error, not a no-op."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.config import ConfigError, load


@pytest.mark.parametrize(
    ("component", "typo", "hint"),
    [
        ("load", "p59_ms", "did you mean"),
        ("smoke", "latncy_ms", "'latency_ms'"),
        ("performance", "lcp", "'lcp_ms'"),
        ("security", "grade", "this suite reads none"),
    ],
)
def test_unknown_threshold_names_the_line(
    tmp_path: Path, component: str, typo: str, hint: str
) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text(
        f"components:\n  {component}:\n    weight: 1\n    thresholds:\n      {typo}: 300\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:5: components.{component}.thresholds.{typo}:")
    assert f"unknown threshold '{typo}'" in message and hint in message


def test_known_threshold_loads(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text("components:\n  load:\n    weight: 1\n    thresholds: {p95_ms: 300}\n")
    assert load(path).components["load"].thresholds["p95_ms"].good == 300
