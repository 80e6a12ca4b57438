"""Bar charts drawn on the server as inline SVG, readable without JavaScript and by screen readers: each chart has a
``<title>`` and ``<desc>`` (the counts in words), every bar its label and its count as text."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .summary import Bar

WIDTH, HEIGHT, TOP, BOTTOM = 480, 200, 20, 40


def bar_chart(bars: Sequence[Bar], *, title: str, chart_id: str) -> SafeString:
    """A vertical bar chart of ``bars`` with its labels under the bars and the counts above them."""
    top = max((bar.count for bar in bars), default=0) or 1
    slot = WIDTH / max(len(bars), 1)
    plot = HEIGHT - TOP - BOTTOM
    rows = []
    for index, bar in enumerate(bars):
        height = plot * bar.count / top
        y = TOP + plot - height
        centre = index * slot + slot / 2
        rows.append(
            (
                f"{index * slot + slot * 0.15:.1f}",
                f"{y:.1f}",
                f"{slot * 0.7:.1f}",
                f"{height:.1f}",
                f"{centre:.1f}",
                f"{y - 4:.1f}",
                bar.text or bar.count,
                f"{centre:.1f}",
                f"{HEIGHT - BOTTOM + 16:.1f}",
                bar.label,
            )
        )
    bars_svg = format_html_join(
        "",
        '<g class="bar"><rect x="{}" y="{}" width="{}" height="{}" fill="#0d6efd"></rect>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text></g>',
        rows,
    )
    desc = "；".join(f"{bar.label}：{bar.text or bar.count}" for bar in bars)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-labelledby="{}-title {}-desc" class="summary-chart">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#6c757d"></line></svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        bars_svg,
        HEIGHT - BOTTOM,
        WIDTH,
        HEIGHT - BOTTOM,
    )
