"""Where the engine keeps its state: the run on pytest's config, a check's identity and its
recorder on the check's item (pytest-html's way: ``config.stash`` / ``item.stash``).

A module of its own so that every layer can reach the run without importing the plugin.
"""

from __future__ import annotations

import pytest

from readiness.plugin.gate import GateRun
from readiness.plugin.recorder import CheckMeta, CheckRecorder

GATE_KEY = pytest.StashKey[GateRun]()
META_KEY = pytest.StashKey[CheckMeta]()
RECORDER_KEY = pytest.StashKey[CheckRecorder]()


def gate_run(config: pytest.Config) -> GateRun | None:
    """The current run (None when pytest runs without a gate)."""
    return config.stash.get(GATE_KEY, None)
