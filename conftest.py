"""Registers the readiness engine's pytest plugin for runs from this folder; nothing else."""

import sys

# `readiness-gate` (-p readiness.plugin.hooks) and the installed pytest11 entry point load the
# plugin first; declaring it again from a conftest that pytest reaches only during collection
# would be an error, so this covers the remaining case: plain `pytest` in a source checkout.
if "readiness.plugin.hooks" not in sys.modules:
    pytest_plugins = ["readiness.plugin.hooks"]
