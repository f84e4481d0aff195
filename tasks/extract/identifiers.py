"""Identifiers tied to their label: PDL/PRM, PCE, invoice and client numbers,
and the numbers that look like them but are not (SIREN/SIRET, meter serials,
IBAN)."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from tasks.extract.labels import LabelHit, fallback_ranks, find_labels, under_a_label, value_spots
from tasks.extract.layout import Document
from tasks.extract.numbers import PHONE, clean, find_dates, fold, repair_ocr_digits
from tasks.extract.store import Candidate, from_segment, vote

_DIGIT_LIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                             "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6",
                             "b": "6", "g": "9", "q": "9", "T": "7"})


def _digit_token(token: str, ocr: bool) -> str | None:
    """The digits of a token made of digits (and, on OCR pages, of look-alikes)."""
    token = token.strip(".,;:()[]")
    if ocr:
        token = token.strip("=|'’\"")  # a dash or a speck glued to a group (`8154 92=–`)
    if not token:
        return None
    if token.isdigit():
        return token
    if ocr:
        digits = sum(c.isdigit() for c in token)
        if digits >= max(1, len(token) - 1):
            fixed = token.translate(_DIGIT_LIKE)
            if fixed.isdigit():
                return fixed
    return None


def read_digit_run(text: str, length: int, *, ocr: bool = False) -> tuple[str, int, int] | None:
    """The first run of digit groups in `text` that holds exactly `length`
    digits (`2442 4190 3581 74`, `224 499 275 908 09`), with its span."""
    # `67592388204325,tarif T2`: a comma glued between the number and the next word ends it.
    text = re.sub(r"(?<=\d),(?=[A-Za-zÀ-ÿ])", " ", clean(text))
    tokens = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[^\s\-–/.]+|[-–/.]", text)]
    i = 0
    while i < len(tokens):
        digits, start, end, j = "", None, None, i
        while j < len(tokens):
            tok, a, b = tokens[j]
            if tok in "-–/." and digits:
                j += 1
                continue
            d = _digit_token(tok, ocr)
            if d is None:
                break
            if start is None:
                start = a
            digits += d
            end = b
            j += 1
            if len(digits) >= length:
                break
        if len(digits) == length and start is not None:
            nxt = tokens[j][0] if j < len(tokens) else ""
            if not _digit_token(nxt, ocr):
                return digits, start, end
        i = max(j, i + 1)
    return None


_GI_PATTERN = r"(?<![A-Za-z0-9])G\s?[I1l|i]{%s}\s?(\d{3}\s?\d{3}|\d{6})(?!\d)"
_GI = re.compile(_GI_PATTERN % "1")
# On a scan the I's stroke is read twice at times (`GIi823369`, `GI1254604`):
# a GRDF PCE is GI and six digits, never seven.
_GI_OCR = re.compile(_GI_PATTERN % "1,2")


def read_pce(text: str, *, ocr: bool = False) -> tuple[str, int, int] | None:
    t = clean(text)
    m = _GI_OCR.search(repair_ocr_digits(t)) if ocr else _GI.search(t)
    if m:
        return "GI" + m.group(1).replace(" ", ""), m.start(), m.end()
    return read_digit_run(t, 14, ocr=ocr)


def read_pdl(text: str, *, ocr: bool = False) -> tuple[str, int, int] | None:
    return read_digit_run(text, 14, ocr=ocr)


_REF_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9\-/_.]*[A-Z0-9]|[0-9]")


def read_reference(text: str, *, min_len: int = 5, max_len: int = 24,
                   join_groups: bool = True) -> tuple[str, int, int] | None:
    """An invoice or client reference: the first token with digits, upper-case
    letters and `-`/`/` only; digit groups printed apart are joined
    (`6 866 949 837` → `6866949837`)."""
    t = clean(text)
    # `*255 513 489`: a footnote mark or a speck is no part of a reference.
    tokens = [(m.group(0).strip(".,;:()[]«»\"'*"), m.start(), m.end()) for m in re.finditer(r"\S+", t)]
    for i, (tok, start, end) in enumerate(tokens):
        if not tok or tok.lower() in {"n°", "no", "nº", "numéro", "numero", "-", "–"}:
            continue
        letters_apart = join_groups and _spaced_prefix(tok, tokens[i + 1:])
        if not letters_apart and (not _REF_TOKEN.fullmatch(tok) or not any(c.isdigit() for c in tok)):
            return None
        value = tok
        # `51908 49861`: a reference printed in two groups of five.
        fives = len(tok) == 5 and i + 1 < len(tokens) and re.fullmatch(r"\d{5}", tokens[i + 1][0]) is not None
        if join_groups and (tok.isdigit() and (len(tok) <= 4 or fives) or letters_apart):
            for nxt, _, nend in tokens[i + 1:]:
                # The last groups may come joined (`801 178677`: OCR lost a space).
                if not (nxt.isdigit() and 2 <= len(nxt) <= 6):
                    if nxt.isdigit() and value.isdigit():
                        return None  # `4 40 0620 2 8069`: groups no reference is printed in (specks read as digits)
                    break
                value += nxt
                end = nend
                if len(nxt) > 4:
                    break
        if find_dates(value) or re.fullmatch(r"\d{1,4}(?:[,.]\d+)?", value):
            return None
        if min_len <= len(value) <= max_len:
            return value, start, end
        return None
    return None


def _spaced_prefix(tok: str, rest: list[tuple[str, int, int]]) -> bool:
    """`PL 547 6809`: two or three capitals printed apart from the digit groups they open."""
    if not re.fullmatch(r"[A-Z]{2,3}", tok) or len(rest) < 2:
        return False
    groups = [t for t, _, _ in rest[:2]]
    return all(g.isdigit() and 2 <= len(g) <= 4 for g in groups)


@dataclass
class Exclusions:
    """Numbers that must never be taken for a PDL/PCE or a client number."""

    sirens: set[str]
    long_numbers: set[str]  # SIRET, meter serials, IBAN digit runs

    def excludes(self, digits: str) -> bool:
        return digits in self.long_numbers or (len(digits) == 14 and digits[:9] in self.sirens)


_SIREN_CONTEXT = re.compile(r"rcs|siren|siret|capital|r\.c\.s|tva intra|n° tva|tva fr", re.I)


def collect_exclusions(doc: Document) -> Exclusions:
    sirens: set[str] = set()
    longs: set[str] = set()
    for line in doc.lines:
        text = line.text
        folded = fold(text)
        ocr = any(s.ocr for s in line.segments)
        if _SIREN_CONTEXT.search(folded):
            t = repair_ocr_digits(clean(text)) if ocr else clean(text)
            for m in re.finditer(r"(?<!\d)(\d{3}\s?\d{3}\s?\d{3})(?:\s?(\d{5}))?(?!\d)", t):
                siren = m.group(1).replace(" ", "")
                sirens.add(siren)
                if m.group(2):
                    longs.add(siren + m.group(2))
        if re.search(r"\biban\b|\bfr\d{2}\b", folded):
            for m in re.finditer(r"FR\s?\d{2}(?:\s?[\dA-Z*]{4}){4,6}", clean(text)):
                longs.add(re.sub(r"\D", "", m.group(0)))
    for hit in find_labels(doc, "meter"):
        # Only a serial printed beside its label: one under or above it may
        # belong to the next label (a PDL or PCE).
        for spot in value_spots(doc, hit, below=False, above=False):
            found = read_digit_run(spot.text, 14, ocr=spot.seg.ocr) or _any_digits(spot.text)
            if found:
                longs.add(found[0])
                break
    return Exclusions(sirens, longs)


def _any_digits(text: str) -> tuple[str, int, int] | None:
    m = re.search(r"\d[\d ]{5,}\d", clean(text))
    if not m:
        return None
    return m.group(0).replace(" ", ""), m.start(), m.end()


_BASE = {"same": 0.93, "right": 0.9, "below": 0.86, "above": 0.82}


def _from_labels(doc: Document, field: str, reader, *, excl: Exclusions | None = None,
                 below_lines: int = 2, rank_penalty: float = 0.02) -> list[Candidate]:
    cands, fallbacks = [], []
    fallback = fallback_ranks(field)
    for hit in find_labels(doc, field):
        found_for = fallbacks if hit.rank in fallback else cands
        for spot in value_spots(doc, hit, below_lines=below_lines):
            found = reader(spot.text, ocr=spot.seg.ocr)
            if not found:
                if spot.where == "same" and spot.text and not _only_noise(spot.text, ocr=spot.seg.ocr):
                    break  # the label is followed by something else: not this value
                continue
            value, a, b = found
            if excl and excl.excludes(re.sub(r"\D", "", value)):
                continue
            base = _BASE[spot.where] - rank_penalty * min(hit.rank, 5) - 0.02 * spot.distance
            found_for.append(from_segment(value, spot.seg, base, f"{field}:{spot.where}",
                                          span=(spot.offset + a, spot.offset + b)))
            break
    # `N° de contrat` beside `Compte client`: another reference, read only when
    # no caption of the field itself gives one.
    return cands or fallbacks


def _only_noise(text: str, *, ocr: bool = False) -> bool:
    # `et`, `de`: the label goes on on the line under (`Point de Comptage et` / `d'Estimation`);
    # `n°`: its value does (`… point de livraison n°` / `6350 3924 0002 26`);
    # `(PCE)`, `({PCE)` (a speck read as a brace): the label's own acronym;
    # on a scan, two letters at most (`NUMÉRO DE FACTURE ES`): a speck.
    folded = fold(text)
    return bool(re.fullmatch(r"[\W_]*|[(\[{][\W_]*(?:pdl|prm|pce)[\W_]*|(?:et|de|du|des|n\s?°|no)\W*", folded)
                or ocr and re.fullmatch(r"\W*[a-z]{1,2}\W*", folded))


def extract_points(doc: Document, excl: Exclusions) -> tuple[Candidate | None, Candidate | None]:
    """The PDL and the PCE. A number under « Point de livraison » in a row
    opening with `Gaz naturel` is the PCE (`_in_gas_row`)."""
    under_pdl = _from_labels(doc, "pdl", read_pdl, excl=excl)
    in_gas_row = [_in_gas_row(doc, c) for c in under_pdl]
    pdl = vote(c for c, gas in zip(under_pdl, in_gas_row) if not gas)
    pce = vote([*_from_labels(doc, "pce", read_pce, excl=excl), *(c for c, gas in zip(under_pdl, in_gas_row) if gas)])
    return pdl, pce


def extract_pdl(doc: Document, excl: Exclusions) -> Candidate | None:
    return extract_points(doc, excl)[0]


# A table row's first cell naming gas alone (`Gaz naturel`, `Gaz`), not electricity.
_GAS_ROW = re.compile(r"[\W_]*gaz(?: naturel)?\W*")


def _in_gas_row(doc: Document, cand: Candidate) -> bool:
    """A number read under « Point de livraison » in a row that opens with
    `Gaz naturel` (a contract table: one row per energy, its point in the
    column): gas bills call their PCE a point de livraison too, and the
    row says whose point it is."""
    if cand.spot is None:
        return False
    line, col = cand.spot
    segments = doc.lines[line].segments
    return col > 0 and bool(_GAS_ROW.fullmatch(segments[0].folded))


def unlabelled_pdl(doc: Document, excl: Exclusions, taken: set[str]) -> Candidate | None:
    """The PDL of a scan whose pale caption OCR lost: the one 14-digit
    number standing alone in its cell that no label above it claims (a
    meter's, a PCE's, an invoice's), no exclusion names and no other field
    took. Two such numbers, and neither is known to be the PDL."""
    found: dict[str, tuple] = {}
    for seg in doc.segments:
        run = read_digit_run(seg.text, 14, ocr=True) if seg.ocr else None
        if not run or seg.text[:run[1]].strip(" :|.") or seg.text[run[2]:].strip(" :|.") \
                or excl.excludes(run[0]) or run[0] in taken or under_a_label(doc, seg):
            continue
        found.setdefault(run[0], (seg, run[1], run[2]))
    if len(found) != 1:
        return None
    value, (seg, start, end) = found.popitem()
    return from_segment(value, seg, 0.55, "pdl:alone", span=(start, end))


def extract_pce(doc: Document, excl: Exclusions) -> Candidate | None:
    return extract_points(doc, excl)[1]


# `71100 Chalon-sur-Saône`: a postcode and its town, the line of an address.
_POSTCODE_TOWN = re.compile(r"\d{5}\s+[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]{2,}")


def _read_invoice_number(text: str, *, ocr: bool = False, prefix: str | None = None):
    lead = _LOST_NO.match(text) if ocr else None
    if lead:
        # `n: FA202406278056` under « Votre facture »: its `n°`, the ° misread (`8 FA…`).
        found = _read_invoice_number(text[lead.end():], ocr=True, prefix=prefix)
        return (found[0], found[1] + lead.end(), found[2] + lead.end()) if found else None
    # `IL250818- 44591`: OCR spaced a number's part off its dash.
    gap = re.search(r"(?<=[A-Z0-9]-) (?=\d)", text) if ocr else None
    if gap:
        found = _read_invoice_number(text[:gap.start()] + text[gap.end():], ocr=False)
        if found and found[1] <= gap.start() < found[2]:
            return found[0], found[1], found[2] + 1
    if ocr and _SPECK_DASH.search(text):
        text = _SPECK_DASH.sub("", text)  # `FA202412216863-`: no reference ends with a dash
    if ocr:
        text = _DASH_BEFORE_WORD.sub(" ", text)
    found = read_reference(text, min_len=5, join_groups=False)
    if found and ocr and _ZERO_FOR_O.match(found[0]):
        found = "O" + found[0][1:], found[1], found[2]
    if found and ocr and prefix:
        found = _with_bill_prefix(found, prefix)
        if found is None:
            return None
    if found and ocr and (_glyph_in_doubt(found[0]) or _bar_glued(text, found)):
        return None
    if found and sum(c.isdigit() for c in found[0]) >= 4 and not _POSTCODE_TOWN.match(text, found[1]):
        # `FA2024032347 16` ending its line on a scan: OCR cut the number in two.
        return _with_cut_digits(text, found, _TAIL_AT_END) if ocr and found[0][-1].isdigit() else found
    return None


# The digits OCR cut off a reference by a space: at the end of its text,
# or (lettered references) before the comma or stop that ends its clause.
_TAIL_AT_END = re.compile(r" (\d{2,8})[ .]*$")
_TAIL_BEFORE_STOP = re.compile(r" (\d{1,4})(?=\s*(?:[,;.]|$))")


def _with_cut_digits(text: str, found: tuple[str, int, int], tail: re.Pattern) -> tuple[str, int, int]:
    m = tail.match(clean(text), found[2])
    return (found[0] + m.group(1), found[1], m.end(1)) if m else found


# `0V2457110244` under an invoice number's caption: a zero, then capitals,
# then only digits. A bill's number opens on its letters, then its digits;
# a zero before the letters is their O (no speck reads as a 0, as one does
# as the 1 of `1L240112`, whose I is in doubt).
_ZERO_FOR_O = re.compile(r"0(?=[A-NP-Z]{1,2}\d{6,}(?:-\d+)*$)")
# A dash glued after a long run of digits that ends the text: a speck.
_SPECK_DASH = re.compile(r"(?<=\d{6})-\s*$")
# `917177658309-du 23/08/2025`: a speck read as a dash between the number and the word after it.
_DASH_BEFORE_WORD = re.compile(r"(?<=\d{6})-(?=(?:du|au|le|des?)\b)")
_LOST_NO = re.compile(r"^\s*(?:n\s?[:;.°*]|\d(?=\s+[A-Z]{2}\d{6}))\s+(?=[A-Z0-9])")


def _read_client_number(text: str, *, ocr: bool = False, prefix: str | None = None):
    doubled = _DOUBLED_CAPITAL.search(text) if ocr else None
    if doubled:
        # `Cc9539522`: a capital read twice, once small (no reference mixes cases): read without its twin.
        k = doubled.end() - 1
        found = _read_client_number(text[:k] + text[k + 1:], ocr=True, prefix=prefix)
        return (found[0], found[1] + (found[1] >= k), found[2] + (found[2] >= k)) if found else None
    found = read_reference(_capital_first(text) if ocr else text, min_len=5, join_groups=True)
    if found and ocr and prefix:
        found = _with_bill_prefix(found, prefix)
        if found is None:
            return None
    if found and PHONE.fullmatch(text[found[1]:found[2]].strip()):
        return None  # `Service client 09 78 28 86 62`, its `Service` misread
    if found and ocr and (_glyph_in_doubt(found[0]) or _bar_glued(text, found)):
        return None
    if found and ocr and re.search(r"[A-Z]\d+$", found[0]):
        found = _with_cut_digits(text, found, _TAIL_BEFORE_STOP)  # `EC7201 17, point de livraison`
    if found and not _POSTCODE_TOWN.match(text, found[1]):
        digits = sum(c.isdigit() for c in found[0])
        if digits >= 3 or (digits and _PREFIXED_ID.fullmatch(found[0])):
            return found
    return None


# The letters OCR reads as each digit at the start of a reference.
_LETTERS_LIKE = {"1": "IL", "0": "OD", "5": "S", "8": "B", "2": "Z"}


def _bill_prefix(reference: str | None) -> str | None:
    """The letters that open a reference before its digits (`IL` of `IL251126-54335`)."""
    m = re.match(r"([A-Z]{2,3})\d", reference or "")
    return m.group(1) if m else None


def _with_bill_prefix(found: tuple[str, int, int], prefix: str) -> tuple[str, int, int] | None:
    """A reference read on a scan with the letters of the bill's other
    reference in look-alike digits (`1139782562`, `IL` read `11`;
    `1L250909-05022`) or with the digit after them read as a letter
    (`ILO6291645`): one supplier's references share their letters, and only
    digits follow them in the other reference either. Those letters read in
    another order (`L177651750` beside `IL…`): which glyph is which cannot
    be told (None)."""
    value, start, end = found
    head, rest = value[:len(prefix)], value[len(prefix):]
    if not _reads_as(head, prefix):
        return None if any(_reads_as(order, prefix) for order in itertools.permutations(head)) else found
    digits = rest.replace("O", "0")
    if head == prefix and digits == rest or not re.fullmatch(r"\d{6,}(?:-\d+)?", digits) \
            or re.search(r"0O|O0", rest):  # `IL0O7051770`: one glyph read both ways, how many zeros?
        return found
    return prefix + digits, start, end


def _reads_as(head, prefix: str) -> bool:
    """Whether the characters of `head` are those of `prefix` or digits OCR reads them as, in order."""
    return all(h == p or p in _LETTERS_LIKE.get(h, "") for h, p in zip(head, prefix))


def _bar_glued(text: str, found: tuple[str, int, int]) -> bool:
    """`F-243043529]`: a bar glued to a reference's last digit on a scan is a
    `1` as often as a speck: its last character is unknown."""
    return bool(re.search(r"\d[\]|]$", clean(text)[found[1]:found[2]]))


def _glyph_in_doubt(value: str) -> bool:
    """A reference read on a scan where letters meet digits through a glyph
    OCR confuses both ways: `IL0O2348522` (one glyph read both ways),
    `1L240112-93471` (I or 1 before the letters), `A-1EDCCOFB` (an O among
    digits and letters). Which it is cannot be told: better unknown. An O
    within the letters that open a reference whose rest is all digits
    (`OV2457110244`) is a letter: no 0 stands among a prefix's letters; an O
    that ends them (`ILO7404012`) may be the digits' first 0."""
    if re.search(r"^[01][A-Z]", value):
        return True
    return "O" in value and re.search(r"\d", value) is not None and not _LETTER_PREFIX.fullmatch(value)


# Letters, the last no O, then only digits (in dash-separated groups): a reference's prefix and its number.
_LETTER_PREFIX = re.compile(r"[A-Z]{1,3}[A-NP-Z]\d+(?:-\d+)*")


def _capital_first(text: str) -> str:
    """`c3870978`: a reference's capital that OCR read small, for the
    letters whose small and capital shapes differ only in size; `ÉC830689`:
    a speck over a capital read as an accent (no reference has one)."""
    text = re.sub(r"(?<![\w-])[ÀÂÄÉÈÊËÎÏÔÖÙÛÜ](?=[A-Z]{0,3}\d{4,}\b)", lambda m: fold(m.group(0)).upper(), text)
    return re.sub(r"(?<![\w-])[cosvwxz](?=\d{4,}\b)", lambda m: m.group(0).upper(), text)


# A capital whose small shape differs only in size, then that small letter, opening a reference's digits.
_DOUBLED_CAPITAL = re.compile(r"(?<![\w-])(C(?=c)|O(?=o)|S(?=s)|V(?=v)|W(?=w)|X(?=x)|Z(?=z))[cosvwxz](?=\d{4,}\b)")


# `A-B2EAFF0B`: an account id, a letter prefix and capitals that happen to hold few digits.
_PREFIXED_ID = re.compile(r"[A-Z]{1,3}-[0-9A-Z]{6,}")


def extract_invoice_number(doc: Document, client_number: str | None = None) -> Candidate | None:
    prefix = _bill_prefix(client_number)
    cands = _from_labels(doc, "invoice_number", lambda text, ocr: _read_invoice_number(text, ocr=ocr, prefix=prefix))
    return vote(_with_cut_groups(doc, cands), key=_ref_key)


def _with_cut_groups(doc: Document, cands: list[Candidate]) -> list[Candidate]:
    """A scan's reading that OCR cut off at a space (`20231188 7957 - N° de
    compte…`) where another caption's reading is the same number whole
    (`202311887957`) is that number: its print goes on with the very digits
    the other reading has after it. The two must not cancel each other out."""
    values = {c.value for c in cands}
    out = []
    for c in cands:
        seg = doc.lines[c.spot[0]].segments[c.spot[1]] if c.source == "ocr" and c.spot is not None else None
        whole = None
        if seg is not None:
            whole = next((v for v in values if v != c.value and v.startswith(c.value) and v[len(c.value):].isdigit()
                          and re.search(rf"(?<![\w-]){re.escape(c.value)} {v[len(c.value):]}(?![\w-])",
                                        clean(seg.text))), None)
        out.append(replace(c, value=whole) if whole else c)
    return out


def extract_client_number(doc: Document, invoice_number: str | None = None) -> Candidate | None:
    prefix = _bill_prefix(invoice_number)
    cands = _from_labels(doc, "client_number", lambda text, ocr: _read_client_number(text, ocr=ocr, prefix=prefix),
                         rank_penalty=0.04)
    return vote(_with_leading_zeros(cands), key=_ref_key)


def _with_leading_zeros(cands: list[Candidate]) -> list[Candidate]:
    """A reading that is another's digits without its leading zeros (`8031 9992`
    where `00 8031 9992` is printed elsewhere: OCR lost the group of zeros, or
    a layout printed the number as a number) is that other reading: the
    zeros are part of the reference, and two readings of it must not cancel
    each other out."""
    values = {c.value for c in cands}
    out = []
    for c in cands:
        padded = next((v for v in values if v != c.value and v.startswith("0") and v.lstrip("0") == c.value), None)
        out.append(replace(c, value=padded) if padded else c)
    return out


def _ref_key(value: str) -> str:
    return value.upper().replace("O", "0")


def label_hits(doc: Document, field: str) -> list[LabelHit]:
    return find_labels(doc, field)
