"""pygal charts finished as inline, self-contained, accessible SVG (the drawing layer).

charts.py decides what a chart shows; this module decides how every chart looks and what
its SVG may hold. pygal draws it with no script (``js=[]``) and a system font; the result
is then parsed and cleaned:

- pygal's comments (its web addresses), its config <script>, its tooltip data (``<desc>``
  per dot) and per-tick ``<title>`` elements go: without its script they show nothing;
- the random ``chart-<uuid>`` id becomes ``rg-svg-<our id>`` (stable output, one id per
  chart on the page), and pygal's ``activate-serie-N`` ids, repeated in every chart of a
  page, go;
- the root gets ``role="img"``, and a <title> and <desc> it is labelled and described by.

Text pygal is given is escaped by its XML serialiser; it is made printable first (control
characters escaped), since XML cannot carry them at all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any

from pygal.style import Style

from readiness.core.formatting import format_number, printable

SVG_NS = "http://www.w3.org/2000/svg"
_SVG = f"{{{SVG_NS}}}"
ET.register_namespace("", SVG_NS)

WIDTH = 480  # viewBox units; the page scales the chart to its column (no explicit size).
# Small, so that the text stays legible in a column a third of the page wide.
HEIGHT = 300

# Okabe-Ito: told apart with the common colour-vision deficiencies, dark enough to print.
BLUE, ORANGE, GREEN, VERMILION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, YELLOW, BLACK, GREY = "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#666666"
# The good and poor lines are dashed differently as well as coloured, so they read in
# greyscale print: long dashes for good, short for poor.
GOOD_COLOUR, POOR_COLOUR = "#1A7F37", "#B42318"
GOOD_DASH, POOR_DASH = "8,4", "3,3"
# Impact colours (darkest for the worst), the order axe ranks them in.
IMPACT_COLOURS = {
    "critical": "#7F0000",
    "serious": "#D55E00",
    "moderate": "#E69F00",
    "minor": "#8C8C8C",
}


def style(colours: Sequence[str]) -> Style:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1f1f1f",
        foreground_strong="#000000",
        foreground_subtle="#e3e3e3",  # guides stay behind the threshold lines
        font_family="system-ui, sans-serif",  # the reader's own: nothing is fetched
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=12,
        value_font_size=11,
        value_label_font_size=11,
        tooltip_font_size=12,
        opacity="0.9",
        opacity_hover="0.9",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        # pygal sets a width on every drawn path, over the width a series' stroke_style
        # gives its group: inherit it instead (1 where no style is given).
        stroke_width="inherit",
        stroke_width_hover="inherit",
        transition="none",
        colors=tuple(colours),
        guide_stroke_dasharray="1,3",
        major_guide_stroke_dasharray="1,3",
    )


def base_config(colours: Sequence[str], **options: Any) -> dict[str, Any]:
    """What every chart shares: no script, no XML declaration, no fixed size, legend below."""
    config: dict[str, Any] = {
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": WIDTH,
        "height": HEIGHT,
        "style": style(colours),
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_legend": -1,  # a legend carries a threshold value: never cut it
        "truncate_label": 24,
        "margin": 12,
        "spacing": 12,
        "show_x_guides": False,
        "value_formatter": number,
    }
    config.update(options)
    return config


def number(value: float | None) -> str:
    return "" if value is None else format_number(value)


def text(value: object) -> str:
    """A label as pygal may print it: control characters escaped (see the module doc)."""
    return printable(str(value))


def dashed(dash: str, width: float = 2.5) -> dict[str, Any]:
    return {"width": width, "dasharray": dash}


def rotation(labels: Sequence[str]) -> int:
    """Slanted x labels once they would collide."""
    longest = max((len(label) for label in labels), default=0)
    return 30 if len(labels) * max(longest, 4) * 7 > WIDTH - 120 else 0


def render(
    chart: Any,
    chart_id: str,
    title: str,
    desc: str,
    *,
    extra: Callable[[ET.Element], None] | None = None,
) -> str:
    """The chart as inline SVG text: cleaned and labelled (see the module doc)."""
    _legend_room(chart)
    root = ET.fromstring(chart.render(is_unicode=True))  # comments are dropped on parsing
    own = f"rg-svg-{chart_id}"  # the page's <figure> around it is chart-<id>
    pygal_id = root.get("id", "")
    for node in root.iter(f"{_SVG}style"):
        if node.text and pygal_id:
            node.text = _css(node.text.replace(pygal_id, own))
    _strip(root)
    root.set("id", own)
    root.set("role", "img")
    root.set("aria-labelledby", f"{own}-title")
    root.set("aria-describedby", f"{own}-desc")
    title_node = ET.Element(f"{_SVG}title", {"id": f"{own}-title"})
    title_node.text = text(title)
    desc_node = ET.Element(f"{_SVG}desc", {"id": f"{own}-desc"})
    desc_node.text = text(desc)
    root.insert(0, desc_node)
    root.insert(0, title_node)
    if extra is not None:
        extra(root)
    return ET.tostring(root, encoding="unicode")


def _legend_room(chart: Any) -> None:
    """Room for the legend's last row: pygal counts the rows of a bottom legend as
    entries // columns, one short when the last row is not full, which cuts it off."""
    config = chart.config
    entries, columns = len(chart.raw_series), config.legend_at_bottom_columns
    if config.show_legend and columns and entries % columns:
        size = max(config.legend_box_size, config.style.legend_font_size)
        short = 1 if entries > columns else 2  # with one row it is counted as -1
        config.margin_bottom = (config.margin_bottom or config.margin) + 1.5 * size * short


def lift_values(root: ET.Element) -> None:
    """Printed values centred above their dots (pygal puts an XY chart's below and right,
    over the x labels when the value is zero)."""
    offset = float(style([]).value_font_size)
    for group in root.iter(f"{_SVG}g"):
        if "text-overlay" not in group.get("class", ""):
            continue
        for node in group.iter(f"{_SVG}text"):
            if "value" in node.get("class", "").split():
                node.set("x", f"{float(node.get('x', 0)) - offset:.1f}")
                node.set("y", f"{float(node.get('y', 0)) - 2 * offset:.1f}")
                node.set("text-anchor", "middle")


def drop_zero_values(root: ET.Element) -> None:
    """No printed "0" on a stacked bar: pygal prints a series' missing value on top of the
    stack as 0, which reads as a count of the stack."""
    for group in root.iter(f"{_SVG}g"):
        if "text-overlay" not in group.get("class", ""):
            continue
        for parent in list(group.iter()):
            for node in list(parent):
                if node.tag == f"{_SVG}text" and (node.text or "").strip() in ("", "0"):
                    parent.remove(node)


# Selectors for what a script-less, static chart never shows: hover and tooltip states,
# chart kinds we do not draw, the title we do not draw inside the chart (the page does).
_UNUSED_CSS = re.compile(
    r":hover|\.tooltip|\.active|a:visited|\.map-element|\.gauge|\.bg-lines|\.showable"
    r"|no_data|\.title\b|\.ci\b|\.max-value|\.bound|\.xlink|\.subtle-fill|\.negative"
)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_TRANSITION = re.compile(r"(?:-webkit-|-moz-)?transition:[^;}]*;?")


def _css(text: str) -> str:
    """pygal's stylesheet without the rules a static chart never applies (about half its
    bytes; the stylesheet is most of a small chart's size)."""
    kept = []
    for selectors, body in _RULE.findall(text):
        used = [s.strip() for s in selectors.split(",") if not _UNUSED_CSS.search(s)]
        body = _TRANSITION.sub("", body).strip().rstrip(";")
        if used and body:
            kept.append(f"{','.join(used)}{{{body}}}")
    return "".join(kept)


# Attributes holding coordinates: pygal writes them with 15 decimals, a tenth of a unit
# (in a 720-unit-wide chart) is below what a screen or a printer shows.
_COORDINATES = ("x", "y", "cx", "cy", "r", "d", "width", "height", "transform", "points")
_LONG_DECIMAL = re.compile(r"(-?\d+\.\d)\d+")


# pygal writes its config as a <script> even with js=[] (for its tooltip script): it goes,
# with the tooltip data and the per-tick titles that only that script shows.
_SCRIPT_ONLY = (f"{_SVG}script", f"{_SVG}desc", f"{_SVG}title")


def _strip(root: ET.Element) -> None:
    """pygal's script-only parts: tooltip data and overlay, per-tick titles, shared ids."""
    for parent in root.iter():
        for child in list(parent):
            tag = child.tag
            if tag in _SCRIPT_ONLY or "tooltip-overlay" in child.get("class", ""):
                parent.remove(child)
        if parent.get("id", "").startswith("activate-serie"):
            del parent.attrib["id"]
        classes = parent.get("class")
        if classes is not None:
            kept = " ".join(c for c in classes.split() if c != "tooltip-trigger")
            if kept:
                parent.set("class", kept)
            else:
                del parent.attrib["class"]
        for name in _COORDINATES:
            value = parent.get(name)
            if value is not None and "." in value:
                parent.set(name, _LONG_DECIMAL.sub(r"\1", value))
