"""Where the engine keeps its state: the run on pytest's config, a check's identity and its
recorder on the check's item (pytest-html's way: ``config.stash`` / ``item.stash``).

A module of its own so that every layer can reach the run without importing the plugin.
"""

from __future__ import annotations

import pytest

from readiness.core.model import CheckResult
from readiness.plugin.gate import GateRun
from readiness.plugin.recorder import CheckMeta, CheckRecorder

GATE_KEY = pytest.StashKey[GateRun]()
META_KEY = pytest.StashKey[CheckMeta]()
RECORDER_KEY = pytest.StashKey[CheckRecorder]()
DONE_KEY = pytest.StashKey[CheckResult]()  # the check's result, once recorded
SETUP_KEY = pytest.StashKey[float]()  # how long its fixtures (its gathering) took
BROKEN_KEY = pytest.StashKey[str]()  # why a check cannot run at all (its applies= raised)
# The configs of the gate runs in this process: pytest_internalerror is given no config.
GATE_CONFIGS: list[pytest.Config] = []


def gate_run(config: pytest.Config) -> GateRun | None:
    """The current run (None when pytest runs without a gate)."""
    return config.stash.get(GATE_KEY, None)
