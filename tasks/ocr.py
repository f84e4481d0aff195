"""OCR stage: pages that carry an image (scans, photos) become words.

For each page: on a photo the sheet is found, cut out of its background and
its perspective undone; uneven light is evened out; pale grey print
(labels) is darkened where it stands on plain paper; the direction and skew
of the text lines are measured on the ink and corrected; an upside-down
page is turned (ascender/descender asymmetry); the image is brought to the
resolution Tesseract reads best; then one Tesseract pass, a look at its long
references read alone (a doubled digit it merged, tasks/ocr_doubles.py), and
a second look at the print it left out or read unsurely (tasks/ocr_missed.py).
No separate OSD run: on the dev scans `--psm 0` took 1-5 s a page (as long as reading
it) and was unsure (confidence under 14) on most right answers. A page still
read poorly is read once more upside down and the better read kept. Specks read as
punctuation or lone letters are dropped, and word boxes are mapped to the
upright page in points.

Pages run in parallel (one single-threaded Tesseract per core); a text-layer
page is never OCRed.
"""
from __future__ import annotations

import os
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from tasks import imaging, memory, ocr_doubles, ocr_missed, tesseract
from tasks.errors import StageTimeout
from tasks.model import Page, Word
from tasks.rasterise import reading_order

# Tesseract's LSTM models read text best around 300 dpi (capitals ~30 px).
TARGET_DPI = 300
# Images resampled only outside this band: resampling costs time and blurs.
MIN_DPI, MAX_DPI = 250, 400
# Page segmentation 3 (automatic layout analysis). Mode 6 (one uniform
# block of text) was used first, measured on the dev scans and photos only
# (values read: psm 6 112/115, psm 3 111/115). On the whole `make eval`
# corpus (2026-11-28), 6 lost lines that mix font sizes, such as a bill's
# title block beside its logo (« Votre facture / n° FA… »): 3 reads 83,7 %
# of the scans' fields instead of 79,8 % and 88,5 % of the photos' instead
# of 88,2 %, finds every scan's energy (27/28 before), but fills 0,4 point
# more fields with a wrong value (names, addresses, offer names) and takes
# ~8 % longer.
PSM = 3
# Extra Tesseract parameters (none: the defaults read best here).
TESSERACT_CONFIG: dict[str, str] = {}
# Skew below this is left alone: resampling would cost more than it gives.
MIN_SKEW = 0.15
# A skew estimate is trusted when aligning rows on it sharpens the ink
# profile by this factor over no correction.
MIN_SKEW_GAIN = 1.02
# Turn a page on its side only when its columns clearly look more like
# lines of text than its rows do (on the dev scans and photos, in all four
# orientations, the right direction scored 1.3 to 30), and upside down only
# on clear ascender/descender evidence (right flips scored 1.3 to 4; weaker
# evidence is ignored). A missed half turn is caught after OCR (`ocr_page`).
MIN_LINES_RATIO = 1.15
MIN_UPSIDE_DOWN_EVIDENCE = 1.3
# A scanned page read alone while cores are idle is cut across blank paper
# into horizontal strips, one Tesseract each (at most this many): a
# single-page scan then read in about 1,15x a bare Tesseract instead of
# 1,5x (2026-11-29; 0,9-1,2x since its looks are made once per page). With
# every scanned page of the eval corpus cut (2026-11-29), 85,3 % of the
# fields were right and 1,5 % wrong, against 85,3 % and 1,6 % uncut;
# cutting between any two lines (bands of 0,04 in) gave 1,8 % wrong, hence
# only bands of at least MIN_STRIP_GAP_IN inches. Photos lost 0,7 point:
# they are never cut (`ocr_page`).
MAX_STRIPS = 4
MIN_STRIP_GAP_IN = 0.12
# Mean word confidence (0-100) under which the page is also read turned
# upside down, in case the orientation was missed; the better read is kept.
RETRY_CONF = 60


@dataclass(slots=True)
class _Prepared:
    image: object  # PIL image handed to Tesseract
    dpi: float  # its resolution
    skew: float  # degrees corrected (counter-clockwise tilt of the lines)
    turn: int  # clockwise quarter turns applied before OCR
    photo: bool = False  # a sheet cut out of a photo: some curvature may remain


def ocr_pages(pages: list[Page], *, lang: str = "fra", workers: int = 0, timeout_s: float = 60) -> list[Page]:
    """Read every page that needs OCR, in parallel up to `workers` pages at
    once (0: one per core). Text-layer pages are returned untouched.

    Raises `StageTimeout` when a page takes longer than `timeout_s`.
    """
    todo = [page for page in pages if page.needs_ocr and page.image is not None]
    if not todo:
        return pages
    workers = workers if workers > 0 else (os.cpu_count() or 1)
    strips = max(1, min(MAX_STRIPS, workers // len(todo)))
    workers = max(1, min(workers, len(todo)))
    if workers == 1:
        for page in todo:
            ocr_page(page, lang=lang, timeout_s=timeout_s, strips=strips)
        return pages
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
    try:
        futures = [pool.submit(ocr_page, page, lang=lang, timeout_s=timeout_s) for page in todo]
        for future in futures:
            future.result()
    finally:
        # On a failure, pages not started yet are dropped at once.
        pool.shutdown(wait=True, cancel_futures=True)
    return pages


def ocr_page(page: Page, *, lang: str = "fra", timeout_s: float = 60, strips: int = 1) -> Page:
    """OCR one page in place: fills `words` (points, upright page), updates
    the size to the upright (straightened) sheet, records `rotation`,
    `skew` and `timings_ms`, and drops the image. With `strips` > 1, that
    many Tesseracts read the page's strips at once."""
    started = time.perf_counter()
    deadline = started + timeout_s
    image = page.image
    if image is None:
        return page
    if image.mode != "L":
        image = image.convert("L")
    dpi = _effective_dpi(page, image)

    prepared = prepare(image, dpi)
    page.timings_ms["prepare"] = _ms(started)

    ocr_started = time.perf_counter()
    # A photographed line may still bow or tilt: a cut across blank paper at
    # the page's middle could clip the ends of one further along.
    strips = 1 if prepared.photo else strips
    found = _read(prepared.image, prepared.dpi, lang, deadline, timeout_s, strips)
    extra = 0
    # A blank or nearly blank page reads poorly either way: no retry.
    if len(found) >= 5 and (_mean_conf(found) < RETRY_CONF or reading_rotation(found) == 180):
        retry_started = time.perf_counter()
        turned = imaging.quarter_turn(prepared.image, 180)
        again = _read(turned, prepared.dpi, lang, deadline, timeout_s, strips)
        if _quality(again) > _quality(found):
            prepared.image, found, extra = turned, again, 180
        page.timings_ms["tesseract_retry"] = _ms(retry_started)
    page.timings_ms["tesseract"] = _ms(ocr_started)

    # Should the page still lie on its side (its lines missed by the ink
    # analysis), the words of a line follow one another down or up the
    # image: turn the boxes with the page.
    turn = reading_rotation(found)
    width_px, height_px = prepared.image.size
    scale = 72.0 / prepared.dpi
    words = []
    for w in found:
        if speck(w) or edge_shadow(w, width_px, height_px):
            continue
        x0, y0, x1, y1 = _turn_box(w.left, w.top, w.left + w.width, w.top + w.height, turn, width_px, height_px)
        words.append(Word(without_box_edges(w.text), round(x0 * scale, 2), round(y0 * scale, 2), round(x1 * scale, 2),
                          round(y1 * scale, 2), round(min(max(w.conf / 100.0, 0.0), 1.0), 3)))
    if turn in (90, 270):
        width_px, height_px = height_px, width_px
    page.words = reading_order(words)
    page.width = round(width_px * scale, 2)
    page.height = round(height_px * scale, 2)
    page.rotation = (page.rotation + prepared.turn + extra + turn) % 360
    page.skew = prepared.skew
    page.image = None
    page.dpi = 0
    del image, prepared
    memory.release_freed_memory()
    page.timings_ms["ocr"] = _ms(started)
    return page


def prepare(image, dpi: float) -> _Prepared:
    """The image Tesseract gets, and what was done to it."""
    quad = imaging.find_sheet(image)
    if quad is not None:
        quad = imaging.complete_sheet(image, imaging.with_dark_band(image, quad))
        # A photo: cut the sheet out of its background and undo the
        # perspective, at the resolution OCR wants, in one resampling. The
        # sheet is then the page; its long side is taken as A4's.
        width, height = imaging.sheet_size(quad)
        dpi = max(width, height) / imaging.A4_LONG_SIDE_IN
        factor = TARGET_DPI / dpi if not (MIN_DPI <= dpi <= MAX_DPI) else 1.0
        image = imaging.invert_print_bands(imaging.clear_rim(imaging.straighten(image, quad, scale=factor)))
        dpi *= factor
    # Dividing by the paper's brightness costs about as much as the rest of
    # the preparation: only where the light is uneven. A photo's light
    # always is, if only in a corner the test over the page's centre misses;
    # Tesseract's own threshold then drops a whole column under that shade.
    if quad is not None or imaging.uneven_light(image):
        image = imaging.flatten_illumination(image)
    else:
        image = imaging.autocontrast(image)
    image = imaging.darken_pale_print(image)
    turn = 0
    layout = imaging.analyse_layout(image)
    if layout.turn == 90 and layout.lines_ratio >= MIN_LINES_RATIO:
        image = imaging.quarter_turn(image, 90)
        turn = 90
    if layout.turn == turn and layout.upside_down and layout.flip_evidence >= MIN_UPSIDE_DOWN_EVIDENCE:
        image = imaging.quarter_turn(image, 180)  # a half turn keeps the tilt's sense
        turn = (turn + 180) % 360
    skew = 0.0
    if abs(layout.angle) >= MIN_SKEW and layout.gain >= MIN_SKEW_GAIN:
        image = imaging.rotate(image, -layout.angle)
        skew = layout.angle
    # Upright and straight by now, its boxes are square with the page.
    image = imaging.invert_dark_fills(image, dpi)

    if dpi < MIN_DPI or dpi > MAX_DPI:
        image = imaging.rescale(image, TARGET_DPI / dpi)
        dpi = TARGET_DPI
    return _Prepared(image, dpi, skew, turn, photo=quad is not None)


def _read(image, dpi: float, lang: str, deadline: float, timeout_s: float,
          strips: int = 1) -> list[tesseract.TessWord]:
    """The words of `image`: Tesseract's read of the whole (of its strips at
    once when `strips` > 1), then its long references read alone
    (tasks/ocr_doubles.py) and the print it left out (tasks/ocr_missed.py)."""
    def read(sheet, psm: int, config: dict[str, str] | None = None) -> list[tesseract.TessWord]:
        return _tesseract(sheet, dpi, lang, deadline, timeout_s, psm=psm, config=config)

    def page_read(part) -> list[tesseract.TessWord]:
        return without_twin_lines(read(part, PSM, TESSERACT_CONFIG))

    def second_looks(words, pool=None) -> list[tesseract.TessWord]:
        looks = (lambda: ocr_doubles.with_doubles(image, words, dpi, read=lambda s: read(s, ocr_doubles.PSM)),
                 lambda: ocr_missed.read_missed(image, words, dpi, read=lambda s: read(s, ocr_missed.PSM)))
        if pool is None:
            return ocr_missed.merge(*(look() for look in looks))
        return ocr_missed.merge(*(future.result() for future in [pool.submit(look) for look in looks]))

    cuts = imaging.blank_cuts(image, strips, min_gap=round(MIN_STRIP_GAP_IN * dpi)) if strips > 1 else []
    if not cuts:
        # Pages read at once keep the cores busy: one look after the other
        # (both at once held 75 MiB more on a 10-page scan).
        return second_looks(page_read(image))
    bounds = [0, *cuts, image.height]
    parts = [(image.crop((0, top, image.width, bottom)), top) for top, bottom in zip(bounds, bounds[1:])]
    with ThreadPoolExecutor(max_workers=len(parts), thread_name_prefix="ocr-strip") as pool:
        reads = list(pool.map(lambda part: page_read(part[0]), parts))
        # Back to the page's pixels; each strip's blocks kept apart from the others'.
        words = [replace(w, top=w.top + top, block=w.block + k * _STRIP_BLOCKS)
                 for k, ((_, top), found) in enumerate(zip(parts, reads)) for w in found]
        # A page cut in strips is read alone: its two second looks at once,
        # over the whole page (a Tesseract costs ~0,17 s before it reads a
        # pixel, which looks per strip, one after the other, paid four
        # times). They are independent: the print left out is found from the
        # sure words' boxes, and a double only changes a sure word's text.
        return second_looks(words, pool)


_STRIP_BLOCKS = 10_000


def _tesseract(image, dpi: float, lang: str, deadline: float, timeout_s: float, *, psm: int,
               config: dict[str, str] | None = None) -> list[tesseract.TessWord]:
    remaining = deadline - time.perf_counter()
    if remaining <= 0:
        raise _timeout(timeout_s)
    try:
        return tesseract.ocr_words(image, lang=lang, psm=psm, timeout_s=remaining, dpi=round(dpi), config=config)
    except StageTimeout:
        raise _timeout(timeout_s) from None


def without_twin_lines(words: list[tesseract.TessWord]) -> list[tesseract.TessWord]:
    """A line of large bold print Tesseract read twice as two lines of one
    paragraph over the same ink (`Votre fact ° FA25101987388` and `otre
    facture n`, boxes overlapping): of two words of such twin lines over
    the same print, where one's text holds the other's, the fuller one
    stays, boxed over both, and where each read a part of one word, the two
    parts joined (`_joined_twins`); words only one of the lines read stay
    too."""
    dropped: set[int] = set()
    grown: dict[int, tesseract.TessWord] = {}
    paragraphs: dict[tuple[int, int], list[int]] = {}
    for k, w in enumerate(words):
        paragraphs.setdefault((w.block, w.par), []).append(k)
    for i, j in ((i, j) for ks in paragraphs.values() for n, i in enumerate(ks) for j in ks[n + 1:]):
        a, b = words[i], words[j]
        if a.line == b.line or i in dropped or j in dropped:
            continue
        high = min(a.height, b.height)
        wide = min(a.width, b.width)
        if min(a.top + a.height, b.top + b.height) - max(a.top, b.top) < TWIN_OVERLAP * high or \
                min(a.left + a.width, b.left + b.width) - max(a.left, b.left) < TWIN_OVERLAP * wide:
            continue
        ta, tb = (re.sub(r"\W", "", w.text).lower() for w in (grown.get(i, a), grown.get(j, b)))
        short, full = sorted(((ta, i), (tb, j)), key=lambda t: len(t[0]))
        keep, lose = grown.get(full[1], words[full[1]]), grown.get(short[1], words[short[1]])
        if len(short[0]) >= 2 and short[0] in full[0]:
            text = keep.text
        elif (text := _joined_twins(keep, lose)) is None:
            continue
        x0, y0 = min(keep.left, lose.left), min(keep.top, lose.top)
        x1 = max(keep.left + keep.width, lose.left + lose.width)
        y1 = max(keep.top + keep.height, lose.top + lose.height)
        grown[full[1]] = replace(keep, text=text, left=x0, top=y0, width=x1 - x0, height=y1 - y0)
        dropped.add(short[1])
    return [grown.get(k, w) for k, w in enumerate(words) if k not in dropped]


# Twin words overlap over this share of the smaller one's height and width.
TWIN_OVERLAP = 0.5


# Characters by which the overlap of two twin parts' texts may differ from
# the width their boxes share.
TWIN_JOIN_SLACK = 0.6


def _joined_twins(a: tesseract.TessWord, b: tesseract.TessWord) -> str | None:
    """The word two twin reads of one reference make when each holds a part
    of it, the left one's end read again at the right one's start
    (`FA2414776082` and `0829` over the ink of `FA24147760829`): the longest
    such overlap of at least two characters that spans about as many
    characters' width as the boxes share; None when there is none."""
    left, right = sorted((a, b), key=lambda w: w.left)
    shared = left.left + left.width - right.left
    char_width = (left.width + right.width) / (len(left.text) + len(right.text))
    for k in range(min(len(left.text), len(right.text)) - 1, 1, -1):
        if left.text.endswith(right.text[:k]) and abs(shared / char_width - k) <= TWIN_JOIN_SLACK:
            return left.text + right.text[k:]
    return None


def speck(word: tesseract.TessWord) -> bool:
    """A word Tesseract made out of a speck of dust, grain or a box's edge
    rather than print: punctuation alone, or a single letter, read with
    little confidence. Left in, it would start or split a row of the bill
    (`: Abonnement 71,71 €`) and hide it from the extractor. A lone digit
    stays, however unsure: it may be the thousands of `1 492 kWh`."""
    text = word.text
    if not any(c.isalnum() for c in text):
        return word.conf < 50
    return len(text) == 1 and text.isalpha() and word.conf < 30


def edge_shadow(word: tesseract.TessWord, width: int, height: int) -> bool:
    """Letters Tesseract made out of the scanner's shadow along the page's
    edge (`ten`, `host` a point wide at the very left), read with little
    confidence: no bill prints within 1 % of the sheet's edge."""
    if word.conf >= 50:
        return False
    margin_x, margin_y = 0.01 * width, 0.01 * height
    return word.left + word.width <= margin_x or word.left >= width - margin_x \
        or word.top + word.height <= margin_y or word.top >= height - margin_y


def without_box_edges(text: str) -> str:
    """A word without the box edge, underline or speck Tesseract glued to it
    (`_52308597446577`, `Total|`, `‘6505749`): a PDL or an amount must start
    and end with its own characters. Marks standing alone are left to the
    layout, which drops bars and underscores as box edges."""
    if any(c.isalnum() for c in text):
        text = text.strip("_|")
        # A speck read as a quote before a number or word (`‘6505749`, `‘du`): no
        # number or word starts so; a straight quote may open a quoted name (`'Offre'`).
        return re.sub(r"^(?:[‘’`]+(?=\w)|'+(?=\d))", "", text)
    return text


def _mean_conf(words: list[tesseract.TessWord]) -> float:
    weights = [len(w.text) for w in words]
    if not weights:
        return 0.0
    return sum(w.conf * n for w, n in zip(words, weights)) / sum(weights)


def _quality(words: list[tesseract.TessWord]) -> float:
    """Confident characters read: a right-way-up read has more of them."""
    return sum(len(w.text) * w.conf for w in words if w.conf >= 50)


def reading_rotation(words: list[tesseract.TessWord]) -> int:
    """Clockwise quarter turn that makes the page upright, from the way
    consecutive words of a line follow one another in the image: left to
    right on an upright page, right to left upside down, downwards or
    upwards on a page lying on its side."""
    votes: Counter[int] = Counter()
    previous = None
    for w in words:
        key = (w.block, w.par, w.line)
        centre = (w.left + w.width / 2, w.top + w.height / 2)
        if previous is not None and previous[0] == key and len(w.text) > 1:
            dx, dy = centre[0] - previous[1][0], centre[1] - previous[1][1]
            if abs(dx) >= abs(dy):
                votes[0 if dx > 0 else 180] += 1
            else:
                votes[270 if dy > 0 else 90] += 1
        previous = (key, centre)
    if not votes:
        return 0
    turn, count = votes.most_common(1)[0]
    return turn if turn and count >= 0.6 * sum(votes.values()) else 0


def _turn_box(x0, y0, x1, y1, turn: int, width: int, height: int):
    """A box of an image `width` × `height` after turning the image `turn`
    degrees clockwise."""
    if turn == 90:
        return height - y1, x0, height - y0, x1
    if turn == 180:
        return width - x1, height - y1, width - x0, height - y0
    if turn == 270:
        return y0, width - x1, y1, width - x0
    return x0, y0, x1, y1


def _effective_dpi(page: Page, image) -> float:
    """Pixels per inch of the image on the page, from the page size in
    points (exact even when `page.dpi` was rounded)."""
    if page.width > 0:
        return image.width / page.width * 72.0
    return float(page.dpi or TARGET_DPI)


def _timeout(timeout_s: float) -> StageTimeout:
    return StageTimeout(f"La lecture optique d'une page a dépassé {timeout_s:g} secondes et a été interrompue.")


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 2)
