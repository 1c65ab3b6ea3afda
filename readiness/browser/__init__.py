"""The browser layer: Chromium discovery and launch, the session (trust, sign-in, page
loading rules), gates.yaml's `browser:` settings, the run's one browser fixture, the pages of
the run (the configured ones and the crawl)."""
