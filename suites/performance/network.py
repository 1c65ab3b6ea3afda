"""What the DevTools protocol tells about a page load that the page cannot see itself:
bytes on the wire per request, requests still in flight; and the throttling it applies."""

from __future__ import annotations

from typing import Any

from .runs import Resource
from .settings import Throttling


class Network:
    """Requests seen over CDP: what was transferred, and how many are still in flight."""

    def __init__(self, cdp: Any) -> None:
        self.resources: dict[str, Resource] = {}
        self.pending: set[str] = set()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", lambda e: self.pending.discard(e["requestId"]))

    def _sent(self, event: dict[str, Any]) -> None:
        url = event["request"]["url"]
        if not url.startswith("data:"):
            self.pending.add(event["requestId"])
            self.resources.setdefault(
                event["requestId"], Resource(url, event.get("type", "Other").lower())
            )

    def _response(self, event: dict[str, Any]) -> None:
        resource = self.resources.get(event["requestId"])
        if resource is not None:
            resource.type = event.get("type", resource.type).lower()

    def _finished(self, event: dict[str, Any]) -> None:
        self.pending.discard(event["requestId"])
        resource = self.resources.get(event["requestId"])
        if resource is not None:
            resource.bytes = int(event.get("encodedDataLength", 0))


def throttle(cdp: Any, profile: Throttling) -> None:
    if profile.cpu_slowdown > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile.cpu_slowdown})
    if profile.latency_ms or profile.download_kbps or profile.upload_kbps:
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": profile.latency_ms,
                # CDP wants bytes per second; -1 disables the limit.
                "downloadThroughput": profile.download_kbps * 1024 / 8 or -1,
                "uploadThroughput": profile.upload_kbps * 1024 / 8 or -1,
            },
        )
