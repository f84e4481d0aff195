"""Long references read alone (tasks/ocr_doubles.py), with the real
Tesseract: a doubled character the page read merged, its box short of the
character it left out, comes back; any other difference is left alone."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tasks import ocr_doubles, tesseract
from tasks.settings import ASSETS
from tasks.tesseract import TessWord

DPI = 300


def page(*texts: str) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """A page with `texts` in bold one under another, and each text's box."""
    image = Image.new("L", (1400, 120 + 90 * len(texts)), 245)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(ASSETS / "fonts" / "DejaVuSans-Bold.ttf"), 36)
    boxes = []
    for row, text in enumerate(texts):
        draw.text((80, 60 + 90 * row), text, font=font, fill=25)
        boxes.append(tuple(round(v) for v in draw.textbbox((80, 60 + 90 * row), text, font=font)))
    return image, boxes


def merged(text: str, box, short_by: int, line: int) -> TessWord:
    """The page read's word: `text`, sure, its box `short_by` pixels short
    on the right (the merged character left out of it)."""
    left, top, right, bottom = box
    return TessWord(text, left, top, right - left - short_by, bottom - top, 92.0, 1, 1, line)


def read(sheet: Image.Image) -> list[TessWord]:
    return tesseract.ocr_words(sheet, lang="fra", psm=ocr_doubles.PSM, dpi=DPI)


def test_a_doubled_digit_the_page_read_merged_comes_back():
    image, boxes = page("IL240706-16577", "Facture 12345")
    words = [merged("IL240706-1657", boxes[0], 26, 1), TessWord("Facture", *boxes[1][:2], 150, 40, 95.0, 1, 1, 2)]

    again = ocr_doubles.with_doubles(image, words, DPI, read)

    assert [w.text for w in again] == ["IL240706-16577", "Facture"]
    assert again[0].left == words[0].left and again[0].width == words[0].width  # the box stays the page read's


def test_a_read_alone_that_differs_otherwise_is_not_taken():
    image, boxes = page("FA2025-3974427")
    words = [merged("FA2025-3974421", boxes[0], 26, 1)]

    assert ocr_doubles.with_doubles(image, words, DPI, read) == words


def test_a_word_whose_box_holds_all_its_print_is_not_read_again():
    """A read alone makes doubling errors of its own (`20251012945` read
    `202510012945`): only a box that left print out is worth the risk."""
    image, boxes = page("20251012945")
    words = [merged("20251012945", boxes[0], 0, 1)]
    calls = []

    def counted(sheet):
        calls.append(sheet.size)
        return read(sheet)

    assert ocr_doubles.with_doubles(image, words, DPI, counted) == words
    assert calls == []


@pytest.mark.parametrize("old, new, taken", [
    ("1657", "16577", True), ("IL123", "IL1223", True), ("123", "1234", False),
    ("123", "1233", True), ("12-3", "12--3", False), ("123", "123", False), ("1223", "123", False),
])
def test_only_one_character_read_twice_counts(old, new, taken):
    assert ocr_doubles.doubled(old, new) is taken


def test_the_cut_goes_on_over_the_ink_past_the_box_and_stops_at_a_words_gap():
    image, boxes = page("IL240706-16577      999")
    reference, _ = page("IL240706-16577")
    left, top, right, bottom = boxes[0]
    end_of_reference = np.flatnonzero((np.asarray(reference)[top:bottom] < 175).any(axis=0))[-1] + 1
    ink = np.asarray(image)[top:bottom] < 175
    height = bottom - top

    start, end = ocr_doubles.ink_extent(ink, left + 30, end_of_reference - 25, round(0.3 * height), 3 * height)

    assert abs(start - left) <= 3 and end == end_of_reference  # the whole reference, not the number a gap away
