"""Billed line items and the VAT breakdown, read row by row.

A row is one rebuilt line: its first segment is the label as printed, its
numbers are typed by their units (`kWh`, `mois`, `€`, `%`, `c€/kWh`) and,
where a table header is printed above, by the column they sit under. The
quantity × unit price = amount relation settles which bare number is which.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from tasks.extract.labels import is_speck, vocabulary
from tasks.extract.layout import SPECK_MARKS, Document, Line, Segment, make_segment, placed
from tasks.extract.numbers import (blank_dates, clean, find_date_ranges, find_dates, find_numbers, find_percents, fold,
                                   PERCENT_MISREADS, garbled_long_words, long_words, parse_number, respell,
                                   words_of)
from tasks.extract.readers import quantity_value
from tasks.extract.sections import Sections, heading_energy

VAT_RATES = (0.0, 2.1, 5.5, 10.0, 20.0)


@lru_cache(maxsize=1)
def _vocab() -> dict:
    return vocabulary("lines")


@lru_cache(maxsize=1)
def _kinds() -> list[tuple[str, list[re.Pattern]]]:
    return [(kind, [re.compile(p) for p in pats]) for kind, pats in _vocab()["kinds"]]


@lru_cache(maxsize=1)
def _not_items() -> list[re.Pattern]:
    return [re.compile(p) for p in _vocab()["not_line_items"]]


@lru_cache(maxsize=1)
def _not_item_lines() -> list[re.Pattern]:
    return [re.compile(p) for p in _vocab()["not_line_item_lines"]]


@lru_cache(maxsize=1)
def _credit_words() -> re.Pattern:
    return re.compile(_vocab()["credit_words"])


@lru_cache(maxsize=1)
def _vat_exempt() -> list[re.Pattern]:
    return [re.compile(p) for p in _vocab()["vat_exempt"]]


@lru_cache(maxsize=1)
def _vat_row_words() -> re.Pattern:
    return re.compile("|".join(_vocab()["vat_row_words"]))


@lru_cache(maxsize=1)
def _vat_base_words() -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(_vocab()["vat_base_words"]) + r")\W*$")


@lru_cache(maxsize=1)
def _headers() -> dict[str, list[re.Pattern]]:
    return {k: [re.compile(r"^(?:" + p + r")\b") for p in v] for k, v in _vocab()["table_headers"].items()}


@lru_cache(maxsize=1)
def _label_energy() -> dict[str, list[re.Pattern]]:
    return {k: [re.compile(p) for p in v] for k, v in _vocab()["label_energy"].items()}


@lru_cache(maxsize=1)
def _units() -> list[tuple[str, re.Pattern]]:
    return [(k, re.compile(r"^\s?(?:" + v + r")", re.I)) for k, v in _vocab()["units"].items()]


_GLUED_CAPITALS = re.compile(r"(?<=[a-zà-ÿ])(?=[A-Z]{2,}\b)")


def line_kind(label: str) -> str:
    # `Part variableHP`: capitals OCR glued to the word before are a word of their own.
    f = fold(_GLUED_CAPITALS.sub(" ", label))
    for kind, patterns in _kinds():
        if any(p.search(f) for p in patterns):
            return kind
    return "other"


# Billed beside the energy: not part of its share of the bill.
NOT_ENERGY = ("service", "fee", "discount")


def bills_extras(doc: Document) -> bool:
    """Whether a row labelled as a service, fee or discount prints an
    amount, read as a line item or not (legal sentences about late fees
    print none, an offer « à 2,90 € par mois » quotes a price)."""
    return any(line_kind(line.segments[0].text) in NOT_ENERGY and _bills_amount(line.text) for line in doc.lines)


def _bills_amount(text: str) -> bool:
    return any(n.decimals == 2 and not _quoted_rate(text, n.value) for n in find_numbers(clean(text)))


def label_energy(label: str) -> str | None:
    f = fold(label)
    found = [e for e, pats in _label_energy().items() if any(p.search(f) for p in pats)]
    return found[0] if len(found) == 1 else None


@dataclass
class Item:
    label: str
    kind: str
    energy: str | None
    quantity: float | None = None
    unit: str | None = None
    unit_price: float | None = None
    amount: float | None = None
    vat_rate: float | None = None
    period_start: date | None = None
    period_end: date | None = None
    page: int = 1
    conf: float = 0.9
    ocr: bool = False
    checked: bool = False  # quantity × unit price = amount holds
    vat_exempt: bool = False  # printed as outside VAT (`hors champ`, `exonéré`)
    line_index: int = -1
    # A rate whose `%` wrapped onto the line under the row (`… (TVA 20` /
    # `%)`, `31,66 € ‖ 5,5` / `%`).
    vat_cut: float | None = None

    @property
    def has_detail(self) -> bool:
        """Printed with quantity × unit price = amount, a VAT rate, or as outside VAT."""
        return self.checked or self.vat_rate is not None or self.vat_exempt

    def as_dict(self) -> dict:
        return {
            "label": self.label, "energy": self.energy, "kind": self.kind,
            "quantity": self.quantity, "unit": self.unit, "unit_price_ht_eur": self.unit_price,
            "amount_ht_eur": self.amount, "vat_rate_percent": self.vat_rate,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "page": self.page,
        }


@dataclass
class VatRow:
    rate: float
    base: float | None
    vat: float | None
    page: int
    conf: float
    checked: bool


@dataclass
class Columns:
    """Horizontal extent of each column of a table header."""

    spans: list[tuple[str, float, float]] = field(default_factory=list)
    summary: bool = False  # only a label and an amount column: a summary, not the detail
    # A column of amounts VAT included beside the HT amounts (`Hors TVA ‖ TVA ‖ TTC`).
    ttc: bool = False

    def column_at(self, x0: float, x1: float) -> str | None:
        best, best_overlap = None, 0.0
        for name, a, b in self.spans:
            overlap = min(x1, b) - max(x0, a)
            if overlap > best_overlap:
                best, best_overlap = name, overlap
        return best


def is_table_header(line: Line) -> bool:
    """Whether `line` heads the columns of a table of lines."""
    return _header_columns(line) is not None


_LABEL_WORDS = re.compile(r"[^\d€]*")


def share_label(line: Line) -> str | None | bool:
    """The section (`electricite`, `gaz`, None for the services) whose share
    of the bill a row under a `Hors TVA ‖ TVA ‖ TTC` header gives, or False:
    such a table sums the bill up by section (`Électricité ‖ 73,60 € ‖
    11,49 € ‖ 85,09 €`); its rows are no billed lines."""
    label = _LABEL_WORDS.match(line.segments[0].text).group(0).strip()
    # `Total électricité ‖ 85,90 € ‖ ‖ 103,08 €`: a section's subtotal row under the lines it sums.
    label = _SUBTOTAL_OF.sub("", label)
    return heading_energy(label) if label else False


_SUBTOTAL_OF = re.compile(r"^(?:sous-?\s?)?total\s+(?=\S)", re.I)


def share_rows(doc: Document) -> list[tuple[Line, str | None, Columns]]:
    """Rows of the tables that sum the bill up by section, each with its
    section and the table's columns (to read its `TTC` cell)."""
    return [(line, section, columns) for line, columns in rows_under_ttc_header(doc)
            if (section := share_label(line)) is not False]


def rows_under_ttc_header(doc: Document) -> list[tuple[Line, Columns]]:
    """Rows under a header with both an HT and a TTC column, with its columns."""
    if doc.ttc_rows is None:
        doc.ttc_rows = _rows_under_ttc_header(doc)
    return doc.ttc_rows


def _rows_under_ttc_header(doc: Document) -> list[tuple[Line, Columns]]:
    out = []
    columns, page, last_y, header_height = None, None, 0.0, 0.0
    for line in doc.lines:
        if line.page != page:
            columns, page = None, line.page
        header = _header_columns(line)
        if header is not None:
            columns = header if header.ttc else None
            last_y, header_height = line.y1, line.height
            continue
        if columns is None:
            continue
        if line.y0 - last_y > 4.5 * max(line.height, header_height):
            columns = None
            continue
        last_y = line.y1
        out.append((line, columns))
    return out


def heads_priced_lines(line: Line) -> bool:
    """Whether `line` heads a table of lines with their quantities or unit
    prices (`Qté ‖ Prix HT ‖ Total HT`), not a grid of the bill's captions."""
    names = _header_names(line)
    return bool({"quantity", "unit_price"} & set(names)) and _header_columns(line, names) is not None


def _header_name(text: str) -> str | None:
    # OCR reads specks and box edges around a header cell (`.Prix HT`, `-Hors TVA`).
    f = fold(text).strip(" :.,;'‘’|_-–—*•·")
    for name, pats in _headers().items():
        if any(p.match(f) for p in pats):
            return name
    return None


_TITLE_WORD = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]")


def _header_cells(line: Line) -> list[Segment]:
    """The cells of a header line, two cells printed too close to be told
    apart by their gap (`Montant HT (€) TVA (%)`) cut again where a cell's
    unit in brackets ends and another column's name follows it."""
    cells = []
    for seg in line.segments:
        start = 0
        for k in range(1, len(seg.words)):
            rest = _header_name(" ".join(w.text for w in seg.words[k:]))
            if rest is None:
                continue
            # `Quantité Prix unitaire HT Montant HT`: OCR made one cell of three;
            # a capitalised word opening another column's name starts a cell
            # (`Montant TVA`, `Total TTC` are one column each).
            head = _header_name(" ".join(w.text for w in seg.words[start:k]))
            if seg.words[k - 1].text.endswith(")") or \
                    _TITLE_WORD.match(seg.words[k].text) and head is not None and head != rest:
                cells.append(placed(seg.words[start:k], seg))
                start = k
        cells.append(seg if start == 0 else placed(seg.words[start:], seg))
    return cells


def _header_names(line: Line) -> list[str | None]:
    return [_header_name(cell.text) for cell in _header_cells(line)]


def _header_columns(line: Line, names: list[str | None] | None = None) -> Columns | None:
    segs = _header_cells(line)
    names = [_header_name(cell.text) for cell in segs] if names is None else names
    kinds = {n for n in names if n}
    if len(kinds) < 2 or sum(1 for n in names if n) < max(2, len(names) - 1):
        return None
    if not kinds & {"amount", "unit_price", "quantity", "vat"}:
        return None
    spans = []
    for i, (seg, name) in enumerate(zip(segs, names)):
        if not name:
            continue
        left = (segs[i - 1].x1 + seg.x0) / 2 if i > 0 else seg.x0 - 40
        right = (seg.x1 + segs[i + 1].x0) / 2 if i + 1 < len(segs) else seg.x1 + 40
        spans.append((name, left, right))
    summary = not (kinds & {"unit_price", "quantity", "vat"})
    return Columns(spans, summary, ttc={"amount", "amount_ttc"} <= kinds)


@dataclass
class _Token:
    kind: str  # "qty" | "price" | "amount" | "vat" | "bare" | "dash"
    value: float | None
    unit: str | None
    x0: float
    x1: float
    decimals: int = 0
    conf: float = 1.0
    text: str = ""  # as read


# No tariff asks this much (euros) for a kWh, Tempo's red days included
# (checks.KWH_PRICE_BAND): a number this large in a price's place is in cents.
MAX_KWH_PRICE = 1.6

_EURO_AFTER = re.compile(r"^\s?(?:€|eur\b|euros?\b)(?!\s?/)", re.I)
# The units a price is per (`€/kWh`, `c€/kWh`, `€ HT/mois`, `€/MWh`).
_PER_UNIT = r"/\s?(k\s?wh|kwh|mwh|m3|m³|mois|jours?|j\b|an\b|annee)"
_PRICE_AFTER = re.compile(r"^\s?(c\s?€|cts?|centimes?|€|eur)?\s?(?:ht\s?)?" + _PER_UNIT, re.I)
_PER_MWH = re.compile(r"m\s?wh", re.I)
_CENTS_ONLY = re.compile(r"^\s?(?:c\s?€|cts?\b|centimes?)", re.I)
# On a scan: the euro sign of a price per unit misread as a letter (`29,98 E/MWh`, `0,1887 £/kWh`).
_MISREAD_EURO_PER = re.compile(r"^\s?()[EeG£]\s?" + _PER_UNIT, re.I)
_SPECK_BEFORE_UNIT = re.compile(r"^[.,'‘’]\s?(?=[a-zA-Z€])")
_DASH_AFTER_NUMBER = re.compile(r"\d\s*[-–]\s\d?$")


def _tokens(seg: Segment, *, skip_label: bool) -> list[_Token]:
    text = seg.text
    t = blank_dates(text, ocr=seg.ocr)
    chars = list(t)
    toks: list[_Token] = []
    if skip_label:
        return toks
    for rate, a, b in find_percents(t, ocr=seg.ocr):
        toks.append(_Token("vat", rate, None, _x(seg, a), _x(seg, b, end=True), conf=seg.conf_between(a, b)))
        chars[a:b] = [" "] * (b - a)
    t = "".join(chars)
    for n in find_numbers(t, ocr=seg.ocr):
        if n.value < 0 and _DASH_AFTER_NUMBER.search(text[:n.start + 2]):
            # `10/12/2025 - 28/01/2026 - 50 jours`: a dash between a date and
            # the quantity separates them; it is no minus sign.
            n = replace(n, value=-n.value)
        after = t[n.end:n.end + 14]
        if seg.ocr:
            after = _SPECK_BEFORE_UNIT.sub("", after, count=1)  # `1 097. kWh`
        x0, x1 = _x(seg, n.start), _x(seg, n.end, end=True)
        conf = seg.conf_between(n.start, n.end)
        m = _PRICE_AFTER.match(after) or (seg.ocr and _MISREAD_EURO_PER.match(after))
        if m:
            value = n.value / 100 if m.group(1) and _CENTS_ONLY.match(m.group(1)) else n.value
            if _PER_MWH.match(m.group(2)):
                value = value / 1000  # `16,37 €/MWh` is 0,01637 €/kWh
            toks.append(_Token("price", round(value, 6), None, x0, x1, n.decimals, conf))
            continue
        if _CENTS_ONLY.match(after):
            toks.append(_Token("price", n.value / 100, None, x0, x1, n.decimals, conf))
            continue
        unit = next((name for name, pat in _units() if pat.match(after)), None)
        if unit == "jour" and seg.ocr and n.decimals >= 3:
            # `0,5757 jour`: no day count has decimals; a price per day whose `€/` OCR lost.
            toks.append(_Token("price", n.value, None, x0, x1, n.decimals, conf))
            continue
        if unit:
            toks.append(_Token("qty", quantity_value(n, t), unit, x0, x1, n.decimals, conf, n.text))
            continue
        if re.match(r"^\s?k\s?va", after, re.I):
            continue  # `9 kVA` in a label is not a value of the row
        if _EURO_AFTER.match(after):
            toks.append(_Token("amount", n.value, None, x0, x1, n.decimals, conf, n.text))
            continue
        toks.append(_Token("bare", n.value, None, x0, x1, n.decimals, conf, n.text))
    if re.fullmatch(r"\s*[-–]\s*", t):
        toks.append(_Token("dash", None, None, seg.x0, seg.x1))
    return toks


_PER_PERIOD = re.compile(r"^\s*€?\s*(?:(?:par|/)\s*(?:mois|an|année|jour|semaine)\b|par\s*$)", re.I)


def _quoted_rate(text: str, amount: float) -> bool:
    """`… à 2,90 € par mois`: the amount is a price quoted in a sentence."""
    text = clean(text)
    return any(abs(n.value - amount) < 0.005 and _PER_PERIOD.match(text[n.end:]) for n in find_numbers(text))


def _x(seg: Segment, pos: int, *, end: bool = False) -> float:
    for w, (a, b) in zip(seg.words, seg.spans):
        if a <= pos < b or (end and a < pos <= b):
            return w.x1 if end else w.x0
    return seg.x1 if end else seg.x0


def _close(a: float, b: float, *, rel: float = 0.006, abs_tol: float = 0.02) -> bool:
    return abs(a - b) <= max(abs_tol, rel * abs(b))


# A billed row's label and detail hold a dozen words at most (`Mon abonnement
# gaz T2 du 10 sept. 2025 au 7 nov. 2025`); a line of more is a paragraph of
# prose (legal notices, an ad) whose last figure (`… assurance facture) : 2,50`,
# its `€/mois` wrapped to the next line) is no billed amount.
MAX_ROW_WORDS = 20


def _amount_that_fits(amounts: list, quantity, price, amount_tok, amount: float, kind: str, line: Line):
    """`12 mois ‖ 16,50 €/mois ‖ 198,00 € ‖ 5,5 % ‖ 208,89 €`, the TTC
    column's header unread: the row's last amount is its TTC; the one amount
    before it that quantity × price (or the CTA's rate × base) makes is the line's."""
    if quantity is not None and price is not None:
        if _close(quantity * price, abs(amount), rel=0.006, abs_tol=0.02):
            return amount_tok, amount
        fit = [a for a in amounts[:-1] if _close(quantity * price, abs(a.value), rel=0.006, abs_tol=0.02)]
    elif kind == "cta" and _cta_amount(line, amount) is None:
        fit = [a for a in amounts[:-1] if _cta_amount(line, a.value) is not None]
    else:
        return amount_tok, amount
    return (fit[0], fit[0].value) if len(fit) == 1 else (amount_tok, amount)


def _parse_row(line: Line, columns: Columns | None, energy: str | None) -> Item | None:
    label_seg = line.segments[0]
    label = label_seg.text
    if label_seg.ocr:  # `Frais de relahce`: a kind's word misread by one letter, `Aborinement` by two
        def unsure(a: int, b: int) -> bool:
            return label_seg.conf_between(a, b) < 0.9

        label = respell(label, _kind_words(), min_len=6, doubtful=unsure, thin_swaps=True)
        for start, end, word in reversed(garbled_long_words(fold(label), _long_kind_words(), doubtful=unsure)):
            label = label[:start] + (word.capitalize() if label[start].isupper() else word) + label[end:]
    label = label.strip()
    f = fold(label)
    if not re.search(r"[a-z]{2}", f) or re.match(r"^\d{5}\b", f):
        return None
    if any(p.search(f) for p in _not_items()) or len(f.split()) > MAX_ROW_WORDS:
        return None
    line_folded = fold(line.text)
    if sum(1 for w in line_folded.split() if re.search(r"[a-z]{2}", w)) > MAX_ROW_WORDS:
        return None  # the same prose, a gap (a lost `;`) cutting it into cells
    if any(p.search(line_folded) for p in _not_item_lines()):
        return None
    kind = line_kind(label)
    # Numbers inside the label segment after the words (OCR may glue cells).
    toks: list[_Token] = []
    label_tail = _label_tail(label_seg)
    if label_tail is not None:
        toks.extend(_tokens(label_tail, skip_label=False))
    # Numbers of the label's own segment on a text layer are words of it
    # (`… Réf. édition 887807-28-G.`, a sentence under the table's amount
    # column), no cells: only OCR glues a cell to the label.
    in_label = set() if ocr_row(line) else {id(t) for t in toks}
    segs = line.segments[1:]
    if segs and kind.startswith("consumption") and re.fullmatch(r"[A-Za-zÀ-ÿ' -]{2,}", segs[0].text.strip()) \
            and (line_kind(f"{label} {segs[0].text}") not in (kind, "other")
                 or label_energy(label) is None and label_energy(segs[0].text)):
        # `Électricité consommée ‖ Heures Pleines`, `Consommation de ‖ gaz`:
        # the label's end a gap apart names the register or the energy.
        label = f"{label} {segs[0].text.strip()}"
        kind, f, segs = line_kind(label), fold(label), segs[1:]
    for i, seg in enumerate(segs):
        seg_toks = _tokens(seg, skip_label=False)
        if seg.ocr:
            seg_toks = _rejoined_amount(seg, seg_toks)
        # `170 ‖ kWh`: a unit printed in its own cell belongs to the number before it.
        nxt = segs[i + 1].text.strip() if i + 1 < len(segs) else ""
        unit = next((name for name, pat in _units() if pat.fullmatch(nxt)), None) if nxt else None
        if unit and seg_toks and seg_toks[-1].kind == "bare":
            seg_toks[-1].kind, seg_toks[-1].unit = "qty", unit
        toks.extend(seg_toks)
    if not toks:
        return None
    ranges = find_date_ranges(line.text)
    period = (ranges[0][0], ranges[0][1]) if ranges else (None, None)
    # Columns settle bare numbers printed without a unit.
    if columns:
        # A bare number under the period's header is a piece of a date OCR
        # broke (`31.03 2024`), no value of the row.
        # A unit price VAT included beside the HT one (`PU HT ‖ PU TTC`) is no value of the row.
        toks = [t for t in toks if columns.column_at(t.x0, t.x1) not in ("label", "unit_price_ttc")
                and not (t.kind == "bare" and columns.column_at(t.x0, t.x1) == "period")
                and not (columns.ttc and columns.column_at(t.x0, t.x1) == "amount_ttc")]
        under_amount = []
        for t in toks:
            col = columns.column_at(t.x0, t.x1)
            if t.kind == "bare" and id(t) in in_label:
                continue
            if t.kind == "bare":
                if col == "quantity" and t.decimals >= 3 and t.value < 5:
                    t.kind = "price"  # `0,1927` has the shape of a price, whatever column it drifted to
                elif col == "quantity":
                    t.kind = "qty"
                elif col == "unit_price":
                    t.kind = "price"
                elif col == "amount":
                    t.kind = "amount"
                    under_amount.append(t)
                elif col == "vat" and t.value in VAT_RATES:
                    t.kind = "vat"
            elif t.kind == "amount" and col == "unit_price":
                t.kind = "price"
        if len(under_amount) >= 2 and under_amount[-1].decimals < 2 and under_amount[-1].value in VAT_RATES \
                and under_amount[-2].decimals == 2 and under_amount[-1].x0 >= under_amount[-2].x1:
            # `104,10 ‖ 20` under the amount's header, the VAT column's own
            # header unread: an amount prints its cents, a rate after it none.
            under_amount[-1].kind = "vat"
    _vat_rates(toks)
    if ocr_row(line):
        _price_lost_its_cents_unit(toks)
    vat = next((t.value for t in toks if t.kind == "vat"), None)
    if vat is None and _vat_55_misread(line):
        vat = 5.5
    qty_tok = next((t for t in toks if t.kind == "qty"), None)
    amounts = [t for t in toks if t.kind == "amount"]
    prices = [t for t in toks if t.kind == "price"]
    bares = [t for t in toks if t.kind == "bare"]
    amount = None
    price = prices[-1].value if prices else None
    if amounts:
        amount_tok = amounts[-1]
        amount = amount_tok.value
        if len(prices) > 1 and qty_tok is not None:
            # `248 kWh ‖ 18,77 c€/kWh ‖ 22,52 c€/kWh ‖ 46,55 €`: of a price HT and
            # one VAT included, the row's is the one the quantity makes the amount with.
            fits = [t.value for t in prices if _close(qty_tok.value * t.value, abs(amount))]
            price = fits[-1] if fits else price
        if price is None and len(amounts) > 1:
            price = amounts[-2].value
        if price is None and qty_tok is None:
            qty_tok, price = _quantity_times_price([b for b in bares if b.x1 <= amount_tok.x0], amount)
        for b in bares:
            if price is None and b.x1 <= amount_tok.x0:
                price = b.value
    elif bares:
        money = [b for b in bares if b.decimals == 2]
        if not money and ocr_row(line):
            # `39 ‖ 0,4162 ‖ 1623 ‖ 5,5`, no unit anywhere: the whole number
            # that two numbers before it make in cents is the amount, its comma lost.
            money = [a for a in bares if a.decimals == 0 and any(
                _close(q.value * pr.value, a.value / 100, rel=0.004)
                for q, pr in zip(bares, bares[1:]) if pr.x1 <= a.x0)]
        if not money:
            return None
        amount_tok = money[-1]
        amount = amount_tok.value
        others = [b for b in bares if b is not amount_tok and b.x1 <= amount_tok.x0]
        if price is None and others:
            price = others[-1].value
    unread = amount is None and _amount_cell_unread(line, qty_tok, prices)
    if unread:
        amount_tok = prices[-1]
        amount = round(qty_tok.value * prices[-1].value, 2)
    if amount is None:
        return None
    quantity = qty_tok.value if qty_tok else None
    unit = qty_tok.unit if qty_tok else None
    if (kind.startswith("consumption") or kind == "other") and unit in ("jour", "mois", "an"):
        # Billed by the day or month (`Port fixe gaz T1`, its « a » misread; `Partfixe gazT1`).
        kind = "subscription"
    if quantity is None and price is not None and bares:
        # `4 112   0,1650   678,48`: a bare quantity when it fits the product;
        # `29)  0,3153  914€` on a scan: the amount's comma lost too.
        cents = ocr_row(line) and amount_tok.decimals == 0
        # A number right of the amount is the VAT column's (`128,55 € ‖ 20`, its
        # `%` wrapped under): no quantity, however well it multiplies out.
        for b in (b for b in bares if b.x1 <= amount_tok.x0):
            if b.value not in (price, amount) and _close(b.value * price, amount):
                quantity = b.value
            elif b.value not in (price, amount) and cents and _close(b.value * price, amount / 100, rel=0.004):
                quantity, amount = b.value, amount / 100
        if quantity is not None and quantity != int(quantity) and price == int(price):
            quantity, price = price, quantity  # `29 ‖ 0,3153`: the whole number is the quantity
    if quantity is None and price is None and _quoted_rate(line.text, amount):
        return None
    if kind == "discount" and amount > 0:
        amount = -amount
    elif (kind == "subscription" or kind.startswith("consumption")) and amount < 0 and ocr_row(line) \
            and (quantity or 0) > 0 and (price or 0) > 0 and not _credit_words().search(f):
        amount = -amount  # a speck before the amount read as a minus: a positive price credits nothing
    if (kind == "subscription" or kind.startswith("consumption")) and (price or 0) < 0 and ocr_row(line) \
            and (quantity or 0) > 0 and amount > 0 and not _credit_words().search(f):
        price = -price  # `1931 kWh ‖ -0,16210 €/kWh ‖ 313,02 €`: a speck before the price, no credit
    if len(amounts) >= 2 and amount_tok is amounts[-1]:
        # A bare number before the amounts may be the quantity (`35 ‖ 0,5576 €/jour`, its unit lost).
        sizes = [quantity] if quantity is not None else [b.value for b in bares if b.x1 <= amounts[0].x0]
        for size in sizes or [None]:
            fit_tok, fit = _amount_that_fits(amounts, size, price, amount_tok, amount, kind, line)
            if fit_tok is not amount_tok:
                amount_tok, amount, quantity = fit_tok, fit, size
                break
    checked = quantity is not None and price is not None and _close(quantity * price, abs(amount),
                                                                    rel=0.006, abs_tol=0.02)
    if not checked and kind == "subscription" and ocr_row(line):
        quantity, unit, checked = _days_of_period(period, price, amount, quantity, unit)
    if kind == "cta" and not checked:
        held = _cta_amount(line, amount)
        checked = held is not None
        amount = held if checked else amount
    repaired = False
    if checked and ocr_row(line):
        price = _price_as_printed(quantity, price, amount, toks)
    # `425 kWh  27,440  11662€`: a price in cents with its unit lost and an
    # amount with its comma lost still multiply out, but no kWh costs 27 €.
    in_cents = checked and unit == "kWh" and price is not None and abs(price) >= MAX_KWH_PRICE
    if (not checked or in_cents) and quantity is not None and price is not None and ocr_row(line):
        fixed = _repair_decimals(quantity, price, amount, toks)
        if fixed:
            quantity, price, amount = fixed
            checked = repaired = True
    if not checked and ocr_row(line) and quantity and price and amount > 0 \
            and (amount_tok.decimals == 0 or _lost_a_digit(amount, quantity * price)):
        # `1 mois ‖ 27,23 EUR/mois ‖ 2123`: an amount that lost its comma and
        # that no placement of one makes quantity × price lost a digit too;
        # `1 mois ‖ 11,75 €/mois ‖ 1,75`: a digit lost alone. As for a cell
        # OCR could not read, the product stands in for it.
        amount, unread = round(quantity * price, 2), True
    # Said in the VAT column, or in brackets in the label (`Pénalités de
    # retard (non soumis à TVA)`): a label's own words (`Exonération …`) do not.
    said = [fold(seg.text) for seg in line.segments[1:]] + re.findall(r"\((.*)", fold(label))
    exempt = vat is None and any(p.search(text) for text in said for p in _vat_exempt())
    used = [t for t in toks if t.kind in ("qty", "price", "amount", "vat")]
    confs = [t.conf for t in used] or [label_seg.conf]
    if repaired:
        confs.append(0.8)
    if unread:
        checked = False
        confs.append(UNREAD_AMOUNT_CONF)
    ocr = any(s.ocr for s in line.segments)
    item = Item(label=_clean_label(label), kind=kind, energy=label_energy(label) or energy,
                quantity=quantity, unit=unit, unit_price=price, amount=amount, vat_rate=vat,
                period_start=period[0], period_end=period[1], page=line.page,
                conf=_row_conf(confs, checked) if ocr else 1.0, ocr=ocr, checked=checked, vat_exempt=exempt,
                line_index=line.index)
    if kind in ("cta",) and item.energy is None:
        item.energy = energy
    if vat is None:
        cut = next((m for seg in line.segments if (m := _VAT_CUT.search(fold(seg.text)))), None)
        after = [b.value for b in bares if b.x0 >= amount_tok.x1]
        item.vat_cut = parse_number(cut.group(1)) if cut else (after[-1] if after else None)
        if item.vat_cut and item.vat_cut in VAT_RATES and \
                any(s.text.strip() == "%" and s.x0 >= amount_tok.x1 for s in line.segments):
            item.vat_rate = item.vat_cut  # `240,02 € ‖ 20 ‖ %`: a narrow cell's sign stacked apart
    return item


# `TVA S,5`, `TVAS.5 %`, `TVASS %`: 5,5 % with a 5 read as an S.
_VAT_55_MISREAD = re.compile(r"\btva\s?(?:s[,.]?[5s]|5[,.]?s)(?![\w,.]*\d)")


def _vat_55_misread(line: Line) -> bool:
    return ocr_row(line) and bool(_VAT_55_MISREAD.search(fold(line.text)))


# `TVA 20`, `TVA à 5,5` (folded): a VAT rate written out.
_VAT_RATE_WORDS = r"tva\s*(?:a\s*)?(\d{1,2}(?:[,.]\d)?)"
_VAT_CUT = re.compile(rf"\b{_VAT_RATE_WORDS}\s*$")
_VAT_ALONE = re.compile(rf"{_VAT_RATE_WORDS}\s*%")


def _quantity_times_price(bares: list[_Token], amount: float) -> tuple[_Token | None, float | None]:
    """`194 k'Yn x 0,1671 E/kWN   32,42 €`: both units misread, two bare
    numbers in a row whose product is the amount are the quantity and the
    unit price, in the order a bill prints them."""
    for q, p in zip(bares, bares[1:]):
        if _close(q.value * p.value, abs(amount)):
            return q, p.value
    return None, None


# An amount computed for a row whose own amount OCR could not read stands
# only where the bill's totals bear the row's lines out (invoice._vat_agrees).
UNREAD_AMOUNT_CONF = 0.3


def _amount_cell_unread(line: Line, qty: _Token | None, prices: list[_Token]) -> bool:
    """A scan's row with its quantity and price read and, after them,
    a cell OCR could not read (`1 mois ‖ 7,48 €/mois ‖ JASR`): its amount
    is that quantity times that price, as the bill computes it. A lone
    digit among its letters (`Nig2re`) is no more a reading of it; two
    digits together may be part of one."""
    if not ocr_row(line) or qty is None or len(prices) != 1 or min(qty.conf, prices[0].conf) < 0.5:
        return False
    after = [s for s in line.segments if s.x0 >= prices[0].x1]
    return bool(after) and _unreadable(after[0]) and not re.search(r"\d\W?\d", after[0].text)


def _unreadable(seg: Segment) -> bool:
    """A cell OCR could not read at all (`JASR` for an amount)."""
    return seg.ocr and seg.conf < 0.3


def _lost_a_digit(amount: float, product: float) -> bool:
    """`1,75` for 11,75: the product's digits, one of them left out."""
    short, full = (f"{abs(v):.2f}".replace(".", "") for v in (amount, round(product, 2)))
    rest = iter(full)
    return len(short) == len(full) - 1 and all(c in rest for c in short)


def _days_of_period(period, price, amount, quantity, unit):
    """`03/06/25 ‖ 29/07/25 ‖ 7j ‖ 0,5757 jour ‖ 32,81 €`: a subscription
    billed by the day whose day count OCR misread (a digit lost) is as many
    days as its own period holds when they make its amount. Returns the
    quantity, its unit and whether the row now checks out."""
    if price is None or price <= 0 or amount is None or period[0] is None or period[1] is None:
        return quantity, unit, False
    days = (period[1] - period[0]).days + 1
    if days > 0 and _close(days * price, abs(amount), rel=0.006, abs_tol=0.02):
        return days, "jour", True
    return quantity, unit, False


def _row_conf(confs: list[float], checked: bool) -> float:
    """How sure an OCR row is. Quantity × price = amount is itself strong
    evidence that the three numbers were read right."""
    low = min(confs) if confs else 0.5
    return max(low, 0.9) if checked else low


def ocr_row(line: Line) -> bool:
    return any(s.ocr for s in line.segments)


def _vat_rates(toks: list[_Token]) -> None:
    """Percents that are no VAT rate: `5,5 %` read without its comma
    (`TVA55%`) is 5,5; any other is noise."""
    for t in toks:
        if t.kind == "vat" and t.value not in VAT_RATES:
            t.value = next((r for r in VAT_RATES if r and abs(t.value / 10 - r) < 1e-9), None)
            if t.value is None:
                t.kind = "noise"


def _price_as_printed(quantity: float, price: float, amount: float, toks: list[_Token]) -> float:
    """`0,18476 GkWh` for `0,1847 €/kWh` (the `€` read as a last digit),
    `0.084230` for `0,08420` (a digit too many): a price of five decimals or
    more that takes the product off the amount's cent, while the price
    without one of its digits, and only one such price, makes the amount to
    the cent. `351 kWh x 0.1479` for 51,88 € (0,1478): a price of three or
    four decimals whose product the price's own rounding cannot bring to
    the amount, while one digit changed, and only one, does."""
    tok = next((t for t in toks if t.value == price), None)
    if tok is None or tok.decimals < 3 or abs(quantity * price - abs(amount)) <= 0.01:
        return price
    digits = f"{price:.{tok.decimals}f}".split(".")[1]
    if tok.decimals >= 5:
        variants = {digits[:k] + digits[k + 1:] for k in range(len(digits))}
        slack = 0.005
    else:
        variants = {digits[:k] + d + digits[k + 1:] for k in range(len(digits)) for d in "0123456789"} - {digits}
        slack = 0.005 + abs(quantity) * 0.5 * 10 ** -tok.decimals
        if abs(quantity * price - abs(amount)) <= slack:
            return price
    fits = [v for v in {float("0." + d) + int(price) for d in variants}
            if abs(quantity * v - abs(amount)) <= slack + 1e-9]
    return fits[0] if len(fits) == 1 else price


# A group of three digits opening with a zero: the last group of a number whose thousands were lost.
_LOST_THOUSANDS = re.compile(r"0\d{2}")


def _repair_decimals(quantity: float, price: float, amount: float,
                     toks: list[_Token]) -> tuple[float, float, float] | None:
    """OCR drops decimal commas (`43,21` → `4321`, `0,1887` → `1887`),
    misreads the `c€` of a price in cents (`11,75 c£€/kWh`) and loses the
    thousands of a quantity wrapped in a narrow cell (`017` of `2 017`, no
    number opens with a zero): when a single placement of the missing
    commas, the price in cents or the thousands makes quantity × price =
    amount, it is the reading."""
    def options(value: float, shifts: range, allowed: bool) -> list[float]:
        out = [value]
        if allowed and value == int(value):
            out += [value / 10 ** k for k in shifts]
        return out

    cents = [price / 100] if 1 <= price < 100 and price != int(price) else []

    tok_by_value = {t.value: t for t in toks}
    def no_decimals(v: float) -> bool:
        t = tok_by_value.get(v)
        return t is not None and t.decimals == 0

    quantities = [quantity]
    if any(t.kind == "qty" and t.value == quantity and _LOST_THOUSANDS.fullmatch(t.text) for t in toks):
        quantities += [k * 1000 + quantity for k in range(1, 1000)]
    fits = []
    for q in quantities:
        for p in options(price, range(1, 6), no_decimals(price)) + cents:
            for a in options(amount, range(1, 3), no_decimals(amount) or abs(amount) >= 1000):
                if (q, p, a) != (quantity, price, amount) and _close(q * p, abs(a), rel=0.004, abs_tol=0.02):
                    fits.append((q, round(p, 6), round(a, 2)))
    if len(fits) > 1 and no_decimals(amount):
        # `1 mois  172200  1722€`: an amount prints its cents, so one read without
        # a comma lost it before them (17,22 €, not 1 722 € at 1 722 € a month).
        fits = [f for f in fits if abs(f[2] * 100 - amount) < 0.5]
    return fits[0] if len(fits) == 1 else None


def _price_lost_its_cents_unit(toks: list[_Token]) -> None:
    """`355 kWh ‖ 13,100 ‖ kWh`: a price in cents whose « c€/ » OCR lost,
    its « kWh » wrapped under it, reads as a second quantity of kWh, with
    the decimals of a price after the row's whole number of kWh: it is a
    number yet to place (the row's product tells its unit)."""
    kwh = [t for t in toks if t.kind == "qty" and t.unit == "kWh"]
    if len(kwh) == 2 and kwh[0].decimals == 0 and kwh[1].decimals >= 3 and kwh[1].x0 > kwh[0].x1:
        kwh[1].kind, kwh[1].unit = "bare", None


def _label_tail(seg: Segment) -> Segment | None:
    """The part of the label segment after its last word with letters, when
    OCR glued value cells to the label."""
    last_alpha = -1
    dates = [(d.start, d.end) for d in find_dates(seg.text, ocr=seg.ocr)]
    for i, (w, (a, b)) in enumerate(zip(seg.words, seg.spans)):
        in_date = any(a < de and b > ds for ds, de in dates)
        if in_date or (re.search(r"[A-Za-zÀ-ÿ]{2}", w.text) and not re.fullmatch(
                r"(?i)k\s?wh|kwh|mois|jours?|m3|m³|€|eur|ht|ttc|c?€/\w+|kva", w.text.strip(".,"))):
            last_alpha = i
    rest = seg.words[last_alpha + 1:]
    if not rest or last_alpha < 0:
        return None
    return make_segment(rest, seg.page, ocr=seg.ocr)


@lru_cache(maxsize=1)
def _kind_words() -> dict[int, frozenset[str]]:
    return words_of((p for _, patterns in _vocab()["kinds"] for p in patterns), min_len=6)


@lru_cache(maxsize=1)
def _long_kind_words() -> tuple[str, ...]:
    return long_words(_kind_words())


def _clean_label(label: str) -> str:
    return re.sub(r"\s+", " ", clean(label)).strip(" :–-")


_FRAGMENT_WORDS = re.compile(r"(?i)^(?:c?€(?:[/!|]\S*)?|k\s?wh|m3|m³|%|ht|ttc|mois|jours?|kva|/|x|×|–|-|au|du)$"
                             rf"|^(?:{PERCENT_MISREADS})$")


_NO_UNITS = re.compile(r"(?<![\d.,])[^\w\s]?[.,](\d{3,5})\b")
_RATE_NO_COMMA = re.compile(r"(?<![\d,.])(\d{4})\s?%")


# The CTA's rates of the transmission fixed part (21,93 %, 20,8 %…), with room.
CTA_RATE_RANGE = (5, 40)


def _cta_amount(line: Line, amount: float) -> float | None:
    """The CTA's amount as its rate of its base makes it: as read, or on a
    scan read without its comma (`171€`); None when neither holds."""
    if _cta_holds(line, amount):
        return amount
    if ocr_row(line) and amount == int(amount) and _cta_holds(line, amount / 100):
        return amount / 100
    return None


def _cta_holds(line: Line, amount: float) -> bool:
    """`21,93 % x 14,44 €`: the CTA's rate of its base makes the row's amount
    (on a scan, a base with its comma lost: `834€`). The rate and the base
    may stand in cells of their own (`14,40 € ‖ 21,93 % ‖ 3,16 €`, a base in
    the quantity's column): then the base is an amount, to the cent."""
    ocr = ocr_row(line)
    rates_of_row, bases_of_row = [], []
    for seg in line.segments:
        text = blank_dates(seg.text, ocr=seg.ocr)
        rates = find_percents(text, ocr=ocr)
        if ocr:  # `2193 %`: the rate's comma lost
            rates += [(int(m.group(1)) / 100, m.start(), m.end()) for m in _RATE_NO_COMMA.finditer(text)]
        rest = text
        for _, a, b in rates:
            rest = rest[:a] + " " * (b - a) + rest[b:]
        numbers = find_numbers(rest, ocr=ocr)
        bases_of_row += [n.value for n in numbers if n.decimals == 2]
        for rate in [r for r, _, _ in rates if CTA_RATE_RANGE[0] <= r <= CTA_RATE_RANGE[1]]:
            rates_of_row.append(rate)
            for n in numbers:
                options = [n.value] + ([n.value / 100] if ocr and n.decimals == 0 else [])
                if any(abs(rate * v / 100 - abs(amount)) <= 0.011 for v in options) and \
                        abs(n.value - abs(amount)) > 0.005:
                    return True
    return any(abs(rate * v / 100 - abs(amount)) <= 0.011 and abs(v - abs(amount)) > 0.005
               for rate in rates_of_row for v in bases_of_row)


def _speck_line(line: Line) -> bool:
    """An OCR line whose every cell is a mark or three unsure letters (`.`,
    `cie`, `:  ‖  ù`): no print."""
    if not ocr_row(line) or re.search(r"[\d%€]", line.text):
        return False
    return all(not re.search(r"\w", s.text) or (len(s.text.strip()) <= 3 and s.text.strip().isalpha() and s.conf < 0.6)
               for s in line.segments)


def _is_fragment(line: Line) -> bool:
    """A line holding only pieces of table cells (numbers, units): the wrapped
    remainder of the row above or below it."""
    for seg in line.segments:
        for w in seg.words:
            t = w.text.strip(".,;:()")
            if re.search(r"[A-Za-zÀ-ÿ]", t) and not _FRAGMENT_WORDS.match(t):
                return False
    return True


def _middle(line: Line) -> float:
    """The height of a line's middle: its words' middle, which a box a speck
    stretched (`TICGN` boxed a line down) does not shift."""
    return statistics.median((w.y0 + w.y1) / 2 for seg in line.segments for w in seg.words)


def _band(doc: Document, line: Line, used: set[int]) -> tuple[Line, list[int]]:
    """`line` with the cell fragments printed just above and below it merged
    into its cells (`18,960 c€/` over `kWh`)."""
    h = line.height
    taken: list[Line] = []
    idx = line.index - 1
    upper = line
    while idx >= 0 and idx not in used:
        prev = doc.lines[idx]
        if prev.page != line.page or upper.y0 - prev.y1 > 0.2 * h or not _is_fragment(prev):
            break
        if _middle(upper) - _middle(prev) > 0.8 * max(h, prev.height):
            break
        taken.append(prev)
        upper, idx = prev, idx - 1
    idx = line.index + 1
    lower = line
    while idx < len(doc.lines):
        nxt = doc.lines[idx]
        if nxt.page != line.page or nxt.y0 - lower.y1 > 0.2 * h or not _is_fragment(nxt):
            break
        if _middle(nxt) - _middle(lower) > 0.8 * max(h, nxt.height):
            break
        taken.append(nxt)
        lower, idx = nxt, idx + 1
    if not taken:
        return line, []
    groups: list[list[Segment]] = [[s] for s in line.segments]
    # A row that opens with its own label takes no fragment wholly left of
    # it: that is another column's text (a sidebar's wrapped `kWh` beside
    # `Montant à régler ‖ 186,44 €`), not a cell of the row.
    labelled = re.match(r"[A-Za-zÀ-ÿ]{2}", line.segments[0].text.strip()) is not None
    for frag in taken:
        for seg in frag.segments:
            if seg.ocr and not any(c.isalnum() or c in "€%" for c in seg.text):
                continue  # a speck of a scan would open the row with no label
            if labelled and seg.x1 < line.segments[0].x0 - line.height:
                continue
            for g in groups:
                if any(min(seg.x1, o.x1) - max(seg.x0, o.x0) > 0 for o in g):
                    g.append(seg)
                    break
            else:
                groups.append([seg])
    segments = []
    for g in sorted(groups, key=lambda g: min(s.x0 for s in g)):
        if len(g) == 1:
            segments.append(g[0])
            continue
        own = next((s for s in g if s in line.segments), g[0])
        g.sort(key=lambda s: s.y0)
        segments.append(placed([w for s in g for w in s.words], own))
    rows = [line, *taken]
    merged = Line(page=line.page, y0=min(r.y0 for r in rows), y1=max(r.y1 for r in rows),
                  segments=segments, index=line.index)
    return merged, [t.index for t in taken]


def _wrapped_label_end(item: Item, row: Line, nxt: Line) -> bool:
    """The end of a row's label wrapped under its values, at the label's left:
    `Fourniture d'électricité Heures ‖ … 875 kWh ‖ 153,39 €` over `pleines`
    names the register the row bills; `Contribution Tarifaire ‖ … ‖ 3,42 €`
    over `d'Acheminement (21,93 % × 15,60 €)` goes on with the label, its
    formula's base no row's amount. The row's label takes it."""
    if len(nxt.segments) != 1 or abs(nxt.segments[0].x0 - row.segments[0].x0) > row.height:
        return False
    text = nxt.text.strip()
    # A formula in brackets is the label's, its closing bracket perhaps wrapped onto the next line
    # (`gaz (20,8 % ×` / `17,20 €)`).
    outside = re.sub(r"\([^()]*(?:\)|$)", "", text)
    if re.search(r"\d", outside) or len(outside.split()) > 3 or _speck_line(nxt):
        return False
    label = f"{item.label} {text}"
    kind = line_kind(label)
    # A word of its own, not a speck a scan left under the row (`s,`), goes on with the label; so
    # does the energy it bills (`gaz`).
    goes_on = text[:1].islower() and (re.search(r"[A-Za-zÀ-ÿ]{4}", outside) or label_energy(outside)) \
        and kind == item.kind != "other"
    if kind.startswith("consumption_") and kind != item.kind or goes_on:
        item.label, item.kind = _clean_label(label), kind
        if item.energy is None:
            item.energy = label_energy(label)  # `Contribution Tarifaire d'Acheminement` / `électricité (…)`
        return True
    return False


_CONTINUATION = re.compile(r"^(?:\d|du\b|periode|soit\b|\(|de\s\d|[·•]\s)")
# `Gu 01/08/2024 au 31/08/2024`, `&u …` (its mark dropped): one or two letters before a « … au … »
# range are its « du ».
_MISREAD_DU = re.compile(r"^[a-z]{1,2}\s(?=\d{1,2}/\d{1,2}/\d{2,4}\s+au\s)")


def _continue(item: Item, line: Line, columns: Columns | None) -> bool:
    """Fold the detail line printed under a row (`du … au … · 46 jours ×
    0,4254 €/jour HT · TVA 5,5 %`) into the row's item."""
    f = fold(line.text).strip()
    if item.vat_rate is None and item.vat_cut in VAT_RATES and \
            any(re.fullmatch(r"%\)?[.,]?", s.text.strip()) for s in line.segments):
        item.vat_rate = item.vat_cut
        return True
    if ocr_row(line):
        f = re.sub(r"^[^\w(]+", "", f)  # a speck before the detail (`©1/11/2024 - …`, its 0 misread)
        f = _MISREAD_DU.sub("du ", f)
    if item.vat_rate is None and len(f) <= 40 and any(p.search(f) for p in _vat_exempt()):
        item.vat_exempt = True  # `non soumis à TVA` under a recovery fee
        return True
    # `TVA 20 %` alone under its row (a fee printed without detail); a VAT
    # table's row prints its base and amount.
    if not _CONTINUATION.match(f) and not _VAT_ALONE.fullmatch(f):
        return False
    toks = []
    for seg in line.segments:
        toks.extend(_tokens(seg, skip_label=False))
    if ocr_row(line):
        _vat_rates(toks)
    qty = next((t for t in toks if t.kind == "qty"), None)
    price = next((t.value for t in toks if t.kind == "price"), None)
    if qty is None and price is None and item.amount is not None:
        # `50 iours x 0,4281 €four`: euros to four decimals are a price whose unit OCR misread.
        qty, price = _quantity_times_price([t for t in toks if t.kind == "bare" or t.kind == "amount"
                                            and t.decimals >= 3], item.amount)
    elif qty is None and price is not None and item.amount is not None:
        # `50 iours x 0,4281 €four`: the quantity's unit misread, the bare
        # number that makes the amount at that price is the quantity.
        qty = next((t for t in toks if t.kind == "bare" and t.value > 0
                    and _close(t.value * price, abs(item.amount))), None)
    quantity = qty.value if qty else item.quantity
    if price is None and item.unit_price is None and item.amount is not None and quantity:
        # `0,3603 €yjour`, `0,4192 £/jour`: the unit misread, the number
        # that makes the row's amount from its quantity is its price (on a
        # scan, its amount in cents when it lost its comma: `4606€` over
        # `570 kWh x 0,08080 G/kWwh`, settled when the row is checked).
        amounts = [abs(item.amount)]
        if item.ocr and item.amount == int(item.amount):
            amounts.append(abs(item.amount) / 100)
        price = next((t.value for t in toks if t.kind in ("bare", "amount") and t is not qty
                      and any(_close(quantity * t.value, a) for a in amounts)), None)
    if quantity and item.amount is not None and ocr_row(line) and item.unit_price is None \
            and (price is None or not _close(quantity * price, abs(item.amount))):
        # `50 jours x 03143 €/jour`: the price's comma lost; `x &.1396 €/kWh`: its units' 0 misread.
        shifted = [t.value / 10 ** k for t in toks if t.kind in ("price", "bare", "amount") and t is not qty
                   and t.decimals == 0 for k in range(1, 6)]
        shifted += [float("0." + m.group(1)) for m in _NO_UNITS.finditer(line.text)]
        price = next((v for v in shifted if _close(quantity * v, abs(item.amount), rel=0.004)), price)
    if price is not None and quantity and item.amount is not None and ocr_row(line):
        price = _price_as_printed(quantity, price, item.amount, toks)
    vat = next((t for t in toks if t.kind == "vat" and t.value in VAT_RATES), None)
    if vat is None and _vat_55_misread(line):
        vat = _Token("vat", 5.5, None, line.segments[0].x0, line.segments[-1].x1)
    cut = _VAT_CUT.search(f) if vat is None and ocr_row(line) else None
    if cut and parse_number(cut.group(1)) in VAT_RATES:
        # `… €/mois HT TVA 5,5` ending a scan's detail line: the pale `%` lost, the rate still named.
        vat = _Token("vat", parse_number(cut.group(1)), None, line.segments[-1].x0, line.segments[-1].x1)
    ranges = find_date_ranges(line.text)
    held = _cta_amount(line, item.amount) if item.kind == "cta" and not item.checked and item.amount is not None \
        else None
    cta = held is not None
    if cta:
        item.amount = held  # `119€` over `20,8 % x 5,71€`: the amount's comma lost
    if not (qty or price is not None or vat or ranges or cta):
        return False
    filled = cta
    item.checked = item.checked or cta
    if item.quantity is None and qty:
        item.quantity, item.unit = qty.value, qty.unit
        filled = True
    if item.unit_price is None and price is not None:
        item.unit_price = price
        filled = True
    if item.vat_rate is None and vat:
        item.vat_rate = vat.value
        filled = True
    if item.period_start is None and ranges:
        item.period_start, item.period_end = ranges[0][0], ranges[0][1]
        filled = True
    if not filled:
        return False
    if item.quantity is not None and item.unit_price is not None and item.amount is not None:
        item.checked = _close(item.quantity * item.unit_price, abs(item.amount), rel=0.006, abs_tol=0.02)
        if not item.checked and item.ocr and item.amount == int(item.amount) and \
                _close(item.quantity * item.unit_price, abs(item.amount) / 100, rel=0.004, abs_tol=0.02):
            # `21442€` under `1 271 kWh x 0,16870 €/kWh`: the amount's comma lost.
            item.amount, item.checked = item.amount / 100, True
        elif item.checked and item.ocr and item.kind == "cta" and item.amount == int(item.amount) \
                and CTA_RATE_RANGE[0] <= item.quantity <= CTA_RATE_RANGE[1]:
            # `20.8RE % x 17.20` under `CTA ‖ 358€`: the rate, its sign misread,
            # times the base makes the amount in cents: its comma lost.
            item.amount, item.quantity, item.unit = item.amount / 100, None, None
        if item.checked and item.ocr:
            item.conf = max(item.conf, 0.9)
    return True


def _rejoined_amount(seg: Segment, toks: list[_Token]) -> list[_Token]:
    """`14 02,37 € HT`, `2 16,96 €`: a cell holding one amount whose integer
    part is too short for a group of thousands, one to three digits a thin
    space before it: OCR put the group's space a digit off (1 402,37 €;
    216,96 €). Two values would stand a word's space apart at least."""
    if len(toks) != 2 or not _SPLIT_AMOUNT.fullmatch(seg.text.strip()):
        return toks
    group, amount = toks
    height = min(w.y1 - w.y0 for w in seg.words)
    if group.kind != "bare" or amount.kind != "amount" or not 0 <= amount.x0 - group.x1 < SPLIT_GROUP_GAP * height:
        return toks
    value = float(group.text.strip() + amount.text.strip().replace(",", "."))
    return [replace(amount, value=value, x0=group.x0, conf=min(group.conf, amount.conf), text=f"{value:.2f}")]


_SPLIT_AMOUNT = re.compile(r"\d{1,3} \d{1,2},\d{2} ?(?:€|eur)(?: ?HT| ?TTC)?", re.I)
# Widest space OCR leaves inside a number, in digit heights: a thin space
# (0,1–0,2 on scans); words stand 0,4 and more apart.
SPLIT_GROUP_GAP = 0.3


def _starts_row(seg: Segment) -> bool:
    """A segment that opens a new row label (the second column's row on a
    page printed in two columns); letters OCR could not read at all
    (`JASR`, an amount's cell) open none."""
    first = seg.text.split()[0] if seg.text.split() else ""
    if _unreadable(seg):
        return False
    return bool(re.match(r"[A-Za-zÀ-ÿ]{3}", first)) and not _FRAGMENT_WORDS.match(first.strip(".,:;")) \
        and not re.match(r"(?i)^(?:tva|soit|dont|sur|base|hors)\b", first) and not _GLUED_ONE.match(first) \
        and not any(p.match(fold(seg.text)) for p in _vat_exempt())  # `Non soumis` in the VAT column


# `lmois`, `Ijour`: a quantity of one (its 1 read as a letter, glued to its unit) opens no row.
_GLUED_ONE = re.compile(r"^[lI|](?:mois|jours?)\b")


def split_subrows(line: Line) -> list[Line]:
    """One printed line holding the rows of two side-by-side columns, cut
    where a second label follows values."""
    groups: list[list[Segment]] = [[line.segments[0]]]
    for seg in line.segments[1:]:
        prev = groups[-1][-1]
        if _starts_row(seg) and re.search(r"\d", blank_dates(prev.text, ocr=prev.ocr)) and len(groups[-1]) >= 1:
            groups.append([seg])
        else:
            groups[-1].append(seg)
    if len(groups) == 1:
        return [line]
    return [Line(page=line.page, y0=line.y0, y1=line.y1, segments=g, index=line.index) for g in groups]


def _part(line: Line, x0: float, x1: float) -> Line | None:
    segs = [s for s in line.segments if x0 - 2 <= s.x0 < x1]
    if not segs:
        return None
    return Line(page=line.page, y0=line.y0, y1=line.y1, segments=segs, index=line.index)


# The rest of a label wrapped onto the row's values (`Contribution tarifaire`
# over `d'acheminement … 10,77 €`): a label never opens with these.
_LABEL_REST = re.compile(r"^(?:d['’]|l['’]|(?:de|des|du|la|le|les|et|sur|au|aux|en)\b)")


def read_items(doc: Document, sections: Sections | None = None) -> list[Item]:
    """Line items in bill order, with their energy from the section they sit in."""
    sections = sections or Sections(doc)
    items: list[Item] = []
    columns: Columns | None = None
    header_height = 0.0
    last_page = None
    last_y = 0.0
    used: set[int] = set()
    pending: Line | None = None  # a label printed without its values (OCR split a row)
    bare: list[Item] = []  # rows read without their detail
    for line in doc.lines:
        if line.index in used:
            continue
        if line.page != last_page:
            columns, last_page, pending = None, line.page, None
        first = line.segments[0].text
        own_index = line.index  # a label's values joined to it: what follows comes after the values
        if pending is not None and (not re.search(r"[A-Za-zÀ-ÿ]{2}", first) or _LABEL_REST.match(first)) \
                and line.y0 - pending.y1 < 0.8 * line.height:
            line = Line(page=line.page, y0=pending.y0, y1=line.y1,
                        segments=pending.segments + line.segments, index=pending.index)
        pending = None
        line = _without_stray_unit(line)
        first = line.segments[0].text
        if heading_energy(first) is not False and len(line.segments) <= 2 \
                and not re.search(r"\d[,.]\d\d(?!\d)|\d\s?€", line.text):  # `Consommation de gaz ‖ 2106€`: a row
            # A section's row within the table (`Électricité` right under the
            # header or the last row) keeps its columns; a heading apart ends it.
            if columns is not None and line.y0 - last_y <= 1.5 * max(line.height, header_height):
                last_y = line.y1
            else:
                columns = None
            continue
        header = _header_columns(line)
        if header:
            columns, header_height = header, line.height
            last_y = line.y1
            continue
        # A gap ends the table; measured in the header's height, as a speck
        # read on a line of its own (`L`) is hardly a point tall.
        if columns and line.y0 - last_y > 4.5 * max(line.height, header_height):
            columns = None
        if columns is not None and columns.ttc and share_label(line) is not False:
            last_y = line.y1  # a share of the bill (`Électricité ‖ 73,60 € ‖ 11,49 € ‖ 85,09 €`), no line
            continue
        if _is_fragment(line):
            continue
        band, taken = _band(doc, line, used)
        subrows = split_subrows(band)
        found = []
        for k, row in enumerate(subrows):
            energy = sections.of(line.segments[0]) if row.segments[0] in line.segments and k == 0 \
                else sections.of(row.segments[0])
            item = _parse_row(row, columns if len(subrows) == 1 else None, energy)
            if columns is not None and len(subrows) == 1 and (item is None or not item.checked):
                # A header OCR garbled (`Volume Unité ‖ P'* ‖ PU`) misplaces the
                # columns: a row whose own numbers multiply out reads better without them.
                alone = _parse_row(row, None, energy)
                item = alone if alone is not None and alone.checked else item
            found.append((row, item))
        if all(item is None for _, item in found):
            if line_kind(first) != "other" and not re.search(r"\d", first) \
                    and not any(re.search(r"\d", blank_dates(seg.text, ocr=seg.ocr)) for seg in line.segments[1:]):
                pending = line  # a label, perhaps with its period, its values on the next line
            elif columns is not None and not columns.summary and line_kind(first) != "other" \
                    and any(re.search(r"\d", s.text) for s in line.segments[1:]):
                last_y = band.y1  # a row of the table whose amount went unread: the table goes on
            continue
        used.update(taken)
        nxt_index = max([line.index, own_index, *taken]) + 1
        if nxt_index + 1 < len(doc.lines) and _speck_line(doc.lines[nxt_index]):
            nxt_index += 1  # a speck read as a line of its own between a row and its detail
        if nxt_index < len(doc.lines):
            nxt = doc.lines[nxt_index]
            after = doc.lines[nxt_index + 1] if nxt_index + 1 < len(doc.lines) else None
            # A fragment hugging the next row is that row's, not this one's
            # (a row opens with its label: `0,3603 €yjour`, a price whose
            # unit OCR misread, is no row).
            hugs_next = after is not None and after.page == nxt.page and _is_fragment(nxt) \
                and not _is_fragment(after) and _starts_row(after.segments[0]) \
                and after.y0 - nxt.y1 < 0.2 * line.height
            close = nxt.page == line.page and nxt.y0 - band.y1 < 1.2 * line.height
            if close and len(found) == 1 and found[0][1] is not None \
                    and _wrapped_label_end(found[0][1], found[0][0], nxt):
                used.add(nxt_index)
            elif close and not hugs_next:
                continued = False
                for k, (row, item) in enumerate(found):
                    if item is None:
                        continue
                    x0 = row.segments[0].x0
                    x1 = found[k + 1][0].segments[0].x0 if k + 1 < len(found) else 1e9
                    part = _part(nxt, x0, x1) if len(found) > 1 else nxt
                    if part is not None and _continue(item, part, columns):
                        continued = True
                        # A detail wrapped on one more line (`… 59 jours ×` / `0,3478 €/jour`).
                        more = doc.lines[nxt_index + 1] if nxt_index + 1 < len(doc.lines) else None
                        if more is not None and more.page == nxt.page and more.y0 - nxt.y1 < 0.6 * line.height:
                            more_part = _part(more, x0, x1) if len(found) > 1 else more
                            if more_part is not None and _continue(item, more_part, columns):
                                used.add(nxt_index + 1)
                if continued:
                    used.add(nxt_index)
        last_y = band.y1
        for _, item in found:
            if item is None:
                continue
            in_detail_table = columns is not None and not columns.summary and len(found) == 1
            if not (item.has_detail or in_detail_table or _priced_kwh_row(item)):
                if item.kind != "other":
                    bare.append(item)
                continue
            if item.kind == "other" and not item.has_detail:
                continue
            if columns is not None and columns.summary and \
                    not (item.quantity or item.unit_price or item.vat_rate or item.vat_exempt):
                continue
            items.append(item)
    items = _with_siblings(items, bare)
    _tax_read_as_consumption(items)
    return items


# No energy is sold under 4 c€/kWh HT; the excise on it (`Accise … 0,100 c€/kWh`) is.
MIN_KWH_PRICE = 0.04


def _tax_read_as_consumption(items: list[Item]) -> None:
    """A row taken for a consumption by its label's last words (`sur
    l'électricité`, the head `Accise` wrapped onto a line OCR garbled)
    whose price per kWh no energy is sold at, and which bills the very kWh
    another consumption row of its energy bills: the excise on them."""
    for it in items:
        if it.kind != "consumption" or it.unit != "kWh" or it.unit_price is None or it.quantity is None \
                or not 0 < it.unit_price < MIN_KWH_PRICE:
            continue
        others = [o for o in items if o is not it and o.kind.startswith("consumption") and o.energy == it.energy
                  and o.quantity is not None and (o.unit_price or 1) >= MIN_KWH_PRICE]
        if others and (any(abs(o.quantity - it.quantity) < 0.5 for o in others)
                       or abs(sum(o.quantity for o in others) - it.quantity) < 0.5):
            it.kind = "accise"


# A unit alone in a cell (`kWh`, `m³`, `kVA`, `€`): no row's label.
_UNIT_ALONE = re.compile(r"(?:k\s?wh|m3|m³|kva|€|eur)[.,]?", re.I)


def _without_stray_unit(line: Line) -> Line:
    """A line that opens with a unit alone, then a label further right
    (`kWh ‖ Montant à régler ‖ 639,41 €`: a sidebar's value wrapped onto
    the line of the column beside it), without that unit: it labels nothing."""
    segs = line.segments
    if len(segs) < 2 or not _UNIT_ALONE.fullmatch(segs[0].text.strip()) \
            or not re.match(r"[A-Za-zÀ-ÿ]{2}", segs[1].text.strip()) or segs[1].x0 - segs[0].x1 < 2 * line.height:
        return line
    return Line(page=line.page, y0=line.y0, y1=line.y1, segments=segs[1:], index=line.index, column=line.column)


def _priced_kwh_row(item: Item) -> bool:
    """A scan's energy or excise row whose kWh went unread, with a price a
    kWh can cost and a VAT rate whose sign was lost (`+. kWh ‖ 5,930 c€/kWh
    ‖ 219,59 € ‖ 20`): a row of the detail, not a summary."""
    return item.ocr and item.vat_cut in VAT_RATES and bool(item.vat_cut) and item.amount is not None \
        and (item.kind.startswith("consumption") or item.kind == "accise") \
        and item.unit_price is not None and 0 < item.unit_price < MAX_KWH_PRICE


# Rows this close (in lines) to a detailed row of the same label are rows of its table.
_SIBLING_LINES = 4


def _with_siblings(items: list[Item], bare: list[Item]) -> list[Item]:
    """`items` and the rows read without their detail (OCR lost it) that sit
    right by a detailed row of the same label: a sub-period of the same
    charge (`Abonnement électricité (6 kVA) 101,00 €` over the same label
    at 20,20 € with its detail), not a summary printed apart."""
    siblings = [b for b in bare if any(
        i.page == b.page and i.kind == b.kind and fold(i.label) == fold(b.label)
        and abs(i.line_index - b.line_index) <= _SIBLING_LINES for i in items)]
    return sorted(items + siblings, key=lambda i: (i.page, i.line_index)) if siblings else items


def read_vat_rows(doc: Document) -> list[VatRow]:
    rows = []
    for line in doc.lines:
        seg = line.segments[0]
        f = fold(seg.text)
        # `.TVA 20 % sur 56,38 €`: a speck read before the row on a scan.
        lead = len(f) - len(f.lstrip(SPECK_MARKS + " ")) if seg.ocr else 0
        f = f[lead:]
        # `TVA à°5,5 %`, `TVA 20.%`: a speck glued between the words and the rate, or after the rate;
        # `1VA 20 %`: its T read as a 1; `TVA à 20 Le%`: on a scan, a speck read as letters before the sign.
        speck = r"(?:[a-z]{1,2})?" if seg.ocr else ""
        m = re.match(r"^(?:tva|1va|t\.v\.a\.?)\s*(?:a|de|au taux de)?[°º*'’]?\s*(\d{1,2}(?:[,.]\d{1,2})?)[.,]?\s?"
                     + speck + "%", f)
        if not m:
            m2 = _RATE_CELL.match(f.strip())
            if not (m2 and _vat_table_above(doc, line)):
                continue
            m = m2
        rate = float(m.group(1).replace(",", "."))
        if rate not in VAT_RATES:
            continue
        values = []
        rest = seg.text[lead + m.end():]
        segs = [(rest, seg)] + [(s.text, s) for s in line.segments[1:]]
        for text, s in segs:
            if s is not seg and s.ocr and is_speck(s):
                continue  # `(base 3 308,88 €) ‖ Re ‖ 661,78 €`
            letters = _vat_row_words().sub("", fold(text))
            if re.search(r"[a-z]{2}", letters):
                break
            cleaned = clean(text)
            for n in find_numbers(cleaned, ocr=s.ocr):
                if re.match(r"\s?%", cleaned[n.end:]):
                    continue  # the rate again, in a column of its own (`TVA à 5,5 % ‖ 61,46 € ‖ 5,5 % ‖ 3,38 €`)
                values.append((n.value, s.conf_between(0, len(s.text)),
                               bool(_vat_base_words().search(fold(cleaned[:n.start]))), s.ocr and n.decimals == 0,
                               s.ocr and _MARK_BEFORE.search(cleaned[:n.start]) is not None))
        if not values:
            continue
        base = vat = None
        checked = False
        if len(values) == 1 and values[0][2]:
            base = values[0][0]  # « (base 18,64 €) » whose VAT amount was not read
        elif len(values) >= 2:
            (a, *_, a_cut, _), (b, *_, b_cut, b_marked) = values[0], values[1]
            # On a scan, an amount read without its comma (`4148`, `067€`) is
            # in cents when the rate of the base makes it so; a mark glued
            # before it may have been read as a 1 (`“157,33` for 57,33 €).
            unmarked = _without_leading_one(b) if b_marked else None
            pairs = [(a, b), (b, a)] + ([(a, b / 100)] if b_cut else []) + ([(b, a / 100)] if a_cut else []) \
                + ([(a, unmarked)] if unmarked is not None else [])
            base, vat = next(((x, y) for x, y in pairs if _close(x * rate / 100, y, abs_tol=0.02, rel=0.002)),
                             (None, None))
            checked = base is not None
            if not checked:
                base, vat = a, b
        else:
            vat = values[0][0]
        conf = min(v[1] for v in values)
        rows.append(VatRow(rate, base, vat, line.page, conf, checked))
    return _dedupe_vat(rows)


_MARK_BEFORE = re.compile(r"[“”\"'‘’|]$")


def _without_leading_one(value: float) -> float | None:
    """`157.33` → 57.33: the number without the 1 it starts with."""
    whole = str(int(value))
    return round(value - 10 ** (len(whole) - 1), 2) if len(whole) >= 2 and whole[0] == "1" else None


# `5,5 %`, `Taux 20 %` (`Tux 20 %` on a scan): a VAT table's row caption.
_RATE_CELL = re.compile(r"^(?:t[a-z]{0,2}x\s*)?(\d{1,2}(?:[,.]\d{1,2})?)\s?%$")


def _vat_table_above(doc: Document, line: Line) -> bool:
    for prev in reversed(doc.lines[max(0, line.index - 4):line.index]):
        if prev.page == line.page and re.search(r"\btaux\b|\btva\b", fold(prev.text)):
            return True
    return False


def _dedupe_vat(rows: list[VatRow]) -> list[VatRow]:
    """One row per rate: a bill may print its VAT split twice (summary and detail)."""
    best: dict[float, VatRow] = {}
    for r in rows:
        cur = best.get(r.rate)
        if cur is None or (r.checked and not cur.checked) or (r.base is not None and cur.base is None):
            best[r.rate] = r
    return sorted(best.values(), key=lambda r: r.rate)
