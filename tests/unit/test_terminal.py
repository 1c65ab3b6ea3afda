"""The end-of-run summary: colour only when asked, every reason and path on its own line."""

from __future__ import annotations

from pathlib import Path

from report_samples import SAMPLES

from readiness.reports.terminal import render


def test_plain_text_has_no_escape_codes_and_keeps_long_lines_whole() -> None:
    result = SAMPLES["nogo"]()
    written = {"html": Path("/very/long/path/" + "x" * 120 + "/readiness.html")}
    text = render(result, written, color=False, width=80)
    assert "\x1b[" not in text
    assert result["verdict"] in text
    for reason in result["reasons"]:
        assert reason in text  # soft-wrapped: never broken across lines
    assert str(written["html"]) in text
    for component in result["components"]:
        assert component["name"] in text


def test_colour_when_the_terminal_supports_it() -> None:
    text = render(SAMPLES["go"](), {}, color=True, width=100)
    assert "\x1b[" in text


def test_nothing_measured_shows_a_dash_not_zero() -> None:
    result = SAMPLES["inconclusive"]()
    assert result["readiness"] is None
    assert "readiness —" in render(result, {}, color=False)


def test_every_writer_shows_a_figure_the_same_way() -> None:
    # One formatting module: the terminal used to print 89.96 as "90.0%", Markdown "89.9%".
    from readiness.core import formatting
    from readiness.reports import html, markdown, terminal

    assert terminal.percent(89.96) == formatting.format_percent(89.96) == "89.9%"
    assert markdown.format_percent is html.format_percent is formatting.format_percent


def test_a_warned_blocking_check_says_it_blocks() -> None:
    from readiness.core.formatting import outcome_label

    assert outcome_label({"outcome": "warned", "blocking": True}) == "WARNED (blocking)"
    assert outcome_label({"outcome": "warned", "blocking": False}) == "WARNED"
    assert outcome_label({"outcome": "failed", "blocking": True}) == "FAILED"


def test_control_characters_are_shown_escaped() -> None:
    from readiness.core.formatting import printable

    assert printable("a\x1b[31mb\x9b\u202ec\nd\te") == "a\\x1b[31mb\\x9b\\u202ec\\x0ad\te"
    assert printable("café ✓") == "café ✓"  # printable text is left alone
