"""The pytest plugin: the run's options, collection, each check's run and the finish.

``readiness.plugin.hooks`` is the module pytest loads (the ``pytest11`` entry point); the
other modules are what its hooks use: the run (gate), a check's identity and recorder, the
normalisation of what a test did into one result, the fixtures suites use.
"""
