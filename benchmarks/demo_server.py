"""How fast the bundled demo target answers and stops (the budgets tests/e2e/test_demo.py used
to assert on the clock; the tests now check the same behaviour by its events).

- Healthy mode answers each page, the API and a static file in under 50 ms (best of N).
- stop() returns in under 1 s with an idle keep-alive connection open, and with a slow
  request in flight (broken mode's /products, cut short by the app's close()).

Run on a quiet machine (not in the test suite):

    python benchmarks/demo_server.py [--runs 5]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from readiness.demo import DemoServer

ANSWER_BUDGET_S = 0.05
STOP_BUDGET_S = 1.0
PATHS = ("/", "/about", "/products", "/login", "/api/products", "/static/logo.png")


def best_answers(runs: int) -> dict[str, float]:
    """The best of ``runs`` answer times per path, healthy mode (seconds)."""
    with DemoServer("healthy") as server, requests.Session() as session:
        return {
            path: min(
                session.get(server.url + path, timeout=30).elapsed.total_seconds()
                for _ in range(runs)
            )
            for path in PATHS
        }


def stop_with_idle_connection() -> float:
    with DemoServer("healthy") as server:
        idle = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        idle.request("GET", "/")
        idle.getresponse().read()
        started = time.perf_counter()
        server.stop()
        took = time.perf_counter() - started
        idle.close()
        return took


def stop_with_slow_request() -> float:
    server = DemoServer("broken", slow_s=60).start()

    def fetch() -> None:
        with contextlib.suppress(requests.RequestException):
            requests.get(server.url + "/products", timeout=90)

    slow = threading.Thread(target=fetch, daemon=True)
    slow.start()
    time.sleep(0.2)  # a benchmark, not a test: let the request reach the handler
    started = time.perf_counter()
    server.stop()
    took = time.perf_counter() - started
    slow.join(5)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    over = []
    for path, seconds in best_answers(args.runs).items():
        print(f"healthy {path:18} best of {args.runs}: {seconds * 1000:6.1f} ms")
        if seconds >= ANSWER_BUDGET_S:
            over.append(f"{path} {seconds * 1000:.0f} ms")
    for name, measure in (
        ("stop() with an idle keep-alive connection", stop_with_idle_connection),
        ("stop() with a slow request in flight", stop_with_slow_request),
    ):
        took = min(measure() for _ in range(args.runs))
        print(f"{name}: best of {args.runs}: {took * 1000:.0f} ms")
        if took >= STOP_BUDGET_S:
            over.append(f"{name} {took * 1000:.0f} ms")
    if over:
        raise SystemExit("over budget: " + "; ".join(over))
    print(f"within budget (answers < {ANSWER_BUDGET_S * 1000:.0f} ms, stop < {STOP_BUDGET_S} s)")


if __name__ == "__main__":
    main()
