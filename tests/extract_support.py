"""Pages for the extraction tests: hand-made word boxes, PDFs rendered with
WeasyPrint from invented layouts, and the dev corpus read by the real
rasterise and OCR stages."""
from __future__ import annotations

import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from tasks.model import Page, Word

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "dev"


def words_page(rows: list[list[tuple[float, str]]], *, number: int = 1, size: float = 9.0,
               line_gap: float = 14.0, top: float = 40.0, source: str = "text", conf: float = 1.0,
               slope: float = 0.0) -> Page:
    """A page from rows of cells `(x, "text")`: each cell's words get boxes
    the way a text layer gives them (a character is about half the font size
    wide, a space a quarter). `slope` tilts the lines (dy/dx) like a photo."""
    words = []
    for r, row in enumerate(rows):
        y = top + r * line_gap
        for x, text in row:
            cx = x
            for token in text.split():
                w = len(token) * size * 0.5
                dy = slope * (cx - 300)
                words.append(Word(token, cx, y + dy, cx + w, y + dy + size, conf))
                cx += w + size * 0.25
    return Page(number=number, width=595.0, height=842.0, words=words, source=source)


def boxes_page(boxes, *, conf: float = 0.95, source: str = "ocr") -> Page:
    """A page from word boxes as OCR gave them: `(text, x0, y0, x1, y1)`, or
    with a sixth item, the word's own confidence."""
    words = [Word(*box) if len(box) == 6 else Word(*box, conf) for box in boxes]
    return Page(number=1, width=595.0, height=842.0, words=words, source=source)


def ocr_words_page(rows: list[list[tuple[str, float]]], *, x: float = 330.0, top: float = 100.0,
                   line_gap: float = 14.0) -> Page:
    """A scanned page from rows of words `(text, confidence)`, each row
    starting at `x`: for the cases where one word's confidence matters."""
    words = []
    for r, row in enumerate(rows):
        cx, y = x, top + r * line_gap
        for text, conf in row:
            words.append(Word(text, cx, y, cx + len(text) * 4.5, y + 9, conf))
            cx += len(text) * 4.5 + 2.5
    return Page(number=1, width=595.0, height=842.0, words=words, source="ocr")


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def pdf_pages(html: str) -> list[Page]:
    """The pages of an HTML bill rendered to PDF, read by `load_pages`."""
    from tasks.rasterise import load_pages

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bill.pdf"
        path.write_bytes(render_pdf(html))
        return load_pages([path], "pdf")


def truth(doc_id: str) -> dict:
    return json.loads((CORPUS / f"{doc_id}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def corpus_pages(doc_id: str) -> tuple[Page, ...]:
    """A dev-corpus bill through the real rasterise (and OCR) stages."""
    from tasks.ocr import ocr_pages
    from tasks.rasterise import load_pages

    gt = truth(doc_id)
    files = [CORPUS / f for f in gt["files"]]
    kind = "pdf" if files[0].suffix == ".pdf" else "images"
    pages = load_pages(files, kind)
    if any(p.needs_ocr for p in pages):
        pages = ocr_pages(pages, workers=2)
    return tuple(pages)


SCORED = ["energy", "supplier", "offer_name", "offer_pricing", "invoice_number", "invoice_date", "invoice_kind",
          "period.start", "period.end", "customer.name", "customer.address", "customer.client_number",
          "total_ttc_eur", "total_ht_eur"]
SCORED_ELEC = ["pdl", "subscribed_power_kva", "tariff_option", "consumption_kwh", "consumption_hp_kwh",
               "consumption_hc_kwh", "unit_price_kwh_ht_eur", "unit_price_hc_kwh_ht_eur", "subscription_eur",
               "reading", "amount_ttc_eur"]
SCORED_GAS = ["pce", "consumption_kwh", "consumption_m3", "conversion_coefficient", "unit_price_kwh_ht_eur",
              "subscription_eur", "reading", "amount_ttc_eur"]


def get(data: dict | None, path: str):
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 0.011 * max(1.0, abs(b) / 1000)
    if isinstance(a, str) and isinstance(b, str):
        return re.sub(r"\s+", " ", a).strip().lower() == re.sub(r"\s+", " ", b).strip().lower()
    return a == b


def compare(analysis: dict, gt: dict) -> dict[str, list[str]]:
    """Fields right, wrong (a value that differs) and missing, against a ground truth."""
    paths = list(SCORED)
    if gt.get("electricity"):
        paths += ["electricity." + k for k in SCORED_ELEC]
    if gt.get("gas"):
        paths += ["gas." + k for k in SCORED_GAS]
    out: dict[str, list[str]] = {"right": [], "wrong": [], "missing": []}
    for p in paths:
        want, got = get(gt, p), get(analysis, p)
        if want is None and got is None or (want is not None and got is not None and same(got, want)):
            out["right"].append(p)
        elif got is None:
            out["missing"].append(p)
        else:
            out["wrong"].append(f"{p}: {got!r} != {want!r}")
    return out
