"""A second look at the print Tesseract's page read left out or read unsurely.

Tesseract's layout analysis (page segmentation 3) now and then drops a short
run of print it found no line for, or reads it glued to a speck as a scrap
of letters at confidence 0: most often an amount alone at the right edge of
a table row (`153,92 € HT` read as `€ HT` or `ne € HT`), sometimes a label
or a postcode. The value is then missing from the bill although it is
plainly printed. Here the ink of the page that no sure word covers is found,
cut into line pieces, and the pieces are read again, all at once: each alone
on paper, stacked into one image, one more Tesseract as a single block of
text. Words read confidently join the page's, an unsure word they cover
gives way to them; a page whose print was all read surely costs no
Tesseract at all. A table cell printed on two lines beside cells of one
may make Tesseract read a row's cells as one unsure scrap twice as tall as
its print (`RE` for `11,010 c€/` over `kWh` and `27,75 €`): the cells under
such a scrap are read and replace it, on a sheet of their own when the page
has more pieces than the cap.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageOps

from tasks import imaging, tesseract
from tasks.imaging import long_runs

# The pieces, stacked, are read as one block of text.
PSM = 6
# Words read with less confidence (0-100) are unsure: their print is read again.
MIN_COVER_CONF = 50
# Ink analysed at this resolution: letters stay apart from their neighbours'
# boxes, grain averages out.
WORK_DPI = 100
# Print darker than the paper by this much (0-255) is ink; pale print has been
# darkened by then (imaging.darken_pale_print).
INK_CONTRAST = 70
# Sure words' boxes grown by this much (inches) before their ink counts as
# read: anti-aliased edges and accents stick out of Tesseract's boxes.
COVER_MARGIN_IN = 0.03
# Straight runs of ink this long (inches) are rules and box edges, not print.
RULE_IN = 0.4
# Gaps wider than this split a band of print into pieces (about two spaces).
SPLIT_GAP_IN = 0.15
# A band of print too tall for a line is cut into columns at gaps this wide.
COLUMN_GAP_IN = 0.3
# A piece of print worth a second read: a line of print's height, a short
# word's width (inches), and enough ink pixels (at WORK_DPI) to be letters
# rather than a speck of dust.
MIN_HEIGHT_IN, MAX_HEIGHT_IN = 0.07, 0.35
MIN_WIDTH_IN = 0.12
MIN_INK_PIXELS = 30
# Once MIN_WORDS_FOR_SIZE words were read surely, a piece's height is also
# within these multiples of their median height: a barcode or a logo is
# taller than a line of print, a rule's remnant flatter.
MIN_WORDS_FOR_SIZE = 20
MIN_SIZE_RATIO, MAX_SIZE_RATIO = 0.5, 2.2
# At most this many pieces per page: beyond, the page is not a clean read
# with a few holes but noise (a photo's texture, a logo, a barcode).
MAX_PIECES = 24
# An unsure word this many times taller than the page's print (or than the
# words read again over it) spans two lines of print: Tesseract's scrap over
# a table cell printed on two lines and its neighbours (`RE` over `11,010 c€/`
# and `kWh` beside `27,75 €`).
TALL_RATIO = 1.7
# Pieces are stacked with this much paper around each (inches).
PAD_IN = 0.08
# A word read again joins the page's only with this confidence (0-100), and
# only when it has two characters or more, letters or digits among them:
# one alone is as likely the remnant of a word read already. Units alone
# are kept (`15,09 €`, `TVA 20 %`).
MIN_CONF = 75
UNITS = ("€", "%")
# An unsure word gives way to the words read again over this share of its
# width; over less, they are only part of it, and it stays.
MIN_REPLACED_SHARE = 0.6
# Block numbers of words read again, apart from the page read's.
BLOCK_OFFSET = 50_000
# Paragraph number of the words read on the sheet of the lines of two-line
# cells under scraps.
CELL_LINES_PAR = 2


@dataclass(frozen=True, slots=True)
class Piece:
    """A box of print, in pixels."""

    left: int
    top: int
    right: int
    bottom: int
    # Under an unsure scrap spanning two lines of print: read on a sheet of its own.
    scrap: bool = False


def with_missed(image: Image.Image, words: list[tesseract.TessWord], dpi: float,
                read: Callable[[Image.Image], list[tesseract.TessWord]]) -> list[tesseract.TessWord]:
    """`words` (Tesseract's read of `image`) with those read again in the
    print they left out; `read` reads an image as Tesseract in mode PSM."""
    return merge(words, read_missed(image, words, dpi, read))


def read_missed(image: Image.Image, words: list[tesseract.TessWord], dpi: float,
                read: Callable[[Image.Image], list[tesseract.TessWord]]) -> list[tesseract.TessWord]:
    """The words read in the print that `words` left out, in `image`'s
    pixels: none, and no Tesseract run, when nothing was left out."""
    pieces = missed_pieces(image, words, dpi)
    # The cells of two lines under a scrap past the cap read apart from the
    # rest: on a sheet as wide as a long missed line, Tesseract read them unsurely.
    plain, scraps = [p for p in pieces if not p.scrap], [p for p in pieces if p.scrap]
    found = _read_pieces(image, plain, dpi, read) + [
        replace(w, par=CELL_LINES_PAR) for w in _read_pieces(image, scraps, dpi, read, first=len(plain))]
    fills = unsure_on_fills(image, words, dpi)
    if fills:
        turned = image.copy()
        for p in fills:
            box = (p.left, p.top, p.right, p.bottom)
            turned.paste(ImageOps.invert(image.crop(box)), box[:2])
        sure = [w for w in words if w.conf >= MIN_COVER_CONF]
        found += [w for w in _read_pieces(turned, fills, dpi, read, first=len(pieces))
                  if not any(_holds_middle(s, w) for s in sure)]
    return found


# An unsure word lies on a dark fill when this share of its box is darker
# than half the paper's level.
MIN_FILL_SHARE = 0.5


def unsure_on_fills(image: Image.Image, words: list[tesseract.TessWord], dpi: float) -> list[Piece]:
    """Boxes (pixels) of the dark fills that unsure words lie on: a fill of
    light print that Tesseract's layout analysis read badly (`et` for
    « Facture n° F-2414634664 » over « Émise le 04/11/24 » in a supplier's
    header, or `Ho` for the first line and nothing of the rest), which the
    same fill read alone, turned dark on light, reads right. No print darker
    than the paper stands there for `missed_pieces` to find. Off a fill
    `invert_dark_fills` finds (too thin, too large), an unsure scrap spanning
    lines, grown by a quarter of the print's height, stands for its fill."""
    sure = [w for w in words if w.conf >= MIN_COVER_CONF]
    if len(sure) < MIN_WORDS_FOR_SIZE:
        return []
    print_height = float(np.median([w.height for w in sure]))
    grey = np.asarray(image)
    paper = paper_level(grey)
    grow = round(0.25 * print_height)
    boxes: list[tuple[int, int, int, int]] = []
    fills = None  # the page's fills, found at the first unsure word lying on dark
    for w in words:
        if w.conf >= MIN_COVER_CONF or not _wordy(w):
            continue
        left, top = max(0, w.left - grow), max(0, w.top - grow)
        right, bottom = min(image.width, w.left + w.width + grow), min(image.height, w.top + w.height + grow)
        if (grey[top:bottom, left:right] < paper / 2).mean() < MIN_FILL_SHARE:
            continue
        fills = fills or imaging.dark_fills(image, dpi)
        box = fills.around(w.left + w.width // 2, w.top + w.height // 2)
        if box is None and w.height > TALL_RATIO * print_height:
            box = (left, top, right, bottom)
        if box is not None and box not in boxes:
            boxes.append(box)
    return [Piece(*box) for box in boxes[:MAX_PIECES]]


def _holds_middle(word: tesseract.TessWord, other: tesseract.TessWord) -> bool:
    """The middle of `other` lies in `word`'s box (a word read already)."""
    x, y = other.left + other.width / 2, other.top + other.height / 2
    return word.left <= x <= word.left + word.width and word.top <= y <= word.top + word.height


def _read_pieces(image: Image.Image, pieces: list[Piece], dpi: float,
                 read: Callable[[Image.Image], list[tesseract.TessWord]], first: int = 0) -> list[tesseract.TessWord]:
    if not pieces:
        return []
    # Each piece alone on paper: a neighbour's edge in the crop would stick to its words (`218,31:`).
    pad, edge = round(PAD_IN * dpi), max(1, round(dpi / WORK_DPI))
    boxes = [(max(0, p.left - edge), max(0, p.top - edge), min(image.width, p.right + edge),
              min(image.height, p.bottom + edge)) for p in pieces]
    sheet, rows = stack_on_paper(image, boxes, pad, paper_level(np.asarray(image)))
    # (first row on the sheet, last row + 1, left and top on the page of the sheet's origin)
    offsets = [(start, end, left - pad, top - pad) for (start, end), (left, top, _, _) in zip(rows, boxes)]
    found = []
    for w in _without_remnants([w for w in read(sheet) if w.conf >= MIN_CONF]):
        middle = w.top + w.height / 2
        for index, (start, end, left, top) in enumerate(offsets):
            if start <= middle < end:
                found.append(replace(w, left=max(0, w.left + left), top=max(0, w.top - start + top),
                                     block=BLOCK_OFFSET + first + index, par=1, line=1))
                break
    return found


def _wordy(w: tesseract.TessWord) -> bool:
    return len(w.text) > 1 and any(c.isalnum() for c in w.text)


def _without_remnants(words: list[tesseract.TessWord]) -> list[tesseract.TessWord]:
    """The words read again worth joining the page's: two characters or
    more, letters or digits among them, or a unit alone; a character alone
    is as likely the remnant of a word read already, unless it is a digit
    between two words of its own line of the sheet (`Fixe 2 ans`,
    `Zone 4 Profil`: a remnant sticks to the word it belongs to, at a
    piece's edge)."""
    kept = []
    for w in words:
        if w.text in UNITS or _wordy(w):
            kept.append(w)
        elif w.text.isdigit() and len(w.text) == 1:
            line = [o for o in words if (o.block, o.par, o.line) == (w.block, w.par, w.line) and _wordy(o)]
            if any(o.left + o.width <= w.left for o in line) and any(o.left >= w.left + w.width for o in line):
                kept.append(w)
    return kept


def paper_level(grey: np.ndarray) -> int:
    """The page's paper grey (0-255): most of a page is paper."""
    return int(np.median(grey[::8, ::8]))


def stack_on_paper(image: Image.Image, boxes: list[tuple[int, int, int, int]], pad: int,
                   paper: int) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The `boxes` of `image` cut out and stacked one under another on paper
    of grey `paper`, `pad` pixels of it around each, to be read by one
    Tesseract; and each box's rows on the sheet, [first, last)."""
    sheet = Image.new("L", (max(r - l for l, _, r, _ in boxes) + 2 * pad,
                            sum(b - t + 2 * pad for _, t, _, b in boxes)), paper)
    rows, y = [], 0
    for left, top, right, bottom in boxes:
        sheet.paste(image.crop((left, top, right, bottom)), (pad, y + pad))
        rows.append((y, y + bottom - top + 2 * pad))
        y += bottom - top + 2 * pad
    return sheet, rows


def missed_pieces(image: Image.Image, words: list[tesseract.TessWord], dpi: float) -> list[Piece]:
    """Boxes (pixels of `image`) of print that no sure word of `words`
    covers or lies across, cut along its lines and at wide gaps; none when
    there are more than MAX_PIECES."""
    factor = max(1, round(dpi / WORK_DPI))
    small = image.reduce(factor) if factor > 1 else image
    grey = np.asarray(small, dtype=np.int16)
    ink = grey < float(np.median(grey)) - INK_CONTRAST
    sure = [w for w in words if w.conf >= MIN_COVER_CONF]
    margin = max(1, round(COVER_MARGIN_IN * dpi / factor))
    for w in sure:
        ink[max(0, w.top // factor - margin):(w.top + w.height) // factor + margin + 1,
            max(0, w.left // factor - margin):(w.left + w.width) // factor + margin + 1] = False
    work_dpi = dpi / factor
    rule = max(8, round(RULE_IN * work_dpi))
    ink &= ~long_runs(ink, rule, axis=1) & ~long_runs(ink, rule, axis=0)
    low, high = MIN_HEIGHT_IN * work_dpi, MAX_HEIGHT_IN * work_dpi
    # The page's own print height (pixels), when enough of it was read.
    print_height = float(np.median([w.height for w in sure])) if len(sure) >= MIN_WORDS_FOR_SIZE else 0.0
    if print_height:
        size = print_height / factor
        low, high = max(low, MIN_SIZE_RATIO * size), min(high, MAX_SIZE_RATIO * size)
    tall = [w for w in words if w.conf < MIN_COVER_CONF and print_height and w.height > TALL_RATIO * print_height]
    pieces, extra, under_tall = [], [], []
    for top, bottom, start, end, cut in _bands(ink, high, round(COLUMN_GAP_IN * work_dpi)):
        if bottom - top < low:
            continue
        band = ink[top:bottom, start:end]
        for left, right in _spans(band.any(axis=0), max_gap=round(SPLIT_GAP_IN * work_dpi)):
            if right - left < MIN_WIDTH_IN * work_dpi:
                continue
            # A column's band still too tall for a line holds cells of two
            # lines side by side (`10,600 c€/` over `kWh` beside `16,54 €`):
            # each gap-separated part then has its own lines.
            lines = _spans(band[:, left:right].any(axis=1), max_gap=1) if bottom - top > high else [(0, bottom - top)]
            for a, b in lines:
                part = band[a:b, left:right]
                if part.sum() < MIN_INK_PIXELS:
                    continue
                rows = np.nonzero(part.any(axis=1))[0]
                if not low <= rows[-1] + 1 - rows[0] <= high:
                    continue
                piece = Piece((start + left) * factor, int(top + a + rows[0]) * factor, (start + right) * factor,
                              int(top + a + rows[-1] + 1) * factor)
                if any(_meets(piece, w) for w in sure):
                    continue  # print around a word read already, across it: its tail, an accent
                if not cut:
                    pieces.append(piece)
                elif any(_within(piece, w) for w in tall):
                    under_tall.append(piece)
                else:
                    extra.append(piece)
                if len(pieces) > MAX_PIECES:
                    return []
    # Pieces of bands cut into columns are read only while they fit under the
    # cap. Beyond, those under a scrap spanning two lines (a cell of two lines
    # made Tesseract lose a whole row's cells) are still read, on a sheet of
    # their own under a cap of their own.
    if len(pieces) + len(extra) + len(under_tall) <= MAX_PIECES:
        return pieces + extra + under_tall
    under_tall = [replace(p, scrap=True) for p in under_tall] if len(under_tall) <= MAX_PIECES else []
    return (pieces + extra if len(pieces) + len(extra) <= MAX_PIECES else pieces) + under_tall


def _bands(ink: np.ndarray, high: float, column_gap: int) -> list[tuple[int, int, int, int, bool]]:
    """(top, bottom, left, right, cut) of the bands of print across `ink`:
    its rows of ink, and, `cut`, the rows within each column of a band taller
    than `high`: the edges of a photographed sheet, or a column the page read
    left out, may touch every line and make one band of the lines of every
    other column."""
    bands = []
    for top, bottom in _spans(ink.any(axis=1), max_gap=1):
        if bottom - top <= high:
            bands.append((top, bottom, 0, ink.shape[1], False))
            continue
        for left, right in _spans(ink[top:bottom].any(axis=0), max_gap=column_gap):
            bands.extend((top + a, top + b, left, right, True)
                         for a, b in _spans(ink[top:bottom, left:right].any(axis=1), max_gap=1))
    return bands


def merge(words: list[tesseract.TessWord], new: list[tesseract.TessWord]) -> list[tesseract.TessWord]:
    """`words` and `new`, read again where `words` had nothing sure: an
    unsure word gives way to the new words over most of its width, unless
    they are only a part of it; to words over less of it that read more
    characters than it (`Se` over a speck and `585,14 €`: its box stretched
    by the speck); an unsure word spanning lines of print gives way to any."""
    replaced, dropped = set(), set()
    for old in words:
        over = [n for n in new if _overlap(old, n) > 0] if old.conf < MIN_COVER_CONF else []
        if not over:
            continue
        old_text, new_text = _alnum(old.text), "".join(_alnum(n.text) for n in over)
        # A scrap over lines of print (a cell of two lines and its neighbours) is
        # no word: what was read surely under it replaces it, however narrow.
        # A number's scrap over cells of two lines gives way only to reads
        # over most of its height, its lines (`993` alone under `593` lost the
        # `1` printed over it).
        scrap = old.height > TALL_RATIO * max(n.height for n in over)
        cells = all(n.par == CELL_LINES_PAR for n in over)
        if (len(new_text) < len(old_text) and _subsequence(new_text, old_text)) \
                or (not scrap and len(new_text) <= len(old_text)
                    and sum(_overlap(old, n) for n in over) < MIN_REPLACED_SHARE * old.width) \
                or (scrap and cells and any(c.isdigit() for c in old.text)
                    and _height_covered(old, over) < MIN_REPLACED_SHARE * old.height) \
                or _loses_number(old.text, " ".join(n.text for n in over)):
            # Only part of the unsure word read again (`234,92` in `2234,92`, `Ttal` in `Total`),
            # or its number lost: not a better read of it.
            dropped.update(id(n) for n in over)
        else:
            replaced.add(id(old))
    return [w for w in words if id(w) not in replaced] + [n for n in new if id(n) not in dropped]


def _height_covered(word: tesseract.TessWord, over: list[tesseract.TessWord]) -> int:
    """The height of `word` that the boxes of `over` span together."""
    rows = np.zeros(word.height, dtype=bool)
    for n in over:
        rows[max(0, n.top - word.top):max(0, n.top + n.height - word.top)] = True
    return int(rows.sum())


_DECIMAL = re.compile(r"\d[,.]\d")


def _loses_number(old: str, new: str) -> bool:
    """A read of a number that lost its digits (`ae` for `20,350.c€/`) or its
    decimal comma (`27400` for `27,440`): a comma is little ink, which a
    read of a piece alone drops more often than OCR makes one up."""
    if not any(c.isdigit() for c in old):
        return False
    return not any(c.isdigit() for c in new) or (bool(_DECIMAL.search(old)) and not _DECIMAL.search(new))


def _within(piece: Piece, word: tesseract.TessWord) -> bool:
    """Most of `piece` lies in `word`'s box."""
    width = min(piece.right, word.left + word.width) - max(piece.left, word.left)
    height = min(piece.bottom, word.top + word.height) - max(piece.top, word.top)
    return width > 0 and height > 0 and width * height >= 0.5 * (piece.right - piece.left) * (piece.bottom - piece.top)


def _meets(piece: Piece, word: tesseract.TessWord) -> bool:
    return (piece.left < word.left + word.width and word.left < piece.right
            and piece.top < word.top + word.height and word.top < piece.bottom)


def _overlap(a: tesseract.TessWord, b: tesseract.TessWord) -> int:
    """The width of `a` that `b` covers when their boxes meet, else 0."""
    if not (a.top < b.top + b.height and b.top < a.top + a.height):
        return 0
    return max(0, min(a.left + a.width, b.left + b.width) - max(a.left, b.left))


def _subsequence(short: str, long: str) -> bool:
    """`short` is `long` with some characters left out."""
    rest = iter(long)
    return all(c in rest for c in short)


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _spans(present: np.ndarray, max_gap: int) -> list[tuple[int, int]]:
    """[start, end) runs of True in `present`, gaps of up to `max_gap` bridged."""
    idx = np.nonzero(present)[0]
    if not len(idx):
        return []
    breaks = np.nonzero(np.diff(idx) > max_gap + 1)[0]
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))
