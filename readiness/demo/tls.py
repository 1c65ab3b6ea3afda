"""A certificate authority made at start-up, so the demo target can serve real HTTPS.

The gate trusts this CA whenever it serves the demo itself (readiness/plugin/trust.py), the
way a staging target's private CA is trusted, so transport and TLS checks run on the bundled
demo for real.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import trustme

# Names the certificate is valid for: the demo only ever binds loopback.
DEMO_NAMES = ("127.0.0.1", "localhost", "::1")


class DemoCA:
    def __init__(self) -> None:
        self._ca = trustme.CA(organization_name="readiness-gate demo CA")
        self._leaf = self._ca.issue_cert(*DEMO_NAMES)

    def server_context(self) -> ssl.SSLContext:
        """A server context presenting the demo certificate; TLS 1.2 at least."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._leaf.configure_cert(context)
        return context

    def write_ca(self, path: Path) -> Path:
        """Write the CA certificate (PEM) where clients can be told to trust it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._ca.cert_pem.write_to_path(str(path))
        return path
