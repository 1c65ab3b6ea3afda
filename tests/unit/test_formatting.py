"""readiness.core.formatting: the one place that decides how figures and words read, in every
writer (terminal, Markdown, HTML, JUnit) and in check messages."""

from __future__ import annotations

import pytest

from readiness.core.formatting import (
    count_of,
    format_expectation,
    format_number,
    format_percent,
    format_points,
    format_threshold,
    format_value,
    plural,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.900000000023283, "2.9"),
        (18.099999999976717, "18.1"),
        (1505.98, "1,506"),
        (1_000_000.0, "1,000,000"),
        (0.185185, "0.185"),
        (0.0, "0"),
        (200, "200"),
    ],
)
def test_numbers_carry_no_float_noise(value: float, text: str) -> None:
    assert format_number(value) == text


def test_lists_and_json_have_their_floats_rounded() -> None:
    assert format_value([5.5, 2.900000000023283, 18.099999999976717], "ms") == "[5.5, 2.9, 18.1] ms"
    # No thousands separator inside a list: "1,506" would read as two numbers.
    assert format_value([1505.98, 2], "ms") == "[1506, 2] ms"
    assert format_value({"p95": 0.30000000000000004, "ok": True}) == '{"p95": 0.3, "ok": true}'


def test_count_units_agree_with_their_number() -> None:
    assert format_value(1.0, "rules") == "1 rule"
    assert format_value(2.0, "rules") == "2 rules"
    assert format_value(0.0, "rules") == "0 rules"
    assert format_value(1, "requests") == "1 request"
    assert format_value(1.0, "ms") == "1 ms"  # not a count
    assert format_value(87.5, "%") == "87.5%"
    assert plural(1, "rule") == "rule" and plural(3, "query") == "queries"
    assert count_of(1, "page") == "1 page" and count_of(1200, "request") == "1,200 requests"


def test_a_budget_reads_once() -> None:
    budget = {"good": 0.0, "poor": 0.0, "higher_is_better": False}
    assert format_threshold(budget, "rules") == "at most 0 rules"
    assert format_threshold({"good": 0.999, "poor": 0.999, "higher_is_better": True}) == (
        "at least 0.999"
    )
    band = {"good": 500.0, "poor": 2000.0, "higher_is_better": False}
    assert format_threshold(band, "ms") == "good 500 ms · poor 2,000 ms"
    rps = {"good": 30.0, "poor": 10.0, "higher_is_better": True}
    assert format_threshold(rps, "req/s") == "good 30 req/s · poor 10 req/s · higher is better"
    assert format_threshold({"expected": 200}) == "200"
    assert format_threshold(None) == "—"


def test_expectations_read_as_words() -> None:
    assert format_expectation(200, 200, True) == "got 200"
    assert format_expectation(500, 200, False) == "got 500, expected 200"
    assert format_expectation("weak", "strong", False) == "got 'weak', expected 'strong'"
    # A pattern that matched nothing: no "got None", and the regex keeps single backslashes.
    pattern = '/"products"\\s*:\\s*\\[/'
    assert format_expectation(None, pattern, False) == f"no match, expected {pattern}"
    assert "\\\\" not in format_expectation(None, pattern, False)
    assert format_expectation(None, 200, False) == "got nothing, expected 200"
    assert format_expectation(1.0000000001, None, True) == "got 1"


def test_percent_is_floored_and_points_never_round_up() -> None:
    assert format_percent(89.96) == "89.9%"
    assert format_percent(None) == "—"
    assert format_points(4.36) == "+4.3 points"
    assert format_points(1.0) == "+1 point"
    assert format_points(0.04) == "+0.04 points"
    assert format_points(0.0) == "+0 points"


def test_a_ratio_reads_as_a_share_floored() -> None:
    from readiness.core.formatting import format_threshold, format_value

    assert format_value(0.2185, "ratio") == "21.85%"
    assert format_value(0.99899, "ratio") == "99.89%"  # never a passing-looking 99.9%
    assert format_threshold({"good": 0.01, "poor": 0.05}, "ratio") == "good 1% · poor 5%"
