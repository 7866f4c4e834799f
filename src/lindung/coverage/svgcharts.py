"""Small charts drawn as inline SVG for PDFs (WeasyPrint renders SVG; no chart library, no
JavaScript). Labels are escaped; numbers are written for people with the app's formats."""

from __future__ import annotations

from django.utils.html import escape

from lindung.core.formatting import format_number, format_percent

GREEN, GREY, INK = "#0b6e4f", "#d8dee3", "#1d2a33"


def line_chart(labels: list[str], values: list[float | None], *, width=520, height=180) -> str:
    """Coverage % per month: a line with its points, first and last value written."""
    left, right, top, bottom = 40, 10, 12, 28
    points = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    top_value = max([v for _, v in points] + [1.0]) * 1.15
    step = (width - left - right) / max(len(labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + (height - top - bottom) * (1 - v / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="DejaVu Sans" font-size="8">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        f'stroke="{GREY}"/>',
    ]
    for frac in (0.5, 1.0):
        y = top + (height - top - bottom) * (1 - frac)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GREY}" '
            f'stroke-dasharray="2,2"/><text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" '
            f'fill="{INK}">{escape(format_percent(top_value * frac))}</text>'
        )
    for i, label in enumerate(labels):
        if len(labels) <= 12 or i % 2 == 0:
            x = left + i * step
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 12}" text-anchor="middle" '
                f'fill="{INK}">{escape(label)}</text>'
            )
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{GREEN}" stroke-width="2"/>')
        for i, v in points:
            x, y = xy(i, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{GREEN}"/>')
        for i, v in (points[0], points[-1]):
            x, y = xy(i, v)
            parts.append(
                f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle" fill="{INK}" '
                f'font-weight="bold">{escape(format_percent(v, 2))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(rows: list[tuple[str, int]], *, width=520, bar=14) -> str:
    """Horizontal bars (participants per sector), largest first, the count at each bar's end."""
    rows = sorted(rows, key=lambda r: -r[1])[:12]
    label_width, gap, right = 150, 5, 60
    height = max(len(rows), 1) * (bar + gap) + 4
    biggest = max([n for _, n in rows] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="DejaVu Sans" font-size="8">'
    ]
    for k, (label, n) in enumerate(rows):
        y = 2 + k * (bar + gap)
        length = (width - label_width - right) * n / biggest
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar - 4}" text-anchor="end" fill="{INK}">'
            f"{escape(label[:32])}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" fill="{GREEN}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 4}" fill="{INK}">'
            f"{escape(format_number(n))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
