"""Regenerate ``static/logo.png`` (run once by hand: ``python -m readiness.demo.make_logo``).

The logo is committed, not generated at runtime, so the demo needs no imaging library. It is
drawn with plain Python and written with zlib + struct. It deliberately has gradients and
shapes: Chrome ignores low-entropy images (e.g. a solid colour) as LCP candidates, and the
performance suite wants a realistic image on the page.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

WIDTH, HEIGHT = 320, 96  # drawn at 2x; the page shows it at 160x48 CSS pixels
SUPERSAMPLE = 3  # samples per axis per pixel, for smooth edges without a graphics library

Color = tuple[float, float, float, float]

# 5x7 bitmap glyphs for the wordmark.
GLYPHS = {
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
    "C": ["01111", "10000", "10000", "10000", "10000", "10000", "01111"],
    "M": ["10001", "11011", "10101", "10101", "10001", "10001", "10001"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
}
WORD = "ACME"
CELL = 8  # glyph pixel size in logo pixels
WORD_X, WORD_Y = 112, 20


def _inside_rounded_rect(x: float, y: float, w: float, h: float, r: float) -> bool:
    cx = min(max(x, r), w - r)
    cy = min(max(y, r), h - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _background(x: float, y: float) -> Color:
    # Diagonal blue-to-teal gradient with soft diagonal bands: visual detail, small file.
    t = (x / WIDTH) * 0.7 + (y / HEIGHT) * 0.3
    band = 0.06 * math.sin((x + y) / 9.0)
    r = 0.05 + 0.05 * t
    g = 0.22 + 0.35 * t + band
    b = 0.55 + 0.15 * t + band
    return (r, g, b, 1.0)


def _in_bag(x: float, y: float) -> bool:
    # A shopping bag: a trapezoid body plus a ring-shaped handle.
    top, bottom = 38.0, 80.0
    if top <= y <= bottom:
        spread = (y - top) / (bottom - top) * 4.0
        if 22.0 - spread <= x <= 74.0 + spread:
            return True
    dist = math.hypot(x - 48.0, y - 38.0)
    return 11.0 <= dist <= 16.0 and y <= 38.0


def _in_word(x: float, y: float) -> bool:
    col = int((x - WORD_X) // CELL)
    row = int((y - WORD_Y) // CELL)
    if x < WORD_X or y < WORD_Y or row >= 7:
        return False
    glyph_index, glyph_col = divmod(col, 6)  # 5 columns + 1 column of spacing
    if glyph_index >= len(WORD) or glyph_col == 5:
        return False
    return GLYPHS[WORD[glyph_index]][row][glyph_col] == "1"


def _sample(x: float, y: float) -> Color:
    if not _inside_rounded_rect(x, y, WIDTH, HEIGHT, 18.0):
        return (0.0, 0.0, 0.0, 0.0)
    if _in_bag(x, y):
        return (1.0, 0.78, 0.2, 1.0)  # amber bag
    if _in_word(x, y):
        return (1.0, 1.0, 1.0, 1.0)
    return _background(x, y)


def _pixel(px: int, py: int) -> bytes:
    acc = [0.0, 0.0, 0.0, 0.0]
    n = SUPERSAMPLE
    for sy in range(n):
        for sx in range(n):
            r, g, b, a = _sample(px + (sx + 0.5) / n, py + (sy + 0.5) / n)
            acc[0] += r * a
            acc[1] += g * a
            acc[2] += b * a
            acc[3] += a
    alpha = acc[3] / (n * n)
    if alpha == 0:
        return bytes(4)
    rgb = [min(255, round(c / acc[3] * 255)) for c in acc[:3]]
    return bytes([*rgb, round(alpha * 255)])


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def render_png() -> bytes:
    """Return the logo as PNG bytes (8-bit RGBA, no interlace)."""
    rows = b"".join(b"\x00" + b"".join(_pixel(x, y) for x in range(WIDTH)) for y in range(HEIGHT))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def main() -> None:
    target = Path(__file__).with_name("static") / "logo.png"
    target.write_bytes(render_png())
    print(f"wrote {target} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
