"""Bar chart of yearly costs: SVG bars, HTML labels.

The bars are one inline SVG (rectangles only); the labels and amounts are
ordinary HTML text in the rows beside it. WeasyPrint lays out SVG text one
letter at a time (slow, no kerning, odd text extraction), while HTML text is
laid out once, extracted cleanly and seen by the anonymiser like any other
text. Labels are measured with the bundled font's own advance widths and
shortened with "…" until they fit their column, whatever their length.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

from tasks.settings import ASSETS

FONT_DIR = ASSETS / "fonts"
FONT_FAMILY = "Report Sans"

CONTENT_WIDTH_PT = (210 - 2 * 16) / 25.4 * 72  # A4 less the page margins of report.css
LABEL_SHARE, TRACK_SHARE = 0.40, 0.46  # of the content width; the amounts take the rest
LABEL_PADDING_PT = 8.0
FONT_SIZE = 8.5  # pt, as .bar-chart in report.css
ROW_MM = 6.2
BAR_SHARE = 0.62  # of the row height

LABEL_WIDTH = CONTENT_WIDTH_PT * LABEL_SHARE - LABEL_PADDING_PT


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: float
    display: str
    role: str  # current, reference, offer, best


class _Metrics:
    def __init__(self, path):
        from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

        font = TTFont(str(path), lazy=True)
        self.units = font["head"].unitsPerEm
        self.cmap = font.getBestCmap()
        self.advance = {name: adv for name, (adv, _) in font["hmtx"].metrics.items()}
        self.default = self.units * 0.6

    def width(self, text: str, size: float) -> float:
        total = 0.0
        for ch in text:
            glyph = self.cmap.get(ord(ch))
            total += self.advance.get(glyph, self.default) if glyph else self.default
        return total * size / self.units


@lru_cache(maxsize=2)
def metrics(bold: bool = False) -> _Metrics:
    name = "SourceSansPro-Semibold.ttf" if bold else "SourceSansPro-Regular.ttf"
    return _Metrics(FONT_DIR / name)


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Width in points of `text` in the bundled font (no kerning: a little wide)."""
    return metrics(bold).width(text, size)


def fit(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """`text`, shortened with "…" at a word or letter so it fits `width` points."""
    if text_width(text, size, bold) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(" –-,") + "…"
        if text_width(candidate, size, bold) <= width and len(candidate) > 12:
            return candidate
    letters = text
    while letters:
        letters = letters[:-1]
        candidate = letters.rstrip() + "…"
        if text_width(candidate, size, bold) <= width:
            return candidate
    return "…"


def bar_chart(bars: list[ChartBar], *, primary: str, accent: str) -> str:
    """The chart as an HTML table: label, bar, amount; one row per bar, the
    longest bar filling the track. Empty string when there is nothing to draw."""
    bars = [b for b in bars if b.value is not None and b.value >= 0]
    if not bars:
        return ""
    top = max(b.value for b in bars) or 1.0
    colours = {"current": accent, "reference": "#8a94a0", "offer": primary, "best": primary}
    opacity = {"offer": "0.45"}
    height = ROW_MM * len(bars)
    rects = []
    for i, bar in enumerate(bars):
        length = max(0.5, 100.0 * bar.value / top)
        y = i * ROW_MM + ROW_MM * (1 - BAR_SHARE) / 2
        rects.append(
            f'<rect x="0" y="{y:.2f}" width="{length:.2f}" height="{ROW_MM * BAR_SHARE:.2f}" '
            f'fill="{colours.get(bar.role, primary)}" fill-opacity="{opacity.get(bar.role, "1")}"/>'
        )
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 {height:.2f}" preserveAspectRatio="none" '
           f'style="width: 100%; height: {height:.2f}mm">{"".join(rects)}</svg>')
    rows = []
    for i, bar in enumerate(bars):
        strong = bar.role in ("current", "best")
        label = html.escape(fit(bar.label, LABEL_WIDTH, FONT_SIZE, strong), quote=False)
        track = f'<td class="track" rowspan="{len(bars)}">{svg}</td>' if i == 0 else ""
        rows.append(f'<tr class="{"strong" if strong else "plain"}"><td class="label">{label}</td>{track}'
                    f'<td class="amount">{html.escape(bar.display, quote=False)}</td></tr>')
    return ('<table class="bar-chart"><colgroup><col class="label"><col class="track"><col class="amount">'
            f'</colgroup>{"".join(rows)}</table>')
