"""The one wrapper around pypdfium2.

PDFium is not thread-safe (OCRmyPDF holds one global lock around it for the
same reason), and Flask threads or Prefect's thread runner may read two bills
at once: every call into pypdfium2 in this project goes through this module,
under `LOCK`. Callers get plain Python data (characters with boxes in upright
page points, PIL images), never a PDFium handle that could escape the lock.
"""
from __future__ import annotations

import ctypes
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as raw

if TYPE_CHECKING:
    from PIL.Image import Image

# Re-entrant so that a helper called with the lock held can take it again.
LOCK = threading.RLock()

_TEXT_RENDER_INVISIBLE = 3  # PDF text render mode "neither fill nor stroke"
# A bill page holds a few thousand characters; reading one costs about
# 20 us. Beyond this a page is hostile or not a bill: its text is not read
# (the page then goes to OCR like a scan) rather than spending minutes.
MAX_CHARS_PER_PAGE = 100_000


class PdfPasswordError(Exception):
    """The PDF needs a password to be opened."""


class PdfFormatError(Exception):
    """PDFium cannot read the file as a PDF."""


@dataclass(frozen=True, slots=True)
class Char:
    """One character of the text layer, in points of the upright page, origin
    at its top left. `x0..y1` is the glyph's tight box (ink); `lx0..ly1` its
    loose box, from the font's ascent, descent and advance width: the same
    height for every glyph of a run and no gap between letters of a word,
    which is what finds lines and words. `angle` is the baseline's direction
    on the upright page in degrees counter-clockwise (0: normal text)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    lx0: float
    ly0: float
    lx1: float
    ly1: float
    angle: float
    size: float  # font size in points, 0 when PDFium does not know
    generated: bool  # a space or line break PDFium inferred, not in the file
    invisible: bool  # drawn with render mode 3 (typical of OCR layers)


@dataclass(slots=True)
class PageInfo:
    index: int  # 0-based
    width: float  # points, upright
    height: float
    rotation: int  # the page's /Rotate, clockwise degrees
    chars: list[Char]
    unicode_errors: bool  # the text layer maps some glyphs to no character
    image_cover: float  # share of the page area covered by images, 0..1 (capped)
    largest_image_pixels: int  # pixel count of the largest embedded image


def _transform(rotation: int, bbox: tuple[float, float, float, float]):
    """The map from PDF user space to upright page points (origin top left,
    y down), for a page with this /Rotate and visible box."""
    left, bottom, right, top = bbox
    if rotation == 90:
        return lambda x, y: (y - bottom, x - left)
    if rotation == 180:
        return lambda x, y: (right - x, y - bottom)
    if rotation == 270:
        return lambda x, y: (top - y, right - x)
    return lambda x, y: (x - left, top - y)


class PdfFile:
    """An open PDF; use it through `open_pdf`, which holds the lock."""

    def __init__(self, doc: pdfium.PdfDocument):
        self._doc = doc

    def __len__(self) -> int:
        return len(self._doc)

    def page_sizes(self) -> list[tuple[float, float]]:
        """Upright page sizes in points, without loading page content."""
        sizes = []
        for index in range(len(self._doc)):
            width, height = self._doc.get_page_size(index)
            sizes.append((float(width), float(height)))
        return sizes

    def read_page(self, index: int) -> PageInfo:
        page = self._doc[index]
        try:
            return _read_page(page, index)
        finally:
            page.close()

    def render(self, index: int, dpi: float) -> "Image":
        """The upright page in greyscale at `dpi`, white background."""
        page = self._doc[index]
        try:
            bitmap = page.render(
                scale=dpi / 72.0,
                grayscale=True,
                fill_color=(255, 255, 255, 255),
                may_draw_forms=False,
                draw_annots=True,
            )
            try:
                image = bitmap.to_pil()
                # to_pil may share the bitmap's buffer: copy before closing it.
                image = image.convert("L") if image.mode != "L" else image.copy()
            finally:
                bitmap.close()
            return image
        finally:
            page.close()


@contextmanager
def open_pdf(path: Path) -> Iterator[PdfFile]:
    """Open `path` under the lock, which stays held until the block ends.

    Raises `PdfPasswordError` when a password is needed and
    `PdfFormatError` when PDFium cannot parse the file.
    """
    with LOCK:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
                raise PdfPasswordError(str(exc)) from None
            raise PdfFormatError(str(exc)) from None
        try:
            yield PdfFile(doc)
        finally:
            doc.close()


def _read_page(page: pdfium.PdfPage, index: int) -> PageInfo:
    rotation = page.get_rotation() % 360
    bbox = tuple(float(v) for v in page.get_bbox())
    left, bottom, right, top = bbox
    width, height = right - left, top - bottom
    if rotation in (90, 270):
        width, height = height, width
    to_upright = _transform(rotation, bbox)

    textpage = page.get_textpage()
    try:
        chars, unicode_errors = _read_chars(textpage, rotation, to_upright)
    finally:
        textpage.close()
    cover, largest = _image_stats(page, bbox)
    return PageInfo(index, width, height, rotation, chars, unicode_errors, cover, largest)


def _read_chars(textpage, rotation: int, to_upright) -> tuple[list[Char], bool]:
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    if count > MAX_CHARS_PER_PAGE:
        return [], False
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    loose = raw.FS_RECTF()
    render_modes: dict[int, bool] = {}
    chars: list[Char] = []
    unicode_errors = False
    for i in range(max(count, 0)):
        code = raw.FPDFText_GetUnicode(handle, i)
        if code == 0:
            continue
        try:
            text = chr(code)
        except ValueError:
            continue
        if raw.FPDFText_HasUnicodeMapError(handle, i) == 1:
            unicode_errors = True
        generated = raw.FPDFText_IsGenerated(handle, i) == 1
        if text.isspace() or generated:
            chars.append(Char(text, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0, True, False))
            continue
        if not raw.FPDFText_GetCharBox(handle, i, left, right, bottom, top):
            continue
        xa, ya = to_upright(left.value, top.value)
        xb, yb = to_upright(right.value, bottom.value)
        x0, x1 = sorted((xa, xb))
        y0, y1 = sorted((ya, yb))

        angle = raw.FPDFText_GetCharAngle(handle, i)
        # PDFium gives the angle clockwise in radians in user space (y up);
        # /Rotate turns the page clockwise, so on the upright page the
        # baseline points at (angle + rotation) degrees clockwise.
        degrees = 0.0 if angle < 0 else (math.degrees(angle) + rotation) % 360.0
        lx0, ly0, lx1, ly1 = x0, y0, x1, y1
        if raw.FPDFText_GetLooseCharBox(handle, i, loose):
            la, lb = to_upright(loose.left, loose.top)
            lc, ld = to_upright(loose.right, loose.bottom)
            if lc != la and ld != lb:
                lx0, lx1 = sorted((la, lc))
                ly0, ly1 = sorted((lb, ld))

        invisible = False
        obj = raw.FPDFText_GetTextObject(handle, i)
        if obj:
            key = ctypes.cast(obj, ctypes.c_void_p).value or 0
            if key not in render_modes:
                render_modes[key] = raw.FPDFTextObj_GetTextRenderMode(obj) == _TEXT_RENDER_INVISIBLE
            invisible = render_modes[key]
        size = raw.FPDFText_GetFontSize(handle, i)
        chars.append(
            Char(text, x0, y0, x1, y1, lx0, ly0, lx1, ly1, round((360.0 - degrees) % 360.0, 3) % 360.0,
                 float(size) if size and size > 0 else 0.0, False, invisible)
        )
    return chars, unicode_errors


def _image_stats(page: pdfium.PdfPage, bbox) -> tuple[float, int]:
    """How much of the page images cover, and the largest image in pixels,
    to spot scanned pages under a thin text layer and images too big to
    decode safely. Form XObjects are searched too (scanners nest them)."""
    left, bottom, right, top = bbox
    area = max((right - left) * (top - bottom), 1.0)
    covered = 0.0
    largest = 0
    try:
        objects = page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4)
        for obj in objects:
            try:
                x0, y0, x1, y1 = obj.get_bounds()
            except pdfium.PdfiumError:
                continue
            w = max(0.0, min(x1, right) - max(x0, left))
            h = max(0.0, min(y1, top) - max(y0, bottom))
            covered += w * h
            try:
                px_w, px_h = obj.get_px_size()
                largest = max(largest, int(px_w) * int(px_h))
            except (pdfium.PdfiumError, AttributeError):
                pass
    except pdfium.PdfiumError:
        pass
    return min(covered / area, 1.0), largest
