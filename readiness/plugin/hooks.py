"""The engine as a pytest plugin (the ``pytest11`` entry point): every hook, by stage.

Inert unless a gate option is given (--gates, --target, --demo, --profile, --component),
so installing the package never changes an unrelated pytest run.
"""

from __future__ import annotations

from readiness.plugin.collection import (
    pytest_collection_finish,
    pytest_collection_modifyitems,
    pytest_itemcollected,
    pytest_make_collect_report,
)
from readiness.plugin.finish import (
    pytest_internalerror,
    pytest_sessionfinish,
    pytest_terminal_summary,
)
from readiness.plugin.options import (
    pytest_addoption,
    pytest_cmdline_main,
    pytest_configure,
    pytest_unconfigure,
)
from readiness.plugin.run import (
    pytest_collection,
    pytest_pyfunc_call,
    pytest_report_teststatus,
    pytest_runtest_makereport,
    pytest_runtest_protocol,
    pytest_runtest_setup,
)

pytest_plugins = [
    "readiness.plugin.fixtures",
    "readiness.browser.fixtures",
    "readiness.plugin.redact",  # secrets out of pytest's own node ids and failure texts
    "readiness.plugin.header",  # the first line: which gates file, and why that one
    "readiness.plugin.progress",  # what the run is doing while it runs
    "readiness.plugin.shard",  # --shard I/N: this shard's slice of the plan
]

__all__ = [
    "pytest_addoption",
    "pytest_cmdline_main",
    "pytest_collection",
    "pytest_collection_finish",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_internalerror",
    "pytest_itemcollected",
    "pytest_make_collect_report",
    "pytest_plugins",
    "pytest_pyfunc_call",
    "pytest_report_teststatus",
    "pytest_runtest_makereport",
    "pytest_runtest_protocol",
    "pytest_runtest_setup",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_unconfigure",
]
