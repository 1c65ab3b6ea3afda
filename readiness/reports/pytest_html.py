"""Put the readiness matrix at the top of pytest-html's report.html."""

from __future__ import annotations

import pytest

from readiness.plugin.gate import GateRun
from readiness.reports.html import render_matrix


class MatrixInjector:
    """Registered only when pytest-html is active, so its hook spec is known."""

    def __init__(self, run: GateRun) -> None:
        self.run = run

    def pytest_html_results_summary(
        self, prefix: list, summary: list, postfix: list, session: pytest.Session
    ) -> None:
        if self.run.result is not None:
            prefix.insert(0, render_matrix(self.run.result.to_dict()))
