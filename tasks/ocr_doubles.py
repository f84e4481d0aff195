"""A look at long references alone: a doubled character the page read merged.

Tesseract's LSTM reads a doubled character in bold print as one now and then
when it reads the whole page (`IL240706-16577` read `IL240706-1657`, `1223`
read `123`), with full confidence, while the same word read alone on paper
comes out whole; the page read's box then stops short of the character it
left out. An invoice or client reference comes out wrong, a PDL or PCE one
digit short and unknown. Here every long word with many digits (references,
meter numbers, dates) whose print goes on past its box is cut out, the cuts
stacked into one image and read again at once; a word whose read alone is
its page read with one character doubled takes that read. Only that change
is taken: any other difference (a letter for a digit, a lost dash) is as
likely the read alone's error as the page read's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from PIL import Image

from tasks import tesseract
from tasks.ocr_missed import paper_level, stack_on_paper

# The cuts, stacked, are read as one block of text.
PSM = 6
# Words looked at again: at least this many letters and digits, of which at
# least MIN_DIGITS digits (references, meter numbers, long dates). Shorter
# words (amounts) mostly have a comma whose place a reader checks.
MIN_CHARS = 7
MIN_DIGITS = 4
# Read with at least this confidence (0-100): an unsure word is the second
# look's (tasks/ocr_missed.py), and a merged double is read sure.
MIN_CONF = 50
# Paper kept around each cut (inches): the word's ink only, none of its
# neighbours', with a margin Tesseract needs to see the word's edges.
MARGIN_IN = 0.02
PAD_IN = 0.08
# The page read's box may leave out the character it merged (the last `7`
# of `16577`): the cut goes on along the word's rows over ink, and over
# gaps narrower than MAX_GAP of the word's height (between letters, not
# words), up to MAX_REACH of its height beyond the box on either side.
INK_CONTRAST = 70
MAX_GAP, MAX_REACH = 0.3, 1.5
# A word is read again only when that much of its print (a share of its
# height, about half a character) lies outside its box.
MIN_LEFT_OUT = 0.3
# At most this many words a page: beyond, the page is a table of figures
# whose second read would cost more than a page read.
MAX_WORDS = 40


def with_doubles(image: Image.Image, words: list[tesseract.TessWord], dpi: float,
                 read: Callable[[Image.Image], list[tesseract.TessWord]]) -> list[tesseract.TessWord]:
    """`words` (Tesseract's read of `image`) with the doubled characters put
    back that a read of their long words alone finds; `read` reads an image
    as Tesseract in mode PSM."""
    candidates = [i for i, w in enumerate(words) if _long_reference(w)]
    if not candidates:
        return words
    grey = np.asarray(image)
    paper = paper_level(grey)
    cuts = {i: _cut(grey, paper, words[i], dpi) for i in candidates}
    # Only a word whose box stops short of its print: a read alone makes
    # doubling errors of its own (`20251012945` read `202510012945`), which
    # are only worth risking where the page read has left print out.
    picked = [i for i, (ink, _) in cuts.items() if ink >= MIN_LEFT_OUT * words[i].height][:MAX_WORDS]
    if not picked:
        return words
    texts = _read_cuts(image, [cuts[i][1] for i in picked], round(PAD_IN * dpi), paper, read)
    out = list(words)
    for i, again in zip(picked, texts):
        if len(again) == 1 and doubled(words[i].text, again[0]):
            out[i] = replace(words[i], text=again[0])
    return out


def _cut(grey: np.ndarray, paper: int, word: tesseract.TessWord, dpi: float) -> tuple[int, tuple[int, int, int, int]]:
    """The width (pixels) of `word`'s print outside its box, and the box of
    its print on the page `grey`: its box, grown along its rows over the ink
    that goes on past it, with a margin."""
    height, width = grey.shape
    ink = grey[word.top:word.top + word.height] < paper - INK_CONTRAST
    left, right = ink_extent(ink, word.left, word.left + word.width,
                             round(MAX_GAP * word.height), round(MAX_REACH * word.height))
    margin = round(MARGIN_IN * dpi)
    return (word.left - left) + (right - word.left - word.width), (
        max(0, left - margin), max(0, word.top - margin), min(width, right + margin),
        min(height, word.top + word.height + margin))


def _read_cuts(image: Image.Image, boxes: list[tuple[int, int, int, int]], pad: int, paper: int,
               read: Callable[[Image.Image], list[tesseract.TessWord]]) -> list[list[str]]:
    """The words read in each box of `image`, the boxes stacked one under
    another on paper and read at once."""
    sheet, rows = stack_on_paper(image, boxes, pad, paper)
    ends = [end for _, end in rows]
    texts: list[list[str]] = [[] for _ in boxes]
    for w in read(sheet):
        index = int(np.searchsorted(ends, w.top + w.height / 2, side="right"))
        if index < len(boxes):
            texts[index].append(w.text)
    return texts


def _long_reference(word: tesseract.TessWord) -> bool:
    alnum = [c for c in word.text if c.isalnum()]
    return word.conf >= MIN_CONF and len(alnum) >= MIN_CHARS and sum(c.isdigit() for c in alnum) >= MIN_DIGITS


def doubled(old: str, new: str) -> bool:
    """`new` is `old` with one of its characters, a letter or a digit, read
    twice in a row (`1657` → `16577`)."""
    if len(new) != len(old) + 1:
        return False
    for k in range(1, len(new)):
        if new[k] == new[k - 1] and new[k].isalnum() and new[:k] + new[k + 1:] == old:
            return True
    return False


def ink_extent(ink: np.ndarray, left: int, right: int, max_gap: int, reach: int) -> tuple[int, int]:
    """[left, right) of a word's print on its rows `ink` (a mask as wide as
    the page), from its box [left, right) grown over the ink that goes on
    past either edge with gaps of at most `max_gap` columns."""
    columns = ink.any(axis=0)

    def grow(edge: int, step: int) -> int:
        """The far edge of the ink beyond `edge` (exclusive on the right, inclusive on the left)."""
        last, x = edge, edge if step > 0 else edge - 1
        for _ in range(reach):
            if not 0 <= x < len(columns):
                break
            if columns[x]:
                last = x + 1 if step > 0 else x
            elif abs(x - last) > max_gap:
                break
            x += step
        return last

    return grow(left, -1), grow(right, 1)
