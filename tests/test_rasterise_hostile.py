"""load_pages on hostile and odd files (built by tests/resources/
make_resources.py): each gives the contract's error or a sane page, never
a crash."""
from __future__ import annotations

import pytest

from tasks.errors import FileTooLarge, InvalidFile
from tasks.rasterise import load_pages
from tests.resources.make_resources import build


@pytest.fixture(scope="module")
def res(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize(
    "name, error, words",
    [
        ("empty.pdf", InvalidFile, "vide"),
        ("truncated.pdf", InvalidFile, "tronqué"),
        ("garbage_body.pdf", InvalidFile, "endommagé"),
        ("html_named.pdf", InvalidFile, "pas un PDF"),
        ("jpeg_named.pdf", InvalidFile, "pas un PDF"),
        ("encrypted_user_password.pdf", InvalidFile, "mot de passe"),
        ("pdf_no_pages.pdf", InvalidFile, "PDF"),
        ("pdf_page_loop.pdf", InvalidFile, "PDF"),
        ("too_many_pages.pdf", FileTooLarge, "25 pages"),
        ("pdf_image_bomb.pdf", FileTooLarge, "trop grande"),
    ],
)
def test_bad_pdfs_raise_the_contract_error(res, name, error, words):
    with pytest.raises(error) as caught:
        load_pages([res[name]], "pdf")
    detail = caught.value.detail
    assert words in detail
    assert str(res[name].parent) not in detail  # never a path


@pytest.mark.parametrize(
    "name, error",
    [
        ("bomb.png", FileTooLarge),
        ("over_limit.png", FileTooLarge),
        ("zero_size.png", InvalidFile),
        ("zero_size.bmp", InvalidFile),
        ("truncated.jpg", InvalidFile),
        ("truncated.png", InvalidFile),
        ("text_named.jpg", InvalidFile),
        ("png_named.jpg", InvalidFile),
        ("gif_named.png", InvalidFile),
        ("empty.pdf", InvalidFile),  # zero bytes sent as an image
    ],
)
def test_bad_images_raise_the_contract_error(res, name, error):
    with pytest.raises(error) as caught:
        load_pages([res[name]], "images")
    assert "image" in caught.value.detail


def test_pixel_limit_is_the_callers(res):
    # 72 Mpx passes with a higher limit (the file is a real, complete PNG).
    [page] = load_pages([res["over_limit.png"]], "images", max_pixels=80_000_000)
    assert page.image.size == (9_000, 8_000)


def test_too_many_image_pages(res):
    with pytest.raises(FileTooLarge):
        load_pages([res["multipage.tif"]] * 2, "images", max_pages=5)  # 6 frames
    with pytest.raises(FileTooLarge):
        load_pages([res["cmyk.jpg"]] * 4, "images", max_pages=3)


def test_repairable_xref_and_owner_only_encryption_are_read(res):
    # Viewers open both without asking anything: so do we.
    for name in ("xref_offsets_wrong.pdf", "encrypted_owner_only.pdf"):
        [page] = load_pages([res[name]], "pdf")
        assert page.source == "text"
        assert "1 234,56 €" in " ".join(w.text for w in page.words)


def test_short_text_page_is_read_as_text(res):
    # good.pdf: two lines of Helvetica near the top; more than the margin.
    [page] = load_pages([res["good.pdf"]], "pdf")
    assert [w.text for w in page.words][:3] == ["Facture", "d'électricité", "n°"]


def test_exif_orientation_is_applied(res):
    [page] = load_pages([res["exif_rotated.jpg"]], "images")
    assert page.image.size == (600, 800)  # upright portrait
    assert page.rotation == 90
    # The text band is near the top of the upright page, not on a side.
    dark_rows = [y for y in range(page.image.height) if min(page.image.crop((0, y, 600, y + 1)).getdata()) < 80]
    assert dark_rows and dark_rows[0] < 200


def test_multipage_tiff_gives_one_page_per_frame_with_its_dpi(res):
    pages = load_pages([res["multipage.tif"]], "images")
    assert [p.number for p in pages] == [1, 2, 3]
    # 850 × 1100 px at 100 dpi: 8.5 × 11 in, 612 × 792 pt.
    assert all((p.width, p.height) == pytest.approx((612, 792)) for p in pages)
    assert all(p.needs_ocr and p.image.mode == "L" for p in pages)


@pytest.mark.parametrize("name", ["transparent.png", "sixteen_bit.png", "cmyk.jpg"])
def test_odd_modes_become_readable_grey(res, name):
    [page] = load_pages([res[name]], "images")
    image = page.image
    assert image.mode == "L"
    histogram = image.histogram()
    white_share = sum(histogram[200:]) / sum(histogram)
    dark_share = sum(histogram[:100]) / sum(histogram)
    # Mostly paper, some ink: neither a black page nor a blank one.
    assert white_share > 0.8 and dark_share > 0.001


def test_images_without_dpi_are_sized_as_a4(res):
    [page] = load_pages([res["cmyk.jpg"]], "images")  # 600 × 800, no dpi
    assert page.height == pytest.approx(841.89, abs=0.5)
    assert page.width == pytest.approx(600 / 800 * 841.89, abs=0.5)


def test_scanner_ocr_layer_is_used_when_it_reads_as_text(res):
    [page] = load_pages([res["ocr_layer_sane.pdf"]], "pdf")
    assert page.source == "text" and page.image is None
    assert "11366870047528" in [w.text for w in page.words]
    # Another program's OCR: trusted, but less than a digital original.
    assert {w.conf for w in page.words} == {0.9}


def test_garbage_ocr_layer_sends_the_page_to_ocr(res):
    [page] = load_pages([res["ocr_layer_garbage.pdf"]], "pdf")
    assert page.source == "ocr" and page.words == [] and page.image is not None


def test_text_flood_is_not_read_character_by_character(res):
    [page] = load_pages([res["text_flood.pdf"]], "pdf", dpi=50)
    assert page.source == "ocr" and page.words == []


def test_truncated_images_are_refused_even_when_pillow_is_told_to_accept_them(res):
    from PIL import ImageFile

    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing WeasyPrint does
    try:
        for name in ("truncated.jpg", "truncated.png"):
            with pytest.raises(InvalidFile) as caught:
                load_pages([res[name]], "images")
            assert "tronqué" in caught.value.detail
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def test_data_after_the_jpeg_end_is_not_truncation(res):
    [page] = load_pages([res["video_after_end.jpg"]], "images")
    assert page.image.size == (600, 800) and page.rotation == 90
