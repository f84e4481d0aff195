"""Bill-level fields read from their labels: invoice date, billed period,
totals, amount due, instalments already paid, offer, pricing, bill kind."""
from __future__ import annotations

import re
import statistics
from dataclasses import replace
from datetime import date
from functools import lru_cache

from tasks.extract.energy import matches_any, vocabulary_patterns
from tasks.extract.labels import _wrapped_next, find_labels, is_label_text, value_spots, vocabulary
from tasks.extract.layout import Document, Line
from tasks.extract.lines import heads_priced_lines, is_table_header, rows_under_ttc_header
from tasks.extract.numbers import clean, find_date_ranges, find_dates, fold, one_known_within, spelled_as_always
from tasks.extract.readers import read_amount, read_date, read_range
from tasks.extract.store import Candidate, from_segment, vote
from tasks.extract.supplier import offers_of

_BASE = {"same": 0.92, "right": 0.9, "below": 0.85, "above": 0.8}


def _labelled(doc: Document, field: str, reader, *, below_lines: int = 2, rank_step: float = 0.02,
              stop_on_other: bool = True, opens_off_line: bool = False, in_tables: bool = True) -> list[Candidate]:
    """Candidates for `field` read beside, under or over its labels. With
    `opens_off_line`, a value found under or over its label must open its
    segment: words before it make it another row's value (`TVA 20 %
    appliquée à 227,24 €` over an unreadable `Total TTC`). Without
    `in_tables`, a label heading a column of a table of lines (`Libellé ‖
    Période ‖ Quantité ‖ Montant HT`) is the lines' own, not the bill's."""
    cands = []
    for hit in find_labels(doc, field):
        if not in_tables and is_table_header(doc.lines[hit.seg.line]):
            continue
        for spot in value_spots(doc, hit, below_lines=below_lines):
            found = reader(spot.text, ocr=spot.seg.ocr)
            if found and opens_off_line and spot.where in ("above", "below") \
                    and re.search(r"[a-z]{2}", fold(spot.text[:found[1]])):
                found = None
            if not found:
                if stop_on_other and spot.where == "same" and re.search(r"[a-z]{3}", fold(spot.text)) \
                        and not re.match(r"^(?:ttc|ht|\(ttc\)|\(ht\)|€)", fold(spot.text)):
                    break
                continue
            value, a, b = found
            base = _BASE[spot.where] - rank_step * min(hit.rank, 5) - 0.02 * spot.distance
            if spot.where == "below" and heads_priced_lines(doc.lines[hit.seg.line]):
                base *= COLUMN_HEAD_FACTOR  # `Qté ‖ Prix HT ‖ Total HT`: under it, most likely a line's amount
            cands.append(from_segment(value, spot.seg, base, f"{field}:{spot.where}",
                                      span=(spot.offset + a, spot.offset + b)))
            break
    return cands


# A value under a caption heading a column of priced lines is first of all that column's first line.
COLUMN_HEAD_FACTOR = 0.5


def extract_invoice_date(doc: Document, number: str | None = None) -> Candidate | None:
    """The date of issue, labelled, or under the bill's title or its number
    (`number`, the invoice number read elsewhere)."""
    return vote(_labelled(doc, "invoice_date", _read_issue_date, below_lines=2)) or _title_date(doc, number)


# `vers le 30/11/24`, `avant le 16/03/24`: a date to come or a deadline, never the date of issue.
_NOT_ISSUE = re.compile(r"\b(?:vers|avant|apres|a partir|jusqu|au plus tard|prochaine?|limite)\b")


def _read_issue_date(text: str, *, ocr: bool = False):
    found = read_date(text, ocr=ocr)
    if found and _NOT_ISSUE.search(fold(text[:found[1]])):
        return None
    if found and (re.search(r"\bau\s*$", fold(text[:found[1]])) or re.match(r"\s*au\b", fold(text[found[2]:]))):
        return None  # `… au 31/05/24`, `du 1er septembre 2025 au …`: a period's end or start, the other end lost
    if found and any(a <= found[1] < b for *_, a, b in find_date_ranges(text, ocr=ocr)):
        return None  # `la période du 01/12/2025 au 31/12/2025`: the period's start
    return found


def _title_date(doc: Document, number: str | None = None) -> Candidate | None:
    """`FACTURE … n° 5354… / du 10/03/25`: the date of the bill's title,
    printed on a line of its own under the title, or under the invoice
    number alone (the title a logo OCR could not read), with no label."""
    number_key = re.sub(r"\W", "", number or "") or None
    for line in doc.lines:
        if line.page != 1 or len(line.segments) != 1:
            continue
        seg = line.segments[0]
        m = re.fullmatch(r"(?:du|emise? le|le)\s+(.+?)[\s:;,.]*", fold(seg.text).strip())
        found = read_date(m.group(1), ocr=seg.ocr) if m else None
        if not found or find_date_ranges(seg.text, ocr=seg.ocr) or found[2] < len(m.group(1).strip()):
            continue
        above = [ln for ln in doc.lines[max(0, line.index - 3):line.index] if ln.page == line.page]
        # The title may follow a speck read as its own segment (`: ‖ FACTURE`).
        if any(re.match(r"facture\b", fold(part.text)) or re.sub(r"\W", "", part.text) == number_key
               for ln in above for part in ln.segments):
            return from_segment(found[0], seg, 0.6, "invoice_date:title", span=(m.start(1) + found[1],
                                                                                m.start(1) + found[2]))
    return None


def period_candidates(doc: Document) -> list[Candidate]:
    """Billed periods printed with a label, or as `du … au …` in a heading."""
    cands = _labelled(doc, "period", read_range, below_lines=1, in_tables=False)
    for seg in doc.segments:
        f = fold(seg.text)
        ranges = find_date_ranges(seg.text, ocr=seg.ocr)
        if not ranges or re.search(r"periode", f):
            continue
        start, end, a, b = ranges[0]
        # `Électricité – du 1er févr. 2024 au 31 janv. 2025` under the title.
        if re.search(r"(?:electricite|gaz|consommation|facturation|livraison)\b[^\d]{0,12}du", f[:a + 3]):
            cands.append(from_segment((start, end), seg, 0.7, "period-heading", span=(a, b)))
    return cands


def _amount_reader(text: str, *, ocr: bool = False):
    return read_amount(text, ocr=ocr)


def extract_totals(doc: Document) -> dict[str, list[Candidate]]:
    out = {key: _labelled(doc, key, _amount_reader, below_lines=1 if key == "total_vat" else 2, opens_off_line=True)
           for key in ("total_ttc", "total_ht", "total_vat", "amount_due", "already_paid")}
    out["total_ht"] = _without_group_subtotals(doc, out["total_ht"])
    tables = {line.index: columns for line, columns in rows_under_ttc_header(doc)}
    matrix = energy_matrix_rows(doc)
    if matrix:
        for key in ("total_ttc", "total_ht", "total_vat"):
            out[key] = [c for c in (_in_total_column(doc, c, matrix) for c in out[key]) if c is not None]
    for key, column in (("total_ttc", "amount_ttc"), ("total_ht", "amount"), ("total_vat", "vat")):
        if tables:
            out[key] = [_in_its_column(doc, c, tables, column) for c in out[key]]
            out[key] = [c for c in out[key] if c is not None]
        # The bill's total row of such a table gives all three totals, each in its column.
        for index, columns in tables.items():
            line = doc.lines[index]
            if not _TOTAL_ROW.match(fold(line.segments[0].text)):
                continue
            found = _amount_in_column(line, lambda seg: columns.column_at(seg.x0, seg.x1) == column, 0.8,
                                      f"{key}:table")
            if found is not None and not any(c.spot == found.spot for c in out[key]):
                out[key].append(found)
    return out


# A column header naming an energy (`Électricité ‖ Gaz naturel ‖ Total`).
# (or its contract: `Contrat 1234567-01`, the energy's name over it lost by OCR).
_ENERGY_HEAD = re.compile(r"^(?:electricite|elec|gaz(?: naturel)?|energie|electricite et gaz"
                          r"|contrat(?: n°?)? ?[\w.-]*\d)$")
_TOTAL_HEAD = re.compile(r"^total(?: \(?(?:€|eur|ttc|facture)\)?)?$")


def energy_matrix_rows(doc: Document) -> dict[int, tuple[float, float]]:
    """The rows of a summary matrix with one column per energy and a column
    for the bill (`‖ Électricité ‖ Gaz naturel ‖ Total` over `Abonnement`,
    `Taxes et contributions`, `TVA`, `Total TTC`…): line index → the Total
    column's span. The header's cells may sit on two lines (an energy's name
    over its contract number, `Total` between)."""
    out: dict[int, tuple[float, float]] = {}
    lines = doc.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        energies = [s for s in line.segments if _ENERGY_HEAD.match(fold(s.text).strip(" :.|_*"))]
        if not energies:
            i += 1
            continue
        total = None
        last = i
        for j in range(i, min(i + 3, len(lines))):
            other = lines[j]
            if other.page != line.page or other.y0 - line.y1 > 1.5 * line.height:
                break
            heads = [s for s in other.segments if _TOTAL_HEAD.match(fold(s.text).strip(" :.|_*"))]
            if heads and heads[-1].x0 > max(s.x1 for s in energies):
                total, last = heads[-1], j
                break
        if total is None:
            i += 1
            continue
        last_y, height = lines[last].y1, line.height
        k = last + 1
        while (k < len(lines) and lines[k].page == line.page
               and lines[k].y0 - last_y <= 4.5 * max(height, lines[k].height)):
            if any(_TOTAL_HEAD.match(fold(s.text).strip(" :.|_*")) for s in lines[k].segments[1:]):
                break  # another matrix's header
            out[k] = (total.x0, total.x1)
            last_y = lines[k].y1
            k += 1
        i = k
    return out


def _in_total_column(doc: Document, cand: Candidate, matrix: dict) -> Candidate | None:
    """A total read on a row of an energy matrix is the cell under its
    `Total` column: the first amount right of `Total TTC` is the first
    energy's. A cell is under `Total` when it overlaps it (a header is set
    like its cells, flush right, centred or left); any other is an energy's,
    its header maybe lost by OCR."""
    if cand.spot is None or cand.spot[0] not in matrix or doc.lines[cand.spot[0]].page != cand.page:
        return cand
    x0, x1 = matrix[cand.spot[0]]

    def under_total(seg) -> bool:
        return min(seg.x1, x1) - max(seg.x0, x0) > -2

    line = doc.lines[cand.spot[0]]
    if cand.spot[1] > 0 and under_total(line.segments[cand.spot[1]]):
        return cand
    return _amount_in_column(line, under_total, cand.conf, cand.note)


def _amount_in_column(line: Line, in_column, conf: float, note: str) -> Candidate | None:
    """The first amount of `line`, past its caption, in a cell `in_column` accepts."""
    for seg in line.segments[1:]:
        if in_column(seg) and (found := read_amount(seg.text, ocr=seg.ocr)):
            return from_segment(found[0], seg, conf, note, span=(found[1], found[2]))
    return None


_SUBTOTAL = re.compile(r"^\W*sous-?\s?total\b")


def _without_group_subtotals(doc: Document, cands: list[Candidate]) -> list[Candidate]:
    """`Sous-total HT` closing each group of lines (one per VAT rate, one per
    energy) with different amounts: the groups' totals, none the bill's."""
    def subtotal(c: Candidate) -> bool:
        if c.spot is None:
            return False
        line = doc.lines[c.spot[0]]
        own = line.segments[c.spot[1]]
        before = line.segments[c.spot[1] - 1] if c.spot[1] > 0 else None
        return bool(_SUBTOTAL.match(fold(own.text)) or (before is not None and _SUBTOTAL.match(fold(before.text))))

    subs = [c for c in cands if subtotal(c)]
    if len({c.value for c in subs}) < 2:
        return cands
    return [c for c in cands if not subtotal(c)]


# `Total de votre facture`, `Total facture`, `Montant total`: the bill's total row (not a `Sous-total`).
_TOTAL_ROW = re.compile(r"^[^a-z]*(?:total(?: de (?:votre|la))? facture|montant total|total general|total)\b"
                        r"(?!.*\b(?:electricite|gaz|services?)\b)")


def _in_its_column(doc: Document, cand: Candidate, tables: dict, column: str) -> Candidate | None:
    """A total read on a row of a `Hors TVA ‖ TVA ‖ TTC` table (`Total de
    votre facture ‖ 591,09 ‖ 81,28 ‖ 672,37`) is the cell under its own
    column, not the first amount right of the caption."""
    if cand.spot is None or cand.spot[0] not in tables or doc.lines[cand.spot[0]].page != cand.page:
        return cand
    columns, line = tables[cand.spot[0]], doc.lines[cand.spot[0]]

    def in_column(seg) -> bool:
        return columns.column_at(seg.x0, seg.x1) == column

    if cand.spot[1] == 0 or in_column(line.segments[cand.spot[1]]):
        return cand
    if (found := _amount_in_column(line, in_column, cand.conf, cand.note)) is not None:
        return found
    # `Total hors taxes ‖ 214,93 €` under a table it is no row of (a recap
    # after it, a card's header taken for its header): one amount, its
    # caption's. An amount left of the caption is another column's (`TVA
    # 5,5 % sur 163,27 € ‖ 8,98 € Total hors taxes ‖ 1 412,62 €`: a VAT
    # row beside the totals, run into their caption by OCR).
    amounts = [seg for seg in line.segments[cand.spot[1]:] if read_amount(seg.text, ocr=seg.ocr)]
    return cand if len(amounts) == 1 else None


_OFFER_DASH = re.compile(r"\s+[–\-|]\s+")
_OFFER_STOP = re.compile(r"\s*[(:;]\s*|\s{3,}")


_CUT_PRICING = {"index": "indexé", "fix": "fixe"}


# A caption's energy after it (`Tarif d'acheminement gaz`, `Option tarifaire électricité`).
_ENERGY_TAIL = re.compile(r"(?i)\s+(?:gaz(?: naturel)?|[ée]lectricit[ée]|[ée]lec\.?)$")


def _offer_reader(text: str, *, ocr: bool = False):
    t = clean(text).strip(" |[]_").lstrip("'‘’`")  # a box's edge or a speck read as a character
    if ocr:  # `Flexi Watt- Heures Creuses`, `Online& Green`: OCR glued a dash or `&` to a word
        t = re.sub(r"(?<=\w)([–\-&])(?=\s)", r" \1", re.sub(r"(?<=\s)([–\-&])(?=\w)", r"\1 ", t))
        # A duration's number read as a letter or glued to the word before
        # (`Gaz Fixe Lan`, `Gaz Fixe2 ans`).
        t = re.sub(r"(?<=[A-Za-zÀ-ÿ])[.,·'`](?=\d{1,2} ?ans?\b)", "", t)  # `Alsace.2 ans`: a speck in the space
        t = re.sub(r"(?<=[A-Za-zÀ-ÿ])(\d{1,2}) ?(ans?)\b", r" \1 \2", t)
        t = re.sub(r"(?<=\s)(\d{1,2})a(ans?)\b", r"\1 \2", t)  # `2aans`: the space read as an `a`
        t = re.sub(r"(?<=\s)[lLI|Ÿ] ?(ans?)\b", r"1 \1", t)  # `Ÿ`: a speck over the 1
        # `etbiogaz`: the space after « et » lost (no French word starts so; `être`, `éthique` do with r, h).
        t = re.sub(r"\bet(?=[bcdfgjklmnpqstvwxz][a-zà-ÿ]{3,})", "et ", t)
        # A speck read as a lone digit between two words (`et 9 gaz verts`): a
        # name's figure counts something (`2 ans`, `12 mois`).
        t = re.sub(r"(?<=[A-Za-zÀ-ÿ]) \d (?=[a-zà-ÿ])(?!(?:ans?|mois|ann[ée]es?)\b)", " ", t)
        # A speck between two words (`Prix . fixe`), a dash or a speck read as a
        # dot before a duration's unit (`2-ans`, `2.ans`).
        t = re.sub(r"(?<=\w)\s+[.,·'`]\s+(?=\w)", " ", re.sub(r"(?<=\d)[-.](ans?)\b", r" \1", t))
        # `Prix. fixe`: a speck glued to a whole word the name goes on after (no offer abbreviates these).
        t = re.sub(r"(?i)\b(prix|fixe|offre|tarif|verte?s?)[.,](?=\s+[a-zà-ÿ])", r"\1", t)
    quoted = re.match(r"^[«\"“]\s*([^»\"”]{2,70}?)\s*[»\"”]", t)
    if quoted:
        value = quoted.group(1).strip()
        return (value, 0, len(value)) if re.search(r"[A-Za-zÀ-ÿ]{2}", value) else None
    t = re.sub(r"^[«“]\s*", "", t)  # `« Basic Watt`: its closing mark lost
    m = _OFFER_STOP.search(t)
    if m and ":" in m.group() and re.match(r"-?\d", t[m.end():]):
        return None  # `Solde de votre facture précédente : 77,60 €`: another row's caption and amount
    value = t[:m.start()] if m else t
    # `Essentielle Duo – prix bloqué pendant…` ends at the dash; `Électricité
    # verte - Prix fixe` is the offer's printed name in full.
    parts = _OFFER_DASH.split(value)
    kept = [parts[0]]
    for part in parts[1:]:
        words = part.split()
        if words and words[0][:1].isupper() and len(words) <= 3 and not re.search(r"\d", part) \
                and re.match(r"(?i)prix|tarif|offre|option|fixe|index|variable|vert|green", words[0]):
            if len(words) == 1 and re.fullmatch(r"(?i)prix|tarif|offre|option", words[0]):
                return None  # `Électricité verte - Prix`: the name's end went elsewhere
            kept.append(part)
        else:
            break
    # No name ends with a dash or an apostrophe: a speck or a rule read as one.
    value = " - ".join(kept).strip(" .,–-").rstrip("'‘’`").rstrip()
    words = value.split()
    if not (1 <= len(words) <= 8) or len(value) > 70 or not re.search(r"[A-Za-zÀ-ÿ]{2}", value):
        return None
    # A name may open on a brand written in mixed case (`wekiWEB`), never on a plain lower-case word.
    if (value[0].islower() and not re.match(r"\S*[A-ZÀ-Ý]", value)) \
            or re.match(r"(?i)^(?:n°|de |du |la |le |les |des |(?:mon|ma|mes)(?: |$))", value) \
            or re.search(r"(?i)\b(?:votre|vos|notre|nos)\b", value):
        return None  # a phrase, or a sentence addressing the customer, not a name
    if re.search(r"\d{5,}|€|\d+[,.]\d+", value) or is_label_text(value) \
            or is_label_text(_ENERGY_TAIL.sub("", value)) or find_dates(value):
        # Another field's caption, or one for an energy (`Tarif d'acheminement gaz`, the next
        # row's caption under « Offre » when its value beside is far or lost), or a period's
        # sentence joined to it (`… Consommation du 01/08/2025 au 30/09/2025`): no name.
        return None
    if ocr and re.search(r"(?i)\d[\s.,]*\S?\s*(?:k?va|kwh)\b", value):
        return None  # `Duo Verte Fixe 19. 0 «VA`: run into the power the next column prints
    if ocr and re.search(r"(?:\s|(?<=[A-Za-zÀ-ÿ]))\d{1,2}$", value):
        # `Plenifix 1 ‖ Gaz`, `Élec Fixe2` (its `ans` a line lower): a duration
        # whose unit OCR lost, the name's end cut off.
        return None
    if ocr:
        # Its last letter lost at the line's end: `Prix index`, `Prix fix`, `verte fix` (no French word).
        value = re.sub(r"(?i)(?:(?<=\bprix )index|(?<=\s)fix)$", lambda m: _CUT_PRICING[m.group(0).lower()], value)
    return value, 0, len(value)


def extract_offer(doc: Document, known_offers: list[str], brands: tuple[str, ...] = ()) -> Candidate | None:
    """The offer's name; `known_offers`: the supplier's offer names the
    catalogue holds, `brands`: the one-word names it trades under."""
    cands = [c for c in (_with_cut_tail(doc, c) for c in _labelled(doc, "offer", _offer_reader, below_lines=1)) if c]
    cands = [c for c in (_with_wrapped_rest(doc, c) for c in cands) if c and not _short_of_flush_edge(doc, c)]
    cands = [replace(c, value=_brand_words(_catalogue_words(
        _unglued(spelled_as_always(c.value, _unaccented_offer_words())), known_offers), brands))
        if c.source == "ocr" else c for c in cands]
    # An offer name of the catalogue supports the reading that spells it in full.
    known = {fold(o): o for o in known_offers if len(o) >= 4}
    # An OCR reading of a catalogue name whose dash or space OCR lost
    # (`Électricité verte Prix fixe`, `Gaz ClassicFixe`) is that name.
    by_letters: dict[str, str | None] = {}
    for k, o in known.items():
        key = _letters_and_digits(k)
        by_letters[key] = o if key not in by_letters else None  # two names with the same letters: neither
    cands = [replace(c, value=by_letters[_letters_and_digits(fold(c.value))]) if c.source == "ocr"
             and fold(c.value) not in known and by_letters.get(_letters_and_digits(fold(c.value))) else c
             for c in cands]
    cands = [c for c in cands if fold(c.value) in known or not _read_unsure(doc, c)]
    # An OCR reading of a catalogue name whose accents OCR lost is that name
    # (some catalogue names lack the accents the bill prints: those stay as read).
    cands = [replace(c, value=known[fold(c.value)]) if c.source == "ocr" and fold(c.value) in known
             and _accents(known[fold(c.value)]) > _accents(c.value) else c for c in cands]
    spelled = [c for c in cands if fold(c.value) in known]
    if spelled:
        # A reading that is only a piece of the catalogue's name (`Extra Eco
        # Fixe` for `Offre Extra Eco Fixe`) gives way; a longer printed name
        # (`… Fixe Duo`) does not.
        names = [fold(c.value) for c in spelled]
        cands = [c for c in cands if fold(c.value) in known or not any(fold(c.value) in n for n in names)]
        cands += [c.with_conf(0.6) for c in spelled]
    # A reading that another one holds whole (`Extra Eco Fixe`, after the word
    # `Offre` taken for its label, in `Offre Extra Eco Fixe Duo` read under
    # the caption) is a piece of it.
    cands = [c for c in cands if not any(fold(c.value) in fold(o.value) and len(o.value) > len(c.value)
                                         for o in cands)]
    cands = [_with_caption_head(doc, c, known) for c in cands]
    # A reading that is a piece of a catalogue name printed whole (`offre
    # Fixe 1 an`, its capital misread, taken for caption and value) gives way to it.
    wider = {k for k in known if any(fold(c.value) in k and fold(c.value) != k for c in cands)}
    printed = _printed_offers(doc, [o for o in known_offers if fold(o) in wider], 0.8) if wider else []
    if printed:
        cands = [c for c in cands if not any(fold(c.value) in fold(p.value) for p in printed)] + printed
    if not cands:
        cands = _printed_offers(doc, [o for o in known_offers if len(o) >= 6], 0.6)
    return vote(cands, key=lambda v: fold(v))


# The end of a name wrapped in its cell: a few words, no caption, no amount.
_WRAPPED_REST = re.compile(r"(?:\d{1,2} ans?|[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'&-]*)(?: (?:\d{1,2} ans?|[A-Za-zÀ-ÿ'&-]+)){0,3}")


def _with_wrapped_rest(doc: Document, cand: Candidate) -> Candidate | None:
    """`Offre ‖ Plüm Duo Coopératif` over `‖ Fixe`: a name wrapped in a narrow
    cell, its caption beside the cell (often halfway down it). The line under
    the value continues it when its piece is flush with the value (left or
    right), a line's height under it, and nothing stands in the caption's
    column beside it (the next row's caption would)."""
    if cand.spot is None:
        return cand
    seg = doc.lines[cand.spot[0]].segments[cand.spot[1]]
    captions = [h.seg for h in find_labels(doc, "offer") if h.seg.page == seg.page and h.seg.x1 <= seg.x0
                and abs(h.seg.line - seg.line) <= 1]
    caption = captions[0] if captions else None
    if caption is None:
        return cand
    # The next line holding anything in the caption's column (the other column's lines interleave).
    def in_column(ln) -> list:
        return [s for s in ln.segments if s is not caption and s.x0 >= caption.x0 - caption.height]

    line = next((ln for ln in doc.lines[seg.line + 1:seg.line + 4] if in_column(ln)), None)
    if line is None or line.page != seg.page or line.y0 - seg.y1 > 0.8 * seg.height:
        return cand
    rest = in_column(line)
    if len(rest) != 1 or not (abs(rest[0].x1 - seg.x1) <= seg.height or abs(rest[0].x0 - seg.x0) <= seg.height):
        return cand
    beside = [s for ln in doc.lines[seg.line + 1:seg.line + 4] for s in ln.segments
              if s is not rest[0] and s is not caption and s.page == seg.page and s.x0 >= caption.x0 - caption.height
              and s.x1 <= rest[0].x0 and s.y0 < rest[0].y1 and s.y1 > rest[0].y0]
    if beside:
        return cand  # another row's caption level with the piece (`Option tarifaire ‖ Base`)
    text = clean(rest[0].text).strip()
    # Read across both lines already (labels: a flush-right value's wrapped end).
    joined = fold(cand.value).endswith(fold(text))
    head = cand.value[:len(cand.value) - len(text)].rstrip() if joined else cand.value
    if _YEARS_TAIL.fullmatch(fold(text)) and not re.search(r"\d$", head):
        return None  # `Plüm Fixe ‖ ans`: how many years went with a speck
    if joined:
        return cand
    if not _WRAPPED_REST.fullmatch(text):
        return cand
    return replace(cand, value=f"{cand.value} {text}")


# How far short of its column's flush right edge (a share of its height) a
# reading ends when OCR lost its last word (`Fixe ‖ 2` a figure and a space).
FLUSH_SHORT = 0.6
# How near each other the lines of a flush right column end (a share of their height).
FLUSH_EDGE = 0.3


def _short_of_flush_edge(doc: Document, cand: Candidate) -> bool:
    """`Plüm Coopérative Fixe` read in a column whose values end flush
    right (`Madame Sophie Dupont`, `06195792948351` above and under it, ending
    level, starting apart) but ending short of that edge, nothing after it:
    OCR lost the end of the line (`2`, then `ans` wrapped a line lower), so
    the name read is cut."""
    if cand.source != "ocr" or cand.spot is None:
        return False
    line, col = cand.spot
    seg = doc.lines[line].segments[col]
    if not seg.text.rstrip(" .").endswith(cand.value) or col + 1 < len(doc.lines[line].segments):
        return False
    h = seg.height
    near = [s for ln in doc.lines[max(0, line - 4):line + 5] if ln.page == seg.page and ln.index != line
            for s in ln.segments if abs((s.y0 + s.y1) / 2 - (seg.y0 + seg.y1) / 2) <= 6 * h
            and s.x0 < seg.x1 and s.x1 > seg.x0 and s is ln.segments[-1]]
    # The right-most end two lines or more share, starting apart: a flush right edge.
    for end in sorted((s.x1 for s in near), reverse=True):
        level = [s for s in near if abs(s.x1 - end) <= FLUSH_EDGE * h]
        if len(level) >= 2 and max(s.x0 for s in level) - min(s.x0 for s in level) > h:
            return statistics.median(s.x1 for s in level) - seg.x1 > FLUSH_SHORT * h
    return False


def _catalogue_words(value: str, known_offers: list[str]) -> str:
    """An OCR reading's long word one letter away from one long word of the
    supplier's offer names and from no other (`NovarFixe` for « NovaFixe »)
    is that word."""
    words = {fold(w): w for o in known_offers for w in re.findall(r"[A-Za-zÀ-ÿ]{6,}", o)}

    def fix(m: re.Match) -> str:
        word = fold(m.group(0))
        near = None if word in words else one_known_within(word, tuple(words), 1)
        return m.group(0) if near is None else words[near]
    return re.sub(r"[A-Za-zÀ-ÿ]{6,}", fix, value)


def _brand_words(value: str, brands: tuple[str, ...]) -> str:
    """An OCR reading's word one letter off the supplier's brand, or its
    brand without its accent, and no word of offer names (`Piüm Biogaz
    Fixe` for « Plüm Biogaz Fixe »: names open on the brand) is the brand
    as it spells itself."""
    spelled: dict[str, str] = {}
    for b in brands:
        if len(b) >= 4 and b.isalpha() and (fold(b) not in spelled or _accents(b) > _accents(spelled[fold(b)])):
            spelled[fold(b)] = b
    if not spelled:
        return value

    def fix(m: re.Match) -> str:
        word = fold(m.group(0))
        if word in _offer_vocabulary() and word not in spelled:
            return m.group(0)
        near = word if word in spelled else one_known_within(word, tuple(spelled), 1)
        if near is None or (near == word and _accents(m.group(0)) >= _accents(spelled[near])):
            return m.group(0)
        return spelled[near].upper() if m.group(0).isupper() and len(m.group(0)) > 1 else spelled[near]
    return re.sub(r"[A-Za-zÀ-ÿ]{4,}", fix, value)


def _letters_and_digits(folded: str) -> str:
    """A folded name's letters and digits, without the marks and spaces
    between its words (OCR drops a thin dash or a narrow space)."""
    return "".join(_name_words(folded))


# Word confidence under which OCR was unsure of a word of a name, and under
# which it guessed it (`Électricité et Lee verts` for « gaz verts »).
UNSURE_NAME_CONF = 0.6
UNREAD_NAME_CONF = 0.35


def _read_unsure(doc: Document, cand: Candidate) -> bool:
    """Most words of an OCR reading unsure (`Gus Mio l'an` for « Gaz Fixe
    1 an »), or one guessed: a name no check can confirm is then a guess,
    not a reading."""
    if cand.source != "ocr" or cand.spot is None:
        return False
    line, col = cand.spot
    words = cand.value.split()
    # The reading may end in the next cell (`Gaz Fixe ‖ où`, its end cut off).
    read = [w for seg in doc.lines[line].segments[col:] for w in seg.words if w.text in words]
    confs = [w.conf for w in read]
    # A word that no offer name has, unsure (`Octo Fixe 2 vus` for « 2 ans »)
    # or a letter alone (`Gaz Fixe Ÿ` for « 1 an »), was misread, whatever its neighbours.
    strange = any((w.conf < UNSURE_NAME_CONF or re.fullmatch(r"[^\W\d_]", w.text))
                  and not set(_name_words(w.text)) <= _offer_vocabulary() for w in read)
    return (strange or sum(c < UNSURE_NAME_CONF for c in confs) * 2 > len(confs)
            or any(c < UNREAD_NAME_CONF for c in confs))


_CAMEL = re.compile(r"\b([A-Za-zÀ-ÿ]*[a-zà-ÿ])([A-ZÀ-Ý][a-zà-ÿ]+)\b")


def _unglued(name: str) -> str:
    """`Gaz ClassicFixe`: two words of offer names OCR read without the
    space between them; a brand's own capital inside a word (`OctoTempo`,
    one word of the catalogue) stays."""
    def split(m: re.Match) -> str:
        whole, parts = fold(m.group(0)), [fold(m.group(1)), fold(m.group(2))]
        known = _offer_vocabulary()
        return f"{m.group(1)} {m.group(2)}" if whole not in known and all(p in known for p in parts) else m.group(0)
    return _CAMEL.sub(split, name)


def _name_words(text: str) -> list[str]:
    """A name's words, folded, without the marks between them."""
    return re.findall(r"[a-z0-9]+", fold(text))


@lru_cache(maxsize=1)
def _offer_vocabulary() -> frozenset[str]:
    """The words offer names are made of: the catalogue's and the vocabulary's."""
    names = [*offers_of(None), *vocabulary("fields")["offer_words"]["words"]]
    return frozenset(w for name in names for w in _name_words(name))


# The end of an offer's name that OCR cut off into a cell of its own, the
# dash or the duration's figure before it lost as a speck.
_PRICING_TAIL = re.compile(r"prix (?:fixe|indexe|variable|bloque)s?")
_CUT_AFTER = re.compile(r"\s(?:et|de|du|des|&|[-–])$")
_YEARS_TAIL = re.compile(r"ans?")
_ONE_YEAR_TAIL = re.compile(r"[1li|ÿ]\s?an")


def _with_cut_tail(doc: Document, cand: Candidate) -> Candidate | None:
    """`Gaz vert ‖ Prix fixe` (or `‖ - Prix fixe`) is « Gaz vert - Prix
    fixe », `Gaz vert ‖ - Prix fix 7` unknown; `Gaz Fixe ‖ an`
    is « Gaz Fixe 1 an »; `Électricité ‖ verte fixe` is one name a wide
    space apart; `Octo Fixe ‖ ans` has lost how many years, and
    `Électricité et ‖ verts- Prix` a word between its pieces: unknown. A
    name that ends in « et », « de » or a dash was cut off, wherever its end
    went (a tilted scan's line split in two): unknown."""
    if cand.source != "ocr" or cand.spot is None:
        return cand
    if _CUT_AFTER.search(fold(cand.value)):
        return None  # `Électricité et` ‖ (a line below) `gaz verts - Prix`: the rest went to another line
    line, col = cand.spot
    seg = doc.lines[line].segments[col]
    beside = doc.right_of(seg)[:1]
    if beside and _CUT_AFTER.search(fold(seg.text)) and beside[0].x0 - seg.x1 <= 4 * seg.height:
        return None  # `Électricité et ‖ verts- Prix`: the name runs on past a word OCR lost
    if not beside or not seg.text.rstrip(" .").endswith(cand.value) or beside[0].x0 - seg.x1 > 4 * seg.height:
        return cand
    tail = fold(beside[0].text).strip(" .:;")
    dashed = re.match(r"[-–]\s*", tail)
    if dashed:
        tail = tail[dashed.end():]
    if _PRICING_TAIL.fullmatch(tail):
        return replace(cand, value=f"{cand.value} - {beside[0].text.strip(' .:;-–')}")
    if dashed:
        return None  # `Gaz vert ‖ - Prix fix 7`: the name goes on past what OCR could read
    if _YEARS_TAIL.fullmatch(tail):
        return replace(cand, value=f"{cand.value} 1 an") if tail == "an" else None
    if _ONE_YEAR_TAIL.fullmatch(tail):
        return replace(cand, value=f"{cand.value} 1 an")  # `Gaz Fixe ‖ Lan`: the 1 read as a letter
    rest = beside[0].text.strip(" .:;")
    if _LOWER_WORDS.fullmatch(rest) and beside[0].x0 - seg.x1 <= 2.5 * seg.height:
        return replace(cand, value=f"{cand.value} {rest}")  # `Électricité ‖ verte fixe`: a wide space
    if beside[0].x0 - seg.x1 <= NEAR_CELL * seg.height and re.match(r"\w", rest) and not is_label_text(rest):
        # `Happ-e ‖ Élec. Indexée`: a space a speck widened, or the next
        # cell? The name may go on there: unknown rather than cut.
        return None
    return cand


# A cell this near (a share of the line's height) may be the rest of a name
# that OCR cut at a space (a segment's cut is 1.1).
NEAR_CELL = 1.6


# A name's words going on in small letters (a column's caption starts with a capital).
_LOWER_WORDS = re.compile(r"[a-zà-ÿ][a-zà-ÿ'’\-]*(?: [a-zà-ÿ][a-zà-ÿ'’\-]*){0,2}")


@lru_cache(maxsize=1)
def _unaccented_offer_words() -> dict[str, str]:
    """Words of offer names that never carry an accent: one read with an
    accent (`Heures Creusés`) had a speck over a letter (assets/labels/fields.json)."""
    return {fold(w): w.lower() for w in vocabulary("fields")["offer_words"]["words"]}


def _accents(text: str) -> int:
    return sum(1 for c in text if not c.isascii())


def _with_caption_head(doc: Document, cand: Candidate, known: dict[str, str]) -> Candidate:
    """`Offre Fixe lan` read as the caption « Offre » and `Fixe 1 an`: the
    catalogue's « Offre Fixe 1 an » when its segment starts with the words
    the catalogue name has before the reading."""
    value = fold(cand.value)
    if cand.spot is None or len(value.split()) < 2 or value in known:
        return cand
    seg = fold(doc.lines[cand.spot[0]].segments[cand.spot[1]].text)
    heads = [k for k in known if k.endswith(" " + value) and seg.startswith(k[:-len(value)].strip() + " ")]
    return replace(cand, value=known[heads[0]]) if len(heads) == 1 else cand


def _printed_offers(doc: Document, names: list[str], conf: float) -> list[Candidate]:
    """The catalogue offer names printed on the bill, whole words, the
    longest first, one per segment."""
    folded_known = sorted((fold(o) for o in names), key=len, reverse=True)
    found = []
    for seg in doc.segments:
        f = fold(seg.text)
        for k in folded_known:
            pos = f.find(k)
            if pos >= 0 and (pos == 0 or not f[pos - 1].isalnum()):
                end = pos + len(k)
                # `Plenifix 1` (` an Gaz` lost): a figure after the name makes a longer one.
                if (end == len(f) or not f[end].isalnum()) and not re.match(r"\s*\d", f[end:]):
                    if f[:pos].rstrip().endswith(":"):
                        # `Contrat : Plenifix 1 an Duo`: after a caption, the
                        # name printed runs to the end of its cell.
                        end = len(seg.text.rstrip(" .;"))
                    found.append(from_segment(seg.text[pos:end], seg, conf, "offer-known", span=(pos, end)))
                    break
    return found


def pricing_candidates(doc: Document, offer: str | None) -> tuple[list[Candidate], list[str]]:
    """Pricing kind (`fixe`, `indexe`, `reglemente`) and the phrases that say it."""
    cands: list[Candidate] = []
    mentions: list[str] = []
    if offer:
        f = fold(offer)
        for key in ("reglemente", "indexe", "fixe"):
            if matches_any(vocabulary_patterns("pricing", key), f):
                cands.append(Candidate(key, 0.85, None, "text", "offer-name"))
                break
    for hit in find_labels(doc, "pricing_type"):
        for spot in value_spots(doc, hit, below_lines=1):
            f = fold(spot.text)
            key = next((k for k in ("reglemente", "indexe", "fixe")
                        if matches_any(vocabulary_patterns("pricing", k), f)), None)
            if key:
                cands.append(from_segment(key, spot.seg, 0.9, "pricing-label"))
                mentions.append(spot.text.strip())
                break
    for seg in doc.segments:
        nxt = _wrapped_next(doc, seg)
        text = seg.text + (" " + nxt.text if nxt is not None else "")  # a cell wrapped over two lines
        f = fold(text)
        # The first kind the text names is its own: `Offre à prix indexé : le
        # prix évolue avec le TRVE` is indexed on the regulated tariff.
        found = [(m.start(), m.end(), key) for key in ("indexe", "fixe", "reglemente")
                 for p in vocabulary_patterns("pricing", key) if (m := p.search(f))]
        if not found:
            continue
        start, end, key = min(found)
        phrase = _phrase(text, start, end)
        if re.search(r"conditions generales|retard de paiement|mediateur|vos donnees|comparateur", fold(phrase)):
            continue  # the sentence is about something else; the footer line it sits in may hold the offer's
        # `Paix fixe pendant 3 ans` (Prix misread): a price fixed for a time is the offer's.
        if re.search(r"prix|offre|tarif|du kwh|fixe pendant", f) and len(phrase) <= 140:
            # `Offre … – prix bloqué pendant …` says it of the bill's own offer.
            base = 0.78 if re.search(r"\boffre\b|\bprix\b", fold(phrase)) else 0.6
            # The word that says it is the evidence, not the worst-read word
            # of a long footer line.
            span = (start, end) if end <= len(seg.text) else None
            cands.append(from_segment(key, seg, base, "pricing-text", span=span))
            if phrase not in mentions:
                mentions.append(phrase)
    return cands, mentions


def _phrase(text: str, a: int, b: int) -> str:
    """The clause of `text` around [a, b): between separators."""
    seps = [m.end() for m in re.finditer(r"[–;.:](?:\s|$)|\s-\s", text[:a])]
    start = seps[-1] if seps else 0
    m = re.search(r"\s[–;]\s|[.;](?:\s|$)", text[b:])
    end = b + m.start() if m else len(text)
    return text[start:end].strip(" –-:;.")


# An invoice number read says « facture » as much as the word on top of the page.
INVOICE_NUMBER_KIND_CONF = 0.6


def extract_kind(doc: Document, invoice_number: Candidate | None = None) -> Candidate | None:
    """The bill's kind, from its captions; a bill with an invoice number and
    no word of another kind is an invoice (`facture`), however garbled the
    word `facture` on it."""
    cands = []
    first_page = doc.lines[0].page if doc.lines else 1
    top_limit = doc.page_height(first_page) * 0.35
    for seg in doc.segments:
        f = fold(seg.text)
        if re.search(r"prochaine|precedente|derniere|conditions|si vous|en cas de", f):
            continue
        on_top = seg.page == first_page and seg.y0 < top_limit
        for key in ("regularisation", "echeancier", "facture"):
            if matches_any(vocabulary_patterns("kinds", key), f):
                base = 0.9 if on_top else 0.5
                if key == "facture":
                    base = 0.6 if on_top else 0.3
                cands.append(from_segment(key, seg, base, "kind-top" if on_top else "kind"))
                break
    # Instalments already paid, deducted from the bill, make it the yearly
    # régularisation of a monthly-paying customer (invoice_anatomy.md, bill
    # kind), whatever its misread caption says.
    deducted = [from_segment("regularisation", hit.seg, 0.8, "kind-instalments")
                for hit in find_labels(doc, "already_paid")]
    # A specific kind on top of the first page outweighs the generic word;
    # deducted instalments back it or contradict it.
    specific = [c for c in cands if c.value != "facture" and c.note == "kind-top"]
    if specific or deducted:
        return vote(specific + deducted)
    if invoice_number is not None:
        cands.append(Candidate("facture", INVOICE_NUMBER_KIND_CONF, invoice_number.page, invoice_number.source,
                               "kind-invoice-number"))
    if not cands:
        return None
    rivals = [c for c in cands if c.value != "facture"]
    generic = [c for c in cands if c.value == "facture"]
    winner = vote(generic) if generic else None
    if rivals and winner:
        return winner.with_conf(winner.conf * 0.8)
    return winner or vote(rivals)


def extract_residential(doc: Document, has_civility: bool) -> Candidate | None:
    for seg in doc.segments:
        f = fold(seg.text)
        if re.search(r"pour les clients professionnels|clients? non residentiels? (?:peuvent|doivent)", f):
            continue
        if re.search(r"\bnon[- ]residentiel|\bclient professionnel\b|\bsiret du client|\bprofessionnel\b.{0,10}:", f):
            return from_segment(False, seg, 0.75, "residential")
    for seg in doc.segments:
        if re.search(r"(?<!non )\bresidentiel", fold(seg.text)):
            return from_segment(True, seg, 0.8, "residential")
    if has_civility:
        return Candidate(True, 0.6, None, "text", "civility")
    return None


def to_iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
