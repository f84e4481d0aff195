"""Per-energy facts: which energies the bill is for, meter readings,
consumption, subscribed power, tariff option, gas volume, coefficient,
tariff band and zone, yearly reference consumption."""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from datetime import date
from functools import lru_cache

from tasks.extract.labels import find_labels, is_speck, value_spots, vocabulary
from tasks.extract.layout import Document, Line, Segment, make_segment, placed
from tasks.extract.lines import Item, share_rows
from tasks.extract.sections import Sections, heading_energy
from tasks.extract.numbers import PHONE, blank_dates, clean, find_dates, find_numbers, fold
from tasks.extract.readers import M3, quantity_value, read_amount, read_kva, read_kwh, read_m3, read_plain_number
from tasks.extract.store import Candidate, from_segment, vote

KVA_STEPS = (3, 6, 9, 12, 15, 18, 24, 30, 36)
ENERGIES = ("electricite", "gaz")
# kWh per m³ of any French gas (B and H, sea level to mountains), with a margin
# around assets/tariffs/reference_tariffs.json's plausible range.
COEF_BAND = (8.0, 13.0)
# A coefficient under its label with its comma put back: below what a value
# needs to be kept unless m³ × coefficient = kWh bears it out.
COMMA_LOST_COEF_CONF = 0.45


@lru_cache(maxsize=1)
def _vocab() -> dict:
    return vocabulary("energy")


@lru_cache(maxsize=None)
def vocabulary_patterns(*path: str) -> list[re.Pattern]:
    """The energy vocabulary's patterns (assets/labels/energy.json) under `path`, compiled once."""
    node = _vocab()
    for p in path:
        node = node[p]
    return [re.compile(x) for x in node]


def matches_any(patterns: list[re.Pattern], text: str) -> bool:
    return any(p.search(text) for p in patterns)


# --- sections ------------------------------------------------------------------


def line_energy(text: str) -> str | None:
    f = fold(text)
    gas = bool(re.search(r"\bgaz\b|\bm3\b|m³|\bpce\b", f))
    elec = bool(re.search(r"electri|\belec\b|\bkva\b|\bpdl\b|\bprm\b", f))
    if gas and not elec:
        return "gaz"
    if elec and not gas:
        return "electricite"
    return None


# --- readings ------------------------------------------------------------------


@dataclass
class Point:
    day: date | None
    index: float
    nature: str | None
    pos: int
    conf: float = 1.0


@dataclass
class Reading:
    register: str
    start_date: date | None
    end_date: date | None
    start_index: float | None
    end_index: float | None
    start_nature: str | None
    end_nature: str | None
    energy: str | None
    page: int
    conf: float
    unit: str | None = None
    # A meter changed during the period: the old meter's last index (« dépose »),
    # the new meter's first (« pose ») and the day of the change. The start
    # index is then the old meter's, the end index the new one's.
    removal_index: float | None = None
    install_index: float | None = None
    change_date: date | None = None

    @property
    def meter_change(self) -> bool:
        return self.removal_index is not None and self.install_index is not None

    @property
    def delta(self) -> float | None:
        """What the indexes say was used: end - start, or across a meter
        change what each meter counted, (removal - start) + (end - install)."""
        if self.start_index is None or self.end_index is None:
            return None
        if self.meter_change:
            return (self.removal_index - self.start_index) + (self.end_index - self.install_index)
        return self.end_index - self.start_index

    def as_dict(self) -> dict:
        def num(v):
            return int(v) if v is not None and float(v).is_integer() else v
        out = {
            "register": self.register,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "start_index": num(self.start_index), "end_index": num(self.end_index),
            "start_nature": self.start_nature, "end_nature": self.end_nature,
        }
        if self.meter_change:
            # Optional keys, only on a meter change: end_index - start_index is then no consumption.
            out.update(removal_index=num(self.removal_index), install_index=num(self.install_index),
                       change_date=self.change_date.isoformat() if self.change_date else None)
        return out


def _nature(word: str) -> str | None:
    bare = word.strip(" ().,;–-")
    # « à » is the preposition (or a speck OCR read so), never the code
    # letter A (`^a$`), which folding would make of it.
    if not bare or bare in ("à", "À"):
        return None
    # The parenthesis before it read as a letter (`Iréei,` for `(réel,`): the
    # word after it, when it is one (a word, never a lone code letter).
    words = [bare, bare[1:]] if re.match(r"[Il][a-zà-ÿ]{4}", bare) else [bare]
    for key in ("estime", "reel"):
        if any(matches_any(vocabulary_patterns("nature", key), fold(w)) for w in words):
            return key
    return None


_SPECK_IN_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})\. (\d{3})(?!\d|,\d)")
_CLAUSE = re.compile(r"\s[·•→;|]\s|\s[–-]\s(?=\D)|\s→|→\s")


def _tokens(line: Line) -> list[tuple[str, object]]:
    """Dates ("D"), index values ("N"), natures ("T") and clause breaks ("|")
    of a reading line, in reading order."""
    text = clean(line.text)
    ocr = any(s.ocr for s in line.segments)
    out: list[tuple[int, str, object]] = []
    dates = find_dates(text, ocr=ocr)
    chars = list(text)
    for d in dates:
        out.append((d.start, "D", d.value, line.conf_between(d.start, d.end)))
        chars[d.start:d.end] = [" "] * (d.end - d.start)
    # An index is never negative: a hyphen before one (`au 24/11/23 - 43 477`,
    # a speck in a cell of its own: `21/06/2024 ‖ - ‖ 15 824`) neither signs
    # it nor ends the clause that dates it.
    blanked = re.sub(r"(?<=\s)-(?=\s*\d)", " ", "".join(chars))
    # `09 78 63 54 97`: a phone number's pairs are no indexes (9 and 63 differ by 54).
    blanked = PHONE.sub(lambda m: " " * len(m.group(0)), blanked)
    if ocr:
        blanked = _SPECK_IN_THOUSANDS.sub(r"\1.\2 ", blanked)  # `45. 407`: a speck by the thousands' space
    for m in _CLAUSE.finditer(blanked):
        out.append((m.start(), "|", None, 1.0))
    for n in find_numbers(blanked, ocr=ocr):
        after = blanked[n.end:n.end + 8].lower()
        # `9 kW`, `366 j`, `18 kKVA` (a k OCR read twice): no index
        if re.match(r"^\s?(?:%|€|mois|jours?|j\b|k?kva|kw\b|c€)", after):
            continue
        if n.decimals == 2 and "€" in after:
            continue
        if n.value >= 1e9 or n.value < 0:
            continue  # a meter serial or an identifier, not an index
        out.append((n.start, "N", float(n.value), line.conf_between(n.start, n.end)))
    for m in re.finditer(r"[A-Za-zÀ-ÿ()\-]+", blanked):
        nat = _nature(m.group(0))
        if nat:
            out.append((m.start(), "T", nat, line.conf_between(m.start(), m.end())))
    for m in re.finditer(r"(?<=\d)\s?\*", blanked):
        out.append((m.start(), "T", _STAR, line.conf_between(m.start(), m.end())))  # `20 089*`: see _starred
    out.sort(key=lambda x: x[0])
    return [(k, v, c) for _, k, v, c in out]


def _pair_points(tokens: list[tuple[str, object, float]]) -> list[Point]:
    """Index values with their date and nature. A value takes the date just
    before it, or else the date that follows it in the same clause
    (`5 771 (réel, 31/01/2025)`); a nature goes to the last value before it."""
    points: list[Point] = []
    pending_date: date | None = None
    pending_point: Point | None = None
    for i, (kind, value, conf) in enumerate(tokens):
        if kind == "|":
            pending_date, pending_point = None, None
        elif kind == "D":
            if pending_point is not None and pending_point.day is None:
                pending_point.day = value
                pending_point = None
            else:
                pending_date = value
        elif kind == "N":
            p = Point(pending_date, value, None, i, conf)
            points.append(p)
            pending_point = p if pending_date is None else None
            pending_date = None
        elif kind == "T":
            target = next((p for p in reversed(points) if p.nature is None), None)
            if target is not None:
                target.nature = value
                target.conf = min(target.conf, conf)
    return [p for p in points if p.day is not None]


def read_readings(doc: Document, sections: Sections) -> list[Reading]:
    readings: list[Reading] = []
    pending: dict[tuple[str, str | None], Reading] = {}
    lone: dict[tuple[str, str | None], Reading] = {}  # a register's one-reading row, its next to come
    context_until = -1
    register_hint: tuple[int, str] | None = None
    start_re = re.compile(r"\b(?:" + "|".join(_vocab()["start_words"]) + r")")
    end_re = re.compile(r"\b(?:" + "|".join(_vocab()["end_words"]) + r")")
    changed, change_rows = meter_change_readings(doc, sections)
    parts = [part for whole in _wrapped_cells(doc.lines) if whole.index not in change_rows
             for part in _reading_parts(whole)]
    parts_of: dict[int, list[Line]] = {}
    for part in parts:
        parts_of.setdefault(part.index, []).append(part)
    # The dates a readings table's heading gives its rows (`Vos index – relevés
    # du 06.09.2023 et du 24.10.2023` over rows that print none), with the
    # heading's line, page and energy; and the unit its header names
    # (`Consommation (kWh)`) for rows that print bare numbers.
    table_dates: tuple | None = None
    table_unit: tuple[int, str | None] | None = None
    for line in parts:
        f = fold(line.text)
        is_context = matches_any(vocabulary_patterns("reading_context"), f)
        line_dates = find_dates(line.text)
        if is_context and re.search(r"\bdate\b|\bindex\b", f) and not line_dates:
            context_until = line.index + 8  # a readings table header
            table_unit = (line.index, _unit_of(f))
        tokens = _tokens(line) if is_context else None
        if is_context and not any(kind == "N" for kind, _, _ in tokens):
            heading = _heading_dates(line, line_dates, tokens)
            if heading is not None:
                table_dates = heading
            elif table_dates is not None and line_energy(line.text) not in (None, table_dates[2]):
                table_dates = None  # another energy's table, its heading without dates
        hint = _register_or_none(line.segments[0].text)
        if hint and not line_dates:
            register_hint = (line.index, hint)  # `Compteur – Heures Pleines` above its indexes
        # A row cut in cells (`moex de début 22 496 (réel. 01/08/2023) ‖ index
        # de ñn ‖ 28643 …`, its first word misread): a cell that names the
        # index puts its line's other cells in context too.
        in_context = is_context or line.index <= context_until or any(
            o is not line and matches_any(vocabulary_patterns("reading_context"), fold(o.text))
            for o in parts_of.get(line.index, []))
        # Under a heading that dates the readings, its table's header unread
        # (white on colour, on a photo): rows whose numbers add up are readings.
        under_heading = table_dates is not None and table_dates[1] == line.page \
            and 0 < line.index - table_dates[0] <= 12
        if not in_context and not hint and not under_heading:
            continue
        if re.search(r"\bprochain|\bprevu|legende|sont des index|notes? [re]\b|\br = |= reel", f):
            continue
        tokens = tokens if tokens is not None else _tokens(line)
        pts = _pair_points(tokens)
        undated = _undated_pair(tokens) if (in_context or under_heading) and len(pts) < 2 else None
        if undated is not None:
            row_dates = [v for kind, v, _ in tokens if kind == "D"]
            if len(row_dates) == 2 and row_dates[0] <= row_dates[1]:
                days = (row_dates[0], row_dates[1])  # the row's own period (`Heures Pleines (… - …)`)
            elif row_dates:
                undated = None  # dates the row's indexes cannot be told apart by
            elif under_heading:
                days = (table_dates[3], table_dates[4])
                a_nat, b_nat = table_dates[5]  # `relevés du 04/11/25 (réel) au 24/12/25 (estimé)`
                undated[0].nature = undated[0].nature or a_nat
                undated[1].nature = undated[1].nature or b_nat
            else:
                days = (None, None)  # never guessed: unknown
        if undated is not None:
            a, b = undated
            a.day, b.day = days
            pts = [a, b]
        if not pts:
            continue
        if not in_context and undated is None and \
                not (len(pts) >= 2 and (_prints_difference(line, pts[-1].index - pts[0].index)
                                        or hint and _ends_with_difference(tokens, pts[0], pts[-1]))):
            # A register's row whose table heading was not read: its two
            # indexes and the difference it prints make it a reading (bare,
            # its unit in the lost header: `Heures Pleines ‖ 21/09/2023 ‖
            # 21 303 ‖ 03/11/2023 ‖ 21 890 ‖ Estimé ‖ 587`).
            continue
        named = line_energy(line.text)
        energy = named or sections.of(line.segments[0])
        register = _register_or_none(line.text)
        if register is None and register_hint and line.index - register_hint[0] <= 2:
            register = register_hint[1]
        unit = _unit_of(f)
        if unit is None and (undated is not None or len(pts) == 1) and table_unit \
                and 0 < line.index - table_unit[0] <= 16:
            # Bare numbers under a header naming their unit (`Index (m³)`).
            unit = table_unit[1]
        if named is None and (register not in (None, "base", "gaz") or (register == "base" and unit == "kWh")):
            # Gas has one register, counted in m³: hours, Tempo colours and a
            # `Base` register counted in kWh are electricity's, whatever
            # section (its heading lost) they seem to sit in.
            energy = "electricite"
        elif named is None and energy is None and register in (None, "gaz") and unit == "m3":
            energy = "gaz"  # indexes counted in m³, their section's heading lost
        register = register or ("gaz" if energy == "gaz" else "base")
        ocr = any(s.ocr for s in line.segments)
        # OCR specks (`:`, `ë`) around the cells say nothing about the values.
        conf = min(p.conf for p in pts) if ocr else 1.0
        if len(pts) >= 2:
            a, b = pts[0], pts[-1]
            if ocr and not _prints_difference(line, b.index - a.index):
                a, b = _indexes_of_difference(line, tokens) or (a, b)
            if ocr and (_prints_difference(line, b.index - a.index) or undated is not None):
                conf = max(conf, 0.9)  # index difference = consumption, on the row itself
            readings.append(Reading(register, a.day, b.day, a.index, b.index, a.nature, b.nature,
                                    energy, line.page, conf, unit))
            continue
        p = pts[0]
        is_start = bool(start_re.search(f))
        is_end = bool(end_re.search(f))
        key = (register, energy)
        if not (is_start or is_end) and any(end_re.search(fold(o.text)) for o in parts_of.get(line.index, [])
                                            if o is not line and o.segments[0].x0 > line.segments[0].x0):
            is_start = True  # its start word misread (`Index de cébut`), the end follows on its line
        elif not (is_start or is_end) and key in pending and any(
                start_re.search(fold(o.text)) for o in parts_of.get(line.index, [])
                if o is not line and o.segments[0].x0 < line.segments[0].x0):
            is_end = True  # its end word misread (`index d2 An`), the start before it on its line
        if is_start and not is_end:
            pending[key] = Reading(register, p.day, None, p.index, None, p.nature, None, energy, line.page,
                                   conf, unit)
        elif is_end and key in pending:
            r = pending.pop(key)
            r.end_date, r.end_index, r.end_nature = p.day, p.index, p.nature
            r.conf = min(r.conf, conf)
            readings.append(r)
        elif not (is_start or is_end) and in_context and p.day is not None and len(line_dates) == 1:
            # One row per reading (`Date ‖ Cadran ‖ Index ‖ Type`): a register's
            # earlier row is its start, its later one its end.
            before = lone.pop(key, None)
            if before is not None and before.start_date < p.day and before.start_index <= p.index:
                before.end_date, before.end_index, before.end_nature = p.day, p.index, p.nature
                before.conf = min(before.conf, conf)
                readings.append(before)
            else:
                lone[key] = Reading(register, p.day, None, p.index, None, p.nature, None, energy, line.page,
                                    conf, unit)
            context_until = max(context_until, line.index + 2)  # the table goes on while its rows do
    found = [r for r in readings + changed if r.delta is not None and r.delta >= 0]
    sideways = transposed_readings(doc, sections)
    if sideways:
        # A table on its side: its rows read one by one gave no reading, or a
        # pair of its columns' indexes taken for one register's (undated).
        found = [r for r in found if r.start_date and not any(
            t.energy == r.energy and t.register == r.register for t in sideways)] + sideways
    legend = _star_legend(doc)
    for r in found:
        r.start_nature, r.end_nature = _starred(r.start_nature, legend), _starred(r.end_nature, legend)
    return _surest_per_register(found)


# --- a meter changed during the period ---------------------------------------------------

# Lines a meter change's table runs on after what announces it (a sentence, its
# header) or after its last row.
_CHANGE_WINDOW = 12


def meter_change_readings(doc: Document, sections: Sections) -> tuple[list[Reading], set[int]]:
    """Readings across a meter change: the old meter's start and removal
    (« dépose ») indexes and the new meter's installation (« pose ») and end
    indexes on one row (`Base ‖ 35 067 ‖ 35 176 ‖ 0 ‖ 57 (Réel) ‖ 166 kWh`),
    under a header or a sentence naming the removal or the installation.
    The four indexes are in the order they were read (start, removal,
    installation, end); each meter's count never goes down, and the row's
    printed consumption, when there is one, is what both meters counted. The
    dates are the row's own or the header's (`Index début (01/09/2023) ‖ Index
    dépose (05/09/2023) ‖ …`). Returns the readings and the lines they were
    read on, which no other reading takes."""
    removal = vocabulary_patterns("meter_change", "removal")
    install = vocabulary_patterns("meter_change", "install")
    announce = vocabulary_patterns("meter_change", "announce")
    context = vocabulary_patterns("reading_context")
    out: list[Reading] = []
    unnamed: list[Reading] = []  # rows whose register was not read
    used: set[int] = set()
    anchor: tuple[int, int] | None = None  # (line index, page) the table runs on from
    table_days: tuple = (None, None, None)  # the header's start, change and end dates
    header = False  # a header names both the removal and the installation indexes
    lines = doc.lines
    for k, line in enumerate(lines):
        f = fold(line.text)
        announced = matches_any(announce, f)
        names = announced or (matches_any(context, f) and (matches_any(removal, f) or matches_any(install, f)))
        if names:
            if anchor is None or anchor[1] != line.page or line.index - anchor[0] > _CHANGE_WINDOW:
                table_days, header = (None, None, None), False  # another table
            anchor = (line.index, line.page)
            header = header or (not announced and matches_any(removal, f) and matches_any(install, f))
        if anchor is None or anchor[1] != line.page or line.index - anchor[0] > _CHANGE_WINDOW:
            anchor = None
            continue
        tokens = _tokens(line)
        row = _change_row(tokens)
        if row is None or row[1] is None:
            mended = _mended_row(lines, k)
            if mended is not None:
                line, tokens, row = mended
        if row is None:
            days = _chronological([v for kind, v, _ in tokens if kind == "D"])
            if len(days) >= 2:
                table_days = _start_change_end(days)
            elif len(days) == 1 and announced:
                table_days = (table_days[0], days[0], table_days[2])  # `Changement de compteur le 05/09/2023`
            continue
        (a, b, c, d), printed, start_nature, end_nature = row
        register_text = _change_register_text(lines, k)
        register = _register_or_none(register_text) if register_text else None
        unit = _unit_of(f)
        if register is None and (printed is None or unit is None) or printed is None and not header:
            # Bare numbers (a chart's bars under the table) are no row: a row
            # names its register or its consumption's unit, and without a
            # consumption printed it sits under a header naming both indexes.
            continue
        row_days = _chronological([v for kind, v, _ in tokens[:d[0]] if kind == "D"])
        start_day, change_day, end_day = _start_change_end(row_days) if len(row_days) >= 2 else table_days
        change_day = change_day or table_days[1]  # the day a sentence gives (`Changement de compteur le …`)
        named = line_energy(register_text or "")
        energy = named or sections.of(line.segments[0])
        if named is None and (register not in (None, "base", "gaz") or (register == "base" and unit == "kWh")):
            energy = "electricite"
        elif named is None and energy is None and register in (None, "gaz") and unit == "m3":
            energy = "gaz"
        unread = register is None and energy != "gaz" and unit != "m3"
        register = register or ("gaz" if energy == "gaz" else "base")
        conf = 1.0
        if any(s.ocr for s in line.segments):
            conf = min(x[2] for x in (a, b, c, d))
            if printed is not None:
                conf = max(conf, 0.9)  # what both meters counted, printed on the row itself
        out.append(Reading(register, start_day, end_day, a[1], d[1], start_nature, end_nature, energy, line.page,
                           conf, unit, removal_index=b[1], install_index=c[1], change_date=change_day))
        used.add(line.index)
        if unread:
            unnamed.append(out[-1])
        anchor = (line.index, line.page)  # the table goes on while its rows do
    _other_hours(out, unnamed)
    return out, used


def _other_hours(readings: list[Reading], unnamed: list[Reading]) -> None:
    """A row whose caption OCR garbled (`Heures ‖ … ‖ sl`) beside a row of
    peak hours over the same dates is the off-peak hours' (and the reverse):
    HP and HC go together, a Base register never beside either."""
    def beside(o: Reading, r: Reading) -> bool:
        return (None in (o.energy, r.energy) or o.energy == r.energy) \
            and (o.start_date, o.end_date) == (r.start_date, r.end_date)

    for r in unnamed:
        mates = {o.register for o in readings if o is not r and o.energy == "electricite" and beside(o, r)}
        if mates in ({"hp"}, {"hc"}) and sum(1 for o in unnamed if beside(o, r)) == 1:
            r.register = "hc" if mates == {"hp"} else "hp"
            r.energy = "electricite"


def _mended_row(lines: list[Line], k: int):
    """A scan's row with a thousands group OCR put on the line above or under
    (`30 ‖ 31 161 ‖ 0 ‖ 275 (Réel) ‖ 1 045 kWh` over `391`, for 30 391): the
    group joined to the number it follows, kept only when the row's printed
    consumption then bears the four indexes out. (line, tokens, row) or None."""
    line = lines[k]
    if not any(s.ocr for s in line.segments):
        return None
    pieces = [seg for j in (k - 1, k + 1) if 0 <= j < len(lines) and lines[j].page == line.page
              and abs(lines[j].y0 - line.y0) < 2 * line.height
              for seg in lines[j].segments if re.fullmatch(r"\d{3}", seg.text.strip())]
    segments = list(line.segments)
    mended = False
    for piece in pieces:
        for n, seg in enumerate(segments):
            if re.search(r"(?<![\d,.])\d{1,3}$", seg.text) and 0 <= piece.x0 - seg.x1 <= line.height:
                segments[n] = placed(seg.words + piece.words, seg)
                mended = True
                break
    if not mended:
        return None
    whole = Line(page=line.page, y0=line.y0, y1=line.y1, segments=segments, index=line.index, column=line.column)
    tokens = _tokens(whole)
    row = _change_row(tokens)
    return (whole, tokens, row) if row is not None and row[1] is not None else None


def _chronological(days: list[date]) -> list[date]:
    """A line's first dates while they follow one another (a header's four,
    not a date of the text beside the table)."""
    out: list[date] = []
    for day in days[:4]:
        if out and day < out[-1]:
            break
        out.append(day)
    return out


def _start_change_end(days: list[date]) -> tuple:
    """The start, change and end dates of two to four dates in order (the
    removal's and the installation's are the same day, or the change is one date)."""
    return days[0], (days[1] if len(days) >= 3 else None), days[-1]


def _change_row(tokens: list[tuple[str, object, float]]):
    """The four indexes of a meter change's row, in order (each a token's
    (position, value, confidence)), the consumption it prints (or None), and
    the start and end indexes' natures: four numbers in a row whose meters
    each count up, followed by what both counted together; or, with OCR's
    specks among them, the one choice of four of its first numbers that the
    consumption printed right after bears out; or four numbers alone."""
    nums = [(i, v, c) for i, (kind, v, c) in enumerate(tokens) if kind == "N"]

    def used(q) -> float | None:
        a, b, c, d = (x[1] for x in q)
        return (b - a) + (d - c) if b >= a and d >= c else None

    def prints(q, nxt) -> bool:
        total = used(q)
        return total is not None and total > 0 and abs(nxt[1] - total) < 0.5

    found = None
    for s in range(len(nums) - 4):
        if prints(nums[s:s + 4], nums[s + 4]):
            found = (tuple(nums[s:s + 4]), nums[s + 4])
            break
    if found is None:
        head = nums[:8]
        fits = [(q, head[q[3] + 1 + m]) for q in combinations(range(len(head)), 4)
                for m in range(2) if q[3] + 1 + m < len(head) and prints([head[x] for x in q], head[q[3] + 1 + m])]
        if len({q for q, _ in fits}) == 1:
            q, nxt = fits[0]
            found = (tuple(head[x] for x in q), nxt)
    if found is None and len(nums) == 4 and used(nums) is not None:
        found = (tuple(nums), None)
    if found is None:
        return None
    (a, b, c, d), printed = found

    def nature_between(lo: int, hi: int) -> str | None:
        return next((v for kind, v, _ in tokens[lo + 1:hi] if kind == "T" and v != _STAR), None)

    start_nature = nature_between(a[0], b[0])
    end_nature = nature_between(d[0], printed[0] if printed else min(d[0] + 2, len(tokens)))
    if end_nature is None and printed is not None:
        end_nature = nature_between(printed[0], printed[0] + 2)  # a `Type` column after the consumption
    return (a, b, c, d), printed, start_nature, end_nature


def _change_register_text(lines: list[Line], k: int) -> str:
    """The register's caption of a meter change's row: its first cell, or
    that cell wrapped over the lines just above and under it (`Heures` over
    the row's indexes over `Pleines`)."""
    line = lines[k]
    numbers_x = next((s.x0 for s in line.segments if re.search(r"\d", s.text)), line.segments[-1].x1)

    def caption(ln: Line) -> str | None:
        first = ln.segments[0]
        if ln.page != line.page or re.search(r"\d", first.text) or first.x0 >= numbers_x:
            return None
        if sum(1 for s in ln.segments[1:] if re.search(r"\d", s.text)) >= 2:
            return None  # a row of its own (the row above's caption is its own)
        return first.text

    # Its own caption, before the first digit (`Heures Pleines 36 089`: OCR kept them in one cell).
    own = re.match(r"[^\d]*", line.segments[0].text).group(0).strip() or None
    above = caption(lines[k - 1]) if k > 0 and line.y0 - lines[k - 1].y1 < line.height else None
    below = caption(lines[k + 1]) if k + 1 < len(lines) and lines[k + 1].y0 - line.y1 < line.height else None
    tries = [own, " ".join(x for x in (above, own, below) if x), " ".join(x for x in (above, own) if x),
             " ".join(x for x in (own, below) if x)]
    found = next((t for t in tries if t and _register_or_none(t)), None)
    if found is None:
        # `Heures` misread (`freures`) over `Creuses`: the word that tells the hours apart.
        f = fold(tries[1])
        hours = [key for key, word in (("hp", "pleine"), ("hc", "creuse")) if re.search(rf"\b{word}s?\b", f)]
        if len(hours) == 1:
            return "heures " + hours[0]
    return found or own or ""


# --- readings tables on their side ---------------------------------------------------


def _row_label(line: Line) -> str:
    return fold(line.segments[0].text) if line.segments and not re.search(r"\d", line.segments[0].text) else ""


def _row_cells(line: Line, reader) -> list:
    """The values of a row's cells after its caption, one per cell, or [] when a cell reads as none."""
    values = [reader(seg) for seg in line.segments[1:]]
    return values if values and all(v is not None for v in values) else []


def _one_index(seg: Segment) -> float | None:
    nums = find_numbers(clean(seg.text), ocr=seg.ocr)
    if len(nums) != 1 or nums[0].decimals or nums[0].value < 0:
        return None
    return float(nums[0].value)


def _one_date(seg: Segment) -> date | None:
    days = find_dates(clean(seg.text), ocr=seg.ocr)
    return days[0].value if len(days) == 1 else None


def _one_register(seg: Segment) -> str | None:
    return _register_or_none(seg.text) if not re.search(r"\d", seg.text) else None


def _side_row(lines: list[Line], which: re.Pattern, what: str, reader, n: int) -> list:
    """The cells of the row whose caption names `what` (index, date) at the start or end (`which`)."""
    for line in lines:
        label = _row_label(line)
        if what in label and which.search(label) and (cells := _row_cells(line, reader)) and len(cells) == n:
            return cells
    return []


def transposed_readings(doc: Document, sections: Sections) -> list[Reading]:
    """Readings tables printed on their side: one column per register under a
    header row (`Relevés ‖ HP ‖ HC`, `Relevés ‖ Gaz naturel`), one row per fact
    (`Ancien index ‖ 56 500 ‖ 39 587`, `Nouvel index ‖ …`, `Date nouveau relevé ‖ …`,
    `Type de relevé ‖ Réel ‖ Réel`). Read only when both index rows give as many
    cells as the header names registers, each cell one value: a row read short
    (cells merged or lost on a scan) gives nothing rather than misplaced indexes."""
    start_re = re.compile(r"\b(?:" + "|".join(_vocab()["start_words"]) + r")")
    end_re = re.compile(r"\b(?:" + "|".join(_vocab()["end_words"]) + r")")
    out: list[Reading] = []
    lines = doc.lines
    for i, line in enumerate(lines):
        label = _row_label(line)
        if "index" not in label or not start_re.search(label) or end_re.search(label):
            continue
        starts = _row_cells(line, _one_index)
        if not starts:
            continue
        n = len(starts)
        table = [ln for ln in lines[max(0, i - 4):i + 6] if ln.page == line.page]
        ends = _side_row([ln for ln in table if ln.index > line.index], end_re, "index", _one_index, n)
        above = [ln for ln in table if ln.index < line.index]
        heads = next((h for ln in reversed(above) if (h := _row_cells(ln, _one_register)) and len(h) == n), None)
        if not ends or (heads is None and n > 1):
            continue
        natures = next((c for ln in table if (c := _row_cells(ln, lambda s: _nature(s.text))) and len(c) == n),
                       [None] * n)
        start_days = _side_row(table, start_re, "date", _one_date, n) or [None] * n
        end_days = _side_row(table, end_re, "date", _one_date, n) or [None] * n
        header = next((ln for ln in reversed(above) if _row_cells(ln, _one_register)), None)
        named = line_energy(header.text) if header else None
        unit = next((u for ln in table if (u := _unit_of(_row_label(ln)))), None)
        conf = 1.0 if not line.segments[0].ocr else 0.85
        for k in range(n):
            register = heads[k] if heads else None
            energy = named or ("electricite" if register not in (None, "base", "gaz") else
                               "gaz" if register == "gaz" else sections.of(line.segments[0]))
            register = register or ("gaz" if energy == "gaz" else "base")
            if ends[k] < starts[k]:
                return []  # columns out of step: nothing rather than a wrong pairing
            out.append(Reading(register, start_days[k], end_days[k], starts[k], ends[k], None, natures[k],
                               energy, line.page, conf, unit))
    return out


# An index marked with an asterisk (`20 089*`), its nature said once in a legend
# under the table: `Les index suivis d'un astérisque (*) sont estimés ; les autres
# sont des index réels`, `* Index estimé. Index sans astérisque : index réels`.
_STAR = "*"
_STAR_ESTIMATED = re.compile(r"(?:\*|asterisque).*\bestim|\bestim\w*.*\*")
_UNMARKED_REAL = re.compile(r"(?:\bautres\b|sans asterisque).*\bre[el][lt1i]s?\b")  # `réets`: OCR


def _star_legend(doc: Document) -> tuple[bool, bool]:
    """Whether the bill's legend says an asterisk marks an estimated index, and
    whether it says the indexes without one are real."""
    for line in doc.lines:
        f = fold(line.text)
        if "index" in f and _STAR_ESTIMATED.search(f):
            return True, _UNMARKED_REAL.search(f) is not None
    return False, False


def _starred(nature: str | None, legend: tuple[bool, bool]) -> str | None:
    estimated, others_real = legend
    if nature == _STAR:
        return "estime" if estimated else None
    if nature is None and estimated and others_real:
        return "reel"
    return nature


def _unit_of(folded: str) -> str | None:
    return "m3" if re.search(M3, folded) else ("kWh" if "kwh" in folded else None)


def _heading_dates(line: Line, dates, tokens) -> tuple | None:
    """A readings heading's two dates (`relevés du 06.09.2023 et du
    24.10.2023`), the readings' start and end, in that order, and the
    nature it gives each (`du 04/11/25 (réel) au 24/12/25 (estimé)`)."""
    if len(dates) != 2 or dates[0].value >= dates[1].value:
        return None
    return (line.index, line.page, line_energy(line.text), dates[0].value, dates[1].value,
            _natures_after_dates(tokens))


def heading_natures(doc: Document, sections: Sections) -> list[tuple[str | None, str, float, int]]:
    """The nature a readings heading gives its end date (`Électricité -
    relevés du 01/11/23 (réel) au 30/11/23 (réel)`), said right after it:
    the readings' nature when their rows, misread, say none. Each as
    (energy, nature, conf, page)."""
    out = []
    for line in doc.lines:
        f = fold(line.text)
        if not matches_any(vocabulary_patterns("reading_context"), f) or re.search(r"\bprochain|\bprevu", f):
            continue
        tokens = _tokens(line)
        dates = [k for k, (kind, _, _) in enumerate(tokens) if kind == "D"]
        if any(kind == "N" for kind, _, _ in tokens) or len(dates) != 2 \
                or tokens[dates[0]][1] >= tokens[dates[1]][1] or dates[1] + 1 >= len(tokens):
            continue
        kind, nature, conf = tokens[dates[1] + 1]
        if kind == "T" and nature != _STAR:
            out.append((line_energy(line.text) or sections.of(line.segments[0]), nature, conf, line.page))
    return out


def _natures_after_dates(tokens: list[tuple[str, object, float]]) -> tuple[str | None, str | None]:
    """The nature printed after each of a heading's two dates, before the next one."""
    natures: list[str | None] = []
    for kind, value, _ in tokens:
        if kind == "D":
            natures.append(None)
        elif kind == "T" and natures and natures[-1] is None:
            natures[-1] = value
    return (natures[0], natures[1]) if len(natures) == 2 else (None, None)


def _undated_pair(tokens: list[tuple[str, object, float]]) -> tuple[Point, Point] | None:
    """A register's row that prints no date by its indexes (`Heures Pleines
    ‖ 58 059 réel ‖ 58 257 estimé ‖ 198`): its start and end index are the
    one pair of its numbers whose difference the row prints after them, each
    with the nature that follows it. Dates are left to the caller."""
    nums = [(i, v, c) for i, (kind, v, c) in enumerate(tokens) if kind == "N"]
    fits = _fitting_pairs(nums)
    if not fits:
        # An index whose thousands' space OCR read as a comma (`21,375`, a
        # decimal 21.375 beside 21 155): read whole, when the difference the
        # row prints then holds.
        fits = _fitting_pairs([(i, _whole_thousands(v), c) for i, v, c in nums])
    if len(fits) != 1:
        return None
    (i, x, cx), (j, y, cy) = fits[0]
    after_y = next((k for k, _, _ in nums if k > j), len(tokens))

    def nature(lo: int, hi: int) -> tuple[str | None, float]:
        found = [(v, c) for kind, v, c in tokens[lo + 1:hi] if kind == "T"]
        return found[0] if len(found) == 1 else (None, 1.0)

    (na, ca), (nb, cb) = nature(i, j), nature(j, after_y)
    if na is None and nb is None:
        (na, ca), (nb, cb) = _trailing_natures(tokens, nums[-1][0])
    return Point(None, x, na, i, min(cx, ca)), Point(None, y, nb, j, min(cy, cb))


def _fitting_pairs(nums: list[tuple[int, float, float]]) -> list[tuple]:
    """The pairs of a row's numbers whose difference one of its later numbers is."""
    return [(x, y) for k, x in enumerate(nums) for m, y in enumerate(nums[k + 1:], k + 1)
            if y[1] > x[1] and any(abs(z[1] - (y[1] - x[1])) < 0.5 for z in nums[m + 1:])]


def _whole_thousands(value: float) -> float:
    """`21.375` (three decimals, OCR's comma for a thousands' space) as 21 375."""
    scaled = value * 1000
    if 1 <= value < 1000 and not value.is_integer() and abs(scaled - round(scaled)) < 1e-6:
        return float(round(scaled))
    return value


def _trailing_natures(tokens: list[tuple[str, object, float]], last_number: int) -> tuple[tuple, tuple]:
    """The natures a row prints in a column of their own after all its
    numbers (`… 940 ‖ 1 ‖ 940 ‖ R / E`, a `Type` column): two are the start
    and the end index's, in that order; one is the end index's."""
    found = [(v, c) for kind, v, c in tokens[last_number + 1:] if kind == "T"]
    if len(found) == 2:
        return found[0], found[1]
    if len(found) == 1:
        return (None, 1.0), found[0]
    return (None, 1.0), (None, 1.0)


def _surest_per_register(readings: list[Reading]) -> list[Reading]:
    """One reading per register and period: another row read with the same
    dates (`Part variable Base ‖ 2 ‖ 07/05/2024 au 21/06/2024 ‖ 354 kWh`, a
    billed line under the readings table, a speck for its first index) is
    a mistake. The reading that says its nature (real, estimated) is the
    table's; between two alike, the surer."""
    def rank(r: Reading) -> tuple[bool, float]:
        return r.end_nature is not None, r.conf

    best: dict[tuple, Reading] = {}
    for r in readings:
        key = (r.energy, r.register, r.start_date, r.end_date)
        if key not in best or rank(r) > rank(best[key]):
            best[key] = r
    return [r for r in readings if best[(r.energy, r.register, r.start_date, r.end_date)] is r]


def _wrapped_cells(lines: list[Line]) -> list[Line]:
    """Reading rows whose cells wrapped onto the line under them joined
    again, cell by cell (`Index ‖ 24/07/2025 : 6 ‖ 03/09/2025 : 6 701`
    over `Base ‖ 216 ‖ (estimé)`): the line under holds no date and no
    heading, sits right under (closer than rows are), and each of its
    pieces lies within the width of one cell of the row (a row of its own,
    `Consommation de la période : 412 kWh`, reaches past its first cell).
    A cell that prints two dates is a sentence that holds a whole reading
    (`… index du 04/03/25 : 37 615, index du 22/04/25 ‖ 37 647`), cut by a
    gap, not a cell: the line under it is the next sentence."""
    out = list(lines)
    # A speck read on a line of its own (`:`) between a row and its wrapped part is no part.
    rows = [(i, ln) for i, ln in enumerate(lines) if any(c.isalnum() for c in ln.text)]
    for (i, line), (_, under) in zip(rows, rows[1:]):
        if under.page != line.page or len(line.segments) < 2 or not find_dates(line.text) \
                or find_dates(under.text) or under.y0 - line.y1 > 0.4 * line.height \
                or heading_energy(under.text) is not False:
            continue
        cells: dict[int, list] = {}
        for piece in under.segments:
            owner = next((k for k, s in enumerate(line.segments)
                          if s.x0 - 2 <= piece.x0 < s.x1 and piece.x1 <= s.x1 + line.height
                          and len(find_dates(s.text, ocr=s.ocr)) < 2), None)
            if owner is None:
                break
            cells.setdefault(owner, []).extend(piece.words)
        else:
            segments = [placed(s.words + cells[k], s) if k in cells else s for k, s in enumerate(line.segments)]
            out[i] = Line(page=line.page, y0=line.y0, y1=under.y1, segments=segments, index=line.index,
                          column=line.column)
    return out


def _indexes_of_difference(line: Line, tokens: list[tuple[str, object, float]]) -> tuple[Point, Point] | None:
    """A scan's row whose indexes a speck put out of step (`01/11/24 5 25 117
    31/12/24 25 556 Réel 439 m³`, the `5` a speck): the one pair of its
    numbers whose difference the row prints, dated by its two dates."""
    days = [v for kind, v, _ in tokens if kind == "D"]
    values = [v for kind, v, _ in tokens if kind == "N"]
    natures = [v for kind, v, _ in tokens if kind == "T"]
    if len(days) != 2:
        return None
    pairs = [(x, y) for i, x in enumerate(values) for y in values[i + 1:] if _prints_difference(line, y - x)]
    if len(pairs) != 1:
        return None
    (x, y), = pairs
    # One nature is the end index's (as `_pair_points` gives it); two, one each.
    start_nature = natures[0] if len(natures) == 2 else None
    return Point(days[0], x, start_nature, 0), Point(days[1], y, natures[-1] if natures else None, 1)


def _ends_with_difference(tokens: list[tuple[str, object, float]], a: Point, b: Point) -> bool:
    """Whether a row's last number, after its two dated indexes, is their
    difference, unit or none."""
    nums = [(i, v) for i, (kind, v, _) in enumerate(tokens) if kind == "N"]
    return len(nums) >= 3 and nums[-1][0] > b.pos and b.index - a.index > 0 \
        and abs(nums[-1][1] - (b.index - a.index)) < 0.5


def _prints_difference(line: Line, delta: float) -> bool:
    """Whether the row also prints what its indexes give (`27 548 … 27 724
    Réel 176 kWh`): a quantity in kWh or m³ equal to their difference."""
    text = blank_dates(clean(line.text))
    return delta > 0 and any(abs(n.value - delta) < 0.5 and re.match(rf"\s?(?:k\s?wh|{M3})", text[n.end:], re.I)
                             for n in find_numbers(text))


_PART_START = re.compile(r"^(?:index|releve|compteur|cadran|heures? (?:pleines|creuses)|hp\b|hc\b|base\b|gaz\b)")


def _reading_parts(line: Line) -> list[Line]:
    """A line holding the readings of two side-by-side columns, cut where the
    second one starts (`Index Base … ‖ Index Gaz …`)."""
    groups: list[list] = [[line.segments[0]]]
    for seg in line.segments[1:]:
        if _PART_START.match(fold(seg.text)) and any(re.search(r"\d", s.text) for s in groups[-1]):
            groups.append([seg])
        else:
            groups[-1].append(seg)
    # A part without a date reads no index: it is a cell of the row before
    # (`… 36 875 ‖ Relevé Enedis ‖ 8 280 kWh`, the type of reading).
    for k in range(len(groups) - 1, 0, -1):
        if not any(find_dates(s.text, ocr=s.ocr) for s in groups[k]):
            groups[k - 1].extend(groups.pop(k))
    if len(groups) == 1:
        return [line]
    return [Line(page=line.page, y0=line.y0, y1=line.y1, segments=g, index=line.index) for g in groups]


def _register_or_none(label: str) -> str | None:
    """The register a label names (`Heures Pleines` → hp), in the file's order
    (a Tempo colour's hours before plain hours), base and gas last."""
    f = " ".join(re.sub(r"[.:;,]", " ", fold(label)).split())  # `Heures. Pleines`, a speck read as a dot
    registers = _vocab()["registers"]
    for key, pats in registers.items():
        if key not in ("base", "gaz") and any(re.search(p, f) for p in pats):
            return key
    for key in ("base", "gaz"):
        if any(re.search(p, f) for p in registers[key]):
            return key
    return None



# --- values per energy ---------------------------------------------------------------


def _spot_candidates(doc: Document, field: str, reader, *, base: float = 0.9,
                     below_lines: int = 2) -> list[Candidate]:
    out = []
    for hit in find_labels(doc, field):
        for spot in value_spots(doc, hit, below_lines=below_lines):
            found = reader(spot.text, ocr=spot.seg.ocr)
            if not found:
                continue
            value, a, b = found
            out.append(from_segment(value, spot.seg, base - 0.03 * min(hit.rank, 4) - 0.02 * spot.distance,
                                    field, span=(spot.offset + a, spot.offset + b)))
            break
    return out


def extract_kva(doc: Document) -> Candidate | None:
    cands = []
    max_lines = {h.seg.line for h in find_labels(doc, "max_power")}
    cands.extend(_spot_candidates(doc, "subscribed_power", _read_kva_value, base=0.92))
    captioned = {c.spot for c in cands}
    for seg in doc.segments:
        if seg.line in max_lines or (seg.line, seg.col) in captioned:
            continue  # a caption's value read once, not twice
        f = fold(seg.text)
        for m in re.finditer(r"(?<![\d,.])(\d{1,2}(?:[,.]0)?)\s?k\s?k?va\b", f):
            value = _kva_value(m.group(1))
            if value is None or _KVA_BOUND.search(f[:m.start()]):
                continue
            base = 0.8 if re.search(r"puissance|abonnement|option|offre|souscri", f) else 0.6
            cands.append(from_segment(value, seg, base, "kva", span=(m.start(), m.end())))
    return _outnumbering(cands)


def _outnumbering(cands: list[Candidate]) -> Candidate | None:
    """The vote's power, unless another is printed in as many places: a
    scan's `Puissance souscrite 3 kVA` against its `Abonnement 9 kVA` (the 9
    read as a 3) leaves the power unknown."""
    places: dict[int, set] = {}
    for c in cands:
        places.setdefault(c.value, set()).add(c.spot)
    counts = sorted((len(p) for p in places.values()), reverse=True)
    if len(counts) > 1 and counts[0] == counts[1] and any(c.source == "ocr" for c in cands):
        return None
    return vote(cands)


# `Tarif BT inf 36 kVA`, `jusqu'à 36 kVA`: the bound of a tariff class, not a power subscribed.
_KVA_BOUND = re.compile(r"(?:\binf(?:erieure?s?)?|\bsup(?:erieure?s?)?|[<>≤≥]|\bjusqu'?\s?a|\bmoins de|\bplus de"
                        r"|\bau-?dela de)\s*(?:a|ou egale? a)?\s*$")


def _kva_value(text: str) -> int | None:
    try:
        v = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(v) if v in KVA_STEPS else None


def _read_kva_value(text: str, *, ocr: bool = False):
    # A number without its unit is a power only alone in its cell (`9`,
    # `6,0`): not `3 ans` in the sentence OCR found under a lost value.
    found = read_kva(text, ocr=ocr) or (read_plain_number(text, ocr=ocr) if len(clean(text)) <= 8 else None)
    if not found:
        return None
    value = _kva_value(str(found[0]))
    return (value, found[1], found[2]) if value else None


# `Puissance max. atteinte (12 mois)`: the months its caption covers, not a power.
_DURATION = re.compile(r"^\W*\d+\s?(?:mois|ans?|jours?)\b")


def extract_max_power(doc: Document) -> Candidate | None:
    def reader(text, *, ocr=False):
        found = read_kva(text, ocr=ocr) or (None if _DURATION.match(fold(text)) else read_plain_number(text, ocr=ocr))
        if found and 0 < found[0] <= 40:
            return found
        return None
    return vote(_spot_candidates(doc, "max_power", reader, base=0.85))


def tariff_option_mentions(doc: Document) -> list[Candidate]:
    cands = []
    blocked = vocabulary_patterns("not_tariff_option")
    for seg in doc.segments:
        f = fold(seg.text)
        if matches_any(blocked, f):
            continue
        for key in ("tempo", "ejp", "hphc", "base"):
            if matches_any(vocabulary_patterns("tariff_options", key), f):
                strong = "option" in f or "tarif" in f or "offre" in f or "formule" in f
                cands.append(from_segment(key, seg, 0.75 if strong else 0.45, "option-text"))
                break
    return cands


def option_from_items(items: list[Item]) -> Candidate | None:
    kinds = {i.kind for i in items if i.energy == "electricite"}
    page = next((i.page for i in items if i.energy == "electricite"), None)
    src = "ocr" if any(i.ocr for i in items) else "text"
    if "consumption_tempo" in kinds:
        return Candidate("tempo", 0.9, page, src, "lines")
    if "consumption_hp" in kinds and "consumption_hc" in kinds:
        return Candidate("hphc", 0.9, page, src, "lines")
    if "consumption" not in kinds and ("consumption_hp" in kinds or "consumption_hc" in kinds):
        # One register's line alone (the other's lost to OCR): still an HP/HC option.
        return Candidate("hphc", 0.7, page, src, "lines")
    if "consumption" in kinds:
        labels = " ".join(fold(i.label) for i in items if i.kind == "consumption" and i.energy == "electricite")
        return Candidate("base", 0.85 if "base" in labels else 0.7, page, src, "lines")
    return None


def option_from_readings(readings: list[Reading]) -> Candidate | None:
    regs = {r.register for r in readings if r.energy != "gaz"}
    if not regs:
        return None
    page = readings[0].page
    if any(r.startswith(("bleu", "blanc", "rouge")) for r in regs):
        return Candidate("tempo", 0.8, page, "text", "readings")
    if {"hp", "hc"} <= regs:
        return Candidate("hphc", 0.8, page, "text", "readings")
    if regs == {"base"}:
        return Candidate("base", 0.6, page, "text", "readings")
    return None


def labelled_consumption(doc: Document, sections: Sections) -> dict[str, list[Candidate]]:
    """Totals printed with a label (`Consommation facturée : 4 112 kWh`), by
    energy; under `kwh_unknown` those of no known energy (no section heading
    read above them, nor the energy's name on their line)."""
    out: dict[str, list[Candidate]] = {"kwh_electricite": [], "kwh_gaz": [], "kwh_unknown": [], "m3": []}
    for hit in find_labels(doc, "consumption_total"):
        en = line_energy(hit.seg.text) or sections.of(hit.seg)
        text = hit.seg.text[hit.end:]
        ocr = hit.seg.ocr
        m3 = read_m3(text, ocr=ocr)
        if m3:
            out["m3"].append(from_segment(m3[0], hit.seg, 0.9, "m3-label", span=(hit.end + m3[1], hit.end + m3[2])))
            en = "gaz"
        kwh = _last_kwh(text, ocr) if m3 else read_kwh(text, ocr=ocr)
        if kwh is None:
            for spot in value_spots(doc, hit, below_lines=1):
                if spot.where == "same":
                    continue
                kwh = read_kwh(spot.text, ocr=spot.seg.ocr)
                if kwh:
                    out_seg, off = spot.seg, spot.offset
                    break
            else:
                continue
        else:
            out_seg, off = hit.seg, hit.end
        out[f"kwh_{en}" if en in ENERGIES else "kwh_unknown"].append(
            from_segment(kwh[0], out_seg, 0.9, "kwh-label", span=(off + kwh[1], off + kwh[2])))
    return out


def _last_kwh(text: str, ocr: bool):
    """`866 m³ – coefficient 10,894 – énergie : 9 434 kWh`: the kWh is the last."""
    t = clean(text)
    found = None
    for m in re.finditer(r"k\s?wh", t, re.I):
        nums = [n for n in find_numbers(t[:m.start()], ocr=ocr) if n.end >= m.start() - 2]
        if nums:
            n = nums[-1]
            found = (quantity_value(n, t), n.start, n.end)
    return found


def gas_conversion(doc: Document) -> dict[str, list[Candidate]]:
    """m³, coefficient and kWh from `Conversion : 129 m³ × 11,16 = 1 440 kWh`
    style lines and from the coefficient's label."""
    out: dict[str, list[Candidate]] = {"m3": [], "coef": [], "kwh": []}
    for hit in find_labels(doc, "conversion_coefficient"):
        for spot in value_spots(doc, hit, below_lines=1):
            found = _read_coefficient(spot.text, spot.seg.ocr, integers=spot.where == "same")
            if found:
                value, a, b, sure = found
                out["coef"].append(from_segment(value, spot.seg, 0.9 if sure else COMMA_LOST_COEF_CONF, "coef-label",
                                                span=(spot.offset + a, spot.offset + b)))
                break
    for seg in doc.segments:
        # `coefficient 10,91 kWh/m3`, `x 11,02 (coefficient de conversion)`:
        # the unit or the caption after the number says what it is (`kWh/m`:
        # its 3 lost), or the word before it (`coefficient 11,03 kKWh/mÿ`).
        for m in re.finditer(r"(?<![\d,.])(\d{1,2}[,.]\d{1,4})(?:\s?(?:k|kk|f)\s?wh\s?/\s?(?:" + M3
                             + r"|m(?![a-z\d]))|\s?\(coefficient)|(?<=coefficient )(\d{1,2}[,.]\d{1,4})(?![\d,.])",
                             fold(seg.text)):
            k = 1 if m.group(1) else 2
            v = _coefficient_num(m.group(k), seg.ocr)
            if v is not None and COEF_BAND[0] <= v <= COEF_BAND[1]:
                out["coef"].append(from_segment(v, seg, 0.88, "coef-unit", span=(m.start(k), m.end(k))))
    for line in doc.lines:
        found = [c for seg in line.segments for c in _conversion(seg, _CONVERSION)]
        if not found and line.segments[0].ocr and len(line.segments) > 1:
            # `171 m' x 10,779 ‖ 1 843 kWh`: OCR lost the `=` and cut the line
            # there; read whole, the product says the last number is the kWh.
            whole = make_segment([w for seg in line.segments for w in seg.words], line.page, ocr=True)
            found = _conversion(whole, _CONVERSION_NO_EQUALS, strict=True)
        if not found:
            # The coefficient already read under its column's caption is not counted twice.
            taken = {c.spot for c in out["coef"]}
            found = [(key, c) for key, c in _conversion_columns(line) if key != "coef" or c.spot not in taken]
        for key, cand in found:
            out[key].append(cand)
    return out


def _conversion_columns(line: Line) -> list[tuple[str, Candidate]]:
    """A readings row that prints the volume, the coefficient and the energy
    in columns side by side, without `×` or `=` (`… ‖ 1 488 m³ ‖ 11,18 ‖
    16 636`, under `Différence ‖ Coefficient ‖ Consommation (kWh)`): three
    numbers in a row, the middle one a coefficient with decimals, whose
    product holds to the rounding of the volume. Never a pair of a bigger
    figure's pieces: each is a number of its own."""
    nums = [(seg, n) for seg in line.segments
            for n in find_numbers(blank_dates(clean(seg.text), ocr=seg.ocr), ocr=seg.ocr)]
    for (sa, a), (sb, b), (sc, c) in zip(nums, nums[1:], nums[2:]):
        if b.decimals < 1 or not COEF_BAND[0] <= b.value <= COEF_BAND[1] or a.decimals or c.decimals:
            continue
        if a.value >= 1 and makes_kwh(a.value, b.value, c.value, exactly=True):
            return [(key, from_segment(n.value, seg, 0.85, "m3xcoef-columns", span=(n.start, n.end)))
                    for key, (seg, n) in zip(("m3", "coef", "kwh"), ((sa, a), (sb, b), (sc, c)))]
    return []


def _conversion(seg: Segment, pattern: re.Pattern, *, strict: bool = False) -> list[tuple[str, Candidate]]:
    m = pattern.search(fold(seg.text))
    if not m:
        return []
    vals = [_num(m.group("m3"), seg.ocr), _coefficient_num(m.group("coef"), seg.ocr), _num(m.group("kwh"), seg.ocr)]
    # A unit OCR garbled (`300 nv x 11,25 … = 3 375 kWh`, `30 m® x`, `= 3 936 kWa`):
    # the product says what it was.
    units_read = not strict and re.fullmatch(M3, m.group("unit") or "") and re.fullmatch(r"k\s?wh", m.group("kunit"))
    if None in vals or not (units_read or makes_kwh(*vals)):
        return []
    return [(key, from_segment(value, seg, 0.9, "m3xcoef", span=(m.start(key), m.end(key))))
            for key, value in zip(("m3", "coef", "kwh"), vals)]


# A speck may follow the sign (`388 m³ x. 11,11`); the ³ may read as a 2 (`370 m2 x 11,093`).
_VOLUME_TIMES = (r"(?P<m3>\d[\d ]*(?:[,.]\d+)?)\s?(?P<unit>" + M3 + r"|m2|[^\s\d=]{1,3})?\s*[x×*][.,:;]?\s*"
                 r"(?:coefficient[^\d]*)?(?P<coef>\d{1,2}[,.]\d+)")
_KWH = r"\s*(?P<kwh>\d[\d ]*(?:[,.]\d+)?)\s?(?P<kunit>k\s?wh|k[a-z]{1,2}\b)"
_CONVERSION = re.compile(_VOLUME_TIMES + r"[^=]*=" + _KWH)
_CONVERSION_NO_EQUALS = re.compile(_VOLUME_TIMES + r"[^=\d]*" + _KWH)


def printed_volumes(doc: Document) -> list[Candidate]:
    """Every quantity printed in m³ without a caption (`Compteur - Gaz ‖
    70 m³`), which only m³ × coefficient = kWh can tell a volume billed."""
    found = ((seg, read_m3(seg.text, ocr=seg.ocr)) for seg in doc.segments)
    return [from_segment(f[0], seg, 0.8, "m3-printed", span=f[1:]) for seg, f in found if f and f[0] > 0]


def makes_kwh(m3: float, coef: float, kwh: float, *, exactly: bool = False) -> bool:
    """m³ × coefficient = kWh, as bills print them: volumes rounded to the
    m³. `exactly`: within that rounding (half a m³'s kWh and the
    coefficient's last decimal), not one m³ off."""
    if exactly:
        return abs(m3 * coef - kwh) <= 0.5 * coef + 0.001 * kwh + 1.0
    return abs(m3 * coef - kwh) <= max(2.0, 0.012 * kwh)


def _read_coefficient(text: str, ocr: bool, *, integers: bool) -> tuple[float, int, int, bool] | None:
    """The coefficient in a label's value, its span, and whether it was read
    as printed (not with a comma OCR lost put back)."""
    found = _coefficient_as_printed(text, ocr, integers=integers)
    if found:
        return found + (True,)
    return _comma_lost_coefficient(text) if ocr else None


def _coefficient_as_printed(text: str, ocr: bool, *, integers: bool) -> tuple[float, int, int] | None:
    t = blank_dates(clean(text), ocr=ocr)
    for n in find_numbers(t, ocr=ocr):
        spaced = re.match(r",\s(\d{2,4})(?!\d)", t[n.end:]) if ocr and n.decimals == 0 else None
        if spaced and COEF_BAND[0] <= n.value <= COEF_BAND[1]:
            # `11, 116`: OCR spaced the decimals off; no coefficient is a whole number.
            return float(f"{int(n.value)}.{spaced.group(1)}"), n.start, n.end + spaced.end()
        if _OTHER_UNIT.match(t[n.end:]):
            continue  # `12,5 kVA` under `(coefficient de conversion) =`: another line's figure
        if COEF_BAND[0] <= n.value <= COEF_BAND[1] and (n.decimals >= 1 or integers):
            return n.value, n.start, n.end
        if ocr and _POINT_FOR_COMMA.fullmatch(n.text) and COEF_BAND[0] <= float(n.text) <= COEF_BAND[1]:
            return float(n.text), n.start, n.end  # `11.054`: its comma read as a point, no thousands
        if n.value > COEF_BAND[1]:
            return None  # `= 1 440 kWh`: the value of another label
    return None


def _comma_lost_coefficient(text: str) -> tuple[float, int, int, bool] | None:
    """`1103` under `Coefficient PCS` on a scan: 11,03 with its comma lost,
    when one place of a comma alone makes a coefficient (m³ × coefficient =
    kWh must then bear it out: read unsure)."""
    m = re.fullmatch(r"\s*(\d{3,5})\s*", text)
    if not m:
        return None
    digits = m.group(1)
    values = [float(f"{digits[:k]}.{digits[k:]}") for k in (1, 2)]
    fits = [v for v in values if COEF_BAND[0] <= v <= COEF_BAND[1]]
    return (fits[0], m.start(1), m.end(1), False) if len(fits) == 1 else None


# A unit no coefficient has (it has none, or kWh per m³).
_OTHER_UNIT = re.compile(r"(?i)\s?(?:k?va\b|kw\b|kwh\b(?!\s?/)|€|%|m3\b|m³|jours?\b|mois\b)")


# `11.054` on a scan: a coefficient whose comma OCR read as a point, not eleven thousand.
_POINT_FOR_COMMA = re.compile(r"\d{1,2}\.\d{3}")


def _coefficient_num(text: str, ocr: bool) -> float | None:
    return float(text) if ocr and _POINT_FOR_COMMA.fullmatch(text) else _num(text, ocr)


def _num(text: str, ocr: bool) -> float | None:
    nums = find_numbers(text, ocr=ocr)
    return nums[0].value if len(nums) == 1 else None


def extract_band_zone(doc: Document) -> tuple[Candidate | None, Candidate | None]:
    bands, zones = [], []
    for line in doc.lines:
        f = fold(line.text)
        seg = line.segments[0]
        for m in re.finditer(r"(?:tarif|option tarifaire|acheminement|abonnement gaz|gaz|profil|option)[^\d]{0,20}?"
                             r"\bt([1-4])\b", f):
            bands.append(from_segment(f"T{m.group(1)}", seg, 0.85, "band"))
        for m in re.finditer(r"\bzone(?: tarifaire)?\s*:?\s*(\d)\b", f):
            zones.append(from_segment(int(m.group(1)), seg, 0.85, "zone"))
    return vote(bands), vote(zones)


def extract_car(doc: Document, sections: Sections) -> dict[str, list[Candidate]]:
    out: dict[str, list[Candidate]] = {"electricite": [], "gaz": [], None: []}
    for hit in find_labels(doc, "annual_reference"):
        en = line_energy(hit.seg.text) or sections.of(hit.seg)
        for spot in value_spots(doc, hit, below_lines=1):
            found = read_kwh(spot.text, ocr=spot.seg.ocr)
            if found and 100 <= found[0] <= 1_000_000:
                out[en if en in ENERGIES else None].append(
                    from_segment(found[0], spot.seg, 0.88, "car",
                                 span=(spot.offset + found[1], spot.offset + found[2])))
                break
    return out


def extract_meter(doc: Document) -> Candidate | None:
    cands = []
    for hit in find_labels(doc, "meter"):
        for spot in value_spots(doc, hit, below_lines=1):
            m = re.match(r"\s*([A-Z0-9][A-Z0-9 \-]{4,20}[A-Z0-9])", clean(spot.text))
            if m and sum(c.isdigit() for c in m.group(1)) >= 5:
                value = re.sub(r"\s+", "", m.group(1))
                cands.append(from_segment(value, spot.seg, 0.85, "meter", span=(m.start(1), m.end(1))))
                break
    return vote(cands)


# --- which energies ---------------------------------------------------------------------


def energy_scores(*, pdl: bool, pce: bool, items: list[Item], readings: list[Reading], kva: bool,
                  gas_volume: bool, gas_band: bool, labelled_kwh: dict[str, list[Candidate]],
                  printed_ttc: dict[str, list[Candidate]]) -> dict[str, float]:
    """Evidence that the bill charges each energy. Mentions alone (an
    emergency number for gas on an electricity bill) do not count; an
    amount the bill prints as that energy's share (`Gaz naturel (TTC)
    91,54 €`) does."""
    score = {"electricite": 0.0, "gaz": 0.0}
    if pdl:
        score["electricite"] += 3
    if pce:
        score["gaz"] += 3
    if kva:
        score["electricite"] += 1
    if gas_volume:
        score["gaz"] += 2
    if gas_band:
        score["gaz"] += 1  # a distribution band (T1-T4) or zone is the gas tariff's
    # Lines outside any energy's section (its heading unread on a scan) are
    # of the one energy the others name, if they name only one.
    named = {i.energy for i in items if i.energy} | {r.energy for r in readings if r.energy}
    alone = next(iter(named)) if len(named) == 1 else None
    for e in ENERGIES:
        energy_items = [i for i in items if (i.energy or alone) == e and i.kind in
                        ("consumption", "consumption_hp", "consumption_hc", "consumption_tempo", "subscription")]
        if any(i.checked for i in energy_items):
            score[e] += 3
        elif energy_items:
            score[e] += 1
        if labelled_kwh.get(f"kwh_{e}"):
            score[e] += 1
        if printed_ttc.get(e):
            score[e] += 2
        if any((r.energy or alone) == e for r in readings):
            score[e] += 1
    return score


def detect_energy(scores: dict[str, float]) -> tuple[str | None, float]:
    elec, gas = scores["electricite"] >= 3, scores["gaz"] >= 3
    if elec and gas:
        return "dual", min(0.99, 0.6 + 0.05 * min(scores.values()))
    if elec or gas:
        key = "electricite" if elec else "gaz"
        other = scores["gaz" if elec else "electricite"]
        conf = min(0.99, 0.6 + 0.05 * scores[key]) * (0.8 if other >= 2 else 1.0)
        return key, conf
    return None, 0.0


# An energy as a row's caption names it.
_ENERGY_WORD = r"(electricite|elec|gaz(?: naturel)?)"
_ENERGY_TTC = re.compile(
    r"^(?:[*•·.\-–] ?)?(?:(?:sous-?)?total |montant |dont )?(?:de l'|du |de la |de votre |votre |mon |ma )?"
    + _ENERGY_WORD + r"\s*(?:\(ttc\)|ttc)\s*:?\s*")


def printed_energy_ttc(doc: Document) -> dict[str, list[Candidate]]:
    """`Total électricité TTC`, `Gaz naturel (TTC)`: each energy's share of the bill."""
    from tasks.extract.readers import read_amount

    out: dict[str, list[Candidate]] = {"electricite": [], "gaz": []}
    shares = share_rows(doc)
    in_share_table = {line.index for line, _, _ in shares}
    for seg in doc.segments:
        f = fold(seg.text)
        marked = _marked_ttc(doc, seg)
        if marked:
            out[marked[0]].append(marked[1])
            continue
        m = _ENERGY_TTC.match(f) or (seg.line not in in_share_table and _ENERGY_ROW.match(f))
        if not m:
            continue
        # `Électricité ‖ 165,71 €` over `Gaz naturel ‖ 114,18 €` over `Total
        # TTC`, no « TTC » on the rows: a share only once the other's and the
        # bill's total bear it out (invoice._confirmed_by_other_share).
        base, note = (0.88, "energy-ttc") if m.re is _ENERGY_TTC else (ENERGY_ROW_CONF, "energy-row")
        energy = "gaz" if m.group(1).startswith("gaz") else "electricite"
        # Specks (`:`, `Ë`) read between the caption and its amount are skipped.
        beside = [o for o in doc.right_of(seg) if not (o.ocr and is_speck(o))][:1] or doc.drifted_right(seg)[:1]
        spots = [(seg.text[m.end():], seg, m.end())] + [(o.text, o, 0) for o in beside]
        for text, where, offset in spots:
            found = read_amount(text, ocr=where.ocr)
            if found and _HT_AFTER.match(fold(text[found[2]:])):
                break  # `Électricité ‖ 191,28 € HT`: the energy's amount before VAT, not its share
            if found:
                out[energy].append(from_segment(found[0], where, base, note,
                                                span=(offset + found[1], offset + found[2])))
                break
    # `‖ Hors TVA ‖ TVA ‖ TTC` over `Électricité ‖ 73,60 € ‖ 11,49 € ‖ 85,09 €`:
    # the cell under the TTC column of the energy's row.
    for line, energy, columns in shares:
        if energy is None:
            continue
        for seg in line.segments[1:]:
            if columns.column_at(seg.x0, seg.x1) != "amount_ttc":
                continue
            found = read_amount(seg.text, ocr=seg.ocr)
            if found and _HT_AFTER.match(fold(seg.text[found[2]:])):
                break  # `Électricité ‖ 85,90 € HT`: the share before tax, under a TTC column or not
            if found:
                out[energy].append(from_segment(found[0], seg, 0.85, "energy-ttc-table", span=(found[1], found[2])))
                break
    return out


_ENERGY_ROW = re.compile(r"^(electricite|gaz(?: naturel)?)\s*:?\s*$")
# `Électricité ‖ 191,28 € HT ‖ 225,70 € TTC`, `Total électricité : 191,28 € HT ‖ 225,70 € TTC`,
# `Total gaz naturel 49,82 € HT 56,68 € TTC`: a row named by its energy alone
# (a total's amounts may follow in its cell) whose amounts each carry their own mark.
_ENERGY_NAMED = re.compile(r"^(?:(?P<total>(?:sous-?)?total )|montant )?(?:de l'|du |de la |mon |ma )?"
                           + _ENERGY_WORD + r"\s*(?::|$|(?(total)(?=\d)|(?!)))")
_TTC_AFTER = re.compile(r"\s*(?:€|eur)?\s*(?:\(ttc\)|ttc)\b")
# What follows an amount printed before tax: `85,90 € HT`, `85,90 hors TVA`.
_HT_AFTER = re.compile(r"\s*(?:€|eur)?\s*(?:\(ht\)|ht|htva|hors (?:tva|taxes?))\b")


def _marked_ttc(doc: Document, seg) -> tuple[str, Candidate] | None:
    """The amount marked « TTC » in a row named by an energy, read in the
    rest of the caption's cell or in the cells right of it."""
    m = _ENERGY_NAMED.match(fold(seg.text))
    if not m:
        return None
    energy = "gaz" if m.group(2).startswith("gaz") else "electricite"
    spots = [(seg.text[m.end():], seg, m.end())] + [(o.text, o, 0) for o in doc.right_of(seg)]
    for text, where, offset in spots:
        start = 0
        while found := read_amount(text[start:], ocr=where.ocr):
            a, b = start + found[1], start + found[2]
            if _TTC_AFTER.match(fold(text[b:])):
                return energy, from_segment(found[0], where, 0.88, "energy-ttc-marked",
                                            span=(offset + a, offset + b))
            start = b
    return None
# Below any field's acceptance: such a row stands only once confirmed.
ENERGY_ROW_CONF = 0.4
