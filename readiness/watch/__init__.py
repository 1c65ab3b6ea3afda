"""`readiness-gate watch`: post-deploy verification over a window, as a rollout analysis does.

The modules, in the order a watch goes through them: ``options`` (the command line and the
profile's ``watch:`` key, checked before any round), ``command`` (the rounds over the window),
``rounds`` (one round: a real gate run in a subprocess), ``signals`` (Ctrl-C and SIGTERM,
passed on to the running round), ``window`` (the judgement: pure), ``report`` (watch.json,
watch.md, watch.html). docs/watch.md is the user's side of it.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    """The watch's exit code: 0 GO, 1 NO-GO, 2 usage, 3 INCONCLUSIVE, 130 interrupted."""
    from readiness.watch.command import main as watch

    return watch(argv)


__all__ = ["main"]
