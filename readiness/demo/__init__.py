"""The bundled demo target: a small real web app with ``healthy`` and ``broken`` modes."""

from readiness.demo.app import MODES, create_app
from readiness.demo.server import DemoServer, WsgiServer

__all__ = ["MODES", "DemoServer", "WsgiServer", "create_app"]
