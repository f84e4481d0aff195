"""Shared helpers of the render tests: render once per session, read PDFs
back with independent tools (pypdfium2 for the text, pypdf for the
structure), and search sensitive strings the way a reviewer would."""
from __future__ import annotations

import io
import re
import unicodedata

import pypdf
import pypdfium2 as pdfium
from weasyprint.formatting_structure import boxes

from tasks.pdfium import LOCK


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("\u2019", "'").replace("\u00ad", "")
    return re.sub(r"\s+", " ", text)


def pdf_text(pdf: bytes) -> str:
    with LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            pages = []
            for page in doc:
                textpage = page.get_textpage()
                pages.append(textpage.get_text_bounded())
                textpage.close()
                page.close()
            return "\n".join(pages)
        finally:
            doc.close()


def pdf_structure(pdf: bytes) -> dict:
    """Metadata, XMP, attachments and link targets, read with pypdf."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    info = {k: str(v) for k, v in (reader.metadata or {}).items()}
    uris, annotation_texts = [], []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot.get("/A")
            if action is not None and action.get_object().get("/URI") is not None:
                uris.append(str(action.get_object()["/URI"]))
            for key in ("/Contents", "/T", "/TU"):
                if annot.get(key) is not None:
                    annotation_texts.append(str(annot[key]))
    outline = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                outline.append(str(item.title))

    walk(reader.outline)
    return {
        "info": info,
        "xmp": reader.xmp_metadata,
        "attachments": dict(reader.attachments),
        "uris": uris,
        "annotations": annotation_texts,
        "outline": outline,
        "pages": len(reader.pages),
    }


def found_word(needle: str, haystack: str) -> bool:
    """Case- and accent-insensitive, on word boundaries, spaces flexible."""
    parts = re.findall(r"[0-9a-z]+", fold(needle))
    if not parts:
        return False
    pattern = r"(?<![0-9a-z])" + r"[^0-9a-z]{0,3}".join(parts) + r"(?![0-9a-z])"
    return re.search(pattern, fold(haystack)) is not None


def digit_runs(text: str) -> list[str]:
    """Numbers as printed in groups (`2750 8003 4137 91`), digits only."""
    runs = re.findall(r"\d+(?:[ \u00a0\u202f.\-/]\d+)*", text)
    return [re.sub(r"\D", "", r) for r in runs]


def found_identifier(identifier: str, haystack: str) -> bool:
    """An identifier compared on its digits (or letters and digits when it
    has few digits), whatever the grouping."""
    digits = re.sub(r"\D", "", identifier)
    if len(digits) >= 6 and len(digits) >= len(re.sub(r"[^0-9A-Za-z]", "", identifier)) - 2:
        return any(digits in run for run in digit_runs(haystack))
    chars = re.sub(r"[^0-9a-z]", "", fold(identifier))
    return chars in re.sub(r"[^0-9a-z]", "", fold(haystack))


def leaks(pdf: bytes, strings: list[str], identifiers: list[str]) -> list[str]:
    """Which of `strings` appear anywhere a reader or a program could see
    them: text layer, metadata, XMP, attachments, links, outline."""
    text = pdf_text(pdf)
    structure = pdf_structure(pdf)
    places = [text, *structure["info"].values(), *structure["uris"], *structure["annotations"], *structure["outline"]]
    if structure["xmp"] is not None:
        places.append(str(structure["xmp"].rdf_root.toxml()) if hasattr(structure["xmp"], "rdf_root") else "XMP")
    for name, data in structure["attachments"].items():
        places.append(name)
        places.extend(d.decode("latin-1") for d in (data if isinstance(data, list) else [data]))
    joined = "\n".join(places)
    found = []
    for s in strings:
        if s in identifiers:
            if found_identifier(s, joined):
                found.append(s)
        elif found_word(s, joined):
            found.append(s)
    return found


EPS = 0.5  # CSS px


def overflows(document) -> list[str]:
    problems = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height

        def visit(box, cell, in_margin):
            in_margin = in_margin or isinstance(box, boxes.MarginBox)
            if isinstance(box, boxes.TableCellBox):
                cell = box
            visible = isinstance(box, (boxes.TextBox, boxes.ReplacedBox)) or (
                isinstance(box, (boxes.TableCellBox, boxes.BlockBox)) and
                (box.style["background_color"].alpha > 0 or box.border_left_width > 0))
            if visible and not in_margin and box.width is not None:
                if isinstance(box, boxes.TextBox):
                    x0, y0 = box.position_x, box.position_y
                    x1, y1 = x0 + box.width, y0 + box.height
                else:  # margins may run past the page end: only what is drawn counts
                    x0, y0 = box.border_box_x(), box.border_box_y()
                    x1, y1 = x0 + box.border_width(), y0 + box.border_height()
                if x0 < left - EPS or x1 > right + EPS or y1 > bottom + EPS:
                    problems.append(f"page {number}: {type(box).__name__} {getattr(box, 'text', '')[:30]!r} "
                                    f"outside the page area")
                if isinstance(box, boxes.TextBox) and cell is not None:
                    cx0 = cell.content_box_x()
                    if x0 < cx0 - EPS or x1 > cx0 + cell.width + EPS:
                        problems.append(f"page {number}: text {box.text[:30]!r} overflows its table cell")
            if in_margin and box.width is not None and isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
                if box.position_x < -EPS or box.position_x + box.width > page_box.margin_width() + EPS:
                    problems.append(f"page {number}: header/footer outside the page")
            for child in getattr(box, "children", []) or []:
                visit(child, cell, in_margin)

        visit(page_box, None, False)
    return problems


def blank_margins(pdf: bytes, mm: float = 13.0) -> list[str]:
    """Pages whose left/right strips (outside the 16 mm margins, less a
    3 mm allowance) or top/bottom 6 mm hold any ink."""
    problems = []
    with LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            for index in range(len(doc)):
                page = doc[index]
                bitmap = page.render(scale=60 / 72, grayscale=True)
                image = bitmap.to_pil().convert("L")
                bitmap.close()
                page.close()
                px_per_mm = image.width / 210.0
                side, edge = int(mm * px_per_mm), int(6 * px_per_mm)
                strips = {
                    "left": image.crop((0, 0, side, image.height)),
                    "right": image.crop((image.width - side, 0, image.width, image.height)),
                    "top": image.crop((0, 0, image.width, edge)),
                    "bottom": image.crop((0, image.height - edge, image.width, image.height)),
                }
                for name, strip in strips.items():
                    if strip.getextrema()[0] < 235:
                        problems.append(f"page {index + 1}: ink in the {name} margin")
        finally:
            doc.close()
    return problems



_CACHE: dict = {}


def render_truth(truth_id: str):
    """(truth, analysis, Reports) of one dev ground truth, rendered once per
    session; `layouts(truth_id)` gives its two laid-out documents."""
    if truth_id not in _CACHE:
        import json

        from tests import render_fixtures as rf

        truth = json.loads((rf.CORPUS / f"{truth_id}.json").read_text(encoding="utf-8"))
        analysis = rf.analysis_from_truth(truth)
        reports, documents = render_cached(truth_id, analysis, rf.highlights_for(analysis))
        _CACHE[truth_id] = (truth, analysis, reports)
    return _CACHE[truth_id]


def layouts(key: str):
    return _CACHE[("documents", key)]


def render_cached(key: str, analysis: dict, highlights: list[str]):
    """(Reports, (full, anonymous) documents), rendered once per session per key."""
    if ("documents", key) not in _CACHE:
        from tasks.render import Brand, render_documents

        reports, documents = render_documents(analysis, highlights, Brand(), registry=registry(), today=TODAY)
        _CACHE[("reports", key)] = reports
        _CACHE[("documents", key)] = documents
    return _CACHE[("reports", key)], _CACHE[("documents", key)]


def registry():
    """The project's supplier list (assets/suppliers.json), so the tests see
    the brands and offer names the service masks; the small test copy only
    until that file exists."""
    if "registry" not in _CACHE:
        from tests import render_fixtures as rf
        from tasks.render.brands import SUPPLIERS_FILE, BrandRegistry

        _CACHE["registry"] = BrandRegistry.from_files(SUPPLIERS_FILE if SUPPLIERS_FILE.is_file() else rf.SUPPLIERS)
    return _CACHE["registry"]


import datetime as _dt  # noqa: E402

TODAY = _dt.date(2026, 2, 1)
