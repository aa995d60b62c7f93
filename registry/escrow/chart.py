"""A small chart of an escrow's balance against its obligations, drawn server-side as inline SVG.

No script: the page's Content-Security-Policy allows none inline, and the chart needs none. Colours are SVG
presentation attributes, which the policy allows (inline `style` attributes it does not).
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from registry.core.money import format_yuan


WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 84, 24, 12, 28
BALANCE_COLOUR, OBLIGATION_COLOUR, GRID_COLOUR, TEXT_COLOUR = "#1f4e8c", "#b42318", "#e4e7ec", "#667085"


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value` (fen), so the axis reads in round yuan."""
    if value <= 0:
        return 100_00
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return 10 * magnitude


def _axis_label(fen: int) -> str:
    return format_yuan(fen).rsplit(".", 1)[0]  # whole yuan on the axis


def balance_chart(points: list[tuple[date, int, int]], *, title: str, balance_label: str, obligation_label: str) -> Markup:
    """`points`: (period end, closing balance, fees for lessons not yet taught) oldest first, in fen."""
    if not points:
        return Markup("")
    top = nice_ceiling(max(max(b, u) for _, b, u in points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(points)

    def x(i: int) -> float:
        return LEFT + (plot_w / 2 if count == 1 else plot_w * i / (count - 1))

    def y(fen: int) -> float:
        return TOP + plot_h * (1 - max(fen, 0) / top)

    parts = [f'<svg class="escrow-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">', f"<title>{escape(title)}</title>"]
    for step in range(5):
        value = top * step // 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="{GRID_COLOUR}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT_COLOUR}">'
                     f"{escape(_axis_label(value))}</text>")
    step = max(1, -(-count // 6))  # at most about six month labels
    labelled = [i for i in range(0, count, step) if not 0 < count - 1 - i < step] + [count - 1]
    for i in sorted(set(labelled)):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">'
                     f'{points[i][0].strftime("%Y-%m")}</text>')
    for index, colour, label in ((1, BALANCE_COLOUR, balance_label), (2, OBLIGATION_COLOUR, obligation_label)):
        coordinates = " ".join(f"{x(i):.1f},{y(p[index]):.1f}" for i, p in enumerate(points))
        dashes = ' stroke-dasharray="6 4"' if index == 2 else ""
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{coordinates}"{dashes}/>')
        for i, p in enumerate(points):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p[index]):.1f}" r="3" fill="{colour}">'
                         f'<title>{escape(label)} {p[0].isoformat()}: {escape(format_yuan(p[index]))}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))
