"""The finish: every planned check accounted for, the verdict, the reports, the exit code, the
terminal summary; an engine error named and made INCONCLUSIVE."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.core.evaluate import ComponentSpec, RunFacts, complete_plan, evaluate
from readiness.core.model import CheckResult, Outcome
from readiness.plugin.gate import GateRun
from readiness.plugin.outcomes import safe_text
from readiness.plugin.stash import (
    GATE_CONFIGS,
    gate_run,
)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = gate_run(session.config)
    if run is None or session.config.option.collectonly:
        return  # --collect-only plans, it does not measure: no report, no history line
    run.watch.disarm()  # a signal from now on is recorded, and cuts no report in half
    # With continue_on_collection_errors set, pytest reports INTERRUPTED only for Ctrl-C/SIGINT.
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or run.watch.interruption is not None
    components = run.config.components
    for name, comp in components.items():
        # A suite with nothing to collect is a gap; one whose checks were all deselected
        # (-k, --component) simply is not part of this run's plan.
        if (
            not interrupted
            and name not in run.collected
            and not any(r.component == name for r in run.results)
        ):
            run.add(
                CheckResult.gap(
                    f"{name}.suite",
                    name,
                    "suite has checks",
                    f"no checks were collected from {comp.suite_dir}",
                )
            )
    _account_for_plan(run, session, interrupted)
    if exitstatus == pytest.ExitCode.INTERNAL_ERROR and not run.engine_errors:
        run.engine_errors.append("pytest stopped with an internal error (see its output above)")
    # The results are redacted as they were recorded (GateRun.add); the run's own fields here.
    redactor = run.config.redactor
    # Imported here: pytest imports the module as a plugin (hooks.py), which must come first.
    from readiness.plugin.shard import shard_block

    facts = RunFacts(
        run_id=run.run_id,
        target=redactor.url(run.target),
        profile=run.config.profile,
        started_at=run.started_at.isoformat(timespec="seconds"),
        duration_s=run.duration_s,
        today=run.today,
        gates_file=str(run.config.path),
        unreachable=redactor.data(run.unreachable),
        interrupted=interrupted,
        notes=redactor.data(dict(run.notes)),
        engine_errors=redactor.data(run.engine_errors),
        not_enabled=run.not_enabled,  # ids redacted as planned ones (collection._meta)
        shard=shard_block(run),
    )
    specs = [ComponentSpec(n, c.weight, c.blocking) for n, c in components.items()]
    try:
        run.result = evaluate(run.results, specs, run.config.verdict, run.config.waivers, facts)
    except Exception as exc:  # never a missing verdict: nothing measured, the cause named
        facts.engine_errors.append(f"scoring failed: {type(exc).__name__}: {safe_text(exc)}")
        run.result = evaluate([], specs, run.config.verdict, [], facts)
    # Imported here, not at start-up: Jinja and the writers are paid for by runs that report
    # (not by --help, a config error or --collect-only). No import cycle is involved.
    from readiness.reports.writer import ReportSettings, write_reports

    # Once more over the whole: no writer can show a secret that slipped past the above.
    report = redactor.data(run.result.to_dict())
    wanted = ReportSettings(
        keep=run.config.reports.keep,
        pdf=bool(session.config.getoption("pdf", False)) or run.config.reports.pdf,
        chromium=run.config.browser.executable,
        # A shard is a part of a run: the merge writes the run's history line and `latest`.
        part=run.shard is not None,
    )
    run.written = write_reports(report, run.run_dir, Path(run.options.report_dir), wanted)
    from readiness.reports.github import publish  # GitHub Actions: job summary, annotations

    publish(report, run.written, session.config.pluginmanager.get_plugin("terminalreporter"))
    session.exitstatus = run.result.exit_code


def _account_for_plan(run: GateRun, session: pytest.Session, interrupted: bool) -> None:
    """Every planned check gets a result: one that never reported (the run was stopped, or
    the engine failed before it) is skipped or errored with why, never dropped from the plan."""
    if interrupted:
        cause = run.watch.interruption
        why = "not run: the run was interrupted" + (f" ({cause.signal_name})" if cause else "")
        outcome = Outcome.SKIPPED
    elif session.shouldstop or session.shouldfail:
        stop = session.shouldstop or session.shouldfail
        why, outcome = f"not run: the session stopped early ({stop})", Outcome.SKIPPED
    else:
        why, outcome = "never reported: the session ended before this check ran", Outcome.ERRORED
    run.results = complete_plan(list(run.planned.values()), run.results, outcome, why)


@pytest.hookimpl(tryfirst=True)
def pytest_internalerror(excrepr: object, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    # An engine bug must end the run INCONCLUSIVE with its cause named, never a GO that the
    # checks which never ran could not contradict.
    for config in GATE_CONFIGS:
        run = gate_run(config)
        if run is not None:
            run.engine_errors.append(
                f"engine error: {excinfo.typename}: {safe_text(excinfo.value)}"[:300]
            )


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    run = gate_run(config)
    if run is None or run.result is None:
        return
    from readiness.reports.terminal import print_summary

    print_summary(terminalreporter, run.config.redactor.data(run.result.to_dict()), run.written)
