"""The run's options and set-up: the command line, the gates file checked before pytest starts,
the run directory, the bundled demo target."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from readiness.config import ConfigError
from readiness.plugin.gate import GateOptions, GateRun
from readiness.plugin.recorder import NOT_APPLICABLE
from readiness.plugin.stash import (
    GATE_CONFIGS,
    GATE_KEY,
    gate_run,
)
from readiness.plugin.trust import DEMO_LABEL
from readiness.reports.folder import (
    ReportDirError,
    check_report_dir,
    check_run_dir_free,
    start_run_dir,
)


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
    group.addoption(
        "--pdf",
        action="store_true",
        default=False,
        help="also print readiness.html to readiness.pdf with Chromium (as gates.yaml"
        " reports: {pdf: true})",
    )
    group.addoption(
        "--shard",
        default=None,
        metavar="I/N",
        help="plan every check, run the I-th of N disjoint slices (pages, endpoints,"
        " components); combine the shards with readiness-gate merge",
    )
    group.addoption(
        "--load-shard",
        default=None,
        type=int,
        metavar="K",
        help="with --shard: the shard that runs the load suite (default 1)",
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
        shard=opt.shard,
        load_shard=opt.load_shard,
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
        if not config.option.collectonly:  # planning writes nothing
            check_report_dir(Path(options.report_dir))
            check_run_dir_free(run.run_dir)
    except (ConfigError, ReportDirError) as exc:
        sys.stderr.write(f"readiness-gate: error: {exc}\n")
        return 2
    config.stash[GATE_KEY] = run
    # From here a Ctrl-C or SIGTERM ends the run with a partial report marked interrupted
    # and exit 130, whenever it comes (readiness/plugin/interrupt.py).
    run.watch.install()
    config.add_cleanup(run.watch.uninstall)
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
    GATE_CONFIGS.append(config)
    if config.option.collectonly:  # planning only: no target, no run directory
        run.target = run.config.target or ""
        return
    start_run_dir(run.run_dir, run.started_at.isoformat(timespec="seconds"))
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


def _start_demo(run: GateRun) -> None:
    """Serve the bundled demo: healthy over HTTPS with a CA made now, broken over plain HTTP
    (no HTTPS at all is one of its defects)."""
    # Only a run that serves the demo pays for its app, templates and CA (no import cycle).
    from readiness.demo import DemoServer
    from readiness.demo.tls import DemoCA

    mode = run.options.demo or "healthy"
    context = None
    if mode == "healthy":
        ca = DemoCA()
        context = ca.server_context()
        ca_path = ca.write_ca(run.run_dir / "demo-ca.pem")
        # Trusted whatever tls.ca_bundle says: the gate made this CA a moment ago, for this
        # run only (`ca_bundle: demo` says the same explicitly).
        run.trust = run.trust.with_ca(DEMO_LABEL, str(ca_path), ca_path.read_text("ascii"))
    run.demo = DemoServer(mode=mode, ssl_context=context).start()
    run.target = run.demo.url


def pytest_unconfigure(config: pytest.Config) -> None:
    if config in GATE_CONFIGS:
        GATE_CONFIGS.remove(config)
    run = gate_run(config)
    if run is not None:
        run.release_trust()  # the temporary trust file requests was given, if any
    if run is not None and run.demo is not None:
        run.demo.stop()
