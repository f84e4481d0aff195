"""Yearly cost of the bill against the regulated reference and the market.

For one energy: the customer's yearly cost TTC at their own prices, the
reference's (TRVE of the same option and power, or the CRE gas prix repère
of the band) and every market offer's for the same profile, all with the
prices valid on the billed days (prorated by days across price movements).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from . import fmt
from .annualise import Annual, Period, annualise, billed_period
from .billprices import BillPrices, lines_of, read_prices
from .marketdata import STANDARD_KVA, TEMPO_REGISTERS, OfferCatalogue, ReferenceData, parse_date
from .rules import value

OPTION_LABEL = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}
BAND_LABEL = {"cuisson_eau_chaude": "cuisson et eau chaude", "chauffage": "chauffage"}
ENERGY_LABEL = {"electricite": "électricité", "gaz": "gaz"}


@dataclass
class Reference:
    kind: str  # "trve" | "prix_repere"
    label: str
    subscription_ttc: float
    kwh_ttc: dict
    grids: list = field(default_factory=list)  # TRVE: [(first_day, last_day, Grid)]

    def annual_cost(self, annual_kwh: float | None, shares: dict | None) -> float | None:
        if annual_kwh is None or shares is None:
            return None
        if self.kind == "prix_repere":
            shares = {"base": 1.0}
        if any(reg not in self.kwh_ttc for reg in shares):
            return None
        return self.subscription_ttc + sum(annual_kwh * s * self.kwh_ttc[reg] for reg, s in shares.items())


def _segments(period: Period, key) -> list[tuple[date, date, object]]:
    """Consecutive runs of days sharing the same `key(day)`."""
    runs = []
    for day in period.each_day():
        k = key(day)
        if runs and runs[-1][2] is k:
            runs[-1][1] = day
        else:
            runs.append([day, day, k])
    return [tuple(r) for r in runs]


def trve_reference(ref: ReferenceData, option: str | None, kva: int | None, period: Period | None):
    """(Reference | None, warning | None)."""
    if option not in OPTION_LABEL or kva is None or period is None:
        missing = ("l'option tarifaire" if option not in OPTION_LABEL else
                   "la puissance souscrite" if kva is None else "la période facturée")
        return None, f"Comparaison au tarif réglementé impossible : {missing} n'est pas connue."
    runs = _segments(period, ref.trve_period)
    pieces = []
    for first, last, trve in runs:
        grid = trve.grid(option, kva) if trve else None
        if grid is None:
            when = f"du {fmt.day(first)} au {fmt.day(last)}"
            return None, (f"Tarif réglementé option {OPTION_LABEL[option]} {kva} kVA absent de nos données pour les jours "
                          f"{when} : pas de comparaison au tarif réglementé (mettez à jour assets/tariffs).")
        pieces.append((first, last, trve, grid))
    total = period.days
    sub = sum(((last - first).days + 1) / total * g.subscription_ttc for first, last, _, g in pieces)
    kwh = {reg: sum(((last - first).days + 1) / total * g.energy_ttc[reg] for first, last, _, g in pieces)
           for reg in pieces[0][3].energy_ttc}
    sources = sorted({g.source for *_, g in pieces})
    spans = []
    for first, last, trve, _ in pieces:
        span = (f"en vigueur du {fmt.day(trve.start)} au {fmt.day(trve.end)}" if trve.end
                else f"en vigueur depuis le {fmt.day(trve.start)}")
        spans.append(span if len(pieces) == 1 else f"grille {span} ({(last - first).days + 1} jours)")
    head = f"Tarif réglementé (TRVE) option {OPTION_LABEL[option]} {kva} kVA"
    if len(pieces) == 1:
        label = f"{head} {spans[0]} — {', '.join(sources)}"
    else:
        label = f"{head}, au prorata des jours facturés : {' et '.join(spans)} — {', '.join(sources)}"
    return Reference("trve", label, sub, kwh, [(first, last, g) for first, last, _, g in pieces]), None


def trve_kwh_prices(ref: ReferenceData, option: str | None, period: Period | None) -> dict | None:
    """TRVE kWh prices TTC of an option when the power is not known: the
    highest over the powers of the grid (they differ by under 1 %, and only
    from February 2026), so that a price found above it is above the
    reference whatever the power. Used as evidence on the kWh price only."""
    if option not in OPTION_LABEL or period is None:
        return None
    totals: dict = {}
    for first, last, trve in _segments(period, ref.trve_period):
        grids = [g for kva in STANDARD_KVA if trve and (g := trve.grid(option, kva))]
        if not grids:
            return None
        days = (last - first).days + 1
        for reg in grids[0].energy_ttc:
            totals[reg] = totals.get(reg, 0.0) + days * max(g.energy_ttc[reg] for g in grids)
    return {reg: total / period.days for reg, total in totals.items()}


def gas_band(block: dict, annual_kwh: float | None) -> tuple[str | None, str | None]:
    """(reference band, note). The ATRD option printed on the bill decides;
    else the yearly consumption against the T1/T2 limit."""
    printed = str(block.get("tariff_band") or "").upper()
    if printed == "T1":
        return "cuisson_eau_chaude", None
    if printed == "T2":
        return "chauffage", None
    if printed in ("T3", "T4"):
        return None, f"Option d'acheminement {printed} : hors du champ du prix repère résidentiel de la CRE."
    if annual_kwh is None:
        return None, None
    band = "cuisson_eau_chaude" if annual_kwh <= 6000 else "chauffage"
    return band, None


def _gas_month_values(ref: ReferenceData, month: date, band: str) -> tuple[float, float, bool] | None:
    """(kWh TTC, subscription TTC, interpolated) of a month. A month the
    sources did not give (see `missing` in the data file) takes the mean of
    the months before and after, and says so."""
    row = ref.gas_month(month)
    if row and row.kwh_ttc.get(band) is not None and row.subscription_ttc.get(band) is not None:
        return row.kwh_ttc[band], row.subscription_ttc[band], False
    before = ref.gas_month(month - timedelta(days=1))
    after = ref.gas_month((month.replace(day=28) + timedelta(days=4)).replace(day=1))
    rows = [r for r in (before, after) if r and r.kwh_ttc.get(band) is not None and r.subscription_ttc.get(band) is not None]
    if len(rows) != 2 or row is None:
        return None
    return (sum(r.kwh_ttc[band] for r in rows) / 2,
            row.subscription_ttc.get(band) or sum(r.subscription_ttc[band] for r in rows) / 2, True)


def gas_reference(ref: ReferenceData, band: str | None, period: Period | None):
    if band is None or period is None:
        return None, "Comparaison au prix repère du gaz impossible : tranche de consommation ou période inconnue."
    months = {}
    values = []
    for day in period.each_day():
        month = day.replace(day=1)
        if month not in months:
            months[month] = _gas_month_values(ref, month, band)
        values.append(months[month])
    if any(v is None for v in values):
        return None, ("Prix repère CRE du gaz absent de nos données pour une partie de la période facturée : "
                      "pas de comparaison au prix repère (mettez à jour assets/tariffs).")
    interpolated = sorted(m for m, v in months.items() if v[2])
    warning = None
    if interpolated:
        warning = (f"Prix repère CRE du gaz ({BAND_LABEL[band]}) non publié dans nos sources pour "
                   f"{', '.join(fmt.month_name(m) for m in interpolated)} : moyenne des mois voisins retenue.")
    kwh = sum(v[0] for v in values) / len(values)
    sub = sum(v[1] for v in values) / len(values)
    first, last = period.start, period.end
    same_month = (first.year, first.month) == (last.year, last.month)
    months_label = fmt.month_name(first) if same_month else f"de {fmt.month_name(first)} à {fmt.month_name(last)}"
    label = (f"Prix repère CRE de vente de gaz naturel, profil {BAND_LABEL[band]}, {months_label}"
             f"{'' if same_month else ' au prorata des jours facturés'} — CRE")
    return Reference("prix_repere", label, sub, {"base": kwh}), warning


# ---------------------------------------------------------------------------
# Market offers
# ---------------------------------------------------------------------------


def _effective_end(version, start_known: bool):
    if version.end is not None:
        return version.end
    if version.status in value("market", "current_statuses"):
        return date.max
    candidates = []
    if version.removed_on:
        candidates.append(version.removed_on - timedelta(days=1))
    if version.status == "latest_in_source_but_delisted":
        candidates.append(parse_date(value("market", "delisted_on")) - timedelta(days=1))
    if start_known:
        candidates.append(version.start + timedelta(days=value("market", "open_version_max_days")))
    return min(candidates) if candidates else None


def _usable_versions(offer) -> list[tuple[date, date, object]]:
    """(first day, last day, version) of each version that can be used,
    without overlaps: a version ends at the latest the day before the next."""
    excluded = set(value("market", "excluded_statuses"))
    versions = sorted((v for v in offer.versions if v.status not in excluded and v.start is not None),
                      key=lambda v: v.start)
    spans = []
    for i, version in enumerate(versions):
        end = _effective_end(version, True)
        if i + 1 < len(versions):
            next_start = versions[i + 1].start - timedelta(days=1)
            end = next_start if end is None else min(end, next_start)
        if end is not None and end >= version.start:
            spans.append((version.start, end, version))
    return spans


GAS_ZONES = {"1", "2", "3", "4", "5", "6", "Régaz"}


def _gas_price(row: dict) -> float | None:
    """The unconditional kWh price: the gross one when the grid also gives a
    price after conditional discounts."""
    gross = row.get("energy_ttc_eur_per_kwh_brut")
    return gross if isinstance(gross, (int, float)) else row.get("energy_ttc_eur_per_kwh")


def _row_prices(offer, version, kva: int | None, zone) -> tuple[float, dict] | None:
    """(subscription €/year TTC, {register: €/kWh TTC}) of a version for the
    customer's power (electricity) or zone (gas)."""
    if offer.energy == "electricite":
        row = version.row_for_kva(kva) if kva is not None else None
        if row is None:
            return None
        if offer.option == "base":
            energy = {"base": row.get("energy_ttc_eur_per_kwh")}
        elif offer.option == "hphc":
            energy = {"hp": row.get("hp_ttc_eur_per_kwh"), "hc": row.get("hc_ttc_eur_per_kwh")}
            if all(isinstance(v, (int, float)) for v in energy.values()) and energy["hp"] < energy["hc"]:
                return None  # columns swapped upstream (marketdata check warns)
        elif offer.option == "tempo":
            grid = row.get("ttc_eur_per_kwh") or {}
            energy = {reg: grid.get(reg) for reg in TEMPO_REGISTERS}
        else:
            return None
    else:
        rows = list(version.prices)
        generic = [r for r in rows if str(r.get("zone", "")).strip() not in GAS_ZONES]
        zoned = [r for r in rows if str(r.get("zone", "")).strip() == str(zone).strip()] if zone is not None else []
        if zoned or generic:
            row = (zoned or generic)[0]
        elif zone is None and rows:
            # Zone not printed: the dearest zone, so that the savings are a
            # floor rather than a guess (zones differ by a few %).
            row = max(rows, key=lambda r: (_gas_price(r) or 0) * 10000 + (r.get("fixed_annual_ttc_eur") or 0))
        else:
            return None
        energy = {"base": _gas_price(row)}
    sub = row.get("fixed_annual_ttc_eur")
    if not isinstance(sub, (int, float)) and isinstance(row.get("fixed_monthly_ttc_eur"), (int, float)):
        sub = row["fixed_monthly_ttc_eur"] * 12
    if not isinstance(sub, (int, float)) or any(not isinstance(v, (int, float)) or v <= 0 for v in energy.values()):
        return None
    return float(sub), {k: float(v) for k, v in energy.items()}


def _offer_source(offer, version) -> str:
    src = version.source or {}
    parts = [str(src.get("repository") or ""), str(src.get("path") or "")]
    commit = str(src.get("commit") or "")
    text = " ".join(p for p in parts if p)
    if commit:
        text += f" @{commit[:7]}"
    return f"{text} (grille du {fmt.day(version.start)})".strip()


def offer_costs(catalogue: OfferCatalogue, energy: str, option: str | None, kva: int | None, *, zone=None,
                annual_kwh: float | None, shares: dict | None, period: Period | None) -> list[dict]:
    """Yearly cost of every offer that fits the profile, cheapest first."""
    if annual_kwh is None or shares is None or period is None:
        return []
    if energy == "electricite":
        options = value("market", "comparable_options").get(option or "", [])
        if not options or kva is None:
            return []
    excluded_ids = {e["offer_id"] for e in value("market", "excluded_offers")}
    min_coverage = value("market", "offer_min_coverage")
    first, last = period.start, period.end
    results = []
    for offer in catalogue.offers:
        if offer.offer_id in excluded_ids or offer.energy != energy:
            continue
        if energy == "electricite" and offer.option not in options:
            continue
        if energy == "gaz":
            if offer.band_kwh is None:
                continue
            low, high = offer.band_kwh
            if annual_kwh < low or (high is not None and annual_kwh > high):
                continue
        used = {}
        for start, end, version in _usable_versions(offer):
            overlap = (min(end, last) - max(start, first)).days + 1
            if overlap > 0:
                used[id(version)] = (version, overlap)
        covered = sum(n for _, n in used.values())
        if covered < min_coverage * period.days:
            continue
        sub = 0.0
        kwh_price = {}
        ok = True
        for version, n in used.values():
            priced = _row_prices(offer, version, kva, zone)
            if priced is None or any(reg not in priced[1] for reg in shares):
                ok = False
                break
            weight = n / covered
            sub += weight * priced[0]
            for reg in shares:
                kwh_price[reg] = kwh_price.get(reg, 0.0) + weight * priced[1][reg]
        if not ok:
            continue
        avg_price = sum(shares[reg] * kwh_price[reg] for reg in shares)
        cost = sub + annual_kwh * avg_price
        latest = max((v for v, _ in used.values()), key=lambda v: v.start)
        results.append({
            "supplier": offer.supplier,
            "offer_name": offer.offer_name,
            "energy": energy,
            "option": offer.option,
            "pricing": offer.pricing,
            "price_kwh_ttc_eur": round(avg_price, 5),
            "subscription_eur_per_year": round(sub, 2),
            "annual_cost_eur": round(cost, 2),
            "source": _offer_source(offer, latest),
            "offer_id": offer.offer_id,
            "valid_from": latest.start.isoformat(),
        })
    results.sort(key=lambda o: (o["annual_cost_eur"], o["supplier"], o["offer_name"]))
    return results


# ---------------------------------------------------------------------------
# One energy, end to end
# ---------------------------------------------------------------------------


@dataclass
class EnergyComparison:
    energy: str
    period: Period | None
    prices: BillPrices
    annual: Annual
    reference: Reference | None
    customer_cost: float | None
    reference_cost: float | None
    offers: list
    band: str | None
    zone: object
    warnings: list = field(default_factory=list)
    kwh_reference: dict | None = None  # TRVE kWh prices when the power is unknown (evidence only)

    @property
    def best_offer(self) -> dict | None:
        return self.offers[0] if self.offers else None

    @property
    def reference_gap_percent(self) -> float | None:
        if self.customer_cost is None or not self.reference_cost:
            return None
        return (self.customer_cost - self.reference_cost) / self.reference_cost * 100

    def market(self, gap_cap_percent: float) -> dict:
        best = self.best_offer
        gap, capped = cap_gap(self.customer_cost, best["annual_cost_eur"] if best else None, gap_cap_percent)
        savings, basis = None, None
        if self.customer_cost is not None and best is not None:
            savings, basis = max(0.0, self.customer_cost - best["annual_cost_eur"]), "best_offer"
        elif self.customer_cost is not None and self.reference_cost is not None:
            # No dated market offer covers the period: the regulated reference
            # is the only benchmark; said in `savings_basis` and in warnings.
            savings, basis = max(0.0, self.customer_cost - self.reference_cost), "reference"
        shares = self.prices.shares()
        return {
            "energy": self.energy,
            "reference": self.reference.label if self.reference else None,
            "annual_consumption_kwh": _round(self.annual.kwh, 0),
            "annual_cost_eur": _round(self.customer_cost, 2),
            "reference_annual_cost_eur": _round(self.reference_cost, 2),
            "reference_gap_percent": _round(self.reference_gap_percent, 1),
            "gap_percent": gap,
            "gap_capped": capped,
            "estimated_savings_eur_per_year": _round(savings, 2),
            "savings_basis": basis,
            "reference_kind": self.reference.kind if self.reference else None,
            "offers": self.offers,
            "best_offer": best,
            "period_days": self.period.days if self.period else None,
            "annualisation": self.annual.as_dict(),
            "prices_valid_on": ({"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
                                if self.period else None),
            "profile": {
                "option": self.prices.option,
                "subscribed_power_kva": self.prices.kva,
                "register_shares": {k: round(v, 4) for k, v in shares.items()} if shares else None,
                "gas_band": self.band,
                "gas_zone": self.zone,
            },
            "customer_prices": {
                "subscription_ttc_eur_per_year": _round(self.prices.subscription_ttc_year, 2),
                "kwh_ttc_eur": {reg: _round(self.prices.kwh_ttc(reg), 5) for reg in self.prices.registers},
                "accise_eur_per_kwh": _round(self.prices.accise, 5),
                "accise_from_bill": self.prices.accise_from_bill,
                "vat_subscription_percent": _round(self.prices.vat_subscription_pct, 2),
            },
            "reference_prices": ({
                "subscription_ttc_eur_per_year": _round(self.reference.subscription_ttc, 2),
                "kwh_ttc_eur": {k: _round(v, 5) for k, v in self.reference.kwh_ttc.items()},
            } if self.reference else None),
        }


def _same(values: list):
    distinct = set(values)
    if None in distinct or not distinct:
        return None
    return distinct.pop() if len(distinct) == 1 else "mixed"


def _round(value, digits):
    if value is None:
        return None
    return round(value) if digits == 0 else round(value, digits)


def cap_gap(customer: float | None, best: float | None, cap: float) -> tuple[float | None, bool]:
    """How much more the customer pays than `best`, in % of `best`, kept
    within ±cap (the product shows a bounded figure)."""
    if customer is None or not best:
        return None, False
    gap = (customer - best) / best * 100
    if abs(gap) > cap:
        return round(cap if gap > 0 else -cap, 1), True
    return round(gap, 1), False


def analysis_period(analysis: dict, energy: str) -> Period | None:
    """The billed period: the bill's, else the span of the energy's
    consumption lines, else the span of its readings."""
    period = analysis.get("period") or {}
    # A day count is used only when extraction says it was read on the bill;
    # a computed one follows the extractor's convention, not the bill's.
    field_info = (analysis.get("fields") or {}).get("period.days") or {}
    printed = period.get("days") if field_info.get("source") in ("text", "ocr", "llm", "user") else None
    result = billed_period(period.get("start"), period.get("end"), printed)
    if result:
        return result
    starts, ends = [], []
    for line in lines_of(analysis, energy):
        if str(line.get("kind", "")).startswith("consumption"):
            starts.append(parse_date(line.get("period_start")))
            ends.append(parse_date(line.get("period_end")))
    block = (analysis.get("electricity") if energy == "electricite" else analysis.get("gas")) or {}
    for reading in block.get("readings") or []:
        starts.append(parse_date(reading.get("start_date")))
        ends.append(parse_date(reading.get("end_date")))
    starts, ends = [d for d in starts if d], [d for d in ends if d]
    if starts and ends:
        return billed_period(min(starts), max(ends))
    return None


def compare_energy(analysis: dict, energy: str, ref: ReferenceData, catalogue: OfferCatalogue) -> EnergyComparison:
    block = (analysis.get("electricity") if energy == "electricite" else analysis.get("gas")) or {}
    warnings: list[str] = []
    period = analysis_period(analysis, energy)
    prices = read_prices(analysis, energy, period, ref)
    warnings += prices.warnings
    billed_kwh = block.get("consumption_kwh")
    if not isinstance(billed_kwh, (int, float)):
        known = [v for v in prices.billed_kwh.values() if v]
        billed_kwh = sum(known) if known and len(known) == len(prices.billed_kwh) else None
    annual = annualise(energy, billed_kwh, period, annual_reference_kwh=block.get("annual_reference_kwh"),
                       gas_band=block.get("tariff_band"))
    warnings += annual.warnings
    shares = prices.shares()
    if shares is None and prices.registers:
        warnings.append(f"Prix ou consommation d'un poste horaire {ENERGY_LABEL[energy]} (heures pleines, heures creuses "
                        "ou couleur Tempo) illisible : pas de coût annuel calculé.")

    band, zone = None, None
    if energy == "electricite":
        reference, note = trve_reference(ref, prices.option, prices.kva, period)
        if reference and not prices.kva_suspect and prices.subscription_ttc_year:
            low, high = value("plausible_values", "subscription_vs_trve")
            ratio = prices.subscription_ttc_year / reference.subscription_ttc
            if not low <= ratio <= high:
                prices.kva_suspect = True
                note = (f"L'abonnement facturé ({fmt.eur(prices.subscription_ttc_year, 0)} TTC par an) ne correspond pas à "
                        f"une puissance de {prices.kva} kVA (tarif réglementé : {fmt.eur(reference.subscription_ttc, 0)}) : "
                        "la puissance ou l'abonnement a sans doute été mal lu, les comparaisons qui dépendent de la "
                        "puissance ne sont pas faites.")
        if prices.kva_suspect:
            reference = None
    else:
        band, note = gas_band(block, annual.kwh)
        zone = block.get("zone")
        reference, note2 = gas_reference(ref, band, period) if band else (None, note)
        note = note2 or note
    if note:
        warnings.append(note)

    customer_cost = prices.annual_cost(annual.kwh)
    if customer_cost is None and annual.kwh is not None and prices.registers:
        missing = [name for name, v in (("abonnement", prices.subscription_ht_year), ("accise", prices.accise))
                   if v is None]
        if missing:
            warnings.append(f"Coût annuel {ENERGY_LABEL[energy]} non calculé : {', '.join(missing)} illisible(s) sur la facture.")
    if not prices.registers and prices.option not in ("ejp",):
        warnings.append(f"Prix du kWh {ENERGY_LABEL[energy]} illisible : pas de coût annuel ni de comparaison.")
    reference_cost = reference.annual_cost(annual.kwh, shares) if reference else None
    offers = offer_costs(catalogue, energy, prices.option, None if prices.kva_suspect else prices.kva, zone=zone,
                         annual_kwh=annual.kwh, shares=shares, period=period)
    ref_name = "au tarif réglementé" if energy == "electricite" else "au prix repère de la CRE"
    if customer_cost is not None and not offers:
        warnings.append(f"Aucune offre de marché datée de nos données ne correspond à ce profil {ENERGY_LABEL[energy]} "
                        f"sur la période facturée : l'économie estimée est calculée par rapport {ref_name}."
                        if reference_cost is not None else
                        f"Aucune offre de marché ni prix de référence disponible pour ce profil {ENERGY_LABEL[energy]} "
                        "sur la période facturée.")
    if energy == "gaz" and zone is None and offers:
        warnings.append("Zone tarifaire gaz non indiquée sur la facture : pour les offres dont le prix varie selon la zone, "
                        "le prix de la zone la plus chère est retenu (économie estimée prudente).")
    kwh_reference = trve_kwh_prices(ref, prices.option, period) if energy == "electricite" and reference is None else None
    return EnergyComparison(energy, period, prices, annual, reference, customer_cost, reference_cost, offers,
                            band, zone, warnings, kwh_reference)


def energies_of(analysis: dict) -> list[str]:
    kind = analysis.get("energy")
    if kind == "dual":
        return ["electricite", "gaz"]
    if kind in ("electricite", "gaz"):
        return [kind]
    return [e for e, key in (("electricite", "electricity"), ("gaz", "gas")) if analysis.get(key)]


def combine(markets: dict, gap_cap_percent: float) -> dict:
    """The dual-bill market: sums where both energies are known."""
    e, g = markets.get("electricite"), markets.get("gaz")
    both = [m for m in (e, g) if m]

    def total(key):
        values = [m.get(key) for m in both]
        return round(sum(values), 2) if len(values) == 2 and all(v is not None for v in values) else None

    best = None
    if all(m and m.get("best_offer") for m in (e, g)):
        best = {"energy": "dual", "annual_cost_eur": round(e["best_offer"]["annual_cost_eur"] + g["best_offer"]["annual_cost_eur"], 2),
                "components": [e["best_offer"], g["best_offer"]],
                "supplier": None, "offer_name": "Meilleure offre électricité + meilleure offre gaz"}
    customer = total("annual_cost_eur")
    gap, capped = cap_gap(customer, best["annual_cost_eur"] if best else None, gap_cap_percent)
    references = [f"{ENERGY_LABEL[m['energy']].capitalize()} : {m['reference']}" for m in both if m.get("reference")]
    bases = {m.get("savings_basis") for m in both}
    kwh = [m.get("annual_consumption_kwh") for m in both]
    return {
        "reference": " ; ".join(references) or None,
        "annual_consumption_kwh": sum(kwh) if len(kwh) == 2 and None not in kwh else None,
        "annual_cost_eur": customer,
        "reference_annual_cost_eur": total("reference_annual_cost_eur"),
        "reference_gap_percent": None,
        "gap_percent": gap,
        "gap_capped": capped,
        "estimated_savings_eur_per_year": total("estimated_savings_eur_per_year"),
        "savings_basis": (bases.pop() if len(bases) == 1 else "mixed") if None not in bases else None,
        "reference_kind": _same([m.get("reference_kind") for m in both]),
        "offers": (e or {}).get("offers", []) + (g or {}).get("offers", []),
        "best_offer": best,
        "period_days": (e or g or {}).get("period_days"),
        "annualisation": {m["energy"]: m["annualisation"] for m in both},
        "prices_valid_on": (e or g or {}).get("prices_valid_on"),
        "by_energy": {"electricite": e, "gaz": g},
    }
