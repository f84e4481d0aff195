"""French formatting of numbers, amounts, percentages and dates for every
user-facing text (reports, highlights, issue details, warnings).

Every function takes a value that may be missing (None, NaN, a malformed
date) and then returns None: the caller decides whether the row is left out
or says "non indiqué sur la facture". Nothing here ever prints "None".

Typography follows the French convention (CLDR `fr`): a narrow no-break
space groups thousands (`1 234,56 €`), a no-break space separates a number
from its unit, so an amount is never split across two lines.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

GROUP = "\u202f"  # narrow no-break space, between groups of thousands
UNIT = "\u00a0"  # no-break space, between a number and its unit
MISSING = "non indiqué sur la facture"

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return result if result.is_finite() else None


def number(value, decimals: int = 0, *, trim: bool = False) -> str | None:
    """`1234.5` → `1 234,5` with `decimals` digits after the comma (half up).
    With `trim`, trailing zeros of the decimals are dropped (`12,50` → `12,5`,
    `12,00` → `12`)."""
    dec = _decimal(value)
    if dec is None:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    rounded = dec.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,00"
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if trim:
        frac = frac.rstrip("0")
    return sign + GROUP.join(groups) + ("," + frac if frac else "")


def eur(value, decimals: int = 2) -> str | None:
    """An amount in euros: `1 234,56 €` (`decimals=0` for yearly estimates)."""
    text = number(value, decimals)
    return None if text is None else f"{text}{UNIT}€"


def signed_eur(value, decimals: int = 0) -> str | None:
    """A difference in euros with its sign: `+184 €`, `-12 €`, `0 €`."""
    text = number(value, decimals)
    if text is None:
        return None
    if not text.startswith("-") and text.strip("0," + GROUP):
        text = "+" + text
    return f"{text}{UNIT}€"


def price_kwh(value, decimals: int = 4) -> str | None:
    """A kWh price in euros: `0,2516 €/kWh`."""
    text = number(value, decimals)
    return None if text is None else f"{text}{UNIT}€/kWh"


def kwh(value) -> str | None:
    """An energy quantity: `1 428 kWh`; decimals only below 100 kWh."""
    dec = _decimal(value)
    if dec is None:
        return None
    decimals = 0 if abs(dec) >= 100 or dec == dec.to_integral_value() else 2
    return f"{number(dec, decimals, trim=True)}{UNIT}kWh"


def m3(value) -> str | None:
    text = number(value, 2, trim=True)
    return None if text is None else f"{text}{UNIT}m³"


def kva(value) -> str | None:
    text = number(value, 1, trim=True)
    return None if text is None else f"{text}{UNIT}kVA"


def percent(value, decimals: int = 1, *, signed: bool = False) -> str | None:
    """`12.5` → `12,5 %` (the value is already in percent); `12.0` → `12 %`."""
    text = number(value, decimals, trim=True)
    if text is None:
        return None
    if signed and not text.startswith("-") and text.strip("0," + GROUP):
        text = "+" + text
    return f"{text}{UNIT}%"


def parse_date(value) -> date | None:
    """An ISO date (`2025-02-12`, or a datetime string/object) or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _day(d: date) -> str:
    return "1er" if d.day == 1 else str(d.day)


def date_long(value) -> str | None:
    """`2025-02-12` → `12 février 2025`; the first of the month is `1er`."""
    d = parse_date(value)
    if d is None:
        return None
    return f"{_day(d)}{UNIT}{MONTHS[d.month - 1]} {d.year}"


def month_year(value) -> str | None:
    """`2025-02-01` → `février 2025`."""
    d = parse_date(value)
    return None if d is None else f"{MONTHS[d.month - 1]} {d.year}"


def period(start, end) -> str | None:
    """`du 1er juin au 31 juillet 2024`; the year is written once when both
    ends share it. One missing end gives `à partir du …` / `jusqu'au …`."""
    s, e = parse_date(start), parse_date(end)
    if s and e:
        first = f"{_day(s)}{UNIT}{MONTHS[s.month - 1]}" if s.year == e.year else date_long(s)
        return f"du {first} au {date_long(e)}"
    if s:
        return f"à partir du {date_long(s)}"
    if e:
        return f"jusqu'au {date_long(e)}"
    return None


def days(value) -> str | None:
    dec = _decimal(value)
    if dec is None:
        return None
    n = int(dec)
    return f"{n}{UNIT}jour" + ("s" if abs(n) > 1 else "")


def or_missing(text: str | None, missing: str = MISSING) -> str:
    """The formatted value, or the sentence that says the bill does not show it."""
    return missing if text is None or text == "" else text
