"""load_pages on PDFs: words and geometry from the text layer, /Rotate,
pages that must go to OCR, and the dev corpus."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from tasks.model import Page
from tasks.rasterise import load_pages
from tests.conftest import corpus_documents

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def write_pdf(path, body: str, *, size: str = "A4", css: str = ""):
    import weasyprint

    html = f"""<html><head><style>
    @page {{ size: {size}; margin: 0 }}
    body {{ margin: 0; font-family: 'DejaVu Sans'; font-size: 12pt }}
    .at {{ position: absolute; white-space: nowrap }}
    {css}
    </style></head><body>{body}</body></html>"""
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def at(left: float, top: float, text: str, extra: str = "") -> str:
    return f'<div class="at" style="left:{left}pt; top:{top}pt; {extra}">{text}</div>'


def set_rotation(src, dst, degrees: int):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(src).pages:
        page.rotate(degrees)
        writer.add_page(page)
    with open(dst, "wb") as handle:
        writer.write(handle)
    return dst


def by_text(page: Page) -> dict[str, list]:
    found: dict[str, list] = {}
    for word in page.words:
        found.setdefault(word.text, []).append(word)
    return found


# A bill-like body: enough text in the body of the page to be "usable".
BODY = "".join(
    at(72, 300 + 16 * i, f"Ligne {i} de texte ordinaire pour remplir la page de la facture")
    for i in range(6)
)


def test_text_layer_words_have_page_geometry(tmp_path):
    pdf = write_pdf(tmp_path / "a.pdf", at(100, 200, "Montant TTC 1 234,56 €") + BODY)

    [page] = load_pages([pdf], "pdf")

    assert page.source == "text" and page.image is None
    assert page.width == pytest.approx(595.28, abs=0.1) and page.height == pytest.approx(841.89, abs=0.1)
    line = [w for w in page.words if 195 < (w.y0 + w.y1) / 2 < 215]
    assert [w.text for w in line] == ["Montant", "TTC", "1", "234,56", "€"]
    first = line[0]
    # 12 pt text whose box starts at (100, 200) pt: ink begins just right of
    # 100 and the line band covers the font's ascent and descent.
    assert 100 <= first.x0 < 102
    assert 199 <= first.y0 < 202 and 212 < first.y1 < 216
    assert all(w.conf == 1.0 for w in page.words)
    xs = [w.x0 for w in line]
    assert xs == sorted(xs) and all(a.x1 < b.x0 for a, b in zip(line, line[1:]))


def test_words_follow_geometry_not_stream_order(tmp_path):
    # Written right column first: lines must still come out top to bottom,
    # left to right.
    body = at(300, 120, "droite") + at(72, 120, "gauche") + at(72, 100, "haut") + BODY
    pdf = write_pdf(tmp_path / "order.pdf", body)

    [page] = load_pages([pdf], "pdf")

    texts = [w.text for w in page.words]
    assert texts[:3] == ["haut", "gauche", "droite"]


def test_tight_letter_spacing_stays_one_word(tmp_path):
    # A "1" has a wide right bearing: its ink ends well before the next
    # digit, which must not split "10 443" into "1 0 443".
    pdf = write_pdf(tmp_path / "digits.pdf", at(72, 100, "Référence : 10 443 kWh", "font-size:8pt") + BODY)

    [page] = load_pages([pdf], "pdf")

    line = [w.text for w in page.words if 95 < (w.y0 + w.y1) / 2 < 110]
    assert line == ["Référence", ":", "10", "443", "kWh"]


def test_the_characters_of_a_ligature_stay_in_their_word(tmp_path):
    """Fonts draw « ff » and « fi » as one glyph, and the text layer gives
    each of its characters that glyph's box: one word all the same."""
    import pypdfium2 as pdfium

    path = write_pdf(tmp_path / "lig.pdf", at(60, 60, "Offre souscrite") + at(60, 90, "Identifiant PDL") + BODY)
    textpage = pdfium.PdfDocument(path)[0].get_textpage()
    boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
    assert any(a == b for a, b in zip(boxes, boxes[1:])), "no ligature drawn: the test proves nothing"

    [page] = load_pages([path], "pdf")
    assert [w.text for w in page.words][:4] == ["Offre", "souscrite", "Identifiant", "PDL"]


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotate_attribute_turns_sideways_content_upright(tmp_path, degrees):
    """A landscape bill stored as a portrait page with sideways content and
    /Rotate: its words must come out as on the landscape original."""
    reference = write_pdf(tmp_path / "ref.pdf", at(100, 80, "Facture n° 12345") + BODY,
                          size="A4 landscape" if degrees != 180 else "A4")
    [ref_page] = load_pages([reference], "pdf")

    # The same page drawn turned by -degrees, then /Rotate=degrees on top.
    rotated = set_rotation(reference, tmp_path / "tmp.pdf", -degrees)
    upright = set_rotation(_flatten_rotation(rotated, tmp_path / "flat.pdf"), tmp_path / "rot.pdf", degrees)
    [page] = load_pages([upright], "pdf")

    assert page.source == "text"
    assert (page.width, page.height) == pytest.approx((ref_page.width, ref_page.height), abs=0.5)
    assert page.rotation == degrees
    _assert_same_words(page, ref_page)


def test_sideways_text_without_rotate_is_turned_upright(tmp_path):
    """A page whose text runs bottom to top (content drawn sideways, no
    /Rotate): the words come out readable, on the page turned clockwise."""
    reference = write_pdf(tmp_path / "ref.pdf", at(100, 80, "Facture n° 12345") + BODY, size="A4 landscape")
    [ref_page] = load_pages([reference], "pdf")
    sideways = _flatten_rotation(set_rotation(reference, tmp_path / "r.pdf", -90), tmp_path / "flat.pdf")

    [page] = load_pages([sideways], "pdf")

    assert page.rotation == 90
    _assert_same_words(page, ref_page)


def test_upside_down_page_is_turned(tmp_path):
    reference = write_pdf(tmp_path / "ref.pdf", at(100, 80, "Facture n° 12345") + BODY)
    [ref_page] = load_pages([reference], "pdf")
    [page] = load_pages([set_rotation(reference, tmp_path / "r.pdf", 180)], "pdf")

    # /Rotate 180 shows the text upside down; turning it again restores it.
    assert page.rotation == 0
    _assert_same_words(page, ref_page)


def _flatten_rotation(src, dst):
    """Bake /Rotate into the content stream (pypdf's transfer_rotation)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=src)
    for page in writer.pages:
        page.transfer_rotation_to_content()
    with open(dst, "wb") as handle:
        writer.write(handle)
    return dst


def _assert_same_words(page: Page, ref_page: Page):
    assert [w.text for w in page.words] == [w.text for w in ref_page.words]
    for got, want in zip(page.words, ref_page.words):
        assert (got.x0, got.y0, got.x1, got.y1) == pytest.approx((want.x0, want.y0, want.x1, want.y1), abs=0.6)


def _text_image(text_lines: list[str], size=(1240, 1754)) -> Image.Image:
    """A page-like picture of text (150 dpi A4)."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 28)
    for i, line in enumerate(text_lines):
        draw.text((120, 200 + 50 * i), line, fill=0, font=font)
    return image


def test_scanned_page_with_text_only_in_margins_goes_to_ocr(tmp_path):
    buffer = io.BytesIO()
    _text_image([f"Facture ligne {i}" for i in range(20)]).save(buffer, "PNG")
    png = tmp_path / "scan.png"
    png.write_bytes(buffer.getvalue())
    # A full-page scan, plus a typed header and footer a mail system added.
    body = (
        f'<img src="{png.as_uri()}" style="position:absolute;left:0;top:0;width:595pt;height:842pt">'
        + at(30, 10, "Document numérisé le 03/02/2025 par le service courrier - page 1 sur 1 - référence 998877")
        + at(30, 820, "Archivage électronique certifié conforme - ne pas jeter - copie client numérotée 4455")
    )
    pdf = write_pdf(tmp_path / "scan.pdf", body)

    [page] = load_pages([pdf], "pdf", dpi=200)

    assert page.source == "ocr" and page.needs_ocr and page.words == []
    assert page.dpi == 200 and page.image.mode == "L"
    assert page.image.size == (round(595.28 * 200 / 72), round(841.89 * 200 / 72))
    assert (page.width, page.height) == pytest.approx((595.28, 841.89), abs=0.1)
    # The rendering shows the scanned text (dark pixels where it was drawn).
    assert page.image.getextrema()[0] < 60


def test_oversized_page_is_rendered_within_the_pixel_budget(tmp_path):
    pdf = write_pdf(tmp_path / "poster.pdf", "", size="2000pt 3000pt")

    [page] = load_pages([pdf], "pdf", max_pixels=4_000_000)

    width, height = page.image.size
    assert width * height <= 4_000_000
    assert page.dpi < 300 and (page.width, page.height) == pytest.approx((2000, 3000), abs=0.5)


def test_empty_page_goes_to_ocr(tmp_path):
    pdf = write_pdf(tmp_path / "blank.pdf", "")
    [page] = load_pages([pdf], "pdf")
    assert page.source == "ocr" and page.image is not None and page.dpi == 300


@pytest.mark.parametrize("doc", [d for d in corpus_documents() if d["kind"] == "pdf"], ids=lambda d: d["id"])
def test_dev_corpus_pdfs(doc):
    pages = load_pages(doc["paths"], "pdf")

    assert len(pages) == doc["pages"]
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    if doc["format"] == "digital":
        assert all(p.source == "text" and p.image is None for p in pages)
        text = " ".join(w.text for p in pages for w in p.words)
        assert doc["invoice_number"] in text
        squeezed = text.replace(" ", "")
        for identifier in doc["sensitive_identifiers"]:
            # Identifiers may be printed in groups ("6 889 277 870").
            assert identifier.replace(" ", "") in squeezed
        for p in pages:
            for w in p.words:
                assert 0 <= w.x0 < w.x1 <= p.width + 1 and 0 <= w.y0 < w.y1 <= p.height + 1
    else:
        assert all(p.needs_ocr and p.image is not None and p.dpi == 300 for p in pages)


@pytest.mark.parametrize("doc", [d for d in corpus_documents() if d["kind"] == "images"], ids=lambda d: d["id"])
def test_dev_corpus_photos(doc):
    pages = load_pages(doc["paths"], "images")

    assert [p.number for p in pages] == list(range(1, doc["pages"] + 1))
    for page, path in zip(pages, doc["paths"]):
        assert page.needs_ocr and page.image.mode == "L"
        assert page.image.size == Image.open(path).size  # no EXIF turn on these files
        # No usable dpi in the files: the long side is taken as A4's.
        assert max(page.width, page.height) == pytest.approx(841.89, abs=0.5)
