"""Pre-processing functions on their own, and the Tesseract wrapper."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tasks import imaging, tesseract
from tasks.ocr import edge_shadow, speck, without_box_edges, without_twin_lines
from tasks.errors import StageTimeout

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@pytest.fixture(scope="module")
def text_page() -> Image.Image:
    """A 150 dpi A4 page of ordinary text lines, with a rule and a filled
    box (which must not sway the line analysis)."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 26)
    for i in range(28):
        draw.text((140, 180 + 48 * i), f"Ligne {i + 1} : consommation de {100 + i} kWh, abonnement {i},50 €",
                  fill=0, font=font)
    draw.rectangle((140, 120, 700, 160), fill=0)
    draw.line((140, 1600, 1100, 1600), fill=0, width=4)
    return image


def test_skew_is_measured_with_its_sign(text_page):
    tilted = text_page.rotate(2.5, resample=Image.Resampling.BICUBIC, fillcolor=255)  # counter-clockwise
    layout = imaging.analyse_layout(tilted)
    assert layout.turn == 0
    assert layout.angle == pytest.approx(2.5, abs=0.2)
    assert layout.gain > 1.1

    straight = imaging.analyse_layout(text_page)
    assert abs(straight.angle) <= 0.1


@pytest.mark.parametrize("clockwise", [90, 270])
def test_text_lying_on_its_side_is_found(text_page, clockwise):
    layout = imaging.analyse_layout(imaging.quarter_turn(text_page, clockwise))
    assert layout.turn == 90 and layout.lines_ratio > 1.15


def test_upside_down_text_is_found(text_page):
    assert imaging.upside_down(text_page)[0] is False
    flipped, evidence = imaging.upside_down(imaging.quarter_turn(text_page, 180))
    assert flipped is True and evidence > 1.3


def test_blank_page_gives_no_evidence():
    blank = Image.new("L", (1000, 1400), 255)
    assert imaging.analyse_layout(blank) == imaging.Layout(0, 0.0, 1.0, 1.0)
    assert imaging.upside_down(blank) == (False, 1.0)


def test_uneven_light_becomes_white_paper(text_page):
    # Paper from 255 at the top down to 110 at the bottom, ink stays black.
    ramp = Image.linear_gradient("L").resize(text_page.size).point(lambda v: 255 - v * 145 // 255)
    shaded = Image.composite(text_page, ramp, text_page.point(lambda v: 255 if v < 128 else 0))

    flat = np.asarray(imaging.flatten_illumination(shaded), dtype=np.float32)

    paper = flat[np.asarray(text_page) > 200]
    ink = flat[np.asarray(text_page) < 50]
    assert np.percentile(paper, 5) > 200  # the shadowed bottom is paper again
    assert np.median(ink) < 80


def test_flattening_in_bands_of_rows_gives_the_whole_page_formula(text_page):
    """The division runs in bands of rows to spare memory: the bands' seams
    must not show (the page is several bands tall)."""
    ramp = Image.linear_gradient("L").resize(text_page.size).point(lambda v: 255 - v * 145 // 255)
    shaded = Image.composite(text_page, ramp, text_page.point(lambda v: 255 if v < 128 else 0))
    assert shaded.height > 3 * imaging._FLATTEN_BAND_ROWS

    paper = np.asarray(imaging.paper_background(shaded).resize(shaded.size, Image.Resampling.BILINEAR),
                       dtype=np.float32)
    whole = np.minimum(np.asarray(shaded, dtype=np.float32) / np.maximum(paper, 1.0) * 255.0, 255.0)
    expected = imaging.autocontrast(Image.fromarray(whole.astype(np.uint8), "L"))

    assert np.array_equal(np.asarray(imaging.flatten_illumination(shaded)), np.asarray(expected))


def test_a_photos_shaded_corner_becomes_white_paper_too(text_page):
    """A shade over one corner only (30 % darker), under what the test of
    uneven light over the page's centre sees: on a photo the paper is
    made even all the same, or Tesseract drops the column under it."""
    from tasks.ocr import prepare

    page = np.asarray(text_page, dtype=np.float32)
    h, w = page.shape
    yy, xx = np.mgrid[0:h, 0:w]
    from_corner = np.hypot((xx - w) / w, yy / h)
    shaded = Image.fromarray((page * (1 - 0.3 * np.clip(1 - from_corner / 0.6, 0, 1))).astype(np.uint8))
    assert not imaging.uneven_light(shaded)
    photo = Image.new("L", (w + 300, h + 300), 60)  # a sheet on a dark table
    photo.paste(shaded, (150, 150))

    prepared = prepare(photo, 150)

    paper = np.asarray(imaging.paper_background(prepared.image, 250), dtype=np.float32)
    ph, pw = paper.shape
    assert prepared.photo
    assert paper[ph // 20: ph // 8, pw * 7 // 8: pw - pw // 20].mean() > 235


def test_the_background_left_around_a_straightened_sheet_is_painted_white(text_page):
    """A rim of table 12 px wide on three sides stays after straightening
    (the sheet's edges are found to a few pixels): it goes, the print stays.
    A dark header band along the top edge, wider than a rim, is print."""
    sheet = np.asarray(text_page).copy()
    sheet[:, :12] = 90
    sheet[:, -12:] = 90
    sheet[-12:, :] = 90
    sheet[:120, :] = 40  # a header band printed to the edge
    cleared = np.asarray(imaging.clear_rim(Image.fromarray(sheet)))
    assert cleared[600:1200, :12].min() == 255 and cleared[600:1200, -12:].min() == 255
    assert cleared[-12:, 200:1000].min() == 255
    assert cleared[:120, 200:1000].max() == 40  # the band is kept
    inside = (slice(130, -20), slice(20, -20))
    assert np.array_equal(cleared[inside], sheet[inside])


def test_the_paper_brightness_max_filter_is_pils():
    rng = np.random.default_rng(7)
    grey = rng.integers(0, 256, (61, 47), dtype=np.uint8)
    for reach in (1, 2, 4):
        pil = np.asarray(Image.fromarray(grey).filter(ImageFilter.MaxFilter(2 * reach + 1)))
        assert np.array_equal(imaging._max_filter(grey, reach), pil)


def test_long_runs_are_rules_not_text():
    mask = np.zeros((20, 50), dtype=bool)
    mask[5, 2:40] = True  # a rule
    mask[10, 2:6] = True  # a short stroke
    runs = imaging.long_runs(mask, 10, axis=1)
    assert runs[5, 2:40].all() and not runs[5, :2].any() and not runs[5, 40:].any()
    assert not runs[10].any()


def test_long_runs_match_a_run_by_run_count_and_never_join_two_lines():
    def by_hand(mask, length):  # along rows
        out = np.zeros_like(mask)
        for y, row in enumerate(mask):
            x = 0
            while x < len(row):
                end = x
                while end < len(row) and row[end]:
                    end += 1
                if end - x >= length:
                    out[y, x:end] = True
                x = end + 1
        return out

    rng = np.random.default_rng(7)
    for _ in range(100):
        mask = rng.random(tuple(rng.integers(1, 40, 2))) < rng.random()
        length = int(rng.integers(1, 25))
        assert np.array_equal(imaging.long_runs(mask, length, axis=1), by_hand(mask, length))
        assert np.array_equal(imaging.long_runs(mask, length, axis=0), by_hand(mask.T, length).T)
    # A run ending one row and one starting the next are two short runs.
    mask = np.zeros((2, 10), dtype=bool)
    mask[0, 6:] = mask[1, :4] = True
    assert not imaging.long_runs(mask, 6, axis=1).any()


def test_quarter_turns_are_clockwise():
    image = Image.new("L", (4, 2), 255)
    image.putpixel((0, 0), 0)  # top left
    assert imaging.quarter_turn(image, 90).getpixel((1, 0)) == 0  # now top right
    assert imaging.quarter_turn(image, 180).getpixel((3, 1)) == 0
    assert imaging.quarter_turn(image, 270).getpixel((0, 3)) == 0


def test_tesseract_words_have_boxes_and_confidences(text_page):
    words = tesseract.ocr_words(text_page.crop((100, 170, 1240, 330)), lang="fra", psm=6, dpi=150)
    texts = [w.text for w in words]
    assert "consommation" in texts and "kWh," in texts
    first = words[0]
    assert first.text == "Ligne" and 30 <= first.left <= 50 and 5 <= first.top <= 25
    assert all(0 <= w.conf <= 100 for w in words)


def test_tesseract_timeout_kills_and_raises(text_page):
    big = text_page.resize((text_page.width * 2, text_page.height * 2))
    with pytest.raises(StageTimeout):
        tesseract.ocr_words(big, timeout_s=0.05)


def test_tesseract_tsv_parsing_skips_empty_and_broken_rows():
    tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" \
          "4\t1\t1\t1\t1\t0\t10\t10\t100\t20\t-1\t\n" \
          "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t91.5\tFacture\n" \
          "5\t1\t1\t1\t1\t2\t60\t10\t40\t20\t95\t \n" \
          "5\t1\t1\t1\t1\t3\tx\t10\t40\t20\t95\tcassé\n"
    [word] = tesseract.parse_tsv(tsv)
    assert word == tesseract.TessWord("Facture", 10, 10, 40, 20, 91.5, 1, 1, 1)


def _photo_of(page: Image.Image, corners) -> Image.Image:
    """`page` pasted with perspective onto a darker, blurry background of
    1600 × 2000 pixels, its corners at `corners` (tl, tr, br, bl)."""
    from PIL import ImageFilter

    rng = np.random.default_rng(1)
    noise = Image.fromarray((rng.random((50, 40)) * 90 + 60).astype(np.uint8), "L")
    background = noise.resize((1600, 2000), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(8))
    width, height = page.size
    coeffs = imaging._perspective_coeffs(corners, [(0, 0), (width, 0), (width, height), (0, height)])
    warped = page.transform((1600, 2000), Image.Transform.PERSPECTIVE, coeffs, resample=Image.Resampling.BICUBIC,
                            fillcolor=0)
    inside = Image.new("L", page.size, 255).transform((1600, 2000), Image.Transform.PERSPECTIVE, coeffs,
                                                       fillcolor=0)
    # Light falls off towards the bottom of the sheet.
    shade = Image.linear_gradient("L").resize((1600, 2000)).point(lambda v: 255 - v // 4)
    from PIL import ImageChops

    return Image.composite(ImageChops.multiply(warped, shade), background, inside)


def test_sheet_is_found_on_a_photo_and_straightened(text_page):
    # The sheet's own (unknown to find_sheet) corners: a trapezoid, the
    # bottom nearer to the camera.
    corners = [(260, 180), (1330, 230), (1420, 1860), (150, 1800)]
    photo = _photo_of(text_page, corners)

    quad = imaging.find_sheet(photo)

    assert quad is not None
    for found, true in zip(quad.points(), corners):
        assert abs(found[0] - true[0]) <= 12 and abs(found[1] - true[1]) <= 12
    flat = imaging.straighten(photo, quad)
    width, height = imaging.sheet_size(quad)
    assert flat.size == (round(width), round(height))
    # Straight again: the text lines are level.
    assert abs(imaging.analyse_layout(flat).angle) <= 0.3


def test_no_sheet_on_a_scan(text_page):
    assert imaging.find_sheet(text_page) is None
    assert imaging.find_sheet(Image.new("L", (800, 1100), 255)) is None


def _pale_label_page(label_grey: int) -> Image.Image:
    """A 300 dpi scan-like strip: pale grey labels above dark values, paper
    grain, a pale rule and a pale tinted box with white text in it."""
    image = Image.new("L", (2480, 900), 243)
    draw = ImageDraw.Draw(image)
    small, big = ImageFont.truetype(FONT, 30), ImageFont.truetype(FONT.replace("Sans", "Sans-Bold"), 44)
    for i, (label, value) in enumerate([("Facture n°", "IL241123-55250"), ("Référence client", "IL89377689"),
                                        ("N° PRM", "164 990 097 954 89")]):
        draw.text((150, 80 + 230 * i), label, fill=label_grey, font=small)
        draw.text((150, 125 + 230 * i), value, fill=20, font=big)
    draw.line((1300, 60, 2300, 60), fill=label_grey, width=3)
    draw.rectangle((1300, 200, 2300, 330), fill=label_grey)
    draw.text((1340, 240), "Montant", fill=255, font=big)
    grain = np.random.default_rng(0).normal(0, 4, (image.height, image.width))
    return Image.fromarray(np.clip(np.asarray(image, dtype=np.float64) + grain, 0, 255).astype(np.uint8), "L")


def _read(image: Image.Image) -> str:
    return " ".join(w.text for w in tesseract.ocr_words(image, psm=6, dpi=300))


def test_pale_labels_are_darkened_and_read_with_dark_values_and_tinted_boxes_intact():
    page = _pale_label_page(label_grey=200)
    before = _read(page)
    assert "PRM" not in before and "Référence" not in before  # Tesseract takes them for paper
    darkened = imaging.darken_pale_print(page)
    after = _read(darkened)
    for word in ("Facture", "Référence", "client", "PRM", "IL89377689"):
        assert word in after
    assert "164 990 097 954 89" in after
    # Only the pale print changed (a box's outline may darken): the tinted
    # box with its white text, the rule and the paper away from the labels
    # are as they were.
    for box in ((1315, 215, 2285, 315), (1300, 50, 2300, 70), (1300, 600, 2300, 700)):
        assert np.array_equal(np.asarray(darkened.crop(box)), np.asarray(page.crop(box)))


def test_a_page_without_pale_print_is_left_as_it_is():
    page = _pale_label_page(label_grey=20)  # labels as dark as the values
    assert imaging.darken_pale_print(page) is page
    blank = Image.new("L", (1240, 1754), 255)
    assert imaging.darken_pale_print(blank) is blank


@pytest.mark.parametrize(("text", "conf", "kept"), [
    (":", 12.0, False), ("|", 40.0, False), ("É", 5.0, False),  # specks of a scan
    (":", 91.0, True), ("à", 88.0, True), ("x", 75.0, True),  # printed
    ("1", 20.0, True), ("42", 20.0, True), ("kWh", 10.0, True),  # the thousands of `1 492`, misread words
])
def test_specks_are_dropped_and_words_kept(text, conf, kept):
    word = tesseract.TessWord(text, 10, 10, 8, 12, conf, 1, 1, 1)
    assert speck(word) is not kept


@pytest.mark.parametrize(("text", "word"), [
    ("_52308597446577", "52308597446577"), ("Total|", "Total"), ("|12,50", "12,50"),  # an edge glued on
    ("‘6505749", "6505749"), ("l'électricité", "l'électricité"), ("'Offre'", "'Offre'"),  # a speck before digits
    ("‘du", "du"), ("’Électricité", "Électricité"),  # or before a word, read as a curly quote
    ("|", "|"), ("_", "_"), ("jean_dupont@example.org", "jean_dupont@example.org"),  # alone, or inside
])
def test_a_box_edge_glued_to_a_word_comes_off(text, word):
    assert without_box_edges(text) == word


@pytest.mark.parametrize(("box", "conf", "dropped"), [
    ((0, 600, 8, 12), 17.0, True), ((2, 700, 2, 2), 14.0, True),  # letters made of the scanner's shadow
    ((2470, 600, 8, 12), 30.0, True), ((1200, 3490, 40, 12), 20.0, True),  # at the right, at the bottom
    ((0, 600, 8, 12), 91.0, False), ((120, 600, 80, 30), 17.0, False),  # sure of itself, or inside the margins
])
def test_unsure_words_within_a_hundredth_of_the_sheets_edge_are_its_shadow(box, conf, dropped):
    word = tesseract.TessWord("host", *box, conf, 1, 1, 1)
    assert edge_shadow(word, 2480, 3508) is dropped


def test_blank_cuts_fall_on_blank_paper_at_the_middle_of_the_print(text_page):
    rows = np.asarray(text_page)[:, 60:-60] < 128
    [cut] = imaging.blank_cuts(text_page, 2, min_gap=10)
    assert not rows[cut - 4:cut + 5].any()
    strokes = (rows[:, 1:] & ~rows[:, :-1]).sum(axis=1)
    assert abs(strokes[:cut].sum() - strokes[cut:].sum()) < 0.1 * strokes.sum()
    first, second = imaging.blank_cuts(text_page, 3, min_gap=10)
    assert first < cut < second


def test_blank_cuts_share_the_lines_of_text_not_the_ink_of_a_logo(text_page):
    # A big solid logo above the text holds more dark pixels than all its
    # lines: cut at equal ink, one strip would get the logo and a few lines,
    # the other the rest (and all of Tesseract's work).
    with_logo = Image.new("L", (1240, 2354), 255)
    ImageDraw.Draw(with_logo).rectangle((140, 40, 1100, 560), fill=0)
    with_logo.paste(text_page, (0, 600))
    [cut] = imaging.blank_cuts(with_logo, 2, min_gap=10)
    [plain_cut] = imaging.blank_cuts(text_page, 2, min_gap=10)
    assert abs(cut - (600 + plain_cut)) <= 48  # at most a line from the text's own middle


def test_blank_cuts_see_past_a_scanners_dark_edge_and_never_cut_through_print(text_page):
    edged = text_page.copy()
    ImageDraw.Draw(edged).rectangle((0, 0, 3, edged.height), fill=0)
    assert imaging.blank_cuts(edged, 2, min_gap=10) == imaging.blank_cuts(text_page, 2, min_gap=10)
    # Lines 48 px apart leave no blank band 30 px tall: no cut.
    assert imaging.blank_cuts(text_page, 2, min_gap=30) == []
    assert imaging.blank_cuts(Image.new("L", (600, 800), 255), 2, min_gap=10) == []


def _with_header_band(page: Image.Image, depth: int, fill: int, at: tuple[int, int], size: int) -> Image.Image:
    """`page` under a band `depth` pixels deep, of grey `fill`, with an
    invoice number printed light on it at `at` in `size` points."""
    page = page.copy()
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, page.width, depth), fill=fill)
    draw.text(at, "Facture F-2434857070", fill=235, font=ImageFont.truetype(FONT, size))
    return page


def test_a_sheet_whose_dark_header_band_was_taken_for_background_grows_back_over_it(text_page):
    """A supplier's header printed white on a band as dark as the table under
    the sheet: `find_sheet` stops at the band and finds a squat sheet.
    Grown back towards A4 at both ends, the sheet holds the band again, and
    its print is read. A sheet of A4 proportions is left as found."""
    page = _with_header_band(text_page, 230, 40, (600, 90), 40)  # 1240 × 1754: A4 at 150 dpi
    corners = [(260, 300), (1330, 340), (1420, 1900), (150, 1860)]
    photo = _photo_of(page, corners)
    quad = imaging.find_sheet(photo)
    assert quad.tl[1] > corners[0][1] + 100  # the band was left out

    grown = imaging.complete_sheet(photo, quad)
    assert grown.tl[1] <= corners[0][1] + 10 and grown.tr[1] <= corners[1][1] + 10

    def read(sheet):
        return " ".join(w.text for w in tesseract.ocr_words(imaging.straighten(photo, sheet), dpi=150))

    assert "Facture F-24348" in read(grown) and "Facture" not in read(quad)

    photo = _photo_of(text_page, corners)
    quad = imaging.find_sheet(photo)
    assert imaging.complete_sheet(photo, quad) == quad


def test_a_dark_header_band_too_shallow_to_make_the_sheet_squat_is_taken_in_whole(text_page):
    """A header band of white print, as dark as the table: `find_sheet`
    stops at its inner edge, and the sheet it finds is so nearly of A4's
    proportions that `complete_sheet` keeps it. The band measured beyond
    that edge is taken in, and its print read; no band is found beyond a
    whole sheet's edges (the blurred table there has no print)."""
    page = _with_header_band(text_page, 90, 30, (640, 28), 32)
    corners = [(300, 200), (1300, 215), (1320, 1640), (280, 1625)]
    photo = _photo_of(page, corners)
    quad = imaging.find_sheet(photo)
    assert quad.tl[1] > corners[0][1] + 50  # the band was left out…
    assert imaging.complete_sheet(photo, quad) == quad  # …and the sheet is not squat enough to grow back

    grown = imaging.with_dark_band(photo, quad)
    for found, true in ((grown.tl, corners[0]), (grown.tr, corners[1])):
        assert true[1] - 40 <= found[1] <= true[1] + 10
    assert (grown.bl, grown.br) == (quad.bl, quad.br)
    words = " ".join(w.text for w in tesseract.ocr_words(imaging.straighten(photo, grown), dpi=150))
    assert "F-2434857070" in words

    photo = _photo_of(text_page, corners)
    quad = imaging.find_sheet(photo)
    assert imaging.with_dark_band(photo, quad) == quad


@pytest.mark.parametrize("sideways", [False, True])
def test_a_dark_band_of_light_print_across_a_sheets_end_is_turned_into_dark_print_on_light(text_page, sideways):
    """The dark header band of a straightened photo (or of one still on its
    side): its print dark on light, the rest of the sheet untouched. A dark
    band without print (a shadow along the edge), a mid-tone band and a
    sheet without a band are left as they are."""
    page = _with_header_band(text_page, 90, 30, (640, 28), 32)
    turn = (lambda image: image.transpose(Image.Transpose.ROTATE_90)) if sideways else (lambda image: image)

    flipped = imaging.invert_print_bands(turn(page))
    back = np.asarray(flipped.transpose(Image.Transpose.ROTATE_270) if sideways else flipped)
    assert np.median(back[:90]) > 200 and back[28:70, 640:1000].min() < 60  # light band, dark print
    assert np.array_equal(back[95:], np.asarray(page)[95:])
    words = " ".join(w.text for w in tesseract.ocr_words(Image.fromarray(back, "L"), dpi=150))
    assert "F-2434857070" in words

    shadow = text_page.copy()
    ImageDraw.Draw(shadow).rectangle((0, 0, shadow.width, 90), fill=30)
    assert np.array_equal(np.asarray(imaging.invert_print_bands(turn(shadow))), np.asarray(turn(shadow)))
    plain = turn(text_page)
    assert imaging.invert_print_bands(plain) is plain
    # A mid-tone band: Tesseract reads its light print as it is.
    mid_tone = turn(_with_header_band(text_page, 90, 120, (640, 28), 32))
    assert imaging.invert_print_bands(mid_tone) is mid_tone


def test_a_nearly_square_part_of_a_sheet_grows_the_way_the_photo_stands():
    """A light sheet on a light table: `find_sheet` found a square part of it
    (its header and address cut off). Nothing in a square says which way
    the sheet runs: it grows along the photo's long side, within the photo."""
    part = imaging.Quad((170, 887), (1800, 877), (1820, 2535), (124, 2517))  # a shade wider than tall
    grown = imaging.complete_sheet(Image.new("L", (1960, 2771), 200), part)
    assert grown.tl[1] < 300 and grown.tr[1] < 300 and grown.bl[1] == grown.br[1] == 2770
    assert abs(grown.tl[0] - 170) < 30 and abs(grown.tr[0] - 1800) < 30
    sideways = imaging.Quad(*[(y, x) for x, y in (part.tl, part.bl, part.br, part.tr)])
    grown = imaging.complete_sheet(Image.new("L", (2771, 1960), 200), sideways)
    assert grown.tl[0] < 300 and grown.bl[0] < 300 and grown.tr[0] == grown.br[0] == 2770


@pytest.mark.parametrize("angle", [1.3, -0.4, 7.0])
def test_rotate_in_bands_is_pillows_rotation_pixel_for_pixel(angle):
    rng = np.random.default_rng(3)
    image = Image.fromarray(rng.integers(0, 256, size=(701, 503), dtype=np.uint8))  # odd sizes: uneven bands

    banded = imaging.rotate(image, angle)

    reference = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    assert banded.size == image.size
    assert np.array_equal(np.asarray(banded), np.asarray(reference))


def test_a_bold_line_read_twice_as_two_lines_keeps_each_word_once():
    """Tesseract read the bold title `Votre facture n° FA25101987388` as two
    lines of one paragraph over the same ink (`Votre fact ° FA…` and `otre
    facture n`): the fuller of two twin words stays, boxed over both; a
    word one line alone read stays; lines apart are left alone."""
    def w(text, left, top, width, height, line):
        return tesseract.TessWord(text, left, top, width, height, 95.0, 2, 1, line)

    first = [w("Votre", 1369, 165, 97, 39, 1), w("fact", 1547, 163, 112, 41, 1), w("°", 1817, 164, 18, 18, 1),
             w("FA25101987388", 1862, 164, 461, 41, 1)]
    second = [w("otre", 1408, 174, 118, 31, 2), w("facture", 1570, 174, 186, 31, 2), w("n", 1780, 174, 30, 30, 2)]
    kept = without_twin_lines(first + second)
    assert sorted((x.text for x in kept), key=lambda t: next(k.left for k in kept if k.text == t)) == \
        ["Votre", "facture", "n", "°", "FA25101987388"]
    votre = next(x for x in kept if x.text == "Votre")
    assert (votre.left, votre.left + votre.width) == (1369, 1526)
    below = [w("otre", 1408, 230, 118, 31, 2), w("facture", 1570, 230, 186, 31, 2)]
    assert without_twin_lines(first + below) == first + below


def test_twin_reads_of_a_reference_each_holding_a_part_make_it_whole():
    """A bold reference read as two twin lines over its ink, `FA2414776082`
    and `0829`, each a part of `FA24147760829` (the boxes share about three
    characters, `082`): one word, boxed over both; not the two glued."""
    def w(text, left, width, line):
        return tesseract.TessWord(text, left, 179, width, 41, 92.0, 2, 1, line)

    [word] = without_twin_lines([w("FA2414776082", 1822, 414, 1), w("0829", 2135, 138, 2)])
    assert (word.text, word.left, word.left + word.width) == ("FA24147760829", 1822, 2273)
    # Texts overlapping by two characters (`82`) where the boxes share three: no join.
    apart = [w("FA2414776082", 1822, 414, 1), w("8291", 2135, 138, 2)]
    assert without_twin_lines(apart) == apart


def _header_grid_page(fill: int, print_grey: int) -> Image.Image:
    """A strip of a 300 dpi bill, as scanned (softened): a bold logo, a
    header grid whose captions are printed `print_grey` on a band of grey
    `fill` above a row of dark values, and lines of ordinary text."""
    image = Image.new("L", (2480, 1100), 245)
    draw = ImageDraw.Draw(image)
    draw.text((170, 100), "Gaz du Sud-Ouest", fill=20, font=ImageFont.truetype(BOLD, 70))
    small, bold = ImageFont.truetype(FONT, 31), ImageFont.truetype(BOLD, 42)
    draw.rectangle((170, 400, 2310, 475), fill=fill)
    captions = ["N° de facture", "Date d'émission", "Période de facturation", "N° de compte"]
    values = ["2437-8723353", "08/09/24", "01/08/24 au 31/08/24", "351500557892"]
    for k, (caption, value) in enumerate(zip(captions, values)):
        x = 170 + 535 * k
        draw.text((x + 267, 438), caption, fill=print_grey, font=small, anchor="mm")
        draw.rectangle((x, 475, x + 535, 560), outline=120, width=2)
        draw.text((x + 267, 518), value, fill=25, font=bold, anchor="mm")
    for i in range(8):
        line = f"Ligne {i + 1} : consommation de {100 + i} kWh, abonnement {i},50 EUR"
        draw.text((170, 640 + 50 * i), line, fill=25, font=small)
    return image.filter(ImageFilter.GaussianBlur(0.8))


def test_a_dark_fill_of_light_print_inside_the_page_is_turned_into_dark_print_on_light():
    """A header grid's captions printed white on a dark band, as a scan
    gives them: grey, not much lighter than Tesseract's one threshold for
    the page, so it drops them with the band. Turned into dark print on
    light, the band reads whole; the rest of the page (a bold logo, dark
    values, text) is untouched."""
    page = _header_grid_page(10, 150)

    def read(image: Image.Image) -> str:  # as the OCR stage reads a page
        return " ".join(w.text for w in tesseract.ocr_words(image, psm=3, dpi=300))

    assert not {"facture", "d'émission", "facturation", "compte"} & set(read(page).split())

    turned = imaging.invert_dark_fills(page, 300)
    words = read(turned)
    for caption in ("N° de facture", "Date d'émission", "Période de facturation", "N° de compte"):
        assert caption in words
    assert "2437-8723353" in words and "351500557892" in words
    before, after = np.asarray(page), np.asarray(turned)
    assert np.median(after[405:470, 200:2280]) > 200
    assert np.array_equal(before[:395], after[:395]) and np.array_equal(before[480:], after[480:])


def test_dark_print_mid_tone_fills_and_fills_without_print_are_left_as_they_are():
    """Dark captions on paper, captions on a mid-tone fill (Tesseract reads
    them), and dark fills without print: a chart's bars, even with a
    lighter patch on one, are no boxes of print."""
    plain = _header_grid_page(245, 25)  # no band: dark captions on paper
    assert imaging.invert_dark_fills(plain, 300) is plain
    mid_tone = _header_grid_page(130, 245)
    assert imaging.invert_dark_fills(mid_tone, 300) is mid_tone


def test_white_print_on_a_dark_fill_is_left_to_tesseract():
    """Print near the paper's white on a dark fill: Tesseract reads it
    itself (it inverts a line it reads poorly); turning the box would only
    move its threshold for the rest of the page."""
    page = _header_grid_page(10, 245)
    assert imaging.invert_dark_fills(page, 300) is page
    words = " ".join(w.text for w in tesseract.ocr_words(page, psm=3, dpi=300))
    for caption in ("N° de facture", "Date d'émission", "Période de facturation", "N° de compte"):
        assert caption in words
    # A chart's bars, one with the lighter patch a scanner leaves on a dark area.
    bars = np.full((1100, 2480), 245, dtype=np.float32)
    bars[300:500, 300:500] = bars[340:500, 515:715] = 30
    ys, xs = np.mgrid[300:500, 300:500]
    bars[300:500, 300:500] += 95 * np.exp(-((ys - 400) ** 2 + (xs - 400) ** 2) / (2 * 25 ** 2))
    noise = np.random.default_rng(0).normal(0, 8, bars.shape)
    bars = Image.fromarray(np.clip(bars + noise, 0, 255).astype(np.uint8), "L")
    assert imaging.invert_dark_fills(bars, 300) is bars


def test_a_table_header_of_bold_print_is_turned_whole():
    """Bold print on a short band lightens parts of it on the smoothed copy,
    which then finds the band in pieces: each piece's box is measured on
    the page, across the whole band."""
    image = Image.new("L", (2480, 700), 245)
    draw = ImageDraw.Draw(image)
    draw.rectangle((170, 300, 2300, 355), fill=28)
    bold = ImageFont.truetype(BOLD, 38)
    for x, caption in ((190, "Désignation"), (900, "Période"), (1500, "Quantité"), (1750, "Prix unitaire HT"),
                       (2150, "TVA")):
        draw.text((x, 328), caption, fill=165, font=bold, anchor="lm")
    page = image.filter(ImageFilter.GaussianBlur(0.8))

    band = np.asarray(imaging.invert_dark_fills(page, 300))[305:351, 175:2295]
    dark = (band < 128).mean(axis=0)
    assert dark.reshape(-1, 40).mean(axis=1).max() < 0.5  # no piece of the band left dark, print aside
