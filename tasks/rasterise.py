"""Turn the uploaded files into pages: words from a PDF text layer when it
is usable, otherwise an image for the OCR stage.

Word boxes are in points of the upright page, origin top left, whatever the
source, so the extractor sees one geometry (see docs/architecture.md).
"""
from __future__ import annotations

import io
import math
import struct
import time
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tasks import pdfium
from tasks.errors import FileTooLarge, InvalidFile, InvalidParameter
from tasks.model import Page, Word

# A4 long side, used to size photos and scans that carry no sane dpi.
A4_LONG_SIDE_IN = 297 / 25.4

# Share of the page height (top and bottom) and width (left and right)
# treated as margins: running headers, footers, page numbers and the
# vertical references printed along the edge of bills live there, and a
# scanner or a mail system may add such text to an otherwise scanned page.
MARGIN_Y = 0.08
MARGIN_X = 0.05
# Below this many letters and digits in the body, a page is read by OCR.
MIN_BODY_CHARS = 40
# A page mostly covered by images needs more visible text than that to be
# trusted: a scan with a few typed annotations must still be OCRed.
IMAGE_COVER_SCANNED = 0.5
MIN_BODY_CHARS_OVER_IMAGE = 200
# Confidence given to an invisible text layer (another program's OCR): good
# enough to use when it looks sane, but not a digital original.
INVISIBLE_LAYER_CONF = 0.9

_PDF_EOF_TAIL = 4096
_IMAGE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "BMP": "BMP", "TIFF": "TIFF"}
_SUFFIX_FORMATS = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".bmp": "BMP", ".tif": "TIFF", ".tiff": "TIFF",
}


def load_pages(
    files: list[Path],
    kind: Literal["pdf", "images"],
    *,
    max_pages: int = 20,
    max_pixels: int = 60_000_000,
    dpi: int = 300,
) -> list[Page]:
    """Read a PDF (one file) or images (one page per file, every frame of a
    multi-page TIFF) into pages in document order.

    Raises `InvalidFile` for an empty, corrupt, truncated, encrypted or
    mislabelled file and `FileTooLarge` beyond `max_pages` pages or
    `max_pixels` pixels in one image.
    """
    files = [Path(f) for f in files]
    if not files:
        raise InvalidFile("Aucun fichier n'a été envoyé.")
    if kind == "pdf":
        if len(files) != 1:
            raise InvalidFile("Envoyez un seul fichier PDF par facture.")
        return _load_pdf(files[0], max_pages=max_pages, max_pixels=max_pixels, dpi=dpi)
    if kind == "images":
        return _load_images(files, max_pages=max_pages, max_pixels=max_pixels, dpi=dpi)
    raise InvalidParameter("Type de fichier inconnu : « pdf » ou « images » attendu.", field="kind")


# --------------------------------------------------------------------- PDF


def _load_pdf(path: Path, *, max_pages: int, max_pixels: int, dpi: int) -> list[Page]:
    _check_pdf_bytes(path)
    try:
        with pdfium.open_pdf(path) as pdf:
            count = len(pdf)
            if count == 0:
                raise InvalidFile("Le PDF ne contient aucune page.")
            if count > max_pages:
                raise FileTooLarge(
                    f"Le document compte {count} pages ; le maximum accepté est de {max_pages} pages."
                )
            return [_pdf_page(pdf, index, max_pixels=max_pixels, dpi=dpi) for index in range(count)]
    except pdfium.PdfPasswordError:
        raise InvalidFile(
            "Le PDF est protégé par un mot de passe : envoyez une version sans mot de passe."
        ) from None
    except pdfium.PdfFormatError:
        raise InvalidFile("Le PDF est illisible ou endommagé.") from None


def _check_pdf_bytes(path: Path) -> None:
    """Cheap checks PDFium would paper over: it repairs many broken files,
    but a file that is not a PDF at all, or that stops before its end (an
    interrupted upload), must be refused, not half read."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
            handle.seek(max(0, size - _PDF_EOF_TAIL))
            tail = handle.read()
    except OSError:
        raise InvalidFile("Le fichier envoyé est illisible.") from None
    if size == 0:
        raise InvalidFile("Le fichier envoyé est vide.")
    if b"%PDF-" not in head:
        raise InvalidFile("Le fichier envoyé n'est pas un PDF.")
    if b"%%EOF" not in tail:
        raise InvalidFile("Le PDF est incomplet : le fichier semble tronqué.")


def _pdf_page(pdf: pdfium.PdfFile, index: int, *, max_pixels: int, dpi: int) -> Page:
    started = time.perf_counter()
    try:
        info = pdf.read_page(index)
    except Exception:  # PDFium raises bare errors on broken page trees
        raise InvalidFile(f"La page {index + 1} du PDF est illisible.") from None
    if info.width <= 0 or info.height <= 0:
        raise InvalidFile(f"La page {index + 1} du PDF n'a pas de dimensions valides.")
    if info.largest_image_pixels > max_pixels:
        raise FileTooLarge(_too_many_pixels_detail(info.largest_image_pixels, max_pixels))

    words, extra_rotation, usable = _text_layer(info)
    if usable:
        width, height = info.width, info.height
        if extra_rotation in (90, 270):
            width, height = height, width
        page = Page(
            number=index + 1,
            width=width,
            height=height,
            words=words,
            source="text",
            rotation=(info.rotation + extra_rotation) % 360,
        )
        page.timings_ms["rasterise"] = _ms(started)
        return page

    render_dpi = _render_dpi(info.width, info.height, dpi, max_pixels)
    try:
        image = pdf.render(index, render_dpi)
    except Exception:
        raise InvalidFile(f"La page {index + 1} du PDF ne peut pas être affichée.") from None
    page = Page(
        number=index + 1,
        width=info.width,
        height=info.height,
        source="ocr",
        image=image,
        dpi=int(round(render_dpi)),
        rotation=info.rotation,
    )
    page.timings_ms["rasterise"] = _ms(started)
    return page


def _render_dpi(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> float:
    """`dpi`, lowered for oversized pages so that one image stays within
    `max_pixels` (text on a poster-sized page is large, it reads fine)."""
    pixels = (width_pt * dpi / 72.0) * (height_pt * dpi / 72.0)
    if pixels <= max_pixels:
        return float(dpi)
    return max(1.0, dpi * math.sqrt(max_pixels / pixels) * 0.999)


# ------------------------------------------------------------- text layer


@dataclass(slots=True)
class _Glyph:
    text: str
    x0: float  # ink box, for the word's box
    y0: float
    x1: float
    y1: float
    a0: float  # loose extent along the baseline, in reading direction
    a1: float
    c0: float  # loose extent across the baseline (the line's band)
    c1: float
    direction: int  # 0, 90, 180 or 270: baseline direction, counter-clockwise
    invisible: bool


def _text_layer(info: pdfium.PageInfo) -> tuple[list[Word], int, bool]:
    """The page's words, the extra rotation that makes its text upright, and
    whether the layer is good enough to skip OCR."""
    glyphs = _glyphs(info.chars)
    visible = [g for g in glyphs if g is not None and not g.invisible]
    invisible = [g for g in glyphs if g is not None and g.invisible]

    body_visible = _body_chars(visible, info.width, info.height)
    body_invisible = _body_chars(invisible, info.width, info.height)
    scanned_look = info.image_cover >= IMAGE_COVER_SCANNED
    needed = MIN_BODY_CHARS_OVER_IMAGE if scanned_look else MIN_BODY_CHARS

    words = _words(glyphs)
    if len(body_visible) >= needed:
        # Over a full-page image the text may be an OCR layer hidden under
        # the picture rather than an invisible one: judge it as such.
        usable = _looks_sane(words, strict=scanned_look)
    elif len(body_invisible) >= MIN_BODY_CHARS:
        # Another program's OCR layer: only as good as its text looks.
        usable = _looks_sane(words, strict=True)
    else:
        usable = False
    if not usable:
        return [], 0, False
    extra_rotation = _dominant_direction(glyphs)
    words = _rotate_words(words, extra_rotation, info.width, info.height)
    return reading_order(words), extra_rotation, True


def _glyphs(chars: list[pdfium.Char]) -> list[_Glyph | None]:
    """Characters normalised for matching; None marks a word break."""
    out: list[_Glyph | None] = []
    for char in chars:
        if char.generated or char.text.isspace():
            out.append(None)
            continue
        # Ligatures (ﬁ), full-width forms and superscripts (m³) as plain
        # characters, like OCR would read them.
        text = unicodedata.normalize("NFKC", char.text)
        text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
        if not text:
            continue  # soft hyphens, zero-width and control characters
        if text.isspace():
            out.append(None)
            continue
        direction = int(round(char.angle / 90.0)) % 4 * 90
        if direction == 0:
            along, across = (char.lx0, char.lx1), (char.ly0, char.ly1)
        elif direction == 180:
            along, across = (-char.lx1, -char.lx0), (char.ly0, char.ly1)
        elif direction == 90:  # reads upwards
            along, across = (-char.ly1, -char.ly0), (char.lx0, char.lx1)
        else:
            along, across = (char.ly0, char.ly1), (char.lx0, char.lx1)
        # The word box spans the line band across the baseline (so words of
        # one line share it) and the ink along it.
        if direction in (0, 180):
            box = (char.x0, across[0], char.x1, across[1])
        else:
            box = (across[0], char.y0, across[1], char.y1)
        out.append(_Glyph(text, *box, *along, *across, direction, char.invisible))
    return out


def _body_chars(glyphs: list[_Glyph], width: float, height: float) -> list[_Glyph]:
    left, right = width * MARGIN_X, width * (1 - MARGIN_X)
    top, bottom = height * MARGIN_Y, height * (1 - MARGIN_Y)
    return [
        g
        for g in glyphs
        if g.text.isalnum()
        and left <= (g.x0 + g.x1) / 2 <= right
        and top <= (g.y0 + g.y1) / 2 <= bottom
    ]


def _same_word(prev: _Glyph, cur: _Glyph) -> bool:
    if prev.direction != cur.direction or prev.invisible != cur.invisible:
        return False
    size = max(min(prev.c1 - prev.c0, cur.c1 - cur.c0), 0.1)
    if min(prev.c1, cur.c1) - max(prev.c0, cur.c0) < 0.5 * size:
        return False  # another line
    if abs(cur.a0 - prev.a0) < 0.01 and abs(cur.a1 - prev.a1) < 0.01:
        return True  # the characters of one ligature glyph (« ff » in « Offre ») share its box
    # Advance boxes of one word touch; a space is about 0.25 em and the
    # line band about 1.15 em. A backward jump is a new line or column.
    gap = cur.a0 - prev.a1
    return -0.3 * size <= gap <= 0.15 * size and cur.a0 >= prev.a0


def _words(glyphs: list[_Glyph | None]) -> list[Word]:
    words: list[Word] = []
    run: list[_Glyph] = []

    def flush():
        if run:
            conf = INVISIBLE_LAYER_CONF if run[0].invisible else 1.0
            words.append(
                Word(
                    "".join(g.text for g in run),
                    round(min(g.x0 for g in run), 2),
                    round(min(g.y0 for g in run), 2),
                    round(max(g.x1 for g in run), 2),
                    round(max(g.y1 for g in run), 2),
                    conf,
                )
            )
            run.clear()

    for glyph in glyphs:
        if glyph is None:
            flush()
            continue
        if run and not _same_word(run[-1], glyph):
            flush()
        run.append(glyph)
    flush()
    return words


def _dominant_direction(glyphs: list[_Glyph | None]) -> int:
    """The direction most of the text runs in; a page whose content is drawn
    sideways without a /Rotate (some landscape exports) is turned upright."""
    counts = {0: 0, 90: 0, 180: 0, 270: 0}
    for g in glyphs:
        if g is not None:
            counts[g.direction] += 1
    total = sum(counts.values())
    best = max(counts, key=counts.get)
    if total and best != 0 and counts[best] >= 0.6 * total:
        return best
    return 0


def _rotate_words(words: list[Word], rotation: int, width: float, height: float) -> list[Word]:
    """Turn the page `rotation` degrees clockwise (text running at that angle
    counter-clockwise then reads left to right)."""
    if rotation == 0:
        return words
    out = []
    for w in words:
        if rotation == 90:
            x0, y0, x1, y1 = height - w.y1, w.x0, height - w.y0, w.x1
        elif rotation == 180:
            x0, y0, x1, y1 = width - w.x1, height - w.y1, width - w.x0, height - w.y0
        else:
            x0, y0, x1, y1 = w.y0, width - w.x1, w.y1, width - w.x0
        out.append(Word(w.text, round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2), w.conf))
    return out


def reading_order(words: list[Word]) -> list[Word]:
    """Top to bottom by lines found from the boxes, left to right in a line:
    a stable order for callers that do not rebuild lines themselves."""
    lines: list[tuple[float, float, list[Word]]] = []
    for w in sorted(words, key=lambda w: ((w.y0 + w.y1) / 2, w.x0)):
        h = max(w.y1 - w.y0, 0.1)
        if lines:
            top, bottom, members = lines[-1]
            overlap = min(bottom, w.y1) - max(top, w.y0)
            if overlap >= 0.5 * min(h, bottom - top):
                members.append(w)
                lines[-1] = (min(top, w.y0), max(bottom, w.y1), members)
                continue
        lines.append((w.y0, w.y1, [w]))
    return [w for _, _, members in lines for w in sorted(members, key=lambda w: w.x0)]


_VOWELS = set("aeiouyàâäéèêëîïôöùûüÿæœ")


def _looks_sane(words: list[Word], *, strict: bool = False) -> bool:
    """Whether a text layer reads as text rather than glyph garbage (fonts
    without a usable ToUnicode map, or a poor OCR layer): most characters
    are ordinary Latin letters, digits and punctuation, and most words look
    like words."""
    text = "".join(w.text for w in words)
    if not text:
        return False
    ordinary = sum(1 for c in text if _ordinary_char(c))
    if ordinary / len(text) < (0.95 if strict else 0.9):
        return False
    alpha = [w.text.strip(".,;:!?()[]«»\"'") for w in words]
    alpha = [t for t in alpha if len(t) >= 3 and t.isalpha()]
    if len(alpha) < 5:
        return not strict
    plausible = sum(1 for t in alpha if _plausible_word(t))
    return plausible / len(alpha) >= (0.75 if strict else 0.6)


def _ordinary_char(c: str) -> bool:
    if c.isascii():
        return c.isprintable()
    category = unicodedata.category(c)
    if category.startswith("L"):
        return "LATIN" in unicodedata.name(c, "")
    return c in "€°²³«»–—’‘“”…•·×÷±§µ¼½¾" or category.startswith(("N", "P", "S"))


def _plausible_word(token: str) -> bool:
    lower = token.lower()
    if not any(c in _VOWELS for c in lower):
        return False
    # "Facture", "FACTURE", "facture" and "kWh"-like units are fine; random
    # case changes inside a word are what garbage looks like.
    rest = token[1:]
    return rest.islower() or rest.isupper() or sum(c.isupper() for c in rest) <= 1


# ------------------------------------------------------------------ images


def _load_images(files: list[Path], *, max_pages: int, max_pixels: int, dpi: int) -> list[Page]:
    from PIL import Image

    # Pillow warns from MAX_IMAGE_PIXELS and refuses from twice that; the
    # project's limit is checked on the header first, so this is a backstop.
    Image.MAX_IMAGE_PIXELS = max_pixels
    if len(files) > max_pages:
        raise FileTooLarge(f"Le document compte {len(files)} pages ; le maximum accepté est de {max_pages} pages.")
    pages: list[Page] = []
    for position, path in enumerate(files, start=1):
        started = time.perf_counter()
        frames = _read_image(path, position, max_pixels=max_pixels, dpi=dpi, remaining=max_pages - len(pages))
        spent = _ms(started) / max(len(frames), 1)
        for image, rotation, image_dpi in frames:
            page = _image_page(len(pages) + 1, image, rotation, image_dpi)
            page.timings_ms["rasterise"] = spent
            pages.append(page)
    return pages


def _unreadable(position: int) -> InvalidFile:
    return InvalidFile(
        f"L'image n° {position} est illisible ou n'est pas une image JPEG, PNG, BMP ou TIFF valide."
    )


def _read_image(path: Path, position: int, *, max_pixels: int, dpi: int, remaining: int):
    """(upright greyscale image, clockwise rotation applied from the EXIF
    orientation, dpi from metadata or 0) for each page of the file."""
    from PIL import Image, UnidentifiedImageError

    try:
        if path.stat().st_size == 0:
            raise InvalidFile(f"L'image n° {position} est vide.")
        data = path.read_bytes()
    except OSError:
        raise _unreadable(position) from None
    if _cut_short(data):
        raise InvalidFile(f"L'image n° {position} est incomplète : le fichier semble tronqué.")
    frames: list[tuple[object, int, float]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt = _IMAGE_FORMATS.get(img.format or "")
                if fmt is None:
                    raise _unreadable(position)
                expected = _SUFFIX_FORMATS.get(path.suffix.lower())
                if expected is not None and expected != fmt:
                    raise InvalidFile(
                        f"Le contenu de l'image n° {position} ne correspond pas à son extension ({path.suffix.lower()})."
                    )
                count = getattr(img, "n_frames", 1) if fmt == "TIFF" else 1
                if count > remaining:
                    raise FileTooLarge("Le document compte trop de pages ; le maximum accepté est atteint.")
                for frame_index in range(count):
                    if frame_index:
                        img.seek(frame_index)
                    frames.append(_decode_frame(img, position, max_pixels=max_pixels, dpi=dpi))
    except (InvalidFile, FileTooLarge):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileTooLarge(
            f"L'image n° {position} est trop grande ; le maximum accepté est de "
            f"{_millions(max_pixels)} de pixels."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError,
            TypeError, KeyError, ZeroDivisionError, struct.error):
        raise _unreadable(position) from None
    except MemoryError:
        raise FileTooLarge(f"L'image n° {position} est trop grande pour être traitée.") from None
    return frames


def _cut_short(data: bytes) -> bool:
    """A JPEG that stops before its end-of-image marker or a PNG before its
    IEND chunk: an interrupted upload. Checked on the bytes because
    Pillow's own check can be switched off process-wide (WeasyPrint sets
    `ImageFile.LOAD_TRUNCATED_IMAGES = True` when imported) and a truncated
    picture would then be read with its bottom part grey. Data after the
    end (phones append motion-photo videos) does not matter."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg_cut_short(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_cut_short(data)
    return False


def _jpeg_cut_short(data: bytes) -> bool:
    # Walk the marker segments (their lengths skip the EXIF thumbnail and
    # its own end marker) to the first scan; in scan data a 0xFF byte is
    # always followed by 0x00 or a restart marker, so the next FFD9 ends
    # the image.
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return False  # not a layout this check understands: let Pillow judge
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            return False
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2: pos + 4])[0]
        if marker == 0xDA:
            return data.find(b"\xff\xd9", pos + 2 + length) < 0
        pos += 2 + length
    return True


def _png_cut_short(data: bytes) -> bool:
    pos = 8
    while pos + 8 <= len(data):
        length = struct.unpack(">I", data[pos: pos + 4])[0]
        if data[pos + 4: pos + 8] == b"IEND":
            return False
        pos += 12 + length
    return True


def _decode_frame(img, position: int, *, max_pixels: int, dpi: int):
    width, height = img.size
    if width <= 0 or height <= 0:
        raise InvalidFile(f"L'image n° {position} est vide (0 pixel).")
    if width * height > max_pixels:
        raise FileTooLarge(_too_many_pixels_detail(width * height, max_pixels, position))
    meta_dpi = _metadata_dpi(img.info.get("dpi"), width, height)
    if img.format in ("JPEG", "MPO"):
        # Let libjpeg decode straight to grey and, for a phone's 48 MP
        # picture, at 1/2 or 1/4 scale while keeping an A4 at `dpi` sharp.
        img.draft("L", _useful_pixels(width, height, meta_dpi, dpi) or (width, height))
    orientation = _exif_orientation(img)
    img.load()
    scale = img.size[0] / width
    frame = _apply_orientation(_to_grey(img), orientation)
    return frame, _ORIENTATION_ROTATION[orientation], meta_dpi * scale


def _to_grey(img):
    """8-bit greyscale whatever the mode; transparency becomes white paper."""
    from PIL import Image

    mode = img.mode
    if mode == "L":
        return img.copy()
    if mode in ("1", "P", "PA", "LA", "RGBA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        return background.convert("L")
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        import numpy as np

        array = np.asarray(img, dtype=np.float64)
        low, high = float(array.min()), float(array.max())
        if high <= low:
            return Image.new("L", img.size, 255)
        array = (array - low) * (255.0 / (high - low))
        return Image.fromarray(array.clip(0, 255).astype("uint8"), "L")
    if mode == "CMYK":
        return img.convert("RGB").convert("L")
    return img.convert("RGB").convert("L")


_ORIENTATION_ROTATION = {1: 0, 2: 0, 3: 180, 4: 180, 5: 90, 6: 90, 7: 270, 8: 270}


def _exif_orientation(img) -> int:
    try:
        orientation = int(img.getexif().get(0x0112, 1))
    except Exception:  # a broken EXIF block must not lose the picture
        return 1
    return orientation if orientation in _ORIENTATION_ROTATION else 1


def _apply_orientation(frame, orientation: int):
    from PIL import Image

    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return frame.transpose(method) if method is not None else frame


def _metadata_dpi(value, width: int, height: int) -> float:
    """The dpi the file states, when it describes a page-sized sheet; phones
    write 72 dpi whatever the picture, which would make a 4000-pixel photo
    a 55-inch page."""
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        return 0.0
    if not (50 <= x <= 1200) or abs(x - y) > 0.02 * x:
        return 0.0
    long_in = max(width, height) / x
    if not (4.0 <= long_in <= 20.0):
        return 0.0
    return x


def _useful_pixels(width: int, height: int, meta_dpi: float, dpi: int) -> tuple[int, int] | None:
    long_side = max(width, height)
    wanted = int(A4_LONG_SIDE_IN * dpi * 1.25)
    if meta_dpi:
        wanted = max(wanted, int(long_side * min(1.0, dpi / meta_dpi)))
    if long_side <= wanted:
        return None
    ratio = wanted / long_side
    return max(1, int(width * ratio)), max(1, int(height * ratio))


def _image_page(number: int, image, rotation: int, meta_dpi: float) -> Page:
    width_px, height_px = image.size
    dpi = meta_dpi or max(width_px, height_px) / A4_LONG_SIDE_IN
    return Page(
        number=number,
        width=round(width_px * 72.0 / dpi, 2),
        height=round(height_px * 72.0 / dpi, 2),
        source="ocr",
        image=image,
        dpi=max(1, int(round(dpi))),
        rotation=rotation,
    )


# ----------------------------------------------------------------- helpers


def _too_many_pixels_detail(pixels: int, max_pixels: int, position: int | None = None) -> str:
    what = f"L'image n° {position}" if position else "Une image du document"
    return (
        f"{what} est trop grande ({_millions(pixels)} de pixels) ; "
        f"le maximum accepté est de {_millions(max_pixels)} de pixels."
    )


def _millions(pixels: int) -> str:
    value = pixels / 1_000_000
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text} millions"


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 2)
