"""Readers: turn the text found beside a label into a typed value.

Each returns `(value, start, end)` (the span in the text it read) or None.
"""
from __future__ import annotations

import re
from datetime import date

from tasks.extract.numbers import Number, blank_dates, clean, find_date_ranges, find_dates, find_numbers, fold

# Units that make a number something else than an amount in euros.
_NOT_MONEY = re.compile(r"\s?(?:%|k?wh|mwh|m3|m³|m\s?3|mois|jours?|j\b|kva|kw\b|ans?\b|h\b|x\b|×|/)", re.I)
_MONEY = re.compile(r"\s?(?:€|eur\b|euros?\b)", re.I)


def read_amount(text: str, *, ocr: bool = False, need_euro: bool = False) -> tuple[float, int, int] | None:
    """The first amount in euros: `1 479,85 €`, `-12,00 €`, `2 133,59`; not a
    percentage, a quantity, a date or a unit price."""
    t = clean(text)
    t = blank_dates(t, ocr=ocr)
    credit = re.search(r"en votre faveur|\bavoir\b|\bcr[ée]diteur", t, re.I) is not None
    for n in find_numbers(t, ocr=ocr):
        after = t[n.end:n.end + 8]
        if _NOT_MONEY.match(after):
            continue
        if t[max(0, n.start - 3):n.start].strip().lower() in {"n°", "no", "x", "×"}:
            continue
        euro = bool(_MONEY.match(after))
        if need_euro and not euro:
            continue
        if not euro and n.decimals != 2:
            continue
        value = n.value
        if credit and value > 0:
            value = -value
        return round(value, 2), n.start, n.end
    return None


def read_date(text: str, *, ocr: bool = False) -> tuple[date, int, int] | None:
    dates = find_dates(text, ocr=ocr)
    if not dates:
        return None
    d = dates[0]
    return d.value, d.start, d.end


def read_range(text: str, *, ocr: bool = False) -> tuple[tuple[date, date], int, int] | None:
    ranges = find_date_ranges(text, ocr=ocr)
    if not ranges:
        return None
    a, b, s, e = ranges[0]
    return (a, b), s, e


def read_quantity(text: str, unit_pattern: str, *, ocr: bool = False) -> tuple[float, int, int] | None:
    """The first number followed by a unit matching `unit_pattern` (`6 680 kWh`)."""
    t = clean(text)
    t = blank_dates(t, ocr=ocr)
    unit = re.compile(r"\s?(?:" + unit_pattern + r")", re.I)
    for n in find_numbers(t, ocr=ocr):
        if unit.match(t[n.end:n.end + 10]):
            if ocr and _BROKEN_GROUPS.search(t[:n.start]) and len(n.text) > 3 and n.text.isdigit():
                return None  # `2 7366 kWh` for 2 766: a group of thousands a digit too long
            return quantity_value(n, t), n.start, n.end
    return None


# A lone group of one to three digits right before a number: its thousands,
# the number a group of them misread (no thousands group has four digits).
_BROKEN_GROUPS = re.compile(r"(?<![\d,.])\d{1,3} $")


def quantity_value(n: Number, text: str) -> float:
    """A quantity's value: a dash set apart before it (`coefficient 10,644
    kWh/m3 - 564 kWh`) separates it from what comes before, no minus sign."""
    return -n.value if n.value < 0 and re.match(r"-\s", text[n.start:]) else n.value


def read_kwh(text: str, *, ocr: bool = False):
    return read_quantity(text, r"k\s?wh\b|kwh", ocr=ocr)


# m³ as printed and as OCR reads its superscript (`m3`, `m°`, `m*`, `m?`, `m'`, `m°?`).
M3 = r"m\s?(?:3\b|³|[°*?'’]+)"


def read_m3(text: str, *, ocr: bool = False):
    return read_quantity(text, M3 + r"|mètres? cubes?|metres? cubes?", ocr=ocr)


def read_kva(text: str, *, ocr: bool = False):
    return read_quantity(text, r"k\s?k?va\b|kva", ocr=ocr)


def read_plain_number(text: str, *, ocr: bool = False) -> tuple[float, int, int] | None:
    t = clean(text)
    t = blank_dates(t, ocr=ocr)
    nums = find_numbers(t, ocr=ocr)
    if not nums:
        return None
    n = nums[0]
    return n.value, n.start, n.end


def folded_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))
