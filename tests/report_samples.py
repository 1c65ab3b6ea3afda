"""Realistic readiness.json dicts for the report writers' tests, built through readiness.core.model.

Going through the dataclasses and ``to_dict()`` (not hand-written dicts) keeps the samples in
step with what the engine really emits; the tests also validate each against the schema.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from readiness.core.model import (
    CheckResult,
    ComponentResult,
    Confidence,
    Evidence,
    GateResult,
    Outcome,
    Risk,
    Verdict,
)

POLICY = {"go_at": 90, "min_coverage": 0.9}
XSS = "<script>alert(1)</script>"
ATTR_XSS = '"><img src=x onerror=alert(1)>'
IMAGE = "screenshots/home.png"
AXE_HTML = "evidence/axe-home.html"
MS = {"good": 2500, "poor": 4000}


def check(cid: str, outcome: str, score: float | None, value: Any = None, **kw: Any) -> CheckResult:
    kw.setdefault("title", cid.split(".", 1)[1].replace(".", " ").replace("_", " "))
    kw.setdefault("duration_s", 0.4)
    comp = cid.split(".", 1)[0]
    return CheckResult(cid, comp, outcome=Outcome(outcome), score=score, value=value, **kw)


def component(name: str, weight: float, checks: list[CheckResult], **kw: Any) -> ComponentResult:
    """Defaults: passed, 100%, LOW risk, non-blocking, every planned check recorded."""
    kw.setdefault("planned", len(checks))
    kw["risk"] = Risk(kw.get("risk", "LOW"))
    kw.setdefault("readiness", 100.0)
    kw.setdefault("status", "passed")
    kw.setdefault("blocking", False)
    kw.setdefault("notes", [])
    return ComponentResult(name=name, weight=weight, checks=checks, **kw)


def gate(verdict: str, readiness: float | None, comps: list[ComponentResult], **kw: Any) -> dict:
    """``confidence`` is (value, coverage, stability, planned, ran)."""
    kw.setdefault("run_id", "20250101T120000Z-abc123")
    kw.setdefault("target", "http://127.0.0.1:8000")
    kw.setdefault("profile", "pre-deploy")
    kw.setdefault("duration_s", 74.2)
    kw.setdefault("outstanding", [])
    return GateResult(
        started_at="2025-01-01T12:00:00+00:00",
        verdict=Verdict(verdict),
        readiness=readiness,
        components=comps,
        confidence=Confidence(*kw.pop("confidence")),
        scoring_version="1",
        policy=POLICY,
        tool_version="0.1.0",
        **kw,
    ).to_dict()


def _status(path: str, code: int, outcome: str = "passed", message: str = "") -> CheckResult:
    response = Evidence("text", "response", f"HTTP/1.1 {code}\ncontent-type: text/html")
    return check(
        f"smoke.status.{path}",
        outcome,
        float(code == 200),
        code,
        blocking=True,
        threshold={"expected": 200},
        title=f"GET {path} answers 200",
        message=message or f"{path} answered {code}",
        evidence=[response],
    )


def _lcp(value: float, outcome: str = "passed", score: float = 1.0) -> CheckResult:
    shot = Evidence("image", "screenshot at LCP", IMAGE, "image/png")
    return check(
        "performance.lcp./",
        outcome,
        score,
        value,
        unit="ms",
        threshold=MS,
        title="Largest Contentful Paint on /",
        samples=[value - 40, value, value + 35],
        message=f"median LCP {value:.0f} ms over 3 loads",
        evidence=[shot],
    )


CLS = check("performance.cls./", "passed", 1.0, 0.02, threshold={"good": 0.1, "poor": 0.25})
P95 = {"unit": "ms", "threshold": {"good": 600, "poor": 1200}, "title": "p95 latency, 50 users"}


def go_sample() -> dict[str, Any]:
    table = {"columns": ["endpoint", "requests", "p95 ms"], "rows": [["/", 1480, 610]]}
    load_evidence = [
        Evidence("table", "per-endpoint stats", table),
        Evidence("url", "locust docs", "https://docs.locust.io/"),
    ]
    axe = check(
        "accessibility.axe./",
        "passed",
        1.0,
        {"critical": 0, "serious": 0, "moderate": 2},
        threshold={"good": 0, "poor": 0},
        title="axe WCAG 2.1 AA on /",
        evidence=[Evidence("html", "axe report", AXE_HTML, "text/html")],
    )
    headers = Evidence("json", "response headers", {"strict-transport-security": "max-age=1y"})
    comps = [
        component("smoke", 25, [_status("/", 200), _status("/login", 200)], blocking=True),
        component("performance", 20, [_lcp(1820), CLS]),
        component("accessibility", 20, [axe]),
        component(
            "security",
            20,
            [
                check(
                    "security.tls", "passed", 1.0, "TLSv1.3", threshold={"expected": ">= TLS 1.2"}
                ),
                check("security.hsts", "passed", 1.0, "max-age=1y", evidence=[headers]),
            ],
        ),
        component(
            "load",
            15,
            [
                check("load.p95", "passed", 0.86, 702, evidence=load_evidence, **P95),
                check(
                    "load.error_ratio", "passed", 1.0, 0.0, threshold={"good": 0.01, "poor": 0.05}
                ),
            ],
            readiness=85.5,
        ),
    ]
    reasons = ["Readiness 97.8% ≥ 90% with coverage 100%"]
    return gate("GO", 97.8, comps, reasons=reasons, confidence=(0.97, 1.0, 0.97, 9, 9))


def nogo_sample() -> dict[str, Any]:
    waiver = {"check": "security.csp", "reason": "CSP rollout, SEC-12", "owner": "sec-team"}
    expired = {"check": "security.hsts", "reason": "after cut-over", "owner": "ops"}
    waiver |= {"expires": "2099-01-31", "expired": False}
    expired |= {"expires": "2024-06-30", "expired": True}
    missing = Evidence("image", "missing screenshot", "screenshots/missing.png")
    stderr = Evidence(
        "text",
        "locust stderr",
        "Traceback (most recent call last):\n  ...\nOSError: [Errno 24] Too many open files",
    )
    security = [
        check("security.csp", "waived", 0.0, None, waiver=waiver, message="no CSP header"),
        check(
            "security.hsts",
            "warned",
            0.0,
            None,
            waiver=expired,
            evidence=[missing],
            message="no Strict-Transport-Security header; waiver expired 2024-06-30",
        ),
    ]
    load = [
        check(
            "load.p95",
            "errored",
            None,
            None,
            evidence=[stderr],
            message="locust exited with status 1 before reporting",
            **P95,
        ),
        check("load.error_ratio", "skipped", None, message="skipped: load run did not complete"),
    ]
    failed = _status("/api/orders", 500, "failed", "/api/orders answered 500 (expected 200)")
    comps = [
        component(
            "smoke",
            25,
            [_status("/", 200), failed],
            readiness=50,
            status="failed",
            risk="HIGH",
            blocking=True,
            notes=["1 blocking check failed"],
        ),
        component(
            "performance",
            20,
            [_lcp(3120, "warned", 0.58), CLS],
            readiness=81.0,
            status="warned",
            risk="MEDIUM",
        ),
        component(
            "security",
            20,
            security,
            readiness=50,
            status="warned",
            risk="MEDIUM",
            notes=["waiver for security.hsts expired"],
        ),
        component(
            "load",
            15,
            load,
            readiness=None,
            status="incomplete",
            risk="HIGH",
            notes=["no load measurement"],
        ),
    ]
    reasons = [
        "Blocking check smoke.status./api/orders failed: answered 500 (expected 200)",
        "Readiness 61.4% < 90%",
        "load.p95 errored: could not be measured",
    ]
    outstanding = [
        "performance.lcp./ warned: 3,120 ms (good 2,500 ms)",
        "security.csp waived until 2099-01-31 (sec-team)",
        "security.hsts: waiver expired 2024-06-30 (ops)",
    ]
    conf = (0.72, 0.78, 0.93, 9, 7)
    return gate("NO-GO", 61.4, comps, reasons=reasons, outstanding=outstanding, confidence=conf)


def inconclusive_sample() -> dict[str, Any]:
    why = "connection refused: http://127.0.0.1:8000 (ECONNREFUSED)"
    comps = [
        component(
            name,
            weight,
            [check(f"{name}.all", "skipped", None, message=f"skipped: {why}")],
            readiness=None,
            status="not-run",
            risk="HIGH",
            planned=2,
        )
        for name, weight in (("smoke", 25), ("performance", 20), ("security", 20))
    ]
    reasons = [f"Target unreachable: {why}", "Coverage 0% < 90%: nothing measured"]
    conf = (0.0, 0.0, 1.0, 6, 0)
    return gate("INCONCLUSIVE", None, comps, reasons=reasons, confidence=conf, unreachable=why)


def interrupted_sample() -> dict[str, Any]:
    comps = [
        component("smoke", 25, [_status("/", 200)], blocking=True),
        component(
            "performance",
            20,
            [_lcp(1900)],
            status="incomplete",
            planned=2,
            risk="MEDIUM",
            notes=["1 of 2 planned checks ran"],
        ),
        component("load", 15, [], readiness=None, status="not-run", risk="HIGH", planned=2),
    ]
    reasons = ["Run interrupted (Ctrl-C): report is partial", "Coverage 40% < 90%"]
    conf = (0.4, 0.4, 1.0, 5, 2)
    return gate("INCONCLUSIVE", 100.0, comps, reasons=reasons, confidence=conf, interrupted=True)


def hostile_sample() -> dict[str, Any]:
    """Everything the target controls, set to markup, table breakers, newlines and NULs."""
    evil = f"{XSS} | {ATTR_XSS}\n| injected | row |"
    evidence = [
        Evidence("text", f"label {XSS}", f"body {XSS}"),
        Evidence("url", "js link", "javascript:alert(1)"),
        Evidence("url", f"page {ATTR_XSS}", f"https://x.test/?q={XSS}"),
        Evidence("html", "page snapshot", ATTR_XSS),
        Evidence("json", "headers", {"x-evil": XSS, ATTR_XSS: [XSS]}),
        Evidence("table", "cells", {"columns": [XSS], "rows": [[ATTR_XSS]]}),
    ]
    waiver = {"check": "security.x", "reason": XSS, "owner": ATTR_XSS, "expires": "2020-01-01"}
    bad = check(
        f"security.header.{XSS}",
        "failed",
        0.0,
        evil,
        unit="|ms",
        blocking=True,
        title=f"Title {XSS}\n| x | y |",
        threshold={"expected": XSS},
        evidence=evidence,
        message=f"Server said {ATTR_XSS} `code` | pipe\nsecond line\x00\x07",
        waiver=waiver | {"expired": True},
    )
    warned = check("security.server", "warned", 0.5, {"server": XSS}, title=ATTR_XSS, message=evil)
    comps = [
        component(
            "security",
            50,
            [bad, warned],
            readiness=40.0,
            status="failed",
            risk="HIGH",
            blocking=True,
            notes=[f"note {XSS} | x\ny"],
        ),
    ]
    return gate(
        "NO-GO",
        40.0,
        comps,
        reasons=[f"Blocking check failed: {XSS}", f"reason two {ATTR_XSS}"],
        confidence=(0.5, 1.0, 0.5, 2, 2),
        target=f"http://127.0.0.1:8000/?q={XSS}",
        outstanding=[f"item {XSS}\n| a | b |"],
        run_id=f"run-{XSS}",
    )


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "go": go_sample,
    "nogo": nogo_sample,
    "inconclusive": inconclusive_sample,
    "interrupted": interrupted_sample,
    "hostile": hostile_sample,
}


def _png(width: int, height: int) -> bytes:
    """A small gradient PNG, so the image-evidence path is exercised with a real file."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (40 + x, 90 + y, 160))
        for y in range(height)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def write_artifacts(run_dir: Path) -> None:
    """The evidence files the samples refer to (the missing screenshot stays missing)."""
    (run_dir / "screenshots").mkdir(parents=True, exist_ok=True)
    (run_dir / IMAGE).write_bytes(_png(160, 90))
    (run_dir / "evidence").mkdir(exist_ok=True)
    (run_dir / AXE_HTML).write_text("<!doctype html><title>axe</title><p>0 violations</p>")
