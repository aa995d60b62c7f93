"""Trend charts drawn server-side as inline SVG: no script (the Content-Security-Policy allows none inline), so they
print and read as they are. Colours are SVG presentation attributes, which the policy allows."""
from __future__ import annotations

from markupsafe import Markup, escape

from registry.escrow.chart import nice_ceiling

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
GRID_COLOUR, TEXT_COLOUR = "#e4e7ec", "#667085"


def nice_top(value: float) -> float:
    """The axis' top: a round number (1, 2, 2.5 or 5 × 10ⁿ) at or above `value`, at least 1."""
    return 1 if value <= 1 else nice_ceiling(value)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _frame(labels: list[str], top: float, title: str, legend: list[tuple[str, str]]) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [f'<svg class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_h * (1 - step / 4)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT_COLOUR}">'
                     f"{escape(_number(value))}</text>")
    count = len(labels)
    for i, label in enumerate(labels):
        if count > 8 and (count - 1 - i) % 2:  # every other label, the latest always
            continue
        x = LEFT + plot_w * (i + 0.5) / count
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
                     f'fill="{TEXT_COLOUR}">{escape(label)}</text>')
    x = LEFT
    for name, colour in legend:
        parts.append(f'<rect x="{x}" y="{HEIGHT - 20}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="{HEIGHT - 10}" font-size="12" fill="#344054">{escape(name)}</text>')
        x += 28 + 13 * len(name) if not name.isascii() else 28 + 7 * len(name)
    return parts


def line_chart(labels: list[str], series: list[tuple[str, list[float], str]], *, title: str) -> Markup:
    """One line per (name, values, colour), a point per label."""
    if not labels or not series:
        return Markup("")
    top = nice_top(max(max(values) for _, values, _ in series))
    if top < 20 and all(float(v).is_integer() for _, values, _ in series for v in values):
        top = -(-top // 4) * 4  # small counts: whole numbers on the axis' five lines
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(labels, top, title, [(name, colour) for name, _, colour in series])
    count = len(labels)
    for name, values, colour in series:
        points = [(LEFT + plot_w * (i + 0.5) / count, TOP + plot_h * (1 - max(v, 0) / top)) for i, v in enumerate(values)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                     f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>')
        for (x, y), label, value in zip(points, labels, values):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(name)} {escape(label)}: '
                         f'{escape(_number(value))}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(labels: list[str], values: list[float], *, title: str, colour: str) -> Markup:
    if not labels:
        return Markup("")
    top = nice_top(max(values) if values else 0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(labels, top, title, [])
    slot = plot_w / len(labels)
    for i, (label, value) in enumerate(zip(labels, values)):
        height = plot_h * max(value, 0) / top
        parts.append(f'<rect x="{LEFT + slot * i + slot * 0.2:.1f}" y="{TOP + plot_h - height:.1f}" width="{slot * 0.6:.1f}" '
                     f'height="{height:.1f}" fill="{colour}"><title>{escape(label)}: {escape(_number(value))}</title></rect>')
    parts.append("</svg>")
    return Markup("".join(parts))
