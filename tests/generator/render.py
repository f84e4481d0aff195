"""HTML → digital PDF (WeasyPrint), and PDF pages → images for the degraded formats."""
from __future__ import annotations

import io
import logging
import threading

import pypdfium2 as pdfium
from PIL import Image

# WeasyPrint warns about CSS it ignores; the bills do not need those lines.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)

_PDFIUM = threading.Lock()  # PDFium is not thread-safe


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: 0.35 s, only when a bill is drawn

    return HTML(string=html, base_url=".").write_pdf()


def page_count(pdf: bytes) -> int:
    with _PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        try:
            return len(doc)
        finally:
            doc.close()


def rasterise(pdf: bytes, dpi: int, *, grey: bool = False) -> list[Image.Image]:
    """Every page at `dpi`, white background."""
    out = []
    with _PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        try:
            for page in doc:
                bitmap = page.render(scale=dpi / 72, grayscale=grey)
                img = bitmap.to_pil()
                out.append(img.convert("L" if grey else "RGB"))
                page.close()
        finally:
            doc.close()
    return out


def text_layer(pdf: bytes) -> list[str]:
    """The text of each page, as a reader of the PDF sees it."""
    pages = []
    with _PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        try:
            for page in doc:
                tp = page.get_textpage()
                pages.append(tp.get_text_range())
                tp.close()
                page.close()
        finally:
            doc.close()
    return pages


def image_bytes(img: Image.Image, fmt: str, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    if fmt == "jpeg":
        img.save(buf, "JPEG", quality=quality, optimize=False)
    else:
        img.save(buf, "PNG", compress_level=6)
    return buf.getvalue()
