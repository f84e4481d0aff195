"""Nothing overflows its box or the page: checked on WeasyPrint's layout
boxes against the page content area and the table cells, and on the pages
rendered to PNG (the margins must stay blank). Also: page counts per energy,
dual layout, brand settings, nulls everywhere, bundled fonts only."""
from __future__ import annotations

import io
import re

import pypdf
import pypdfium2 as pdfium
import pytest

from tests import render_fixtures as rf
from tests.render_helpers import (TODAY, blank_margins, layouts, overflows, pdf_text, registry, render_cached,
                                  render_truth)
from tasks.pdfium import LOCK
from tasks.render import Brand, render_reports
from tasks.render.pdf import get_renderer
from tasks.settings import Settings

LAYOUT_CASES = ["dev-001", "dev-004", "dev-005", "dev-008", "dev-013"]


@pytest.mark.parametrize("truth_id", LAYOUT_CASES)
def test_corpus_reports_fit_their_boxes(truth_id):
    truth, analysis, reports = render_truth(truth_id)
    for document in layouts(truth_id):
        assert overflows(document) == []
    assert blank_margins(reports.non_anonymous) == []
    assert blank_margins(reports.anonymous) == []


def test_stress_report_fits_its_boxes():
    reports, documents = render_cached("stress", rf.stress_analysis(), rf.stress_highlights())
    for document in documents:
        assert overflows(document) == []
    for pdf in (reports.non_anonymous, reports.anonymous):
        assert blank_margins(pdf) == []


def test_overflow_check_can_fail():
    """A fixed-width block wider than the page must be reported."""
    renderer = get_renderer()
    style = Brand().style()
    document = renderer.layout('<html><body><div style="width: 260mm; background: #333">x</div>'
                               '<table style="table-layout: fixed; width: 40mm"><tr><td style="width: 20mm">'
                               '<span style="white-space: nowrap">Texte bien trop long pour sa cellule</span>'
                               '</td><td>b</td></tr></table></body></html>', style)
    problems = overflows(document)
    assert any("outside the page area" in p for p in problems)
    assert any("overflows its table cell" in p for p in problems)
    assert blank_margins(document.write_pdf()) != []


@pytest.mark.parametrize("truth_id", [p.stem for p in sorted(rf.CORPUS.glob("dev-*.json"))])
def test_page_count_is_two_to_four_per_energy(truth_id):
    truth, analysis, reports = render_truth(truth_id)
    energies = 2 if truth["energy"] == "dual" else 1
    for pdf in (reports.non_anonymous, reports.anonymous):
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert 2 <= pages <= 4 * energies


def test_dual_report_has_both_energies_and_the_combined_view():
    truth, analysis, reports = render_truth("dev-011")
    text = pdf_text(reports.non_anonymous)
    assert "Vue d'ensemble : électricité et gaz" in text
    assert "Électricité : votre contrat" in text and "Gaz naturel : votre contrat" in text
    assert "Point de livraison (PDL)" in text and "Point de comptage (PCE)" in text
    total = analysis["market"]["estimated_savings_eur_per_year"]
    assert _amount_in(text, round(total))  # the combined savings
    assert "Comparaison avec les offres du marché (électricité)" in text
    assert "Comparaison avec les offres du marché (gaz naturel)" in text


def _amount_in(text: str, euros: int) -> bool:
    digits = re.sub(r"\D", "", f"{euros}")
    return any(re.sub(r"\D", "", m) == digits for m in re.findall(r"\d[\d \u00a0\u202f]*(?=\s?€)", text))


@pytest.mark.parametrize("energy", ["electricite", "gaz", "dual", None])
def test_nulls_everywhere_render_without_none_or_guess(energy):
    analysis = rf.null_analysis(energy)
    reports = render_reports(analysis, [], Brand(), registry=registry(), today=TODAY)
    for pdf in (reports.non_anonymous, reports.anonymous):
        text = pdf_text(pdf)
        assert not re.search(r"\b(None|null|nan|NaN|inf)\b", text)
        assert "non indiqué sur la facture" in text
        assert not re.search(r"\d", re.sub(r"\d+ / \d+|\d+(er)?\s\w+ \d{4}", "", text)), \
            "a number was printed where every value is unknown"


def test_brand_settings_are_applied(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (0, 170, 80)).save(logo)
    settings = Settings(brand_name="Watt Conseil", brand_logo=str(logo), brand_primary_color="#7b1fa2",
                        brand_accent_color="#00897b", brand_contact="Watt Conseil · 01 23 45 67 89 · contact@watt.example")
    brand = Brand.from_settings(settings)
    truth, analysis, _ = render_truth("dev-001")
    reports = render_reports(analysis, [], brand, registry=registry(), today=TODAY)
    for pdf in (reports.non_anonymous, reports.anonymous):
        text = pdf_text(pdf)
        assert "Watt Conseil" in text and "01 23 45 67 89" in text
        with LOCK:
            doc = pdfium.PdfDocument(pdf)
            page = doc[0]
            images = list(page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,)))
            bitmap = page.render(scale=1, grayscale=False)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
            page.close()
            doc.close()
        assert len(images) == 1  # the PNG logo
        colours = {c for _, c in image.getcolors(maxcolors=1_000_000)}
        assert (0x7B, 0x1F, 0xA2) in colours  # primary: heading and frame
        assert (0, 170, 80) in colours  # the logo itself
    meta = pypdf.PdfReader(io.BytesIO(reports.non_anonymous)).metadata
    assert meta["/Author"] == "Watt Conseil"


def test_bad_brand_values_fall_back_to_defaults(tmp_path):
    brand = Brand(name="  X  ", logo=tmp_path / "missing.svg", primary_color="red; } body { display: none",
                  accent_color="#abc", contact="")
    style = brand.style()
    assert style.primary == "#1f4e79" and style.accent == "#aabbcc"
    assert style.logo.name == "logo.svg" and style.name == "X"


def test_only_bundled_fonts_are_embedded():
    truth, analysis, reports = render_truth("dev-004")
    for pdf in (reports.non_anonymous, reports.anonymous):
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        names = set()
        for page in reader.pages:
            fonts = page["/Resources"].get("/Font") or {}
            for ref in fonts.values():
                names.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
        # WeasyPrint names an @font-face font after its CSS family; a system
        # font would keep its own name (DejaVuSans, LiberationSans…).
        assert names and all(re.fullmatch(r"Report-(Sans|Fallback)(-[A-Za-z-]+)?", n) for n in names), names


def test_concurrent_renders_do_not_mix():
    """Flask threads may render two bills at once: each gets its own report."""
    from concurrent.futures import ThreadPoolExecutor

    truths = [render_truth(t)[:2] for t in ("dev-002", "dev-009")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(
            lambda ta: render_reports(ta[1], [], Brand(), registry=registry(), today=TODAY), truths))
    for (truth, _), reports in zip(truths, results, strict=True):
        text = pdf_text(reports.non_anonymous)
        assert truth["customer"]["name"] in text
        other = [t for t, _ in truths if t is not truth][0]
        assert other["customer"]["name"] not in text
