"""The axe-core the suite runs (as packaged by axe-playwright-python), and the rule ids it has.

gates.yaml names axe rules (rules.include / rules.exclude, ignore[].rule). A misspelt one must
be a configuration error: in `include` axe itself rejects it on every page; in `exclude` or an
ignore it would silently do nothing, and the rule the user meant stays in force. The ids are
read from the rule table in axe's source, so the check needs no browser and runs when
gates.yaml is loaded.
"""

from __future__ import annotations

import functools
import re

from axe_playwright_python.sync_playwright import Axe

AXE_SOURCE: str = Axe().axe_script

_VERSION = re.search(r"axe v(\d+\.\d+\.\d+)", AXE_SOURCE[:200])
AXE_VERSION = _VERSION.group(1) if _VERSION else "unknown"

# axe's source holds its rules as one array of object literals, each opening with its id,
# followed by the array of its checks (which have ids too):
# rules:[{id:"accesskeys",impact:"serious",...},{id:"area-alt",...}],checks:[{id:"abstractrole",...
_RULE = re.compile(r'\{id:"([a-z0-9-]+)",')

# Fewer ids than this means the source's layout was not understood: no rule is then refused.
_PLAUSIBLE = 50


@functools.cache
def rule_ids() -> frozenset[str]:
    """The rule ids of the bundled axe-core, or an empty set if they cannot be read."""
    start = AXE_SOURCE.find("rules:[{id:")
    end = AXE_SOURCE.find("checks:[{id:", start)
    if start < 0 or end < 0:
        return frozenset()
    found = frozenset(_RULE.findall(AXE_SOURCE, start, end))
    return found if len(found) >= _PLAUSIBLE else frozenset()
