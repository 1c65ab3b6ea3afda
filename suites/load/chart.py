"""The load run's time series as a small self-contained SVG (pure: points in, text out).

Four stacked panels sharing the time axis (users, requests/s, p95, errors/s), each on its own
scale: one shared axis would flatten errors/s next to thousands of requests/s. No script, no
external reference, only numbers and fixed labels, so the report can embed it safely.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .stats import Point

WIDTH, LEFT, RIGHT, PANEL, GAP = 640, 80, 16, 70, 22
PANELS: list[tuple[str, str, Callable[[Point], float | None]]] = [
    ("users", "#2563eb", lambda p: p.users),
    ("req/s", "#16a34a", lambda p: p.rps),
    ("p95 ms (10 s window)", "#d97706", lambda p: p.p95_ms),
    ("errors/s", "#dc2626", lambda p: p.errors_per_s),
]


def svg_chart(points: Sequence[Point]) -> str:
    height = len(PANELS) * (PANEL + GAP) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">',
        '<rect width="100%" height="100%" fill="#fff"/>',
    ]
    span = max((p.t for p in points), default=0) or 1
    plot_w = WIDTH - LEFT - RIGHT
    for i, (label, colour, value) in enumerate(PANELS):
        top = i * (PANEL + GAP) + GAP
        values = [(p.t, value(p)) for p in points]
        highest = max((v for _, v in values if v is not None), default=0)
        peak = highest or 1  # the panel's scale (an all-zero line lies on the axis)
        parts.append(f'<text x="4" y="{top + 10}" fill="{colour}">{label}</text>')
        parts.append(f'<text x="4" y="{top + 26}" fill="#555">max {_num(highest)}</text>')
        parts.append(
            f'<rect x="{LEFT}" y="{top}" width="{plot_w}" height="{PANEL}" fill="none"'
            ' stroke="#ddd"/>'
        )
        coords = " ".join(
            f"{LEFT + plot_w * t / span:.1f},{top + PANEL - PANEL * v / peak:.1f}"
            for t, v in values
            if v is not None
        )
        if coords:
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
            )
    axis_y = len(PANELS) * (PANEL + GAP) + 14
    parts.append(f'<text x="{LEFT}" y="{axis_y}" fill="#555">0 s</text>')
    parts.append(
        f'<text x="{WIDTH - RIGHT}" y="{axis_y}" fill="#555" text-anchor="end">{span} s</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _num(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:g}"
