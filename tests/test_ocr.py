"""The OCR stage with the real Tesseract: geometry of the words on the
upright page, orientation, skew, timeouts, and the dev corpus' scans.

Test pages are made by rendering a WeasyPrint PDF: its text layer gives
where each word really is, in points, to compare the OCR boxes with.
"""
from __future__ import annotations

import copy

import pytest
from PIL import Image

from tasks import ocr, pdfium, tesseract
from tasks.errors import StageTimeout
from tasks.model import Page
from tasks.ocr import ocr_page, ocr_pages
from tasks.rasterise import load_pages
from tests.conftest import corpus_documents

LINES = [
    "Facture d'électricité du 9 avril 2024",
    "Numéro de facture : 11036229720",
    "Référence client : 6746180302",
    "Période du 28/02/2024 au 28/03/2024",
    "Point de livraison : 11366870047528",
    "Consommation : 850 kWh au prix de 0,1754 €",
    "Abonnement mensuel : 13,91 €",
    "Montant total TTC : 218,31 €",
]


@pytest.fixture(scope="module")
def bill(tmp_path_factory):
    """(text-layer page, greyscale rendering at 200 dpi) of a small bill."""
    import weasyprint

    body = "".join(
        f'<div style="position:absolute; left:60pt; top:{90 + 28 * i}pt; white-space:nowrap">{line}</div>'
        for i, line in enumerate(LINES)
    )
    html = (
        "<html><style>@page{size:A4;margin:0} body{margin:0;font-family:'DejaVu Sans';font-size:13pt}</style>"
        f"<body>{body}</body></html>"
    )
    path = tmp_path_factory.mktemp("bill") / "bill.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    [reference] = load_pages([path], "pdf")
    with pdfium.open_pdf(path) as pdf:
        image = pdf.render(0, 200)
    return reference, image


def scanned(image: Image.Image, width: float = 595.28, height: float = 841.89) -> Page:
    return Page(number=1, width=width, height=height, source="ocr", image=image,
                dpi=round(image.width / width * 72))


def matched_share(page: Page, reference: Page, tolerance: float = 4.0) -> float:
    """Share of the reference's longer words found by OCR at the same
    place (centre within `tolerance` points)."""
    wanted = [w for w in reference.words if len(w.text) >= 4]
    hits = 0
    for want in wanted:
        cx, cy = (want.x0 + want.x1) / 2, (want.y0 + want.y1) / 2
        for got in page.words:
            if got.text == want.text and abs((got.x0 + got.x1) / 2 - cx) <= tolerance \
                    and abs((got.y0 + got.y1) / 2 - cy) <= tolerance:
                hits += 1
                break
    return hits / len(wanted)


def text_of(page: Page) -> str:
    return " ".join(w.text for w in page.words)


def test_scanned_page_words_land_where_they_are_printed(bill):
    reference, image = bill
    [page] = ocr_pages([scanned(image)])

    assert page.image is None and page.dpi == 0 and page.source == "ocr"
    assert (page.width, page.height) == pytest.approx((595.28, 841.89), abs=1.0)
    assert matched_share(page, reference) >= 0.9
    assert "11366870047528" in text_of(page) and "218,31" in text_of(page)
    assert all(0 < w.conf <= 1 for w in page.words)
    assert page.rotation == 0 and abs(page.skew) < 0.15
    assert {"prepare", "tesseract", "ocr"} <= set(page.timings_ms)


def test_upside_down_scan_reads_right(bill):
    reference, image = bill
    [page] = ocr_pages([scanned(image.rotate(180))])

    assert page.rotation == 180
    assert matched_share(page, reference) >= 0.9


def test_skewed_scan_is_straightened(bill):
    reference, image = bill
    tilted = image.rotate(3, resample=Image.Resampling.BICUBIC, fillcolor=255)  # lines rise to the right
    [page] = ocr_pages([scanned(tilted)])

    assert page.skew == pytest.approx(3, abs=0.3)
    assert matched_share(page, reference, tolerance=6.0) >= 0.85
    # The words of one printed line share one baseline again.
    line = [w for w in page.words if w.text in {"Montant", "total", "218,31"}]
    assert len(line) == 3
    assert max(w.y1 for w in line) - min(w.y1 for w in line) < 3


def test_sideways_photo_with_uneven_light_reads_right(bill, tmp_path):
    """A phone picture: page turned a quarter, a shadow across it, JPEG,
    no dpi in the file. Read through load_pages as an uploaded image."""
    _, image = bill
    shaded = Image.new("L", image.size)
    ramp = Image.linear_gradient("L").resize(image.size).point(lambda v: 255 - v // 3)
    shaded.paste(Image.composite(image, ramp, image.point(lambda v: 255 if v < 128 else 0)))
    photo = shaded.rotate(-90, expand=True)  # turned a quarter clockwise
    path = tmp_path / "photo.jpg"
    photo.save(path, quality=80)

    [page] = ocr_pages(load_pages([path], "images"))

    assert page.rotation == 270  # a quarter counter-clockwise puts it back
    assert page.height > page.width  # portrait again
    text = text_of(page)
    for value in ("11036229720", "6746180302", "11366870047528", "218,31"):
        assert value in text
    # Upright geometry: lines come top to bottom in printed order.
    tops = [next(w.y0 for w in page.words if w.text == t) for t in ("Facture", "Numéro", "Montant")]
    assert tops == sorted(tops)


def _tesseract_runs(monkeypatch) -> list[int]:
    """Heights of the images handed to Tesseract from now on to be read as
    a page (not the second look at what it left out, tasks/ocr_missed.py)."""
    heights, real = [], tesseract.ocr_words

    def counted(image, **kwargs):
        if kwargs.get("psm") == ocr.PSM:
            heights.append(image.height)
        return real(image, **kwargs)

    monkeypatch.setattr(tesseract, "ocr_words", counted)
    return heights


def test_a_scanned_page_read_in_strips_reads_as_one_read_whole(bill, monkeypatch):
    """Cut across blank paper, the two strips read at once give the words,
    places and confidences of the page read whole."""
    reference, image = bill
    whole = ocr_page(scanned(image))
    runs = _tesseract_runs(monkeypatch)
    strips = ocr_page(scanned(image), strips=2)

    assert len(runs) == 2 and sum(runs) == pytest.approx(image.height * 300 / 200, abs=2)  # read at 300 dpi
    assert text_of(strips) == text_of(whole)
    assert matched_share(strips, reference) >= 0.9
    for a, b in zip(strips.words, whole.words):
        assert (a.x0, a.y0, a.x1, a.y1) == pytest.approx((b.x0, b.y0, b.x1, b.y1), abs=1.0)
        assert a.conf == pytest.approx(b.conf, abs=0.05)


def test_the_print_a_strips_read_left_out_is_read_again_once_for_the_page(bill, monkeypatch):
    """Each strip's page read loses a value: both come back from one second
    look over the whole page, not one Tesseract per strip."""
    _, image = bill
    real, second_looks = tesseract.ocr_words, []

    def losing(sheet, **kwargs):
        words = real(sheet, **kwargs)
        if kwargs.get("psm") == ocr.PSM:
            return [w for w in words if w.text not in ("6746180302", "218,31")]
        second_looks.append(sheet.height)
        return words

    monkeypatch.setattr(tesseract, "ocr_words", losing)
    page = ocr_page(scanned(image), strips=2)

    assert len(second_looks) == 1
    assert "6746180302" in text_of(page) and "218,31" in text_of(page)


def test_a_photo_is_never_cut_in_strips(bill, tmp_path, monkeypatch):
    _, image = bill
    photo = Image.new("L", (image.width + 400, image.height + 400), 60)  # a sheet on a dark table
    photo.paste(image, (200, 200))
    path = tmp_path / "photo.jpg"
    photo.save(path, quality=90)
    runs = _tesseract_runs(monkeypatch)

    [page] = load_pages([path], "images")
    ocr_page(page, strips=2)

    assert len(runs) == 1
    assert "11366870047528" in text_of(page)


def test_text_pages_are_never_read(bill):
    reference, image = bill
    text_page = copy.deepcopy(reference)
    blank = Page(number=2, width=595.28, height=841.89, source="ocr",
                 image=Image.new("L", image.size, 255), dpi=200)
    before = list(text_page.words)

    pages = ocr_pages([text_page, blank])

    assert pages[0] is text_page and text_page.words == before and "ocr" not in text_page.timings_ms
    assert pages[1].words == [] and pages[1].image is None


def test_pages_in_parallel_keep_their_order(bill):
    _, image = bill
    first = scanned(image)
    second = scanned(image.rotate(180))
    second.number = 2

    pages = ocr_pages([first, second], workers=2)

    assert [p.number for p in pages] == [1, 2]
    assert text_of(pages[0]).split()[:3] == text_of(pages[1]).split()[:3]
    assert pages[1].rotation == 180


def test_timeout_is_a_clear_error(bill):
    _, image = bill
    with pytest.raises(StageTimeout) as caught:
        ocr_pages([scanned(image)], timeout_s=0.05)
    assert "secondes" in caught.value.detail


SCANS = [d for d in corpus_documents() if d["format"] == "scan"]


@pytest.mark.parametrize("doc", SCANS, ids=lambda d: d["id"])
def test_dev_corpus_scans_are_readable(doc):
    """Two whole scans (240 and 150 dpi) and the first page of the others,
    to keep the suite short; bench/bench_ocr.py accuracy measures every
    value of every page."""
    whole = doc["id"] in ("dev-003", "dev-005")
    pages = ocr_pages(load_pages(doc["paths"], "pdf")[: None if whole else 1])

    squeezed = " ".join(w.text for p in pages for w in p.words).replace(" ", "")
    assert doc["invoice_number"] in squeezed
    identifier = (doc.get("electricity") or {}).get("pdl") or (doc.get("gas") or {}).get("pce")
    assert identifier in squeezed
    if whole:
        assert doc["customer"]["client_number"] in squeezed
        total = f"{doc['total_ttc_eur']:,.2f}".replace(",", "").replace(".", ",")
        assert total in squeezed
    for page in pages:
        assert page.width == pytest.approx(595, abs=2) and page.height == pytest.approx(842, abs=2)
        assert all(0 <= w.x0 <= w.x1 <= page.width + 1 and 0 <= w.y0 <= w.y1 <= page.height + 1
                   for w in page.words)
        assert abs(page.skew) > 0.3  # these scans are tilted, and were straightened
