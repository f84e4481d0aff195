"""The analyse stage's sentences (issue details, warnings, highlights, the
`reference` string) use the same French typography as the reports
(tasks/french.py); these are the few shapes only the analyse stage writes."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tasks.french import MONTHS, eur, kwh, number  # noqa: F401 - re-exported for the stage's modules
from tasks.french import percent as _percent
from tasks.french import price_kwh


def price(value: float, decimals: int = 4) -> str:
    """A kWh price: `0,2516 €/kWh`."""
    return price_kwh(value, decimals)


def percent(value: float, decimals: int = 0) -> str:
    """A whole percentage by default: `12 %`."""
    return _percent(value, decimals)


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def month_name(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def round_savings(value: float) -> int:
    """Savings shown in a sentence: to 5 € under 100 €, to 10 € above, so the
    figure does not claim a precision the estimate does not have."""
    step = 5 if value < 100 else 10
    return int(Decimal(str(value / step)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step
