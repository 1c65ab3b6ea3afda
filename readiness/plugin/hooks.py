"""The engine as a pytest plugin: options, check identity, outcome normalisation, the verdict.

Inert unless a gate option is given (--gates, --target, --demo, --profile, --component),
so installing the package never changes an unrelated pytest run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from readiness.config import ConfigError
from readiness.core.evaluate import ComponentSpec, RunFacts, complete_plan, evaluate
from readiness.core.evidence import redact_url
from readiness.core.model import CheckResult, Outcome
from readiness.core.waivers import apply_waivers
from readiness.plugin.gate import GateOptions, GateRun
from readiness.plugin.outcomes import STATUS, align_report, normalise, safe_text
from readiness.plugin.plan import Plan
from readiness.plugin.recorder import NOT_APPLICABLE, NOTHING_OBSERVED, CheckMeta, NotObserved
from readiness.plugin.stash import GATE_KEY, META_KEY, RECORDER_KEY, gate_run

DONE_KEY = pytest.StashKey[CheckResult]()
SETUP_KEY = pytest.StashKey[float]()
BROKEN_KEY = pytest.StashKey[str]()  # why a check cannot run at all (its applies= raised)
# The configs of the gate runs in this process: pytest_internalerror is given no config.
_CONFIGS: list[pytest.Config] = []

pytest_plugins = ["readiness.plugin.fixtures", "readiness.browser.fixtures"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("readiness", "readiness gate")
    group.addoption(
        "--gates", default=None, metavar="FILE", help="gate definition (default: gates.yaml)"
    )
    group.addoption(
        "--target",
        default=None,
        metavar="URL",
        help="base URL to gate (default: READINESS_TARGET, gates.yaml, the demo)",
    )
    group.addoption("--profile", default=None, help="profile from gates.yaml, e.g. pre-deploy")
    group.addoption(
        "--page",
        action="append",
        default=[],
        dest="pages",
        metavar="/PATH",
        help="page to check (repeatable; replaces gates.yaml's pages)",
    )
    group.addoption(
        "--report-dir",
        default="reports",
        metavar="DIR",
        help="where reports/<run-id>/ is written (default: reports)",
    )
    group.addoption(
        "--demo",
        default=None,
        choices=("healthy", "broken"),
        help="serve the bundled demo target in this mode and gate it",
    )
    group.addoption(
        "--component",
        action="append",
        default=[],
        dest="components",
        metavar="NAME",
        help="run only this component (repeatable)",
    )
    group.addoption("--run-id", default=None, help="name of the run directory")
    group.addoption(
        "--allow-load-on",
        action="append",
        default=[],
        dest="allow_load_on",
        metavar="HOST",
        help="allow the load suite to send load to this non-loopback host (repeatable;"
        " gates.yaml must also set load.allow_remote: true)",
    )
    parser.addini("readiness_gates", "default gates file", default="gates.yaml")


def _options(config: pytest.Config) -> GateOptions | None:
    opt = config.option
    if not any((opt.gates, opt.target, opt.profile, opt.demo, opt.components, opt.pages)):
        return None
    return GateOptions(
        gates=opt.gates or config.getini("readiness_gates"),
        target=opt.target,
        profile=opt.profile,
        pages=list(opt.pages),
        report_dir=opt.report_dir,
        demo=opt.demo,
        components=list(opt.components),
        run_id=opt.run_id,
        allow_load_on=list(opt.allow_load_on),
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    # Configuration is checked before pytest starts a session, so a bad gates.yaml is one
    # line on stderr and exit 2, never a traceback or pytest's own usage-error code.
    options = _options(config)
    if options is None or config.option.help or config.option.version:
        return None
    try:
        run = GateRun.prepare(options)
    except ConfigError as exc:
        sys.stderr.write(f"readiness-gate: error: {exc}\n")
        return 2
    config.stash[GATE_KEY] = run
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = [str(c.suite_dir) for c in run.config.components.values()]
    # One suite that fails to import is a gap in the matrix, not a reason to skip the others.
    config.option.continue_on_collection_errors = True
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "check(id=None, title=None, observes=(), applies=None, probe=False, blocking=None,"
        " weight=1): a readiness check (readiness.suite.check)",
    )
    config.addinivalue_line(
        "markers", f"{NOT_APPLICABLE}: the check does not apply to this run (not planned)"
    )
    run = gate_run(config)
    if run is None:
        return
    _CONFIGS.append(config)
    if config.option.collectonly:  # planning only: no target, no run directory
        run.target = run.config.target or ""
        return
    run.run_dir.mkdir(parents=True, exist_ok=True)
    # pytest-html writes report.html into the run directory unless told otherwise.
    if hasattr(config.option, "htmlpath") and not config.option.htmlpath:
        config.option.htmlpath = str(run.run_dir / "report.html")
        config.option.self_contained_html = True
    if config.pluginmanager.hasplugin("html"):
        from readiness.reports.pytest_html import MatrixInjector

        config.pluginmanager.register(MatrixInjector(run), "readiness-html-matrix")
    if run.wants_demo:
        _start_demo(run)
    else:
        run.target = run.config.target or ""
    bundle = run.config.tls.ca_bundle
    # `demo` names the demo's own CA: trusted when the demo serves, meaningless otherwise.
    if bundle not in (None, "demo"):
        run.ca_bundle = Path(bundle)


def _start_demo(run: GateRun) -> None:
    """Serve the bundled demo: healthy over HTTPS with a CA made now, broken over plain HTTP
    (no HTTPS at all is one of its defects)."""
    from readiness.demo import DemoServer
    from readiness.demo.tls import DemoCA

    mode = run.options.demo or "healthy"
    context = None
    if mode == "healthy":
        ca = DemoCA()
        context = ca.server_context()
        ca_path = ca.write_ca(run.run_dir / "demo-ca.pem")
        if run.config.tls.ca_bundle == "demo":  # trusted only when gates.yaml says so
            run.ca_bundle = ca_path
    run.demo = DemoServer(mode=mode, ssl_context=context).start()
    run.target = run.demo.url


def pytest_unconfigure(config: pytest.Config) -> None:
    if config in _CONFIGS:
        _CONFIGS.remove(config)
    run = gate_run(config)
    if run is not None and run.demo is not None:
        run.demo.stop()


def _component_of(run: GateRun, path: Path) -> str | None:
    for name, comp in run.config.components.items():
        if path.is_relative_to(comp.suite_dir):
            return name
    return None


def _meta(run: GateRun, item: pytest.Item, component: str) -> CheckMeta:
    marker = item.get_closest_marker("check")
    kwargs = marker.kwargs if marker else {}
    base = (marker.args[0] if marker and marker.args else kwargs.get("id")) or (
        f"{component}.{item.name.split('[')[0].removeprefix('test_')}"
    )
    if not base.startswith(f"{component}."):
        base = f"{component}.{base}"
    callspec = getattr(item, "callspec", None)
    check_id = f"{base}.{callspec.id}" if callspec else base
    doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
    title = kwargs.get("title") or (doc[0] if doc else check_id)
    comp = run.config.components[component]
    override = comp.override(check_id)
    blocking = comp.is_blocking(check_id, kwargs.get("blocking"))
    weight = float(kwargs.get("weight", 1.0))
    if override is not None and override.weight is not None:
        weight = override.weight
    observes = kwargs.get("observes", ())
    observes = (observes,) if isinstance(observes, str) else tuple(observes)
    return CheckMeta(
        check_id,
        component,
        title,
        bool(blocking),
        weight,
        observes=observes,
        fail_at=comp.fail_at_for(check_id),
    )


def _applies(run: GateRun, item: pytest.Item, component: str) -> bool | str:
    """Whether the check's ``applies=`` predicate plans it (True without one); the error
    text when the predicate itself fails (a suite's bug: the check is errored, not dropped)."""
    marker = item.get_closest_marker("check")
    predicate = marker.kwargs.get("applies") if marker else None
    if predicate is None:
        return True
    callspec = getattr(item, "callspec", None)
    plan = Plan(run, run.config.components[component], dict(callspec.params) if callspec else {})
    try:
        return bool(predicate(plan))
    except Exception as exc:
        return f"its applies= predicate raised {type(exc).__name__}: {safe_text(exc)}"


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    run = gate_run(config)
    if run is None:
        return
    order = list(run.config.components)
    # Checks that do not apply (no endpoint asks for a regex, an https-only check on an http
    # target) are not planned at all: they must neither count as skipped nor lower coverage.
    planned, dropped = [], []
    seen: dict[str, str] = {}
    for item in items:
        component = _component_of(run, item.path)
        applies = True if component is None else _applies(run, item, component)
        if item.get_closest_marker(NOT_APPLICABLE) or applies is False:
            dropped.append(item)
            continue
        planned.append(item)
        if component is None:
            continue
        meta = _meta(run, item, component)
        if isinstance(applies, str):
            item.stash[BROKEN_KEY] = applies
        if meta.id in seen:
            raise pytest.UsageError(
                f"check id {meta.id} is used by {seen[meta.id]} and"
                f" {item.nodeid}; check ids must be unique"
            )
        seen[meta.id] = item.nodeid
        item.stash[META_KEY] = meta
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = planned

    def rank(item: pytest.Item) -> tuple[int, int]:
        meta = item.stash.get(META_KEY, None)
        if meta is None:
            return (1, len(order))
        marker = item.get_closest_marker("check")
        probe = bool(marker and marker.kwargs.get("probe"))
        return (0 if probe else 1, order.index(meta.component))

    items.sort(key=rank)  # stable: file order is kept within a component


def pytest_itemcollected(item: pytest.Item) -> None:
    run = gate_run(item.config)
    if run is not None:
        component = _component_of(run, Path(item.path).resolve())
        if component is not None:
            run.collected.add(component)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    # A suite module that fails to import must not vanish from the matrix: it is a gap.
    report = yield
    run = gate_run(collector.config)
    if run is None or not report.failed:
        return report
    path = Path(collector.path).resolve()
    component = _component_of(run, path)
    if component is not None:
        run.add(
            CheckResult.gap(
                f"{component}.collection.{path.name}",
                component,
                "suite module could be collected",
                str(report.longrepr).strip().splitlines()[-1][:300],
            )
        )
    return report


def pytest_collection_finish(session: pytest.Session) -> None:
    # The plan is what is left after every deselection (-k, not applicable): the report
    # holds exactly these checks, whether they ran, errored or never got to run.
    run = gate_run(session.config)
    if run is not None:
        run.planned = {
            meta.id: meta for i in session.items if (meta := i.stash.get(META_KEY, None))
        }


class ContractError(Exception):
    """A check breaks the suite contract (its observes= or applies= cannot be honoured)."""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    run = gate_run(item.config)
    if run is not None and run.unreachable and META_KEY in item.stash:
        pytest.skip(f"target unreachable: {run.unreachable}")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Hand the check its declared observations before its judgement runs (Lighthouse's
    requiredArtifacts): a failed one, or none at all, ends it as errored, never judged."""
    meta = pyfuncitem.stash.get(META_KEY, None)
    if meta is None:
        return None
    broken = pyfuncitem.stash.get(BROKEN_KEY, None)
    if broken is not None:
        raise ContractError(broken)
    if not meta.observes:
        return None
    recorder = pyfuncitem.stash.get(RECORDER_KEY, None)
    missing = [n for n in meta.observes if n not in pyfuncitem.funcargs]
    if recorder is None or missing:
        raise ContractError(
            f"observes={list(meta.observes)}: the check must take "
            + ", ".join(["check", *missing] if recorder is None else missing)
            + " as argument(s)"
        )
    try:
        for name in meta.observes:
            recorder.observe(pyfuncitem.funcargs[name])
    except NotObserved:
        return True  # recorded as errored; the judgement is never called
    if not recorder.observations:
        recorder.no_data(f"{NOTHING_OBSERVED.split(':')[0]}: {', '.join(meta.observes)} held none")
        return True
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    run = gate_run(item.config)
    meta = item.stash.get(META_KEY, None)
    if run is None or meta is None or DONE_KEY in item.stash:
        return report
    if report.when == "setup" and report.passed:
        item.stash[SETUP_KEY] = call.duration  # gathering often happens in fixtures
        return report
    if report.when == "teardown":
        return report
    recorder = item.stash.get(RECORDER_KEY, None)
    try:
        result = normalise(meta, recorder, call, report)
    except Exception as exc:  # the engine's own bug: this check errored, the run inconclusive
        cause = f"engine error while recording {meta.id}: {type(exc).__name__}: {safe_text(exc)}"
        run.engine_errors.append(cause)
        result = CheckResult.gap(meta.id, meta.component, meta.title, cause)
    result.duration_s = round(item.stash.get(SETUP_KEY, 0.0) + call.duration, 4)
    if recorder is not None and recorder.unreachable:
        run.unreachable = recorder.unreachable
    run.add(result)
    item.stash[DONE_KEY] = result
    # pytest's own line shows the outcome the report will: the same rule, the run's one date.
    (shown,), _ = apply_waivers([result], run.config.waivers, run.today)
    align_report(report, shown)
    return report


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    outcome = getattr(report, "readiness_outcome", None)
    if outcome is None:
        return None
    return STATUS[Outcome(outcome)]


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = gate_run(session.config)
    if run is None or session.config.option.collectonly:
        return  # --collect-only plans, it does not measure: no report, no history line
    # With continue_on_collection_errors set, pytest reports INTERRUPTED only for Ctrl-C/SIGINT.
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
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
    facts = RunFacts(
        run_id=run.run_id,
        target=redact_url(run.target),
        profile=run.config.profile,
        started_at=run.started_at.isoformat(timespec="seconds"),
        duration_s=run.duration_s,
        today=run.today,
        gates_file=str(run.config.path),
        unreachable=run.unreachable,
        interrupted=interrupted,
        notes=run.notes,
        engine_errors=run.engine_errors,
    )
    specs = [ComponentSpec(n, c.weight, c.blocking) for n, c in components.items()]
    try:
        run.result = evaluate(run.results, specs, run.config.verdict, run.config.waivers, facts)
    except Exception as exc:  # never a missing verdict: nothing measured, the cause named
        facts.engine_errors.append(f"scoring failed: {type(exc).__name__}: {safe_text(exc)}")
        run.result = evaluate([], specs, run.config.verdict, [], facts)
    from readiness.reports.writer import write_reports

    run.written = write_reports(run.result.to_dict(), run.run_dir, Path(run.options.report_dir))
    session.exitstatus = run.result.exit_code


def _account_for_plan(run: GateRun, session: pytest.Session, interrupted: bool) -> None:
    """Every planned check gets a result: one that never reported (the run was stopped, or
    the engine failed before it) is skipped or errored with why, never dropped from the plan."""
    if interrupted:
        why, outcome = "not run: the run was interrupted", Outcome.SKIPPED
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
    for config in _CONFIGS:
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

    print_summary(terminalreporter, run.result.to_dict(), run.written)
