"""Small charts drawn on the server as inline SVG: sparklines on pages, charts in the PDF report.

No JavaScript, so they print, work in WeasyPrint and cost a few hundred bytes. Each has a
``<title>`` and ``role="img"`` with an ``aria-label`` that says in words what it shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

INK, MUTED, BRAND, TARGET, BAND, LINE = "#1b1f24", "#525a63", "#0b4f6c", "#b3261e", "#cfe3ec", "#d5dae0"


def _scale(values: Sequence[float], extra: Sequence[float]) -> tuple[float, float]:
    every = [*values, *extra]
    low, high = min(every), max(every)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.08
    return low - pad, high + pad


def sparkline(values: Sequence[float | None], *, label: str, target: float | None = None,
              band: tuple[float, float, float] | None = None, width: int = 160, height: int = 40,
              future: int = 0) -> SafeString:
    """A line of ``values`` (None: gap), a dashed target line, and a forecast band ``(low, value, high)``
    drawn ``future`` steps after the last value."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return mark_safe("")
    extra = [v for v in ((target,) if target is not None else ()) + (band or ()) if v is not None]
    low, high = _scale(known, extra)
    steps = max(len(values) - 1 + future, 1)

    def x(i: float) -> float:
        return round(2 + (width - 4) * i / steps, 1)

    def y(v: float) -> float:
        return round(height - 2 - (height - 4) * (v - low) / (high - low), 1)

    parts = [f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
             f"<title>{escape(label)}</title>"]
    if band is not None and future:
        last = max(i for i, v in enumerate(values) if v is not None)
        b_low, b_value, b_high = band
        parts.append(f'<polygon fill="{BAND}" points="{x(last)},{y(values[last])} {x(steps)},{y(b_high)} '
                     f'{x(steps)},{y(b_low)}"/>')
        parts.append(f'<line x1="{x(last)}" y1="{y(values[last])}" x2="{x(steps)}" y2="{y(b_value)}" '
                     f'stroke="{BRAND}" stroke-width="1.2" stroke-dasharray="3 2"/>')
    if target is not None:
        parts.append(f'<line x1="0" x2="{width}" y1="{y(target)}" y2="{y(target)}" stroke="{TARGET}" '
                     'stroke-width="1" stroke-dasharray="4 3"/>')
    path, pen = [], "M"
    for i, v in enumerate(values):
        if v is None:
            pen = "M"
            continue
        path.append(f"{pen}{x(i)},{y(v)}")
        pen = "L"
    parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{BRAND}" stroke-width="1.8" '
                 'stroke-linejoin="round"/>')
    last = max(i for i, v in enumerate(values) if v is not None)
    parts.append(f'<circle cx="{x(last)}" cy="{y(values[last])}" r="2.5" fill="{BRAND}"/>')  # type: ignore[arg-type]
    parts.append("</svg>")
    return mark_safe("".join(parts))


def ticks(low: float, high: float, *, whole: bool = False, count: int = 4) -> list[float]:
    """Y-axis tick values between ``low`` and ``high``: ``count + 1`` evenly spaced, or for a count
    (``whole``) whole numbers only, at a whole step, so an axis never reads "2,36 doanh nghiệp".

    >>> ticks(0.0, 4.0, whole=True), ticks(1.8, 3.2, whole=True), ticks(0.0, 1.0)
    ([0, 1, 2, 3, 4], [2, 3], [0.0, 0.25, 0.5, 0.75, 1.0])
    """
    if not whole:
        return [low + (high - low) * k / count for k in range(count + 1)]
    step = max(1, math.ceil((high - low) / count))
    first = math.ceil(low / step) * step
    return list(range(first, math.floor(high) + 1, step))


def line_chart(values: Sequence[float | None], labels: Sequence[str], *, label: str, fmt,  # type: ignore[no-untyped-def]
               target: float | None = None, target_text: str = "", width: int = 520,
               height: int = 180, whole: bool = False) -> SafeString:
    """A larger line chart with y-axis ticks and a few x labels, for the PDF report; ``whole``: a count,
    ticked in whole numbers."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return mark_safe("")
    low, high = _scale(known, [target] if target is not None else [])
    left, right, top, bottom = 58, 8, 10, 24
    n = max(len(values) - 1, 1)

    def x(i: float) -> float:
        return round(left + (width - left - right) * i / n, 1)

    def y(v: float) -> float:
        return round(top + (height - top - bottom) * (1 - (v - low) / (high - low)), 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(label)}" font-family="DejaVu Sans" '
             f'font-size="9"><title>{escape(label)}</title>']
    for v in ticks(low, high, whole=whole):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v)}" y2="{y(v)}" stroke="{LINE}"/>')
        parts.append(f'<text x="{left - 4}" y="{y(v) + 3}" text-anchor="end" fill="{MUTED}">'
                     f"{escape(fmt(v))}</text>")
    step = max(1, len(labels) // 6)
    for i in range(0, len(labels), step):
        parts.append(f'<text x="{x(i)}" y="{height - 6}" text-anchor="middle" fill="{MUTED}">'
                     f"{escape(labels[i])}</text>")
    if target is not None:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(target)}" y2="{y(target)}" '
                     f'stroke="{TARGET}" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{width - right}" y="{y(target) - 3}" text-anchor="end" fill="{TARGET}">'
                     f"{escape(target_text)}</text>")
    path, pen = [], "M"
    for i, v in enumerate(values):
        if v is None:
            pen = "M"
            continue
        path.append(f"{pen}{x(i)},{y(v)}")
        pen = "L"
    parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{BRAND}" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bars(items: Sequence[tuple[str, float, str]], *, label: str, width: int = 520,
         row: int = 18) -> SafeString:
    """Horizontal bars 0..100 %: ``(name, percent, text)``, e.g. each pillar's share of targets met."""
    if not items:
        return mark_safe("")
    height = row * len(items) + 4
    name_w = 190
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(label)}" font-family="DejaVu Sans" '
             f'font-size="9"><title>{escape(label)}</title>']
    span = width - name_w - 60
    for k, (name, percent, text) in enumerate(items):
        top = 2 + k * row
        w = round(span * max(0.0, min(percent, 100.0)) / 100, 1)
        parts.append(f'<text x="{name_w - 6}" y="{top + 12}" text-anchor="end" fill="{INK}">{escape(name)}</text>')
        parts.append(f'<rect x="{name_w}" y="{top + 3}" width="{span}" height="{row - 6}" fill="#eef2f6"/>')
        parts.append(f'<rect x="{name_w}" y="{top + 3}" width="{w}" height="{row - 6}" fill="{BRAND}"/>')
        parts.append(f'<text x="{name_w + span + 4}" y="{top + 12}" fill="{INK}">{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
