"""Accessibility suite: axe-core in Chromium on every page, judged per impact."""
