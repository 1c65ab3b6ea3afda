"""The doctor's findings as lines and an exit code (pure, on literals)."""

from __future__ import annotations

from readiness.doctor.findings import exit_code, fail, line, ok, skip, summary, warn


def test_a_line_is_status_item_and_what_was_found() -> None:
    assert line(ok("config", "gates.yaml valid")) == "ok   config   gates.yaml valid"
    assert line(skip("tls", "plain http")) == "skip tls      plain http"


def test_a_failure_says_how_to_fix_it_on_the_same_line() -> None:
    found = fail("connect", "127.0.0.1:9 refused the connection", "start the target")
    assert line(found) == "FAIL connect  127.0.0.1:9 refused the connection — start the target"


def test_control_characters_from_outside_are_escaped() -> None:
    found = fail("http", "GET / answered 302 -> /\x1b[31mred\nnext", "fix\x07")
    shown = line(found)
    assert "\x1b" not in shown and "\n" not in shown and "\x07" not in shown
    assert "/\\x1b[31mred\\x0anext — fix\\x07" in shown


def test_any_failure_exits_2_and_warnings_do_not() -> None:
    assert exit_code([ok("a", ""), warn("b", "", "renew"), skip("c", "")]) == 0
    assert exit_code([ok("a", ""), fail("b", "")]) == 2
    assert exit_code([]) == 0


def test_the_summary_counts_each_status() -> None:
    findings = [ok("a", ""), ok("b", ""), warn("c", ""), fail("d", ""), skip("e", "")]
    assert summary(findings) == (
        "doctor: 2 ok, 1 warning(s), 1 failed, 1 skipped: fix the FAIL lines, then run doctor again"
    )
    assert summary([ok("a", "")]).endswith(": ready to run")
