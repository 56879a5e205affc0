"""Charts as SVG rendered on the server: no script, no CDN, nothing a strict CSP would block.

Colours and fonts come from the stylesheet through class names; the SVG carries only geometry.
"""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown, e.g. "$133.3M" or "4 cases"
    css: str = ""


def _n(number: float) -> str:
    return f"{number:.1f}"


def bar_chart(bars: list[Bar], *, title: str, width: int = 560, row: int = 28, label_width: int = 150) -> SafeString:
    """A horizontal bar chart; an empty chart says so instead of drawing nothing."""
    if not bars:
        return format_html('<p class="empty">{}: nothing to chart yet.</p>', title)
    top = max(bar.value for bar in bars) or 1
    plot = width - label_width - 110
    parts = []
    for index, bar in enumerate(bars):
        y = 4 + index * row
        baseline = _n(y + row * 0.65)
        length = max(2.0, plot * bar.value / top) if bar.value else 0.0
        parts.append(
            format_html(
                '<text class="label" x="4" y="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{}: {}</title></rect>'
                '<text class="value" x="{}" y="{}">{}</text>',
                baseline,
                bar.label,
                label_width,
                y + 4,
                _n(length),
                row - 8,
                f"bar {bar.css}".strip(),
                bar.label,
                bar.text,
                _n(label_width + length + 6),
                baseline,
                bar.text,
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        row * len(bars) + 8,
        title,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part was escaped by format_html
    )
