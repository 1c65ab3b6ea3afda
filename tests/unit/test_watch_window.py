"""`readiness-gate watch`'s pure parts: the window's judgement, durations, the command line and
the profile's watch: key, and the reports' escaping of what a round said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from config_cases import write

from readiness.config import ConfigError, load
from readiness.config.durations import format_duration, parse_duration
from readiness.core.model import Verdict
from readiness.core.redaction import Redactor
from readiness.watch import report
from readiness.watch.options import WatchInputError, parse_flags, settle
from readiness.watch.rounds import RoundRecord
from readiness.watch.window import (
    Availability,
    Limits,
    RoundOutcome,
    Tally,
    decided,
    go_share,
    judge,
    refused,
)

S, F, N, E, X = (
    RoundOutcome.SUCCESS,
    RoundOutcome.FAILURE,
    RoundOutcome.INCONCLUSIVE,
    RoundOutcome.ERROR,
    RoundOutcome.INTERRUPTED,
)
ARGO = Limits()  # failure 0, inconclusive 0, consecutive errors 4

GATES = """target: http://127.0.0.1:9
components:
  smoke: {weight: 1}
profiles:
  post-deploy:
    components: [smoke]
"""


@pytest.mark.parametrize(
    ("outcomes", "limits", "verdict", "reason"),
    [
        ([S, S, S], ARGO, Verdict.GO, "every limit held"),
        ([S, F, S], ARGO, Verdict.NO_GO, "1 round NO-GO, more than the failure limit of 0"),
        ([S, F, S], Limits(failure_limit=1), Verdict.GO, "every limit held"),
        ([S, F, F], Limits(failure_limit=1), Verdict.NO_GO, "2 rounds NO-GO"),
        ([S, N], ARGO, Verdict.INCONCLUSIVE, "1 round INCONCLUSIVE, more than the inconclusive"),
        ([S, N], Limits(inconclusive_limit=1), Verdict.GO, "every limit held"),
        # Isolated errors are tolerated; five in a row are not (Argo's consecutiveErrorLimit 4).
        ([S, E, S, E, E, E, E, S], ARGO, Verdict.GO, "every limit held"),
        ([S, E, E, E, E, E], ARGO, Verdict.INCONCLUSIVE, "5 rounds in a row gave no verdict"),
        ([E, E], ARGO, Verdict.INCONCLUSIVE, "no round gave a verdict"),
        ([], ARGO, Verdict.INCONCLUSIVE, "no round gave a verdict"),
        # The failure rule comes first: failures past the limit are NO-GO even with
        # inconclusive rounds and errors in a row past theirs.
        ([N, F, E, E, E, E, E], ARGO, Verdict.NO_GO, "NO-GO, more than the failure limit"),
        ([N, E, E, E, E, E], ARGO, Verdict.INCONCLUSIVE, "in a row gave no verdict"),
    ],
)
def test_the_window_verdict_follows_the_rules_in_order(outcomes, limits, verdict, reason) -> None:
    judged = judge(outcomes, limits, interrupted=False)
    assert judged.verdict is verdict and judged.exit_code == verdict.exit_code
    assert reason in judged.reasons[0], judged.reasons


def test_an_interrupted_window_is_130_whatever_its_rounds_said() -> None:
    for outcomes in ([S, S, X], [F, X], []):
        judged = judge(outcomes, ARGO, interrupted=True)
        assert (judged.verdict, judged.exit_code, judged.label) == (None, 130, "INTERRUPTED")


def test_refused_options_are_a_usage_error() -> None:
    judged = refused("exit 2, no readiness.json: bad option")
    assert (judged.exit_code, judged.label) == (2, "USAGE ERROR")
    assert judged.reasons == ("round 1 refused its options: exit 2, no readiness.json: bad option",)


def test_the_window_is_decided_early_only_by_failures_or_errors_in_a_row() -> None:
    assert decided([S, F], ARGO)
    assert not decided([S, F], Limits(failure_limit=1))
    assert decided([E] * 5, ARGO) and not decided([E] * 4, ARGO)
    # An inconclusive round does not stop the window: a failure after it is still NO-GO.
    assert not decided([N, N, N], ARGO)


def test_the_tally_counts_the_longest_run_of_errors() -> None:
    tally = Tally.of([E, E, S, E, E, E, N, X])
    assert (tally.rounds, tally.errors, tally.most_errors_in_a_row) == (8, 5, 3)
    assert (tally.successes, tally.inconclusive, tally.interrupted, tally.with_verdict) == (
        1,
        1,
        1,
        2,
    )


def test_a_round_outcome_comes_from_its_verdict() -> None:
    assert RoundOutcome.of_verdict("GO") is S
    assert RoundOutcome.of_verdict("NO-GO") is F
    assert RoundOutcome.of_verdict("INCONCLUSIVE") is N
    assert RoundOutcome.of_verdict(None) is E and RoundOutcome.of_verdict("maybe") is E


def test_availability_is_over_the_rounds_that_measured_it() -> None:
    availability = Availability.of([True, None, False, True])
    assert (availability.answered, availability.measured) == (2, 3)
    assert availability.text == "66.66% (2 of 3 rounds answered)"  # floored, never rounded up
    assert Availability.of([None, None]).share is None
    assert Availability.of([]).text.startswith("not measured")
    assert go_share([S, F, X]) == 0.5 and go_share([X]) is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10m", 600), ("90s", 90), ("1h", 3600), ("1m30s", 90), ("0s", 0), ("45", 45), ("0.5s", 0.5)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "10 minutes", "m", "1d", "-5s", "10m5"])
def test_bad_durations_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a duration; write e\.g\. 90s, 10m"):
        parse_duration(text)


def test_durations_are_shown_back_as_written() -> None:
    assert [format_duration(s) for s in (600, 30, 5400, 0, 0.5)] == [
        "10m",
        "30s",
        "1h30m",
        "0s",
        "0.5s",
    ]


def test_the_watch_keeps_its_options_and_passes_the_rest_on_in_order() -> None:
    flags = parse_flags(
        ["--target", "http://x", "--for=2m", "-k", "status", "--every", "0s", "--page", "/a"]
    )
    assert (flags.window, flags.every) == ("2m", "0s")
    assert flags.passthrough == ("--target", "http://x", "-k", "status", "--page", "/a")
    # No abbreviations: --fo is a run option for the rounds, not the watch's --for.
    assert parse_flags(["--fo", "1"]).passthrough == ("--fo", "1")


def test_flags_beat_the_profile_key_which_beats_the_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GATES + "    watch: {for: 5m, every: 10s, failure_limit: 2, inconclusive_limit: 1}\n",
    )
    config = load(path, profile="post-deploy")
    settings = settle(parse_flags(["--every", "1m", "--inconclusive-limit", "0"]), config)
    assert (settings.window_s, settings.every_s) == (300, 60)  # the key's, the flag's
    assert settings.limits == Limits(2, 0, 4)  # the key's, the flag's, the default
    assert settings.planned_rounds == 5
    defaults = settle(parse_flags([]), load(write(tmp_path, GATES), profile="post-deploy"))
    assert (defaults.window_s, defaults.every_s, defaults.limits) == (600, 30, Limits())
    assert defaults.planned_rounds == 20 and defaults.profile == "post-deploy"


def test_planned_rounds_back_to_back_are_the_cap(tmp_path: Path) -> None:
    config = load(write(tmp_path, GATES), profile="post-deploy")
    assert settle(parse_flags(["--every", "0s", "--rounds", "3"]), config).planned_rounds == 3
    assert settle(parse_flags(["--every", "0s"]), config).planned_rounds is None
    assert settle(parse_flags(["--for", "65s", "--every", "30s"]), config).planned_rounds == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--for", "soon"], "--for 'soon' is not a duration"),
        (["--for", "0s"], "--for 0s: the window must be longer than 0s"),
        (["--every=-1s"], "--every '-1s' is not a duration"),
        (["--every", "-1s"], "--every '-1s' is not a duration"),  # not taken for an option
        (["--for", "-.5m"], "--for '-.5m' is not a duration"),
        (["--rounds", "-3"], "--rounds '-3': give a whole number, 1 or more"),
        (["--rounds", "0"], "--rounds '0': give a whole number, 1 or more"),
        (["--failure-limit", "one"], "--failure-limit 'one': give a whole number, 0 or more"),
        (["--consecutive-error-limit", "-2"], "--consecutive-error-limit '-2': give a whole"),
        (["--for"], "argument --for: expected one argument"),
    ],
)
def test_bad_flags_are_one_line_naming_the_flag(tmp_path: Path, argv, message) -> None:
    config = load(write(tmp_path, GATES), profile="post-deploy")
    with pytest.raises(WatchInputError) as caught:
        settle(parse_flags(argv), config)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_only_the_watchs_own_flags_take_a_value_that_begins_with_a_minus() -> None:
    flags = parse_flags(["--every", "-1s", "--target", "http://x", "--page", "-v", "--", "-x"])
    assert flags.every == "-1s"
    assert flags.passthrough == ("--target", "http://x", "--page", "-v", "--", "-x")


@pytest.mark.parametrize(
    ("watch", "field", "fragment"),
    [
        ("{every: soon}", "profiles.post-deploy.watch.every", "'soon' is not a duration"),
        ("{for: 0s}", "profiles.post-deploy.watch.for", "greater than 0"),
        ("{fro: 1m}", "profiles.post-deploy.watch.fro", "unknown key 'fro'; did you mean 'for'?"),
        ("{failure_limit: -1}", "profiles.post-deploy.watch.failure_limit", "greater than or"),
    ],
)
def test_a_bad_watch_key_names_its_line_and_field(tmp_path: Path, watch, field, fragment) -> None:
    path = write(tmp_path, GATES + f"    watch: {watch}\n")
    with pytest.raises(ConfigError) as caught:
        load(path, profile="post-deploy")
    assert (caught.value.line, caught.value.field) == (7, field)
    assert fragment in caught.value.message


def _state(tmp_path: Path, note: str) -> report.WatchState:
    config = load(write(tmp_path, GATES), profile="post-deploy")
    record = RoundRecord(
        number=1,
        started_s=0.0,
        duration_s=1.25,
        exit_code=None,
        outcome=RoundOutcome.ERROR,
        verdict=None,
        readiness=None,
        answered=None,
        folder="rounds/round-001",
        report=None,
        note=note,
    )
    return report.WatchState(
        watch_id="w",
        started_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        duration_s=1.3,
        settings=settle(parse_flags(["--rounds", "1"]), config),
        target="http://127.0.0.1:9",
        gates_file="gates.yaml",
        rounds=[record],
        verdict=judge([record.outcome], Limits(), interrupted=False),
        interrupted=False,
        signal_name=None,
        stopped_early=False,
    )


def test_what_a_round_said_is_inert_in_every_report(tmp_path: Path) -> None:
    hostile = "killed: <script>alert(1)</script> | *bold* \x1b[31m s3cr3t"
    doc = report.document(_state(tmp_path, hostile), Redactor(["s3cr3t"]))
    assert "s3cr3t" not in str(doc)
    written = report.write_all(doc, tmp_path)
    html = written["html"].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "\x1b" not in html
    md = written["markdown"].read_text(encoding="utf-8")
    assert "<script>" not in md and "\\|" in md and "\x1b" not in md
    row = next(line for line in md.splitlines() if line.startswith("| 1/1 |"))
    assert row.count(" | ") == 7  # the note's pipe did not make a column
