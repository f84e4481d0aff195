"""Data handed from one stage of the pipeline to the next."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # Pillow is only needed by the stages that hold images
    from PIL.Image import Image

PageSource = Literal["text", "ocr"]


@dataclass(frozen=True, slots=True)
class Word:
    """One word and its box, in PDF points (1/72 in), origin at the top left
    of the upright page. `conf` is 0..1 (1.0 for a PDF text layer)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float = 1.0


@dataclass(slots=True)
class Page:
    """One page of the bill.

    After `rasterise`, a page whose PDF text layer is usable has its `words`
    and `source == "text"`; any other page has an `image` (at `dpi`) and no
    words yet. After `ocr`, every page has words and no image.
    """

    number: int  # 1-based, in document order
    width: float  # points, upright page
    height: float
    words: list[Word] = field(default_factory=list)
    source: PageSource = "text"
    image: Image | None = None
    dpi: int = 0  # resolution of `image`, 0 when there is none
    rotation: int = 0  # clockwise degrees applied to make the page upright
    skew: float = 0.0  # degrees corrected before OCR
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def needs_ocr(self) -> bool:
        return self.source == "ocr" and not self.words
