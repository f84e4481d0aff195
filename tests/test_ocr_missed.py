"""The second look at the print a page read left out (tasks/ocr_missed.py),
with the real Tesseract on a rendered bill: what the read dropped or read as
an unsure scrap comes back; a clean read costs no Tesseract; a part read
again never replaces the whole; noise is not read."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest
from PIL import Image, ImageDraw, ImageFont

from tasks import ocr, ocr_missed, tesseract
from tasks.settings import ASSETS
from tasks.tesseract import TessWord
from tests.test_ocr import bill  # noqa: F401 - the fixture


@pytest.fixture(scope="module")
def page_read(bill):  # noqa: F811 - the fixture imported above
    """(prepared image, its dpi, Tesseract's words) as the stage reads the bill."""
    _, image = bill
    prepared = ocr.prepare(image.convert("L"), 200)
    words = tesseract.ocr_words(prepared.image, lang="fra", psm=ocr.PSM, dpi=round(prepared.dpi))
    return prepared.image, prepared.dpi, words


def reader(dpi: float, calls: list[int] | None = None):
    def read(sheet):
        if calls is not None:
            calls.append(sheet.height)
        return tesseract.ocr_words(sheet, lang="fra", psm=ocr_missed.PSM, dpi=round(dpi))
    return read


def amount(words: list[TessWord]) -> TessWord:
    return next(w for w in words if w.text == "218,31")


def test_a_clean_read_costs_no_second_tesseract(page_read):
    image, dpi, words = page_read
    calls: list[int] = []

    assert ocr_missed.with_missed(image, words, dpi, reader(dpi, calls)) == words
    assert calls == []


def test_a_dropped_amount_is_read_again_where_it_stands(page_read):
    image, dpi, words = page_read
    lost = amount(words)
    without = [w for w in words if w is not lost]

    again = ocr_missed.with_missed(image, without, dpi, reader(dpi))

    found = [w for w in again if w.text == "218,31"]
    assert len(found) == 1 and len(again) == len(words)  # nothing else read twice
    assert abs(found[0].left - lost.left) < 0.05 * dpi and abs(found[0].top - lost.top) < 0.05 * dpi


def test_a_dropped_amount_is_read_again_though_the_sheets_edges_touch_every_line(page_read):
    """A photographed sheet's edges, dashes too short for rules down both
    sides, leave ink on every row: the band of ink from top to bottom is cut
    into columns, and the amount the read dropped is still read again."""
    image, dpi, words = page_read
    edged = image.copy()
    draw = ImageDraw.Draw(edged)
    dash, gap = round(0.3 * dpi), round(0.05 * dpi)
    for x, offset in ((8, 0), (edged.width - 12, (dash + gap) // 2)):
        for y in range(offset, edged.height, dash + gap):
            draw.rectangle((x, y, x + 3, y + dash), fill=20)
    lost = amount(words)

    again = ocr_missed.with_missed(edged, [w for w in words if w is not lost], dpi, reader(dpi))

    assert [w.text for w in again].count("218,31") == 1


def test_an_unsure_scrap_over_an_amount_gives_way_to_its_read(page_read):
    image, dpi, words = page_read
    lost = amount(words)
    scrap = TessWord("ne", lost.left - 4, lost.top - 20, lost.width + 8, lost.height + 40, 0.0, 1, 1, 1)
    garbled = [scrap if w is lost else w for w in words]

    again = ocr_missed.with_missed(image, garbled, dpi, reader(dpi))

    assert "ne" not in [w.text for w in again]
    assert [w.text for w in again].count("218,31") == 1


def test_a_part_read_again_never_replaces_the_unsure_whole():
    sure = TessWord("Montant", 10, 50, 60, 30, 96.0, 1, 1, 1)
    unsure = TessWord("2234,92", 100, 50, 150, 30, 35.0, 1, 1, 1)
    part = TessWord("234,92", 120, 50, 130, 30, 96.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    assert ocr_missed.merge([sure, unsure], [part]) == [sure, unsure]

    unsure_label = TessWord("Total", 300, 50, 80, 30, 37.0, 1, 1, 1)
    worse = TessWord("Ttal", 300, 50, 80, 30, 84.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    assert ocr_missed.merge([unsure_label], [worse]) == [unsure_label]


def test_an_unsure_number_keeps_its_digits_and_its_comma_against_a_read_that_lost_them():
    """`27,440` read unsure, read again as `27400` or as letters (`ae` for
    `20,350.c€/`): a read of a piece alone drops a comma more often than OCR
    makes one up. A read that keeps them replaces it (`2O,35` → `20,35`)."""
    price = TessWord("27,440", 432, 139, 70, 15, 46.0, 1, 1, 1)
    unit = TessWord("20,350.c€/", 432, 164, 41, 7, 30.0, 1, 1, 1)
    lost_comma = TessWord("27400", 432, 139, 70, 15, 90.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    letters = TessWord("ae", 432, 164, 41, 15, 90.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    assert ocr_missed.merge([price, unit], [lost_comma, letters]) == [price, unit]
    misread = TessWord("2O,35", 432, 139, 70, 15, 40.0, 1, 1, 1)
    better = TessWord("20,35", 432, 139, 70, 15, 92.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    assert ocr_missed.merge([misread], [better]) == [better]


def test_an_unsure_scrap_gives_way_to_a_better_read_over_it():
    scrap = TessWord("ne", 98, 40, 146, 50, 0.0, 1, 1, 1)
    better = TessWord("153,92", 100, 50, 140, 30, 95.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    sure = TessWord("153,92", 100, 50, 140, 30, 60.0, 1, 1, 1)

    assert ocr_missed.merge([scrap], [better]) == [better]
    assert ocr_missed.merge([sure], [better]) == [sure, better]  # a sure word is never replaced (nor read again)
    # `Se` over a speck and `585,14 €`, its box stretched by the speck: the
    # reads cover less than most of it but read more than it did.
    stretched = TessWord("Se", 2124, 691, 221, 45, 33.0, 1, 1, 1)
    amount = TessWord("585,14", 2202, 708, 88, 28, 96.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    euro = TessWord("€", 2310, 708, 20, 28, 77.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    assert ocr_missed.merge([stretched], [amount, euro]) == [amount, euro]
    assert ocr_missed.merge([stretched], [euro]) == [stretched]


def test_a_lone_digit_between_two_words_read_again_is_kept_a_remnant_is_not():
    """`Offre : Électricité Verte Fixe 2 ans`, a sidebar line the page read
    dropped, read again: its lone `2` between two words of its line is print
    (`Fixe ans` lost the offer's duration). A digit alone at a line's end
    (the remnant of a word read already) or on a line of its own is not."""
    def w(text, left, line):
        return TessWord(text, left, 10 + 40 * line, 12 * len(text), 30, 92.0, 1, 1, line)

    words = [w("Fixe", 100, 1), w("2", 160, 1), w("ans", 180, 1), w("Total", 100, 2), w("5", 170, 2), w("7", 100, 3)]
    assert [x.text for x in ocr_missed._without_remnants(words)] == ["Fixe", "2", "ans", "Total"]


def test_a_page_of_noise_is_not_read_again():
    rng = random.Random(7)
    image = Image.new("L", (2480, 3508), 235)
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # blots the size of words, everywhere: texture, not a few holes in a read
        x, y = rng.randrange(100, 2300), rng.randrange(100, 3300)
        draw.rectangle((x, y, x + rng.randrange(40, 160), y + rng.randrange(20, 40)), fill=30)

    assert ocr_missed.missed_pieces(image, [], 300) == []


def test_an_amount_between_cells_of_two_lines_is_read_again():
    """`10,600 c€/` over `kWh`, then `16,54 €`, then `20` over `%`: the
    amount the read dropped shares its band with cells of two lines, too
    tall for one line of the page's print; each part of the band beside
    the other has its own lines, and the amount is read again."""
    font = ImageFont.truetype(str(ASSETS / "fonts" / "DejaVuSans.ttf"), 25)
    image = Image.new("L", (1700, 420), 245)
    draw = ImageDraw.Draw(image)
    for row in range(4):  # the page's print, enough words for its size to count
        draw.text((50, 20 + 40 * row), "Abonnement mensuel du compteur électrique relevé", font=font, fill=20)
    draw.text((50, 300), "Énergie Base", font=font, fill=20)
    draw.text((900, 280), "10,600 c€/", font=font, fill=20)
    draw.text((960, 315), "kWh", font=font, fill=20)
    draw.text((1150, 298), "16,54 €", font=font, fill=20)
    draw.text((1300, 280), "20", font=font, fill=20)
    draw.text((1305, 315), "%", font=font, fill=20)
    words = tesseract.ocr_words(image, lang="fra", psm=ocr.PSM, dpi=200)
    without = [w for w in words if w.top < 270 or w.left < 1100]
    assert len([w for w in without if w.conf >= ocr_missed.MIN_COVER_CONF]) >= ocr_missed.MIN_WORDS_FOR_SIZE

    again = ocr_missed.with_missed(image, without, 200, reader(200))

    assert "16,54" in [w.text for w in again]


def test_a_scrap_over_two_lines_gives_way_to_the_reads_of_its_lines_not_to_one_of_them():
    """`RE` (a scrap 15 pt tall over `11,010 c€/` over `kWh` and `27,75 €`,
    print 6 pt) gives way to the cells read again under it, though they
    cover less than most of its width; `593` over `1` over `993` does not
    give way to `993` alone: the line of its `1` was not read again."""
    scrap = TessWord("RE", 1810, 580, 350, 61, 18.0, 1, 1, 1)
    price = TessWord("11,010", 1810, 580, 107, 30, 93.0, ocr_missed.BLOCK_OFFSET, 1, 1)
    amount = TessWord("27,75", 2075, 597, 88, 30, 93.0, ocr_missed.BLOCK_OFFSET + 1, 1, 1)
    assert ocr_missed.merge([scrap], [price, amount]) == [price, amount]

    number = TessWord("593", 1547, 1165, 58, 62, 32.0, 1, 1, 1)
    lower = TessWord("993", 1547, 1202, 58, 25, 96.0, ocr_missed.BLOCK_OFFSET, ocr_missed.CELL_LINES_PAR, 1)
    assert ocr_missed.merge([number], [lower]) == [number]
    # Read on the sheet of other pieces (its box stretched by a speck, not over two lines): the width decides.
    lower = replace(lower, par=1)
    assert ocr_missed.merge([number], [lower]) == [lower]


def _table_of_two_line_cells(rows: int):
    """A page's print, then `rows` table rows each with cells of two lines
    (`10,600 c€/` over `kWh`, `20` over `%`) beside one-line cells, and the
    words Tesseract read surely in the print above the table."""
    font = ImageFont.truetype(str(ASSETS / "fonts" / "DejaVuSans.ttf"), 25)
    image = Image.new("L", (1700, 260 + 90 * rows), 245)
    draw = ImageDraw.Draw(image)
    for row in range(4):
        draw.text((50, 20 + 40 * row), "Abonnement mensuel du compteur électrique relevé", font=font, fill=20)
    for row in range(rows):
        y = 240 + 90 * row
        draw.text((50, y + 18), "Énergie Base", font=font, fill=20)
        draw.text((900, y), "10,600 c€/", font=font, fill=20)
        draw.text((960, y + 35), "kWh", font=font, fill=20)
        draw.text((1150, y + 18), f"{16 + row},54 €", font=font, fill=20)
        draw.text((1400, y), "20", font=font, fill=20)
        draw.text((1405, y + 35), "%", font=font, fill=20)
    words = [w for w in tesseract.ocr_words(image, lang="fra", psm=ocr.PSM, dpi=200) if w.top < 200]
    assert len([w for w in words if w.conf >= ocr_missed.MIN_COVER_CONF]) >= ocr_missed.MIN_WORDS_FOR_SIZE
    return image, words


def test_cells_under_a_scrap_over_two_lines_are_read_again_on_a_page_of_many_holes():
    """A table whose every row wraps a cell leaves more pieces than the cap
    unread; the cells under a scrap Tesseract made over two lines of one
    row (its price and amount lost) are still read again, on a sheet of
    their own, and replace it."""
    image, words = _table_of_two_line_cells(6)
    assert ocr_missed.missed_pieces(image, words, 200) == []  # more cells than the cap: none read
    scrap = TessWord("RE", 895, 415, 360, 70, 18.0, 1, 1, 1)  # over the third row's price and amount
    calls = []

    again = ocr_missed.with_missed(image, [*words, scrap], 200, reader(200, calls))

    assert len(calls) == 1  # the cells under the scrap alone: the rest of the table stays unread
    texts = [w.text for w in again]
    assert "RE" not in texts and "10,600" in texts and "18,54" in texts


def test_a_scrap_over_lines_of_light_print_on_a_dark_band_is_read_again_turned():
    """A supplier's header printed white on a dark band, read by the page
    read as one unsure scrap over two lines (`et` for « Facture n°
    F-2414634664 » over « Émise le 04/11/24 »): its box, turned dark on
    light, is read again and replaces it; a sure word beside it is not read
    twice, and a scrap on paper is left to `missed_pieces`."""
    font = ImageFont.truetype(str(ASSETS / "fonts" / "DejaVuSans.ttf"), 25)
    image = Image.new("L", (1700, 1200), 245)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1700, 200), fill=25)
    draw.text((1100, 40), "Facture n° F-2414634664", font=font, fill=225)
    draw.text((1180, 80), "Émise le 04/11/24", font=font, fill=225)
    draw.text((1000, 125), "Numéro de compte A-AF859313", font=font, fill=225)
    for row in range(4):
        draw.text((50, 300 + 40 * row), "Abonnement mensuel du compteur électrique relevé", font=font, fill=20)
    words = [w for w in tesseract.ocr_words(image, lang="fra", psm=ocr.PSM, dpi=200)
             if w.top > 250 or w.top > 115 and w.conf >= ocr_missed.MIN_COVER_CONF]
    assert len([w for w in words if w.conf >= ocr_missed.MIN_COVER_CONF]) >= ocr_missed.MIN_WORDS_FOR_SIZE
    scrap = TessWord("et", 1100, 38, 350, 75, 26.0, 1, 1, 1)

    again = ocr_missed.with_missed(image, [*words, scrap], 200, reader(200))

    texts = [w.text for w in again]
    assert "et" not in texts and "F-2414634664" in texts and "04/11/24" in texts
    assert texts.count("A-AF859313") == 1
    # A short unsure scrap on the band, the rest of its line and the next lost
    # (`Ho` for `Facture`): the whole band is read again.
    scrap = TessWord("Ho", 1100, 40, 110, 28, 26.0, 1, 1, 1)
    texts = [w.text for w in ocr_missed.with_missed(image, [*words, scrap], 200, reader(200))]
    assert "Ho" not in texts and "F-2414634664" in texts and "Émise" in texts
    assert texts.count("A-AF859313") == 1
    # The same scrap over paper: nothing dark under it to turn.
    assert ocr_missed.unsure_on_fills(Image.new("L", (1700, 1200), 245), [*words, scrap], 200) == []
