"""Yearly consumption from one bill.

Preference order: the yearly reference the bill prints (CAR), then a period
of about a year prorated plainly, then the billed period weighted by a
seasonal profile (households' electricity, gas heating) or spread evenly
(gas without heating); profiles in assets/rules/seasonal_profiles.json.
The result says which method was used and whether it is reliable.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import fmt
from .marketdata import parse_date
from .rules import profiles, value


@dataclass
class Period:
    start: date
    days: int

    @property
    def end(self) -> date:
        """Last billed day (inclusive)."""
        return self.start + timedelta(days=self.days - 1)

    def each_day(self):
        for i in range(self.days):
            yield self.start + timedelta(days=i)


def billed_period(start, end, printed_days=None) -> Period | None:
    """The billed days. Bills count an index-to-index period without its last
    day (the new index opens the next period: 20/11 → 18/12 is 28 days) and a
    calendar period with both ends (01/06 → 31/08 is 92 days). A day count the
    bill prints wins when it is one of the two."""
    start, end = parse_date(start), parse_date(end)
    if start is None or end is None or end <= start:
        return None
    exclusive = (end - start).days
    if isinstance(printed_days, int) and printed_days in (exclusive, exclusive + 1):
        return Period(start, printed_days)
    calendar_period = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    return Period(start, exclusive + 1 if calendar_period else exclusive)


def profile_share(profile: str, period: Period) -> float:
    """Share of a year's consumption that falls in the period."""
    spec = profiles()["profiles"][profile]
    if "days_per_year" in spec:
        return period.days / spec["days_per_year"]
    shares = spec["monthly_share"]
    total = 0.0
    for day in period.each_day():
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        total += shares[f"{day.month:02d}"] / days_in_month
    return total


@dataclass
class Annual:
    kwh: float | None
    method: str | None  # "car" | "periode_annuelle" | "profil" | None
    profile: str | None = None
    period_share: float | None = None
    reliable: bool = True
    warnings: list = field(default_factory=list)
    # A printed yearly reference ("car") agrees with the billed use prorated
    # to a year: True, False, or None when there is no billed use to compare.
    corroborated: bool | None = None

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "profile": self.profile,
            "period_share": None if self.period_share is None else round(self.period_share, 4),
            "reliable": self.reliable,
        }


ENERGY_LABEL = {"electricite": "électricité", "gaz": "gaz"}


def annualise(energy: str, billed_kwh: float | None, period: Period | None, *,
              annual_reference_kwh: float | None = None, gas_band: str | None = None) -> Annual:
    label = ENERGY_LABEL.get(energy, energy)
    prorated = _prorate(energy, billed_kwh, period, gas_band)
    if isinstance(annual_reference_kwh, (int, float)) and annual_reference_kwh > 0:
        result = Annual(float(annual_reference_kwh), "car")
        if prorated.kwh:
            low, high = value("annualisation", "car_consistency_ratio")
            ratio = annual_reference_kwh / prorated.kwh
            result.corroborated = low <= ratio <= high
            if not result.corroborated:
                result.warnings.append(
                    f"La consommation annuelle de référence {label} imprimée ({fmt.kwh(annual_reference_kwh)}) "
                    f"est très éloignée de la consommation facturée ramenée à l'année ({fmt.kwh(prorated.kwh)}) : "
                    "elle est conservée car imprimée sur la facture, à vérifier.")
        return result
    return prorated


def _prorate(energy: str, billed_kwh, period: Period | None, gas_band: str | None) -> Annual:
    label = ENERGY_LABEL.get(energy, energy)
    if not isinstance(billed_kwh, (int, float)) or billed_kwh <= 0 or period is None:
        missing = "la consommation facturée" if period is not None else "les dates de la période facturée"
        return Annual(None, None, warnings=[
            f"Consommation annuelle {label} inconnue : {missing} n'a pas pu être lue et la facture n'indique pas "
            "de consommation annuelle de référence."])
    if period.days >= value("annualisation", "full_year_min_days"):
        return Annual(billed_kwh * 365 / period.days, "periode_annuelle", "plat", period.days / 365)

    choice = profiles()["choice"]
    if energy == "gaz":
        band = (gas_band or "").upper()
        name = choice["gaz"].get(band)
        if name is None:
            heated = billed_kwh / profile_share("gaz_chauffage", period)
            name = "gaz_chauffage" if heated >= choice["t1_t2_limit_kwh"] else "plat"
    else:
        name = choice["electricite"]
    share = profile_share(name, period)
    result = Annual(billed_kwh / share, "profil", name, share)
    short = period.days < value("annualisation", "short_period_days")
    small = share < value("annualisation", "min_profile_share")
    if short or small:
        result.reliable = False
        why = (f"la période facturée ne couvre que {period.days} jours" if short else
               f"la période facturée ne représente qu'environ {fmt.percent(share * 100)} de la consommation d'une année")
        result.warnings.append(
            f"Consommation annuelle {label} estimée à {fmt.kwh(result.kwh)} à partir de la période facturée, "
            f"sans consommation annuelle de référence imprimée : {why}, l'estimation est peu fiable.")
    return result
