"""``python -m readiness.demo``: serve the demo target in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from readiness.demo import MODES, DemoServer
from readiness.demo.tls import DemoCA


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m readiness.demo",
        description="Serve the readiness-gate demo target.",
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="healthy",
        help="healthy (passes every suite) or broken (deliberate defects)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--https",
        action="store_true",
        help="serve HTTPS with a CA made at start-up (its PEM is written next to the CWD)",
    )
    return parser.parse_args(argv)


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # Treat SIGTERM (process managers, CI teardown) like Ctrl-C: shut down cleanly.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    context = None
    if args.https:
        ca = DemoCA()
        context = ca.server_context()
        ca_path = ca.write_ca(Path("demo-ca.pem").resolve())
        print(f"trust {ca_path} to verify the demo's certificate", flush=True)
    server = DemoServer(args.mode, args.host, args.port, ssl_context=context)
    try:
        server.start()
    except OSError as exc:
        print(f"error: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        # Inside the try: a Ctrl-C that arrives just after the line is printed (a reader acts
        # on it at once; a busy machine may not have reached the wait yet) still stops the
        # server. Outside it, the interpreter waited for the server's threads for ever.
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        # Ctrl-C stops it even where SIGINT came in ignored: a shell starts a background
        # job (`cmd &`) that way, and Python then installs no KeyboardInterrupt handler, so
        # the demo that says "Ctrl-C to stop" ignored it (seen as a test hanging 60 s).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print(f"demo target ({args.mode}) serving on {server.url} — Ctrl-C to stop", flush=True)
        threading.Event().wait()  # the server runs in its own thread; idle until a signal
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
