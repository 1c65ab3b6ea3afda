"""Secrets out of pytest's own output: node ids, failure texts, captured output.

Check results are redacted where they are recorded (``GateRun.add``) and the run's fields
before the reports are written (``finish``). pytest shows things of its own that pass
neither: every test's node id, which holds its parametrize id (a page path with
``?token=…``), on the terminal's ``-v`` lines and in report.html; a failure's traceback; the
captured output report.html keeps. The ids are redacted as they are given, so that no node
id ever holds a secret, and the rest when pytest makes its report.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from readiness.core.redaction import Redactor
from readiness.plugin.stash import gate_run


@pytest.hookimpl(wrapper=True)
def pytest_generate_tests(metafunc: pytest.Metafunc):
    # Wraps every suite's pytest_generate_tests and @pytest.mark.parametrize alike: each
    # passes its ids through metafunc.parametrize.
    run = gate_run(metafunc.config)
    if run is not None:
        redactor = run.config.redactor
        metafunc.parametrize = _redacting(metafunc.parametrize, redactor)  # type: ignore[method-assign]
    return (yield)


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """An id pytest makes from a string value itself (no ``id=`` given), redacted."""
    run = gate_run(config)
    if run is None or not isinstance(val, str):
        return None
    shown = run.config.redactor.text(val)
    return shown if shown != val else None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # tryfirst: the outermost wrapper, so it sees the report as the engine left it (the
    # check's message put in its longrepr).
    report = yield
    run = gate_run(item.config)
    if run is not None:
        redact_report(report, run.config.redactor)
    return report


def redact_report(report: pytest.TestReport, redactor: Redactor) -> None:
    """The report's failure text and captured sections without secrets."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # a skip: (path, line, reason)
        report.longrepr = (longrepr[0], longrepr[1], redactor.text(str(longrepr[2])))
    elif longrepr is not None:
        text = report.longreprtext
        shown = redactor.text(text)
        if shown != text:  # a traceback object is kept unless it held a secret
            report.longrepr = shown
    report.sections = [(title, redactor.text(content)) for title, content in report.sections]


def _redacting(parametrize: Callable[..., None], redactor: Redactor) -> Callable[..., None]:
    @functools.wraps(parametrize)
    def redacted(argnames: Any, argvalues: Iterable[Any], *args: Any, **kwargs: Any) -> None:
        values = [_param(v, redactor) for v in argvalues]
        ids = kwargs.get("ids")
        if callable(ids):
            kwargs["ids"] = _id_function(ids, redactor)
        elif ids is not None:
            kwargs["ids"] = [redactor.text(i) if isinstance(i, str) else i for i in ids]
        parametrize(argnames, values, *args, **kwargs)

    return redacted


def _param(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, pytest.ParameterSet) and isinstance(value.id, str):
        return value._replace(id=redactor.text(value.id))
    return value


def _id_function(make: Callable[[Any], object], redactor: Redactor) -> Callable[[Any], object]:
    def made(value: Any) -> object:
        found = make(value)
        return redactor.text(found) if isinstance(found, str) else found

    return made
