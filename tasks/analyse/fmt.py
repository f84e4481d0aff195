"""French formatting for the sentences the analyse stage writes (issue
details, warnings, highlights, the `reference` string).

Same typography as the reports (tasks/render/formatting.py): a narrow
no-break space between groups of thousands, a no-break space before the
unit, a decimal comma: `1 234,56 €`. Kept here rather than imported so that
the analyse stage does not depend on the render stage.
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

GROUP = "\u202f"
UNIT = "\u00a0"

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def number(value: float, decimals: int = 0) -> str:
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    sign = "-" if rounded < 0 else ""
    whole, _, frac = f"{abs(rounded):.{decimals}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + GROUP.join(groups) + ("," + frac if frac else "")


def eur(value: float, decimals: int = 2) -> str:
    return f"{number(value, decimals)}{UNIT}€"


def price(value: float, decimals: int = 4) -> str:
    """A kWh price: `0,2516 €/kWh`."""
    return f"{number(value, decimals)}{UNIT}€/kWh"


def kwh(value: float) -> str:
    return f"{number(value, 0)}{UNIT}kWh"


def percent(value: float, decimals: int = 0) -> str:
    return f"{number(value, decimals)}{UNIT}%"


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def month_name(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def round_savings(value: float) -> int:
    """Savings shown in a sentence: to 5 € under 100 €, to 10 € above, so the
    figure does not claim a precision the estimate does not have."""
    step = 5 if value < 100 else 10
    return int(Decimal(str(value / step)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step
