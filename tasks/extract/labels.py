"""Label vocabularies (assets/labels/*.json) and where their labels sit on the page.

A label is matched on a segment's folded text with the spaces removed, so
letter-spaced words and OCR-joined words still match; the match must begin
and end on word boundaries of the printed text. Values are then read from
what follows the label in the same segment, the segments to its right, or
the segments under it.
"""
from __future__ import annotations

import json
import re
import statistics
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from tasks.extract.layout import BULLET_MARKS, SPECK_MARKS, Document, Line, Segment, placed
from tasks.extract.numbers import edit_distance, ends_with_day_month, garbled_long_words, long_words, respell, words_of
from tasks.settings import ASSETS

LABELS_DIR = ASSETS / "labels"


@lru_cache(maxsize=None)
def vocabulary(name: str) -> dict:
    """The JSON vocabulary `assets/labels/<name>.json`."""
    return json.loads((LABELS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def compile_pattern(pattern: str, macros: dict[str, str]) -> re.Pattern:
    for key, value in macros.items():
        pattern = pattern.replace("{" + key + "}", value)
    return re.compile(re.sub(r"\s+", "", pattern))


@lru_cache(maxsize=None)
def field_patterns(field: str) -> tuple[re.Pattern, ...]:
    data = vocabulary("fields")
    macros = data.get("macros", {})
    return tuple(compile_pattern(p["re"] if isinstance(p, dict) else p, macros)
                 for p in data["fields"][field])


@lru_cache(maxsize=None)
def _no_below(field: str) -> frozenset[int]:
    """Ranks of the patterns of `field` whose value is never read under them."""
    return frozenset(i for i, p in enumerate(vocabulary("fields")["fields"][field])
                     if isinstance(p, dict) and p.get("below") is False)


@lru_cache(maxsize=None)
def _first_page_only(field: str) -> frozenset[int]:
    """Ranks of the patterns of `field` that caption a value on the bill's first page only."""
    return frozenset(i for i, p in enumerate(vocabulary("fields")["fields"][field])
                     if isinstance(p, dict) and p.get("first_page"))


@lru_cache(maxsize=None)
def fallback_ranks(field: str) -> frozenset[int]:
    """Ranks of the patterns of `field` whose value counts only when no other caption of it gives one."""
    return frozenset(i for i, p in enumerate(vocabulary("fields")["fields"][field])
                     if isinstance(p, dict) and p.get("fallback"))


@lru_cache(maxsize=None)
def _below_conditions(field: str) -> dict[int, re.Pattern]:
    return {i: re.compile(p["below_if_line"]) for i, p in enumerate(vocabulary("fields")["fields"][field])
            if isinstance(p, dict) and p.get("below_if_line")}


@lru_cache(maxsize=None)
def _exclusions(field: str) -> tuple[str, ...]:
    words = vocabulary("fields").get("context_exclusions", {}).get(field, [])
    return tuple(sorted(words, key=len, reverse=True))


def _excluded(hit: "LabelHit", doc: Document) -> bool:
    before = _words_before(hit, doc).rstrip(" :-–'’")
    if any(before.endswith(w) and (len(before) == len(w) or not before[-len(w) - 1].isalpha())
           for w in _exclusions(hit.field)):
        return True
    if not hit.seg.ocr:
        return False
    # `Votre nrécédente facture n° …` on a scan: a long word of the context
    # misread by one letter still says the label is another bill's.
    last = re.search(r"([a-z]+)$", before)
    return bool(last and len(last.group(1)) >= FUZZY_EXCLUSION_LEN and any(
        len(w) >= FUZZY_EXCLUSION_LEN and " " not in w and edit_distance(w, last.group(1), limit=1) <= 1
        for w in _exclusions(hit.field)))


# Context words this long are recognised on a scan with one letter misread.
FUZZY_EXCLUSION_LEN = 7


def _words_before(hit: "LabelHit", doc: Document) -> str:
    """The folded text just before a label hit: its segment's, or, when the
    hit opens an OCR segment, the segment just left of it on its line. OCR
    drops a colon now and then, and the space it leaves splits the line
    (`Rappel ‖ facture n° …`): the words before are still the label's."""
    before = hit.seg.folded[:hit.start]
    if before.strip() or not hit.seg.ocr or hit.seg.col == 0:
        return before
    left = doc.lines[hit.seg.line].segments[hit.seg.col - 1]
    return left.folded + " " if hit.seg.x0 - left.x1 <= SPLIT_LABEL_GAP * hit.seg.height else before


@lru_cache(maxsize=None)
def term_patterns(vocab: str, key: str) -> tuple[re.Pattern, ...]:
    """Patterns of a list `key` in another vocabulary file (same syntax)."""
    data = vocabulary(vocab)
    macros = data.get("macros", {})
    section = data
    for part in key.split("."):
        section = section[part]
    return tuple(compile_pattern(p, macros) for p in section)


@dataclass(frozen=True, slots=True)
class LabelHit:
    seg: Segment
    start: int  # character span of the label in seg.text
    end: int
    rank: int  # index of the matching pattern (lower = more specific)
    field: str

    @property
    def below_ok(self) -> bool:
        return self.rank not in _no_below(self.field) if self.field else True

    @property
    def rest(self) -> str:
        """What follows the label in its segment, without the `:` or dash."""
        return strip_separator(self.seg.text[self.end:])


# What stands between a label and its value; a dash glued to a figure is its sign (`Net à payer : -39,02 €`).
_SEPARATOR = re.compile(r"^(?:[\s:;.=>|]|[\-–](?!\d))+")


def strip_separator(text: str) -> str:
    return _SEPARATOR.sub("", text).strip()


def _word_start(folded: str, pos: int) -> bool:
    return pos == 0 or not folded[pos - 1].isalnum()


def _word_end(folded: str, pos: int) -> bool:
    return pos >= len(folded) or not folded[pos].isalpha() or not folded[pos - 1].isalpha()


def _ends_word(c: str) -> bool:
    """A letter, or the sign of `N°` (`N°-de client`: a dash glued after it)."""
    return c.isalpha() or c in "°º"


@lru_cache(maxsize=1)
def _label_words() -> dict[int, frozenset[str]]:
    fields = vocabulary("fields")["fields"].values()
    return words_of((p["re"] if isinstance(p, dict) else p for pats in fields for p in pats), min_len=5)


# Each field's labels are looked for in every segment: the segment's
# normalised text is made once.
_OCR_COMPACT: "weakref.WeakKeyDictionary[Segment, tuple[str, list[int]]]" = weakref.WeakKeyDictionary()


def _ocr_compact(seg: Segment) -> tuple[str, list[int]]:
    """An OCR segment's compact text as its labels were printed: a word read
    unsure and off by one letter put right (`Énise le`, `NUMÉRO DE
    FACTURI`), a dash glued between two words dropped (`Montant-HT`), and
    a point or comma glued to a word read unsure (`Total. HT`: a speck; no
    label needs its abbreviation's point) or a point to a whole word
    (`référence. client`; a comma there is the text's: `Courbevoie, le`)."""
    found = _OCR_COMPACT.get(seg)
    if found is None:
        found = _OCR_COMPACT[seg] = _normalised_compact(seg)
    return found


def _normalised_compact(seg: Segment) -> tuple[str, list[int]]:
    compact, index = seg.compact
    spelled = respell(seg.folded, _label_words(), min_len=5, doubtful=lambda a, b: seg.conf_between(a, b) < 0.9,
                      thin_swaps=True)
    if spelled != seg.folded:
        compact = "".join(spelled[i] for i in index)
    compact, index = _long_words_respelled(spelled, seg) or (compact, index)
    lead = len(compact) - len(compact.lstrip(SPECK_MARKS + BULLET_MARKS))  # a speck glued before it (`-Offre`)
    if len(seg.words) > 1 and len(seg.words[0].text) <= 2 and seg.words[0].conf < LEADING_SPECK_CONF:
        lead = max(lead, sum(1 for i in index if i < seg.spans[1][0]))  # a speck read as a word before it (`(l Offre`)
    keep = [k for k, c in enumerate(compact) if k >= lead and
            not (c in "-.," and 0 < k < len(compact) - 1 and _ends_word(compact[k - 1]) and compact[k + 1].isalpha()
                 and (c == "-" or seg.conf_between(index[k], index[k] + 1) < 0.6
                      or c == "." and _word_before(seg.folded, index[k]) >= _FULL_WORD))]
    return "".join(compact[k] for k in keep), [index[k] for k in keep]


@lru_cache(maxsize=1)
def _long_label_words() -> tuple[str, ...]:
    return long_words(_label_words())


def _long_words_respelled(spelled: str, seg: Segment) -> tuple[str, list[int]] | None:
    """The compact text of a segment (and each character's index) with its
    long words read unsure written as the label word they were garbled from
    (`garbled_long_words`); None when there is none."""
    fixes = garbled_long_words(spelled, _long_label_words(), doubtful=lambda a, b: seg.conf_between(a, b) < 0.9)
    if not fixes:
        return None
    chars: list[str] = []
    index: list[int] = []
    last = 0
    for start, end, word in [*fixes, (len(spelled), len(spelled), "")]:
        for k in range(last, start):
            if not spelled[k].isspace():
                chars.append(spelled[k])
                index.append(k)
        for k, c in enumerate(word):
            chars.append(c)
            index.append(start + min(k, end - start - 1))
        last = end
    return "".join(chars), index


# Under this confidence, a word of one or two characters opening a segment is a speck.
LEADING_SPECK_CONF = 0.3


# A word this long before a point is no abbreviation (`référence. client`: a speck).
_FULL_WORD = 6


def _word_before(folded: str, pos: int) -> int:
    """The length of the run of letters that ends at `pos`."""
    start = pos
    while start > 0 and folded[start - 1].isalpha():
        start -= 1
    return pos - start


def match_in(seg: Segment, patterns: tuple[re.Pattern, ...], *, field: str = "") -> list[LabelHit]:
    compact, index = _ocr_compact(seg) if seg.ocr else seg.compact
    if not compact:
        return []
    hits = []
    for rank, pattern in enumerate(patterns):
        for m in pattern.finditer(compact):
            if m.end() == m.start():
                continue
            start = index[m.start()]
            end = index[m.end() - 1] + 1
            if not _word_start(seg.folded, start) or not _word_end(seg.folded, end):
                continue
            hits.append(LabelHit(seg, start, end, rank, field))
            break
    # Keep the longest hit among those that overlap (a specific label wins).
    # Keep the longest of overlapping hits: `Sous-total HT` rather than `total HT`.
    hits.sort(key=lambda h: (h.start, -(h.end - h.start), h.rank))
    kept: list[LabelHit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def find_labels(doc: Document, field: str) -> list[LabelHit]:
    """Every place where a label of `field` is printed, in reading order.

    A label wrapped over two lines of its cell (`Point de Comptage et` /
    `d'Estimation`), or cut in two on its line by OCR, is matched on both
    pieces joined; its hit then covers both.
    """
    patterns = field_patterns(field)
    first_page_only = _first_page_only(field)
    first_page = doc.lines[0].page if doc.lines else 1
    hits = []
    for seg in doc.segments:
        own = [h for h in match_in(seg, patterns, field=field) if not _excluded(h, doc)]
        for joined in _joined_labels(doc, seg):
            for h in match_in(joined, patterns, field=field):
                if h.start < len(seg.text) <= h.end and not _excluded(h, doc) and \
                        not any(o.start == h.start and o.end >= h.end for o in own):
                    own = [o for o in own if not (o.start >= h.start and o.start < h.end)]
                    own.append(h)
        hits.extend(h for h in own if seg.page == first_page or h.rank not in first_page_only)
    return hits


# Widest gap (in word heights) between two pieces of a label that OCR cut in
# two on its line: a pale or lost letter widens the space (`Référence ‖ cent`;
# `Référence ‖ client` 2,1 heights apart, the word's pale end unboxed).
SPLIT_LABEL_GAP = 2.5


def _joined_labels(doc: Document, seg: Segment) -> tuple[Segment, ...]:
    """`seg` joined with the next line of its cell or of its sentence, and
    (OCR) with the next segment on its line when that stands close enough
    to be the rest of a label: the pieces a label may have been cut into
    (once per document)."""
    key = id(seg)
    if key not in doc.joined_labels:
        joined = []
        # A line OCR read as one segment ends in the label's first words: the
        # next line then starts well left of its last word.
        nxt = _wrapped_next(doc, seg, label_ok=True) or \
            _prose_line_after(doc, seg, same_start=True, x=seg.words[-1].x0)
        if nxt is not None:
            joined.append(_joined(seg, nxt))
        right = doc.right_of(seg) if seg.ocr else []
        if right and right[0].x0 - seg.x1 <= SPLIT_LABEL_GAP * seg.height:
            joined.append(_joined(seg, right[0]))
        doc.joined_labels[key] = tuple(joined)
    return doc.joined_labels[key]


def contains_term(text_folded: str, patterns: tuple[re.Pattern, ...]) -> bool:
    compact = re.sub(r"\s+", "", text_folded)
    return any(p.search(compact) for p in patterns)


@dataclass(frozen=True, slots=True)
class ValueSpot:
    """A piece of text where the value of a label may be."""

    text: str
    seg: Segment
    offset: int  # where `text` starts in seg.text
    distance: float  # 0 same segment, then in word heights
    where: str  # "same" | "right" | "below" | "above"


@lru_cache(maxsize=None)
def _all_label_patterns() -> tuple[re.Pattern, ...]:
    data = vocabulary("fields")
    macros = data.get("macros", {})
    pats = [compile_pattern(p["re"] if isinstance(p, dict) else p, macros)
            for field, pats in data["fields"].items() for p in pats]
    pats += [compile_pattern(p, macros) for p in data.get("captions", {}).get("patterns", [])]
    return tuple(pats)


def is_label(seg: Segment) -> bool:
    """The segment is only a label (a column header, a caption): not a value."""
    return is_label_text(seg.compact[0])


_POSSESSIVE = re.compile(r"^(?:mon|ma|mes|votre|vos)(?=\S)")


def is_label_text(text: str) -> bool:
    from tasks.extract.numbers import fold as _fold

    # OCR reads an abbreviation's full stop as a comma (`Réf, client`).
    compact = re.sub(r"\s+", "", _fold(text)).replace(",", ".").strip(":.-–()")
    if not compact or len(compact) > 60:
        return False
    if re.search(r"\d{2}", compact):
        return False
    # A caption in the customer's voice (`Mon n° client`, `Ma puissance`) is the caption.
    bare = _POSSESSIVE.sub("", compact)
    for p in _all_label_patterns():
        for form in {compact, bare}:
            m = p.match(form)
            if m and m.end() > 0 and _label_ending(form[m.end():]):
                return True
    return False


def _label_ending(rest: str) -> bool:
    """What may follow a label's pattern in a segment that is only that label:
    punctuation, or a plural or feminine ending (`Relevés`), not the rest of
    another word (`Duo` is no `du`)."""
    return len(rest) <= 3 and (not rest[:1].isalpha() or rest.rstrip(":.-–()") in ("s", "e", "es", "x"))


# Below this confidence, two lower-case letters alone on a scan are a speck
# read as letters (`er` between « Total de la facture TTC » and its amount).
SPECK_MAX_CONF = 0.6
# Three letters may be a word: a speck only read with less confidence still.
SPECK3_MAX_CONF = 0.4
# Letters read unsurely (under SPECK_MAX_CONF) in a box under this share of
# the line's print height are a rule or a leader read as letters (`TES`
# three points tall beside `Offre`, print six), not a value.
FLAT_UNSURE = 0.5


_QUOTE_MARKS = "“”«»\"'‘’`"


def is_speck(seg: Segment) -> bool:
    """A speck read as a character (`ï`, `à`), or as two or three letters
    (`er`, `Re`, `PE`, `CRE`, a quote mark before them: `“EU`), read with
    little confidence: no value, and no end of the row either."""
    text = seg.text.strip()
    if sum(c.isalnum() for c in text) < 2:
        return True
    text = text.strip(_QUOTE_MARKS)
    if len(text) == 3 and text.isalpha():
        return seg.conf < SPECK3_MAX_CONF
    if len(text) == 2 and text.isalnum() and not text.isalpha() and not text.isdigit():
        return seg.conf < SPECK_MAX_CONF / 2  # `4e`: a digit and a letter Tesseract did not believe
    if len(text) != 2 or not text.isalpha():
        return False
    # Capitals (`PE`) may be a value (`HC`): only when Tesseract itself barely believed them.
    return seg.conf < (SPECK_MAX_CONF if text.islower() or text.istitle() else SPECK_MAX_CONF / 2)


# How far right of its label (in the label's heights) a value may stand:
# a table of references in 7-point print, values flush right on an A4 page,
# puts them up to ~65 heights away.
MAX_RIGHT_GAP = 75.0


def value_spots(doc: Document, hit: LabelHit, *, right: bool = True, below: bool = True,
                below_lines: int = 3, max_right_gap: float = MAX_RIGHT_GAP, above: bool = True) -> Iterator[ValueSpot]:
    """Candidate texts for the value of `hit`, nearest first: after the label
    in its segment, the next segment on its line (or on a line a little
    higher or lower, as cells of a row drift), under it, above it (captions
    printed under their value). Wrapped values spanning two lines of a cell
    come joined."""
    seg = hit.seg
    rest = seg.text[hit.end:]
    stripped = strip_separator(rest)
    spots: list[ValueSpot] = []
    if stripped:
        offset = hit.end + len(rest) - len(_SEPARATOR.sub("", rest))
        nxt = (_wrapped_next(doc, seg) if len(seg.text) > 40 else None) \
            or _prose_next(doc, seg, stripped, seg.x_at(offset))
        if nxt is not None and re.search(r"\d$", stripped):
            # Prose wrapped in the middle of a value (`n° 2460` / `6004 3074 77, …`).
            spots.append(ValueSpot(stripped + " " + nxt.text, _joined(seg, nxt), offset, 0.0, "same"))
        spots.append(ValueSpot(stripped, seg, offset, 0.01, "same"))
    h = seg.height
    # A label's box a speck stretched (`Offre` twice as tall as its line):
    # a rule is flat beside the line's print, not beside that box.
    line_h = min(h, statistics.median(o.height for o in doc.lines[seg.line].segments)) if seg.line >= 0 else h
    flat = 0.4 * line_h
    if right:
        for other in _right_candidates(doc, seg):
            if other.line != seg.line and seg.text.startswith(other.text):
                continue
            if seg.ocr and (is_speck(other) or other.height < flat
                            or other.height < FLAT_UNSURE * line_h and other.conf < SPECK_MAX_CONF):
                # A speck read as a letter or two, or a rule read as letters
                # (`RE` two points tall), stands between the label and its value.
                continue
            gap = (other.x0 - seg.x1) / h
            if gap > max_right_gap:
                break
            if is_label(other) or (other.line == seg.line and _caption_row(doc.lines[seg.line])):
                break  # another caption: in a row of captions, values stand over or under them
            drift = abs((other.y0 + other.y1) / 2 - (seg.y0 + seg.y1) / 2) / h
            dist = 1.0 + min(gap, 40) / 40 + drift
            # Prose carries on where its line starts: a line under a row of
            # cells that starts elsewhere (a slip's `TSA 40021` under its
            # `N° de client : 10 6687 9006`) holds another cell.
            nxt = _wrapped_next(doc, other) or _prose_next(doc, other, other.text,
                                                          start_x=doc.lines[seg.line].segments[0].x0)
            if nxt is not None:
                spots.append(ValueSpot(other.text + " " + nxt.text, _joined(other, nxt), 0, dist - 0.01, "right"))
            beside = _right_candidates(doc, other)
            if beside and beside[0].line != other.line and beside[0].x0 - other.x1 < 0.5 * h:
                # One cell that OCR cut onto two lines (`Classic` ‖ `& Green`, boxes of unequal height).
                spots.append(ValueSpot(other.text + " " + beside[0].text, _joined(other, beside[0]), 0, dist - 0.01,
                                      "right"))
            spots.append(ValueSpot(other.text, other, 0, dist, "right"))
            break  # the nearest segment only: further right is another column
    label_x = seg.x_at(hit.start)
    # In a row of captions, the document's habit (values over or under
    # their captions) settles a value printed both above and below.
    habit = caption_habit(doc)
    if not _all_labels(doc.lines[seg.line]):
        habit = None if habit == "above" else habit
    penalty = {"above": 2.0 if habit == "below" else 0.0, "below": 2.0 if habit == "above" else 0.0}
    if habit == "below":
        above = False  # values sit under their labels on this bill
    condition = _below_conditions(hit.field).get(hit.rank) if hit.field else None
    if condition is not None and not condition.search(re.sub(r"\s+", " ", " ".join(
            s.folded for s in doc.lines[seg.line].segments))):
        below = False
    if below and hit.below_ok:
        found = [o for o in doc.below(seg, max_lines=below_lines, start_x=label_x)
                 if not is_label(o) and not _beside_own_label(doc, o)]
        for i, other in enumerate(found):
            dy = (other.y0 - seg.y1) / h
            dx = abs(other.x0 - label_x) / h
            dist = 1.5 + max(dy, 0) + dx / 8 + penalty["below"]
            nxt = _wrapped_next(doc, other)
            if i == 0 and nxt is not None:
                spots.append(ValueSpot(other.text + " " + nxt.text, _joined(other, nxt), 0, dist - 0.01, "below"))
            spots.append(ValueSpot(other.text, other, 0, dist, "below"))
    if above and hit.below_ok:
        found = [o for o in doc.above(seg, max_lines=2, start_x=label_x)
                 if not is_label(o) and not _beside_own_label(doc, o)]
        if habit != "above":
            # A value right under another label is that label's value.
            found = [o for o in found if not under_a_label(doc, o) or _nearer_below(doc, o, seg)]
        for i, other in enumerate(found):
            dy = (seg.y0 - other.y1) / h
            dx = abs(other.x0 - label_x) / h
            dist = 1.8 + max(dy, 0) + dx / 8 + penalty["above"]
            prev = _wrapped_prev(doc, other)
            if i == 0 and prev is not None:
                spots.append(ValueSpot(prev.text + " " + other.text, _joined(prev, other), 0, dist - 0.01, "above"))
            spots.append(ValueSpot(other.text, other, 0, dist, "above"))
    spots.sort(key=lambda s: s.distance)
    yield from spots


def _joined(first: Segment, second: Segment) -> Segment:
    """A label's or a value's two pieces as one segment in the first's place:
    what is read across both, or in the second alone, is measured on its own words."""
    return placed(first.words + second.words, first)


def _beside_own_label(doc: Document, seg: Segment) -> bool:
    """Whether a label stands just left of `seg` on its line (`Numéro de
    compte client ‖ 25610161` over `Référence de la facture ‖ OV…`): that
    label's value, not one of the caption over or under it."""
    if seg.line < 0:
        return False
    segs = doc.lines[seg.line].segments
    k = next((i for i, o in enumerate(segs) if o is seg), 0)
    if k == 0:
        return False
    left = segs[k - 1]
    return is_label(left) and (seg.x0 - left.x1) / seg.height <= MAX_RIGHT_GAP


def under_a_label(doc: Document, seg: Segment) -> bool:
    """Whether a label stands right over `seg`, in one of the two lines above."""
    return _label_over(doc, seg) is not None


def _label_over(doc: Document, seg: Segment) -> Segment | None:
    """The label standing right over `seg`, in one of the two lines above."""
    h = seg.height
    for line in reversed(doc.lines[max(0, seg.line - 2):seg.line]):
        if line.page != seg.page or seg.y0 - line.y1 > 1.2 * h:
            return None
        for other in line.segments:
            if abs(other.x0 - seg.x0) < 2 * h and is_label(other):
                return other
    return None


def _nearer_below(doc: Document, value: Segment, label: Segment) -> bool:
    """Whether `value`, under another label, stands nearer to `label` under
    it than to that one: in a card of values over their captions
    (`Happ-e Élec Fixe 2 ans` / `Mon offre` / `6707452717` / `Mon compte
    client`), the caption printed under its own value."""
    over = _label_over(doc, value)
    return over is not None and max(label.y0 - value.y1, 0) + CAPTION_GAP_MARGIN * value.height < value.y0 - over.y1


# How much nearer (in heights of the value) a value must stand to one caption than to another.
CAPTION_GAP_MARGIN = 0.25


def _is_caption_row(line) -> bool:
    return len(line.segments) >= 2 and all(is_label(s) for s in line.segments)


def _all_labels(line) -> bool:
    return all(is_label(s) for s in line.segments)


def _caption_row(line) -> bool:
    """A row of three captions or more in capitals (`RÉFÉRENCE CLIENT ‖
    PÉRIODE DE CONSOMMATION ‖ VOTRE OFFRE ‖ REMBOURSEMENT`), known as
    labels or not."""
    return len(line.segments) >= 3 and all(
        re.search(r"[A-ZÀ-Ý]{2}", s.text) and not re.search(r"[a-zà-ÿ\d]", s.text) for s in line.segments)


# Captions a bill must print on one side of their values to show its habit.
HABIT_MIN_CAPTIONS = 2


def caption_habit(doc: Document) -> str | None:
    """"above" when the bill prints values over their labels (lines of
    labels with values only over them), "below" when under, else None."""
    cached = getattr(doc, "_caption_habit", False)
    if cached is not False:
        return cached
    from tasks.extract.lines import is_table_header

    heights = sorted(ln.height for ln in doc.lines) or [10.0]
    pitch = heights[len(heights) // 2]
    votes = {"above": 0, "below": 0}
    for line in doc.lines:
        if not _all_labels(line) or is_table_header(line):
            continue  # a table's header heads rows of lines, not one value each
        h = max(line.height, pitch)
        near = {}
        for key, idx in (("above", line.index - 1), ("below", line.index + 1)):
            other = doc.lines[idx] if 0 <= idx < len(doc.lines) else None
            overlap = other is not None and any(
                min(o.x1, s.x1) - max(o.x0, s.x0) > 0 for o in other.segments for s in line.segments)
            near[key] = other is not None and other.page == line.page and overlap and \
                (line.y0 - other.y1 if key == "above" else other.y0 - line.y1) < 1.2 * h and \
                not _all_labels(other) and any(re.search(r"\d", s.text) for s in other.segments)
        # A row of captions speaks for each of its captions.
        if near["above"] and not near["below"]:
            votes["above"] += len(line.segments)
        elif near["below"] and not near["above"]:
            votes["below"] += len(line.segments)
    habit = None
    # One caption alone over a figure (a table's group heading `Consommation`) sets no habit.
    if votes["above"] >= HABIT_MIN_CAPTIONS and votes["above"] >= 2 * votes["below"]:
        habit = "above"
    elif votes["below"] >= HABIT_MIN_CAPTIONS and votes["below"] >= 2 * votes["above"]:
        habit = "below"
    doc._caption_habit = habit
    return habit


def _right_candidates(doc: Document, seg: Segment) -> list[Segment]:
    """Segments right of `seg` on its line, or on the line just above or
    below when their middle is within 0.9 of its height of `seg`'s (cells
    drift on photos, and on scans a right-hand column can sit most of a
    line lower than its labels)."""
    mid = (seg.y0 + seg.y1) / 2
    h = seg.height
    found = list(doc.right_of(seg))
    near = [seg.line - 1, seg.line + 1]
    heights = sorted(w.y1 - w.y0 for w in seg.words)
    if h > 1.6 * heights[-1]:
        # A label wrapped over two lines (`Réf. Acheminement` / `Electricité`),
        # another column's line between them: its value may stand beside its last line.
        idx = seg.line + 2
        while idx < len(doc.lines) and doc.lines[idx].page == seg.page and doc.lines[idx].y0 < seg.y1:
            near.append(idx)
            idx += 1
    elif seg.ocr and heights[-1] > 1.6 * heights[0]:
        # A word's box a speck stretched (`Total` two lines tall beside `HT`):
        # the line stands where its words' middles do, as tall as they mostly are.
        mid = statistics.median((w.y0 + w.y1) / 2 for w in seg.words)
        h = statistics.median(heights)
    for idx in near:
        if 0 <= idx < len(doc.lines) and doc.lines[idx].page == seg.page:
            segs = doc.lines[idx].segments
            for k, other in enumerate(segs):
                if other.x0 >= seg.x1 - 1 and abs((other.y0 + other.y1) / 2 - mid) < 0.9 * h \
                        and not (k > 0 and abs(segs[k - 1].x0 - seg.x0) < 2 * h and is_label(segs[k - 1])):
                    # (A value beside a caption under or over this one is that caption's.)
                    found.append(other)
    # A neighbouring line's text overlapping a value level with the label is
    # another row's (`Offre ‖ OVO Gaz Fixe 1 an` over the offer's wider note).
    level = [o for o in found if o.line == seg.line]
    found = [o for o in found if o.line == seg.line or not any(o.x0 < s.x1 and s.x0 < o.x1 for s in level)]
    found.sort(key=lambda o: o.x0)
    if len(found) > 1:
        # Cells of one column on neighbouring lines: the one level with the label first.
        column = [o for o in found if o.x0 - found[0].x0 < h]
        column.sort(key=lambda o: abs((o.y0 + o.y1) / 2 - mid))
        found = column + found[len(column):]
    return found


# Most blank between two lines of one cell, in word heights: OCR boxes hug
# the ink, a text layer's the font's whole height, so the same leading
# leaves a wider gap between OCR boxes.
_LINE_GAP = {False: 0.35, True: 0.6}
# A figure's box height as a share of a word's with ascenders and descenders.
DIGIT_HEIGHT_SHARE = 0.75
# Between two lines of running text, whose boxes hold descenders and accents
# (a photo's leading measured 0,61 of them).
_PROSE_GAP = {False: 0.35, True: 0.8}


def _wrapped_next(doc: Document, seg: Segment, *, label_ok: bool = False) -> Segment | None:
    """The continuation of a value (or a label) wrapped onto the next line of its cell."""
    h = seg.height
    if seg.ocr:  # a box a speck stretched (`Électricité verte- Prix fixe` over `Électricité`) is no taller print
        h = min(h, statistics.median(w.y1 - w.y0 for w in seg.words))
        if not re.search(r"[^\W\d_]", seg.text):
            h /= DIGIT_HEIGHT_SHARE  # figures' boxes stop at their top and baseline, words' reach past them
    # A written date's year wrapped under its day and month is what it waits for:
    # OCR boxes hugging the ink leave it as far below as a line of prose.
    gap = (_PROSE_GAP if ends_with_day_month(seg.text) else _LINE_GAP)[seg.ocr] * h
    row_start = doc.lines[seg.line].segments[0].x0 if 0 <= seg.line < len(doc.lines) else seg.x0
    for line in doc.lines[seg.line + 1:seg.line + 3]:
        if line.page != seg.page or min(_print_top(s) for s in line.segments) - seg.y1 > gap:
            return None
        for k, other in enumerate(line.segments):
            aligned = abs(other.x0 - seg.x0) < 1.0 * h or (
                label_ok and other.x0 >= seg.x0 - h and other.x1 <= seg.x1 + h) or (  # centred captions
                not label_ok and _right_aligned_rest(doc, line, other, seg, h))
            # A label's box and its value's differ in height (a bold value, an
            # accent): only a value's words are measured for its continuation.
            if aligned and _same_print_size(seg, other, by_words=not label_ok) \
                    and (label_ok or not is_label(other)):
                # The value of the next row's own label is no continuation (`Offre : Classic` over
                # `Période de facturation : du 01/10/2025 au 30/11/2025`); a caption left of
                # where the value's row starts, its own value between, is another column's
                # (`TVA ‖ 7,76 €` of a summary beside a card whose `Plüm Locale &` wrapped
                # `Verte` onto its line).
                if not label_ok and any(is_label(left) and (left is line.segments[k - 1] or left.x1 >= row_start)
                                        and not _ACRONYM.fullmatch(left.text.strip()) for left in line.segments[:k]):
                    return None
                return other
    return None


def _print_top(seg: Segment) -> float:
    """Where the print of `seg` would start if it held a capital: OCR boxes
    a word of short letters (`ans`) from their x-height down, lower than its
    line's top (a text layer's box is the font's whole height)."""
    if seg.ocr and _SHORT_LETTERS.fullmatch(seg.text.strip()):
        return seg.y1 - (seg.y1 - seg.y0) / X_HEIGHT_SHARE
    return seg.y0


def _right_aligned_rest(doc: Document, line: Line, other: Segment, seg: Segment, h: float) -> bool:
    """`Happ-e Élec Fixe 2` over `ans`, flush right in their cell: the words
    a value right-aligned in its cell wrapped onto a line of their own (or
    beside a block of text printed left of the value's whole row: a chart's
    legend, or its caption's acronym wrapped too: `(PCE)` under `Point de
    comptage et d'estimation`)."""
    row_start = doc.lines[seg.line].segments[0].x0 if 0 <= seg.line < len(doc.lines) else seg.x0
    return all(o is other or o.x1 < row_start or _ACRONYM.fullmatch(o.text.strip()) for o in line.segments) \
        and abs(other.x1 - seg.x1) < h and other.x0 >= seg.x0 \
        and (re.search(r"[^\W\d_]{2}", other.text) is not None or _wrapped_year(seg.text, other.text)
             or _wrapped_digits(seg.text, other.text))


def _wrapped_digits(value: str, rest: str) -> bool:
    """`361 844 710 800` over `36`: the last digits of a long number printed in groups."""
    return re.fullmatch(r"\d{1,4}", rest.strip()) is not None and re.search(r"\d{3} \d{3}$", value.strip()) is not None


# `(PCE)`, `(PDL)`: a caption's acronym wrapped under it, left of its value's rest.
_ACRONYM = re.compile(r"\([A-Z]{2,4}\)")


def _wrapped_year(value: str, rest: str) -> bool:
    """`vendredi 7 novembre` over `2025`, flush right in a narrow cell: a
    written date's year wrapped onto a line of its own."""
    return re.fullmatch(r"(?:19|20)\d{2}", rest.strip()) is not None and ends_with_day_month(value)


def _same_print_size(a: Segment, b: Segment, *, by_words: bool) -> bool:
    """Whether two segments are printed in one size: their boxes' heights
    agree, or, `by_words` on OCR reads, their words' median heights (one box
    stretched by a speck or a bracket sways a segment's box, not the median)."""
    if abs(b.height - a.height) < 0.3 * a.height:
        return True
    if not (by_words and a.ocr and b.ocr):
        return False
    ha, hb = (statistics.median(w.y1 - w.y0 for w in s.words) for s in (a, b))
    if _SHORT_LETTERS.fullmatch(b.text.strip()) and not _SHORT_LETTERS.fullmatch(a.text.strip()):
        hb /= X_HEIGHT_SHARE  # OCR boxes `an`, `ans` to their letters' height, below a capital's
    return abs(hb - ha) < 0.3 * ha


# Words of letters with neither ascender nor descender (`an`, `ans`, `euros`),
# and the share of a line's full height their OCR box takes.
_SHORT_LETTERS = re.compile(r"[acemnorsuvwxz]+(?: [acemnorsuvwxz]+)*")
X_HEIGHT_SHARE = 0.7


def _prose_line_after(doc: Document, seg: Segment, *, same_start: bool = False,
                      x: float | None = None) -> Segment | None:
    """The start of the next line when `seg` ends its line in running text
    (`… point de livraison n° 6350` / `3924 0002 26, puissance …`, `…
    référence client EC152444, point de` / `comptage et d'estimation n° …`):
    the next line starts well to its left, and, `same_start`, where `seg`'s
    line starts (a line starting there under a column on the right is
    another column's; a value OCR set a little lower than its line stands
    alone on its own). `x`: where the value starts, when `seg` is the whole
    sentence."""
    own = doc.lines[seg.line]
    if own.segments[-1] is not seg or seg.line + 1 >= len(doc.lines):
        return None
    line = doc.lines[seg.line + 1]
    if line.page != seg.page or line.y0 - seg.y1 > _PROSE_GAP[seg.ocr] * seg.height:
        return None
    first = line.segments[0]
    if same_start and abs(first.x0 - own.segments[0].x0) >= seg.height:
        return None
    return first if first.x0 < (seg.x0 if x is None else x) - 10 * seg.height else None


def _prose_next(doc: Document, seg: Segment, value: str, x: float | None = None, *,
                start_x: float | None = None) -> Segment | None:
    """Digits that carry on at the start of the next line, when `value`, all
    digits (after a `n°` the label left out), starting at `x`, ends its line
    in running text; `start_x`: where that text's line (its label's) starts,
    as the next line must."""
    first = _prose_line_after(doc, seg, x=x) if re.fullmatch(r"(?:n°\s?)?[\d ]+", value) else None
    if first is None or not re.match(r"\d", first.text):
        return None
    if start_x is not None and abs(first.x0 - start_x) >= seg.height:
        return None
    # The sentence goes on after the digits, or the line holds nothing else; a
    # figure alone in a row of cells (a chart's `527 ‖ Gaz naturel ‖ …`) is no sentence.
    sentence = len(doc.lines[first.line].segments) == 1 or re.search(r"[^\W\d_]{2}", first.text)
    return first if sentence else None


def _wrapped_prev(doc: Document, seg: Segment) -> Segment | None:
    if seg.line == 0:
        return None
    line = doc.lines[seg.line - 1]
    if line.page != seg.page or seg.y0 - line.y1 > _LINE_GAP[seg.ocr] * seg.height:
        return None
    for other in line.segments:
        # Left-aligned, or centred in the same cell (`Offre Extra Eco Fixe` over `Duo`).
        centred = other.x0 <= seg.x0 and other.x1 >= seg.x1 and \
            abs((other.x0 + other.x1) - (seg.x0 + seg.x1)) / 2 < seg.height
        if (abs(other.x0 - seg.x0) < 1.0 * seg.height or centred) and not is_label(other):
            return other
    return None
