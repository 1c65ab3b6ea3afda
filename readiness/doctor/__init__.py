"""`readiness-gate doctor`: a pre-flight of the set-up, in a few seconds, without a run.

``findings`` turns what was found into lines and an exit code (pure); ``local`` checks this
machine (the gates file, the report folder, Chromium, Locust) and ``network`` the target
(resolved, reachable, its certificate trusted, answering), each with the gate's own code for
the same step; ``command`` parses the options and runs them in order.
"""

from readiness.doctor.command import main

__all__ = ["main"]
