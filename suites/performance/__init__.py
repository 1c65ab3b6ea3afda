"""Performance suite: lab page metrics in Chromium, resource budgets, API latency."""
