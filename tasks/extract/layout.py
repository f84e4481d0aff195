"""Lines and segments rebuilt from word boxes.

The same code reads a PDF text layer and OCR output: words are grouped into
lines by vertical overlap, and each line is cut into segments wherever the
horizontal gap is much wider than a space (table columns, two-column pages,
a label and a value set apart). Values are then looked for beside or under
their label, never at a fixed position.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from tasks.extract.numbers import clean, fold
from tasks.model import Page, Word

# A gap wider than this many word heights separates two segments; a space is
# about a third of a height, table and column gaps are two or more.
SEGMENT_GAP = 1.1


@dataclass(eq=False)
class Segment:
    text: str
    words: list[Word]
    spans: list[tuple[int, int]]  # character span of each word in `text`
    x0: float
    y0: float
    x1: float
    y1: float
    page: int
    line: int = -1  # index of its line in `Document.lines`
    col: int = 0  # position in its line
    ocr: bool = False
    folded: str = ""
    _compact: tuple[str, list[int]] | None = field(default=None, repr=False)

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)

    @property
    def conf(self) -> float:
        return min((w.conf for w in self.words), default=1.0)

    def conf_between(self, start: int, end: int, *, sure: Callable[[str], bool] | None = None) -> float:
        """Lowest word confidence of the words under text[start:end]; words
        `sure` of (spelled whole as a word of a closed vocabulary) count as read right."""
        under = [w for w, (a, b) in zip(self.words, self.spans) if a < end and b > start]
        if not under:
            return self.conf
        return min((w.conf for w in under if sure is None or not sure(w.text)), default=1.0)

    def x_at(self, pos: int) -> float:
        """Left edge of the word holding character `pos`."""
        for w, (_, b) in zip(self.words, self.spans):
            if pos < b:
                return w.x0
        return self.x1

    @property
    def compact(self) -> tuple[str, list[int]]:
        """Folded text without any space, and each character's index in `text`:
        labels are matched here so that letter-spaced (`Pér i ode`) or
        OCR-joined words still match."""
        if self._compact is None:
            chars, index = [], []
            for i, c in enumerate(self.folded):
                if not c.isspace():
                    chars.append(c)
                    index.append(i)
            self._compact = ("".join(chars), index)
        return self._compact


@dataclass(eq=False)
class Line:
    page: int
    y0: float
    y1: float
    segments: list[Segment]
    index: int = -1
    # In a document re-flowed column by column (column_flow), the column the
    # line was read in: (page, top of its region, side); None elsewhere.
    column: tuple[int, int, str] | None = None

    @property
    def text(self) -> str:
        # Segments are joined by a double space so that a thousands-grouped
        # number never spans two table cells.
        return "   ".join(s.text for s in self.segments)

    @property
    def height(self) -> float:
        return statistics.median(s.height for s in self.segments)

    def conf_between(self, start: int, end: int) -> float:
        """Lowest word confidence under text[start:end] of the joined line text."""
        pos = 0
        confs = []
        for seg in self.segments:
            a, b = pos, pos + len(seg.text)
            if a < end and b > start:
                confs.append(seg.conf_between(max(0, start - a), min(len(seg.text), end - a)))
            pos = b + 3
        return min(confs, default=1.0)


@dataclass
class Document:
    pages: list[Page]
    lines: list[Line]
    # Each segment joined with the pieces a label may have been cut into,
    # keyed by id(segment): the same for every field's labels
    # (tasks/extract/labels.find_labels).
    joined_labels: dict[int, tuple[Segment, ...]] = field(default_factory=dict, repr=False, compare=False)
    # The rows under a `Hors TVA ‖ TVA ‖ TTC` header with its columns, once
    # found (tasks/extract/lines.rows_under_ttc_header): the totals and the
    # energies' shares both read them.
    ttc_rows: list | None = field(default=None, repr=False, compare=False)

    @property
    def segments(self) -> Iterator[Segment]:
        for line in self.lines:
            yield from line.segments

    def page_lines(self, page: int) -> list[Line]:
        return [ln for ln in self.lines if ln.page == page]

    def is_ocr(self, page: int) -> bool:
        for p in self.pages:
            if p.number == page:
                return p.source == "ocr"
        return False

    def page_width(self, page: int) -> float:
        for p in self.pages:
            if p.number == page:
                return p.width
        return 595.0

    def page_height(self, page: int) -> float:
        for p in self.pages:
            if p.number == page:
                return p.height
        return 842.0

    def right_of(self, seg: Segment) -> list[Segment]:
        return self.lines[seg.line].segments[seg.col + 1:]

    def drifted_right(self, seg: Segment) -> list[Segment]:
        """The cells of the line just above or below `seg` when that whole
        line stands right of it, within a line's height: on a photo the value
        printed beside its label can slip onto a line of its own. None when
        both lines nearly do, one not twice as near as the other: either may
        be the drifted value of its own row."""
        found = []
        centre = (seg.y0 + seg.y1) / 2
        for index in (seg.line + 1, seg.line - 1):
            if not 0 <= index < len(self.lines):
                continue
            line = self.lines[index]
            if line.page != seg.page or line.segments[0].x0 <= seg.x1:
                continue
            dy = abs((line.y0 + line.y1) / 2 - centre)
            if dy <= 1.6 * seg.height:
                found.append((dy, line.segments))
        found.sort(key=lambda f: f[0])
        if not found or found[0][0] > seg.height or (len(found) > 1 and found[1][0] < 2 * found[0][0]):
            return []
        return found[0][1]

    def below(self, seg: Segment, *, max_lines: int = 3, max_dy: float = 4.0,
              start_x: float | None = None) -> list[Segment]:
        """Segments under `seg` (same page, overlapping horizontally), nearest first."""
        found = []
        left = seg.x0 if start_x is None else start_x
        seen_lines = 0
        for line in self.lines[seg.line + 1:]:
            if line.page != seg.page:
                break
            if line.y0 - seg.y1 > max_dy * seg.height:
                break
            hits = [s for s in line.segments if _overlap(left, seg.x1, s.x0, s.x1) > 0
                    or (abs(s.x0 - left) < 2 * seg.height)]
            if hits:
                found.extend(hits)
                seen_lines += 1
                if seen_lines >= max_lines:
                    break
        return found

    def above(self, seg: Segment, *, max_lines: int = 2, max_dy: float = 3.0,
              start_x: float | None = None) -> list[Segment]:
        found = []
        left = seg.x0 if start_x is None else start_x
        for line in reversed(self.lines[:seg.line]):
            if line.page != seg.page or seg.y0 - line.y1 > max_dy * seg.height:
                break
            hits = [s for s in line.segments if _overlap(left, seg.x1, s.x0, s.x1) > 0
                    or abs(s.x0 - left) < 2 * seg.height]
            if hits:
                found.extend(hits)
                if len(found) >= max_lines:
                    break
        return found


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def build_document(pages: list[Page]) -> Document:
    """Lines of every page, in reading order (page, top to bottom, left to right)."""
    lines: list[Line] = []
    for page in sorted(pages, key=lambda p: p.number):
        for line in _page_lines(page):
            line.index = len(lines)
            for col, seg in enumerate(line.segments):
                seg.line, seg.col = line.index, col
            lines.append(line)
    return Document(pages=list(pages), lines=lines)


# A bar or underscore read alone on a scan is a box's edge or a rule, never
# print: left in, it splits a title or a row into segments (`| ‖ FACTURE`).
_BOX_EDGE = re.compile(r"[|_¦]+")
# Marks that never open a cell: before a label (`. TVA à 5,5 %`) they are a
# speck. Glued to a caption or a heading (`-Offre`, `‘Électricité`), a
# bullet's or a box's marks are too; alone, a dash may be a minus.
SPECK_MARKS = ".,:;'‘’`·•"
BULLET_MARKS = "-–—*|"
_LEADING_SPECK = re.compile(f"[{re.escape(SPECK_MARKS)}]+")


def _flat_speck(word: Word, print_height: float) -> bool:
    """A word in a box far flatter than the page's print, barely believed
    (a rule read as letters), or a character so flat and barely
    believed (`4` two points high over a row of nine) or no wider than
    that either (`À` in a box of a point square, however sure OCR was): a
    smudge or a dot of dust (`.` a point square), which would make a line of
    its own over the row it touches, or between a caption and its value."""
    small = FLAT_SPECK * print_height
    if word.y1 - word.y0 >= small:
        return False
    if len(word.text) != 1:
        # `Tor`, `See`, `Rens` a point high, not believed at all: a table's rule
        # or a shaded row's edge read as letters, never print. Left in, such
        # lines of their own down a table make it look like two columns.
        return word.conf < 0.3
    return word.conf < 0.3 or ((word.text.isalnum() or word.text in SPECK_MARKS) and word.x1 - word.x0 < small)


# A digit or a capital is at least two thirds of a line's print high.
FLAT_SPECK = 0.35


def _usable(word: Word) -> bool:
    return bool(word.text and word.text.strip()) and word.x1 > word.x0 and word.y1 > word.y0


class SlopeField:
    """Local slope (dy/dx) of the text lines over the page, measured on
    neighbouring words of a line.

    OCR of a photographed page keeps some skew and perspective even after
    deskewing; a slope of 1 % shifts the right column of an A4 page by a whole
    line, which would pair labels with the values of the next row. The slope
    is measured per zone because perspective makes it vary over the page.
    """

    BAND = 60.0  # points, height of a zone
    COLUMNS = 4

    def __init__(self, words: list[Word], width: float):
        self.width = width
        self.samples = _slope_samples(words)
        self.overall = statistics.median(s[0] for s in self.samples) if len(self.samples) >= 8 else 0.0
        self.cells: dict[tuple[int, int], float] = {}
        self.bands: dict[int, float] = {}
        by_cell: dict[tuple[int, int], list[float]] = {}
        by_band: dict[int, list[float]] = {}
        for slope, y, x in self.samples:
            if abs(slope - self.overall) > 0.04:
                continue  # a pair of words from two different lines
            key = self._key(x, y)
            by_cell.setdefault(key, []).append(slope)
            by_band.setdefault(key[0], []).append(slope)
        self.bands = {k: m for k, v in by_band.items() if (m := _telling_median(v, self.overall)) is not None}
        self.cells = {k: m for k, v in by_cell.items()
                      if (m := _telling_median(v, self.bands.get(k[0], self.overall))) is not None}

    def _key(self, x: float, y: float) -> tuple[int, int]:
        col = min(self.COLUMNS - 1, max(0, int(x / max(self.width, 1.0) * self.COLUMNS)))
        return int(y // self.BAND), col

    @property
    def flat(self) -> bool:
        return len(self.samples) < 8 or (abs(self.overall) < 0.001 and
                                         all(abs(v) < 0.002 for v in self.cells.values()))

    def at(self, x: float, y: float) -> float:
        key = self._key(x, y)
        if key in self.cells:
            return self.cells[key]
        return self.bands.get(key[0], self.overall)

    def shift(self, x: float, y: float) -> float:
        """Vertical move that brings (x, y) to where its line crosses the page middle."""
        mid = self.width / 2
        steps = 12
        dx = (mid - x) / steps
        total = 0.0
        for _ in range(steps):
            step = self.at(x + dx / 2, y) * dx
            y += step
            x += dx
            total += step
        return total


def _telling_median(slopes: list[float], around: float) -> float | None:
    """The zone's own slope, when its samples tell it apart from the slope
    `around` it: a few pairs of short words measure a slope to a few
    hundredths only, and a zone's median of five such pairs would shear a
    straight line of a scan by a line's height across the page."""
    if len(slopes) < 5:
        return None
    median = statistics.median(slopes)
    spread = 1.4826 * statistics.median(abs(s - median) for s in slopes)
    if abs(median - around) <= 2 * spread / len(slopes) ** 0.5:
        return None
    return median


def _slope_samples(words: list[Word]) -> list[tuple[float, float, float]]:
    by_x = sorted(words, key=lambda w: w.x0)
    profiles = [_profile(w.text) for w in by_x]
    samples = []
    for i, w in enumerate(by_x):
        h = w.y1 - w.y0
        cy = (w.y0 + w.y1) / 2
        for j, v in enumerate(by_x[i + 1:i + 40], start=i + 1):
            gap = v.x0 - w.x1
            if gap > 1.5 * h:
                break
            if gap < -0.2 * h:
                continue
            vh = v.y1 - v.y0
            if abs(vh - h) > 0.3 * max(h, vh) or profiles[j] != profiles[i]:
                continue
            dy = (v.y0 + v.y1) / 2 - cy
            if abs(dy) < 0.5 * h:
                cx, vx = (w.x0 + w.x1) / 2, (v.x0 + v.x1) / 2
                if vx - cx > h:
                    samples.append((dy / (vx - cx), cy, (cx + vx) / 2))
                break
    return samples


_ASCENDING = frozenset("bdfhklt'ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜàâäéèêëîïôöùûü")
_DESCENDING = frozenset("gjpqyç,;")


def _profile(text: str) -> tuple[bool, bool]:
    """Whether a word's ink reaches above the x-height and below the
    baseline: the centres of two words of one line sit at the same height
    only when their ink does the same (« rejet » stands lower than « de »)."""
    return (any(c in _ASCENDING or c.isupper() or c.isdigit() for c in text),
            any(c in _DESCENDING for c in text))


def _unskew(words: list[Word], width: float) -> list[Word]:
    field_ = SlopeField(words, width)
    if field_.flat:
        return words
    out = []
    for w in words:
        shift = field_.shift((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2)
        out.append(Word(w.text, w.x0, w.y0 + shift, w.x1, w.y1 + shift, w.conf))
    return out


def _page_lines(page: Page) -> list[Line]:
    words = [w for w in page.words if _usable(w)]
    if not words:
        return []
    if page.source == "ocr":
        print_height = statistics.median(w.y1 - w.y0 for w in words)
        words = _unskew([w for w in words if not _BOX_EDGE.fullmatch(w.text) and not _flat_speck(w, print_height)],
                        page.width)
    words.sort(key=lambda w: ((w.y0 + w.y1) / 2, w.x0))
    floor = 0.7 * statistics.median(w.y1 - w.y0 for w in words)
    rows: list[list[Word]] = []
    bands: list[tuple[float, float]] = []  # centre and height of each row
    for w in words:
        cy, h = (w.y0 + w.y1) / 2, max(w.y1 - w.y0, floor)
        # Punctuation (`-`, `:`) sits off the middle of its line's word boxes,
        # which hold capitals and descenders: it belongs to the row it lies in.
        mark = not any(c.isalnum() for c in w.text)
        best, best_dist = None, None
        # Only recent rows can still take a word: words come sorted by centre.
        for i in range(len(rows) - 1, max(-1, len(rows) - 6), -1):
            rcy, rh = bands[i]
            dist = abs(cy - rcy)
            # The row's word a space before this one, itself beside another of
            # the row (no stray of another line), is its line's level there: a
            # row across two columns (`Titulaire du ‖ … ‖ 16,49 €`) has its
            # middle between theirs, and `contrat :` would start a row of its own.
            before = [v for v in rows[i] if v.x1 <= w.x0 and _adjacent(v, w)
                      and any(u is not v and _adjacent(u, v) for u in rows[i])]
            if before and not mark:
                dist = min(dist, min(abs(cy - (v.y0 + v.y1) / 2) for v in before))
            within = mark and rcy - rh / 2 <= w.y0 and w.y1 <= rcy + rh / 2
            if (within or dist <= 0.45 * min(h, rh)) and (best_dist is None or dist < best_dist):
                best, best_dist = i, dist
        if best is None:
            rows.append([w])
            bands.append((cy, h))
        else:
            rows[best].append(w)
            row = rows[best]
            centres = sorted((x.y0 + x.y1) / 2 for x in row)
            heights = sorted(max(x.y1 - x.y0, floor) for x in row)
            bands[best] = (centres[len(centres) // 2], heights[len(heights) // 2])
    # A text layer too sets a word's box by its glyphs: `Élec`, its capital's
    # accent reaching higher, has its centre a hair above its line's and may
    # land in the next column's row (`Yéli ‖ Fixe 2 ans`, `Élec` beside
    # `Accise`), cutting a name in two.
    rows = _rejoin_strays(rows)
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        row = _drop_duplicates(row, ocr=page.source == "ocr")
        segs = _segments(row, page)
        lines.append(Line(page=page.number, y0=min(w.y0 for w in row), y1=max(w.y1 for w in row),
                          segments=segs))
    lines.sort(key=lambda ln: ((ln.y0 + ln.y1) / 2, ln.segments[0].x0))
    return lines


def _rejoin_strays(rows: list[list[Word]]) -> list[list[Word]]:
    """Words back in the line they were printed in. A word whose OCR box
    reaches far up or down (an accent over a capital, a speck above it:
    `NUMÉRO`), or a word in a smaller font (`Plenitude Eni`), has its centre
    off its line's and lands in a row of its own or in another column's
    row, which cuts a label or a name in two (`VOTRE CLIENT` / `NUMÉRO`).
    Such a word, with no neighbour in its row and not on its baseline,
    moves to a nearby row where a word just beside it stands on the same
    baseline."""
    rows = sorted(rows, key=lambda row: statistics.median((w.y0 + w.y1) / 2 for w in row))
    # Twice: a stray left alone once the other stray it shared a baseline with
    # moved (`18` and `des` of `18 cours des Vignes`) moves in turn.
    for _ in range(2):
        for i, row in enumerate(rows):
            for word in list(row):
                others = [other for other in row if other is not word]
                if any(_adjacent(word, other) for other in others):
                    continue
                # Two strays stretched alike share a baseline, not a row: each fills a gap of its own row.
                # (Their bottoms: the tops of capitals far off in another column prove nothing.)
                paired = any(_same_bottom(word, other) for other in others)
                for j in (i - 1, i + 1, i - 2, i + 2):
                    if 0 <= j < len(rows) and rows[j] and (_fills_gap(word, rows[j]) if paired
                                                           else _on_baseline_beside(word, rows[j])):
                        row.remove(word)
                        rows[j].append(word)
                        break
    for i, row in enumerate(rows):
        run = sorted(row, key=lambda w: w.x0)
        if not run or not all(_adjacent(a, b) for a, b in zip(run, run[1:])):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(rows) and rows[j] and _run_fills_gap(run, rows[j]):
                rows[j].extend(run)
                row.clear()
                break
    return [row for row in rows if row]


def _run_fills_gap(run: list[Word], row: list[Word]) -> bool:
    """A row of words side by side that fills a gap of `row`, a space away
    from a word of it on each side and level with both: words in a smaller
    x-height (`sur le gaz` in `Accise ‖ naturel`, the capital's box
    stretched by a speck) whose centre OCR set lower than their row's."""
    def level(a: Word, b: Word) -> bool:
        return _overlap(a.y0, a.y1, b.y0, b.y1) >= 0.5 * min(a.y1 - a.y0, b.y1 - b.y0)
    first, last = run[0], run[-1]
    return any(_adjacent(first, v) and v.x1 <= first.x0 and level(first, v) for v in row) \
        and any(_adjacent(last, v) and v.x0 >= last.x1 and level(last, v) for v in row)


def _adjacent(a: Word, b: Word, *, height: float | None = None) -> bool:
    """Whether `b` follows or precedes `a` across a space at most (measured
    in `height`, the lower of the two words' heights by default)."""
    gap = -_overlap(a.x0, a.x1, b.x0, b.x1)
    return 0 <= gap <= SEGMENT_GAP * (min(a.y1 - a.y0, b.y1 - b.y0) if height is None else height)


def _same_bottom(word: Word, other: Word) -> bool:
    return abs(word.y1 - other.y1) <= 0.25 * (other.y1 - other.y0)


def _same_baseline(word: Word, other: Word) -> bool:
    if _same_bottom(word, other):
        return True
    # Capitals and digits also share their top: a speck under a word
    # stretches its box below the baseline (`80` over a dot in
    # `80 AVENUE ÉDOUARD HERRIOT`).
    return not any(c.islower() for c in word.text + other.text) \
        and abs(word.y0 - other.y0) <= 0.25 * (other.y1 - other.y0)


def _on_baseline_beside(word: Word, row: list[Word]) -> bool:
    if any(_overlap(v.x0, v.x1, word.x0, word.x1) > 0 for v in row):
        return False
    if not any(c.isalnum() for c in word.text):
        # A mark (`-`) has neither a baseline nor a height of its own: it lies
        # within its neighbour's height, a space of that height away.
        return any(_adjacent(word, v, height=v.y1 - v.y0) and v.y0 <= word.y0 and word.y1 <= v.y1 for v in row)
    return any(_adjacent(word, v) and _same_baseline(word, v) for v in row) or _fills_gap(word, row)


def _fills_gap(word: Word, row: list[Word]) -> bool:
    """A word a space away from a word of the row on each side, its box
    across theirs: the row's word whose box a speck stretched (`point`
    reaching a line down in `client EC896337, point de livraison`)."""
    def beside(v: Word) -> bool:
        return _adjacent(word, v) and word.y0 <= (v.y0 + v.y1) / 2 <= word.y1
    return any(beside(v) and v.x1 <= word.x0 for v in row) and any(beside(v) and v.x0 >= word.x1 for v in row)


def _drop_duplicates(row: list[Word], *, ocr: bool = False) -> list[Word]:
    kept: list[Word] = []
    for w in row:
        if kept:
            prev = kept[-1]
            if ocr and prev.x0 < w.x0 and w.x1 <= prev.x1 - (prev.y1 - prev.y0) and _fits_its_text(prev) \
                    and 2 * len(w.text) <= len(prev.text) and w.conf <= prev.conf - TWIN_CONF_GAP:
                # A second, far less sure read of a letter inside a word whose
                # box holds only its own print (`9` inside `régularisation`,
                # its `g` read again): it would cut the line at its end. A
                # sure word at the end of a box (`Le` in `Agnès`'s) is the
                # next word, its box run over.
                continue
            if ocr and prev.x0 < w.x0 and w.x1 <= prev.x1:
                # Tesseract boxed a word over the words after it (`FACTURE`
                # to the end of `N° M5961111278`): they are words of their
                # own, and its box ends a space before them.
                kept[-1] = replace(prev, x1=max(prev.x0 + 1.0, w.x0 - 0.25 * (prev.y1 - prev.y0)))
                kept.append(w)
                continue
            # Some text layers print the same word twice at the same spot (bold by overprint).
            if w.text == prev.text and abs(w.x0 - prev.x0) < 1.0:
                continue
            # A ligature (`ﬁ`) split by the text layer gives two overlapping
            # words, `f` and `ixe`: they are one word.
            overlap = prev.x1 - w.x0
            if overlap > max(1.0, 0.25 * min(prev.x1 - prev.x0, w.x1 - w.x0)) and not w.text.startswith(prev.text):
                kept[-1] = Word(prev.text + w.text, prev.x0, min(prev.y0, w.y0), max(prev.x1, w.x1),
                                max(prev.y1, w.y1), min(prev.conf, w.conf))
                continue
        kept.append(w)
    return kept


# The widest a character of a word's print is, as a share of its box's
# height (a capital M is about 0.9): a box wider than its text takes at this
# width covers more print than its own.
MAX_CHAR_WIDTH = 1.2
# A twin read of a letter is this much less sure than its word (0-1).
TWIN_CONF_GAP = 0.2


def _fits_its_text(w: Word) -> bool:
    return len(w.text) >= 3 and w.x1 - w.x0 <= MAX_CHAR_WIDTH * len(w.text) * (w.y1 - w.y0)


# OCR boxes hold a word's ink: capitals and digits stand this much lower
# than a word with ascenders and descenders in the same font, while the
# spaces between them do not shrink.
CAPS_HEIGHT = 0.75


def _ink_height(w: Word, ocr: bool) -> float:
    """The word's height as if it had ascenders and descenders."""
    height = w.y1 - w.y0
    if ocr and not any(c.islower() for c in w.text):
        return height / CAPS_HEIGHT
    return height


def _segments(row: list[Word], page: Page) -> list[Segment]:
    return _split_row(row, page.number, ocr=page.source == "ocr")


def _split_row(row: list[Word], page: int, *, ocr: bool) -> list[Segment]:
    """A row's words (left to right) in segments, cut at wide gaps."""
    if ocr:
        row = _rejoined(row)
    heights = sorted(_ink_height(w, ocr) for w in row)
    h = heights[len(heights) // 2]
    groups: list[list[Word]] = [[row[0]]]
    for prev, w in zip(row, row[1:]):
        gap = w.x0 - prev.x1
        if gap > SEGMENT_GAP * h:
            groups.append([w])
        else:
            groups[-1].append(w)
    if ocr:
        groups = [_without_leading_specks(g) for g in groups]
    return [make_segment(g, page, ocr=ocr) for g in groups]


def _rejoined(row: list[Word]) -> list[Word]:
    """OCR words that are one word cut in two (`renou` + `velable`, `Vela` +
    `y`): letters on both sides, a small letter after the cut, and boxes
    that touch (a last letter alone, within a hair of its word)."""
    out = [row[0]]
    for w in row[1:]:
        prev = out[-1]
        reach = (0.12 if len(w.text) == 1 else 0.08) * (w.y1 - w.y0)
        if w.x0 - prev.x1 <= reach and prev.text[-1:].isalpha() and w.text[:1].islower():
            out[-1] = Word(prev.text + w.text, prev.x0, min(prev.y0, w.y0), max(prev.x1, w.x1), max(prev.y1, w.y1),
                           min(prev.conf, w.conf))
        else:
            out.append(w)
    return out


def _without_leading_specks(words: list[Word]) -> list[Word]:
    start = 0
    while start < len(words) - 1 and _LEADING_SPECK.fullmatch(words[start].text):
        start += 1
    return words[start:]


def make_segment(words: list[Word], page: int, *, ocr: bool = False) -> Segment:
    parts, spans, pos = [], [], 0
    for w in words:
        t = " ".join(clean(w.text).split())
        if parts:
            pos += 1
        spans.append((pos, pos + len(t)))
        parts.append(t)
        pos += len(t)
    text = " ".join(parts)
    return Segment(text=text, words=list(words), spans=spans,
                   x0=min(w.x0 for w in words), y0=min(w.y0 for w in words),
                   x1=max(w.x1 for w in words), y1=max(w.y1 for w in words),
                   page=page, ocr=ocr, folded=fold(text))


def placed(words: list[Word], like: Segment) -> Segment:
    """A segment of `words` (a cell with the part it wrapped onto the line
    above or below) in the place of `like` in its line, by which sections
    and labels look segments up."""
    out = make_segment(words, like.page, ocr=like.ocr)
    out.line, out.col = like.line, like.col
    return out


# --- two columns side by side -------------------------------------------------------

_ROW_START = re.compile(r"^[A-Za-zÀ-ÿ]{3}")
_NOT_ROW_START = re.compile(r"(?i)^(?:du|au|de|tva|soit|dont|sur|base|hors|kwh|mois|jours?|ht|ttc)$")


def _opens_row(seg: Segment) -> bool:
    first = seg.text.split()[0] if seg.text.split() else ""
    return bool(_ROW_START.match(first)) and not _NOT_ROW_START.match(first.strip(".,:;"))


def column_flow(doc: Document) -> Document:
    """The document with regions printed in two columns side by side (an
    electricity block beside a gas block) re-flowed: left column first, then
    right column, so that rows and their detail lines follow each other.
    Used for reading table rows; labels keep the page's own lines."""
    out: list[Line] = []
    for page in sorted({ln.page for ln in doc.lines}):
        lines = [ln for ln in doc.lines if ln.page == page]
        width = doc.page_width(page)
        if width > doc.page_height(page):
            out.extend(_flow_halves(lines, width))
        else:
            out.extend(_flow_page(lines, width))
    fresh: list[Line] = []
    for ln in out:
        segs = [replace(s, _compact=None) for s in ln.segments]
        line = Line(page=ln.page, y0=ln.y0, y1=ln.y1, segments=segs, index=len(fresh), column=ln.column)
        for col, seg in enumerate(segs):
            seg.line, seg.col = line.index, col
        fresh.append(line)
    return Document(pages=doc.pages, lines=fresh)


# A landscape page laid out as two halves side by side (two A5 pages on one A4): a gutter near its
# middle that no segment crosses over a run of at least HALVES_MIN_LINES lines, each side holding
# text on at least HALVES_MIN_SIDE of them. Only on landscape pages: a portrait page's columns are
# blocks of rows, left to `_flow_page`.
HALVES_MIN_LINES, HALVES_MIN_SIDE = 8, 0.3


def _flow_halves(lines: list[Line], width: float) -> list[Line]:
    """The left half's lines, then the right half's (each re-flowed as a
    page of its own), for the longest run of lines the middle gutter
    splits; the lines before and after it as they are."""
    best = None  # (length, gutter, first, last)
    for step in sorted(range(-20, 21), key=abs):  # the middle first: of equal runs, the likelier gutter
        gutter = width * (0.5 + step * 0.005)
        for first, last in _regions(lines, gutter):
            region = lines[first:last]
            left = sum(1 for ln in region if any(s.x1 <= gutter for s in ln.segments))
            right = sum(1 for ln in region if any(s.x0 >= gutter for s in ln.segments))
            if len(region) >= HALVES_MIN_LINES and min(left, right) >= HALVES_MIN_SIDE * len(region) \
                    and (best is None or len(region) > best[0]):
                best = (len(region), gutter, first, last)
    if best is None:
        return _flow_page(lines, width)
    _, gutter, first, last = best
    region = lines[first:last]
    where = (region[0].page, round(region[0].y0))
    left = _column_lines([[s for s in ln.segments if s.x0 < gutter] for ln in region], (*where, "left"))
    right = _column_lines([[s for s in ln.segments if s.x0 >= gutter] for ln in region], (*where, "right"))
    return (_flow_page(lines[:first], width) + _flow_page(left, width) + _flow_page(right, width)
            + _flow_page(lines[last:], width))


def _flow_page(lines: list[Line], width: float) -> list[Line]:
    candidates: list[float] = []
    for ln in lines:
        for prev, seg in zip(ln.segments, ln.segments[1:]):
            rest = ln.segments[ln.segments.index(seg):]
            if seg.x0 > 0.3 * width and _opens_row(seg) and re.search(r"\d", prev.text) \
                    and any(re.search(r"\d", r.text) for r in rest):
                candidates.append(seg.x0)
    best = _aligned_columns(lines, candidates) if candidates else None
    if best is None:
        best = _unaligned_columns(lines, width)
    if best is None:
        return lines
    _, gutter, first, last = best
    last = _columns_end(lines, gutter, first, last)
    region = lines[first:last]
    where = (region[0].page, round(region[0].y0))
    left = _column_lines([[s for s in ln.segments if s.x0 < gutter] for ln in region], (*where, "left"))
    right = _column_lines([[s for s in ln.segments if s.x0 >= gutter] for ln in region], (*where, "right"))
    return lines[:first] + left + right + _flow_page(lines[last:], width)


def _columns_end(lines: list[Line], gutter: float, first: int, last: int) -> int:
    """Where the columns end: past the second column's last row, the first
    line that holds anything right of the gutter (a full-width row's amount:
    `Entretien chaudière … ‖ 9,85 €`) or a heading (`Autres prestations et
    frais`) opens what follows them."""
    from tasks.extract.sections import heading_energy

    tail = max((i for i in range(first, last) if _second_column_start(lines[i], gutter, gutter + 8)), default=first)
    for i in range(tail + 1, last):
        ln = lines[i]
        if any(s.x0 >= gutter for s in ln.segments) or \
                (len(ln.segments) == 1 and heading_energy(ln.segments[0].text) is not False):
            return i
    return last


def _second_column_start(ln: Line, gutter: float, edge: float) -> Segment | None:
    """The segment of `ln` that opens the second column at its left edge."""
    return next((s for i, s in enumerate(ln.segments)
                 if gutter <= s.x0 <= edge and (i == 0 or ln.segments[i - 1].x1 <= gutter)), None)


def _column_lines(pieces: list[list[Segment]], column: tuple[int, int, str]) -> list[Line]:
    """One column's share of the region's lines. Pieces of one row that
    the other column's rows had put on two lines (OCR groups words into
    lines across the page) become one line again."""
    rows: list[list[Segment]] = []
    for segs in filter(None, pieces):
        prev = rows[-1] if rows else None
        if prev and _overlap(min(s.y0 for s in prev), max(s.y1 for s in prev), min(s.y0 for s in segs),
                             max(s.y1 for s in segs)) > 0.5 * min(max(s.height for s in prev), max(s.height for s in segs)) \
                and (segs[0].x0 >= prev[-1].x1 or segs[-1].x1 <= prev[0].x0):
            words = sorted((w for s in prev + segs for w in s.words), key=lambda w: w.x0)
            rows[-1] = _split_row(words, segs[0].page, ocr=segs[0].ocr)
        else:
            rows.append(segs)
    return [Line(page=segs[0].page, y0=min(s.y0 for s in segs), y1=max(s.y1 for s in segs), segments=segs,
                 column=column) for segs in rows]


def _clusters(xs: list[float]) -> list[list[float]]:
    """Left edges within 6 pt of each other."""
    xs = sorted(xs)
    clusters: list[list[float]] = [[xs[0]]] if xs else []
    for x in xs[1:]:
        if x - clusters[-1][-1] <= 6:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return clusters


def _regions(lines: list[Line], gutter: float):
    """(first, last) of each run of lines that no segment crosses at `gutter`."""
    start = None
    for i, ln in enumerate(lines + [None]):
        if ln is None or any(s.x0 < gutter < s.x1 - 2 for s in ln.segments):
            if start is not None:
                yield start, i
            start = None
        elif start is None:
            start = i


def _aligned_columns(lines: list[Line], candidates: list[float]) -> tuple[int, float, int, int] | None:
    """Two columns whose rows share lines (a text layer): a second column's
    rows open beside the first's values, at one left edge."""
    best: tuple[int, float, int, int] | None = None  # support, gutter, first, last line
    for cluster in _clusters(candidates):
        if len(cluster) < 3:
            continue
        gutter = min(cluster) - 2
        for first, last in _regions(lines, gutter):
            rows = [i for i in range(first, last) if _second_column_row(lines[i], gutter)]
            # A wide table's rows over the columns, their cells right of the gutter numbers, are none of them.
            first = max((i + 1 for i in range(first, rows[0] if rows else first)
                         if _spanning_row(lines[i], gutter)), default=first)
            support = sum(1 for i in rows if i >= first)
            if support >= 3 and last - first >= 4 and (best is None or support > best[0]):
                best = (support, gutter, first, last)
    return best


def _second_column_row(ln: Line, gutter: float) -> bool:
    """A second column's row beside the first's: a label followed by its own values."""
    right = [s for s in ln.segments if s.x0 >= gutter]
    return bool(right) and any(s.x1 <= gutter for s in ln.segments) and _opens_row(right[0]) \
        and any(re.search(r"\d", r.text) for r in right)


def _spanning_row(ln: Line, gutter: float) -> bool:
    """A row of a table as wide as the page that runs past the gutter, its
    cells there numbers, no label (`Abonnement ‖ 01-06-2025 ‖ 30-06-2025 ‖
    1 mois ‖ 17,55 €/mois ‖ 17,55 €`, its quantity right-aligned far from the
    dates): no row of a second column, which opens with its label."""
    left = [s for s in ln.segments if s.x1 <= gutter]
    right = [s for s in ln.segments if s.x0 >= gutter]
    return bool(left and right) and not _opens_row(right[0]) and bool(re.search(r"\d", right[0].text))


def _unaligned_columns(lines: list[Line], width: float) -> tuple[int, float, int, int] | None:
    """Two columns whose rows do not line up (a scan or photo: each column's
    rows fall on lines of their own, interleaved): many lines hold only one
    column, and rows of the second open alone at one left edge."""
    starts = []
    for ln in lines:
        right = [s for s in ln.segments if s.x0 > 0.3 * width]
        if right and (right[0] is ln.segments[0] or ln.segments[ln.segments.index(right[0]) - 1].x1 < right[0].x0 - 8):
            starts.append(right[0].x0)
    best: tuple[int, float, int, int] | None = None
    for cluster in _clusters(starts):
        if len(cluster) < 4:
            continue
        gutter, edge = min(cluster) - 2, max(cluster) + 1
        for first, last in _regions(lines, gutter):
            region = lines[first:last]
            one_side = [ln for ln in region if ln.segments[-1].x1 <= gutter or ln.segments[0].x0 >= gutter]
            sides = [("L" if ln.segments[-1].x1 <= gutter else "R") for k, ln in enumerate(one_side)
                     if not _inside_wrapped_label(one_side, k, gutter)]
            # The columns' lines take turns down the region (a table's totals
            # box under it, or a table's own columns, do not).
            turns = sum(1 for a, b in zip(sides, sides[1:]) if a != b)
            # Rows of their own on each side: a label opening the second
            # column at its edge; a label and its values in the first.
            right_rows = sum(1 for ln in region if (seg := _second_column_start(ln, gutter, edge)) and _opens_row(seg))
            left_rows = sum(1 for ln in region if _left_row(ln, gutter))
            if turns >= 4 and right_rows >= 2 and left_rows >= 2 and (best is None or turns > best[0]):
                best = (turns, gutter, first, last)
    return best


def _inside_wrapped_label(one_side: list[Line], k: int, gutter: float) -> bool:
    """Whether the k-th one-sided line is the rest of a wide table's row
    whose label wrapped over two lines (`Contribution Tarifaire d'Acheminement
    (21,93 % ×` / `05/02/2024 31/01/2025 ‖ 26,59 €` / `121,25 €)`): right
    of the gutter, between a left line that opens a row and its label's end,
    a left line that opens none. Such a line is no second column's."""
    if not 0 < k < len(one_side) - 1 or one_side[k].segments[0].x0 < gutter:
        return False
    above, below = one_side[k - 1], one_side[k + 1]
    return above.segments[-1].x1 <= gutter and below.segments[-1].x1 <= gutter \
        and _opens_row(above.segments[0]) and not _opens_row(below.segments[0])


def _left_row(ln: Line, gutter: float) -> bool:
    """A row of the first column: a label and its values alone on a line,
    or beside the other column's text when they end in an amount of their
    own (`Abonnement ‖ 3,49 € 5,5 % ‖ 24/07/2025 – 31/07/2025 · 8 jours ×`;
    a table's row whose cells run on past the gutter ends in no amount there)."""
    left = [s for s in ln.segments if s.x1 <= gutter]
    if len(left) < 2 or left[0] is not ln.segments[0] or not _opens_row(left[0]):
        return False
    alone = len(left) == len(ln.segments)
    return bool(re.search(r"\d", left[-1].text) if alone else re.search(r"\d[,.]\d\d ?€", left[-1].text))
