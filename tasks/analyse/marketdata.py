"""Dated market data: regulated references, taxes and market offers.

The numbers live in `assets/tariffs/` (copies of the team's domain
references, each figure with its validity dates and source). This module
loads them, validates them, and answers one question: which price was in
force on a given day. It never invents a price: a figure the file does not
hold comes back as None and the caller says so.

Update procedure (also in assets/tariffs/README.md):

    python -m tasks.analyse.marketdata check assets/tariffs/reference_tariffs.json
    python -m tasks.analyse.marketdata check assets/tariffs/market_offers.json

`check` validates a file (either kind, recognised by its keys), prints what
it holds and exits 0 when it is usable, 1 when it has errors, 2 when it
cannot be read.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

TARIFFS_DIR = Path(__file__).resolve().parents[2] / "assets" / "tariffs"
REFERENCE_PATH = TARIFFS_DIR / "reference_tariffs.json"
OFFERS_PATH = TARIFFS_DIR / "market_offers.json"

STANDARD_KVA = (3, 6, 9, 12, 15, 18, 24, 30, 36)
TEMPO_REGISTERS = ("bleu_hc", "bleu_hp", "blanc_hc", "blanc_hp", "rouge_hc", "rouge_hp")
# Plausibility bounds used by `check`: a kWh price outside them is a unit
# error (c€ instead of €, HT/TTC swap), not a tariff.
KWH_PRICE_BOUNDS = (0.02, 2.0)
SUBSCRIPTION_BOUNDS = (20.0, 1500.0)


def parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def month_start(day: date) -> date:
    return day.replace(day=1)


def _num(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


# ---------------------------------------------------------------------------
# Regulated references and taxes (reference_tariffs.json)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """One regulated option at one power, within one tariff period.

    `energy_ttc` maps a register (`base`, `hp`, `hc`, `bleu_hc`…) to its price
    in €/kWh TTC; `subscription_ttc` is €/year TTC (CTA and VAT included)."""

    option: str
    kva: int
    subscription_ttc: float | None
    energy_ttc: dict
    energy_ht: dict
    source: str


@dataclass(frozen=True)
class TrvePeriod:
    start: date
    end: date | None
    accise_eur_per_mwh: float | None
    raw: dict = field(repr=False, compare=False, hash=False)

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def grid(self, option: str, kva: int) -> Grid | None:
        """The option's prices at this power, or None when the file does not
        hold both the subscription and every energy price."""
        block = self.raw.get(option)
        if not isinstance(block, dict):
            return None
        if option == "base":
            return self._base(block, kva)
        if option == "hphc":
            return self._hphc(block, kva)
        if option == "tempo":
            return self._tempo(block, kva)
        return None

    def _monthly(self, block: dict, kva: int) -> tuple[float | None, str]:
        grid = block.get("edf_grid_monthly_ttc_eur") or {}
        monthly = _num(grid.get(str(kva)))
        if monthly is None:
            return None, ""
        return round(monthly * 12, 2), "grille mensuelle EDF Tarif Bleu × 12 (" + str(grid.get("_source", "")) + ")"

    def _base(self, block: dict, kva: int) -> Grid | None:
        row = next((r for r in block.get("cre_annual") or [] if r.get("kva") == kva), None)
        sub = _num(row.get("fixed_annual_ttc_eur")) if row else None
        sub_source = "CRE" if sub is not None else ""
        if sub is None:
            sub, sub_source = self._monthly(block, kva)
        energy = _num(row.get("energy_ttc_eur_per_kwh")) if row else None
        energy_ht = _num(row.get("energy_ht_eur_per_kwh")) if row else None
        if energy is None:
            by_kva = block.get("energy_ttc_eur_per_kwh_by_kva") or {}
            energy = _num(by_kva.get(str(kva)))
        if energy is None:
            energy = _num(block.get("energy_ttc_eur_per_kwh_all_kva"))
        if sub is None or energy is None:
            return None
        if row is None or sub_source != "CRE":
            source = "grille EDF Tarif Bleu" if row is None else "CRE / grille EDF Tarif Bleu"
        else:
            source = "CRE" if row.get("energy_ttc_eur_per_kwh") else "CRE / grille EDF Tarif Bleu"
        return Grid("base", kva, sub, {"base": energy}, {"base": energy_ht} if energy_ht else {}, source)

    def _hphc(self, block: dict, kva: int) -> Grid | None:
        annual = block.get("cre_annual_ttc_eur") or {}
        sub = _num(annual.get(str(kva)))
        source = "CRE"
        if sub is None:
            sub, _ = self._monthly(block, kva)
            source = "grille EDF Tarif Bleu"
        hp, hc = _num(block.get("hp_ttc_eur_per_kwh")), _num(block.get("hc_ttc_eur_per_kwh"))
        if sub is None or hp is None or hc is None:
            return None
        ht = {}
        for reg in ("hp", "hc"):
            value = _num(block.get(f"{reg}_ht_eur_per_kwh")) or _num(block.get(f"{reg}_ht_eur_per_kwh_derived"))
            if value is not None:
                ht[reg] = value
        return Grid("hphc", kva, sub, {"hp": hp, "hc": hc}, ht, source)

    def _tempo(self, block: dict, kva: int) -> Grid | None:
        annual = block.get("cre_annual_ttc_eur") or {}
        sub = _num(annual.get(str(kva)))
        if sub is None:
            sub, _ = self._monthly(block, kva)
        prices = block.get("ttc_eur_per_kwh") or {}
        energy = {reg: _num(prices.get(reg)) for reg in TEMPO_REGISTERS}
        if sub is None or any(v is None for v in energy.values()):
            return None
        return Grid("tempo", kva, sub, energy, {}, "grille EDF Tarif Bleu")


@dataclass(frozen=True)
class Rate:
    start: date | None
    end: date | None
    value: float
    source: str

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class GasMonth:
    month: date
    kwh_ttc: dict  # band -> €/kWh TTC
    subscription_ttc: dict  # band -> €/year TTC
    source: str


GAS_BANDS = ("cuisson_eau_chaude", "chauffage")


class ReferenceData:
    """The parsed reference file. Cheap to query; build it with `load_reference`."""

    def __init__(self, raw: dict, path: Path | None = None):
        self.raw = raw
        self.path = path
        trve = raw["electricity"]["trve_tarif_bleu_residentiel"]
        self.trve_periods = sorted(
            (
                TrvePeriod(parse_date(p["effective_from"]), parse_date(p.get("effective_to")),
                           _num(p.get("accise_eur_per_mwh_in_ttc")), p)
                for p in trve["periods"]
            ),
            key=lambda p: p.start,
        )
        gas = raw["gas"]["prix_repere_vente_gaz_naturel_cre"]
        self.gas_months = {}
        for row in gas["monthly"]:
            month = parse_date(row["month"] + "-01")
            self.gas_months[month] = GasMonth(
                month,
                {"cuisson_eau_chaude": _num(row.get("cuisson_eau_chaude_kwh_ttc")),
                 "chauffage": _num(row.get("chauffage_kwh_ttc"))},
                {"cuisson_eau_chaude": _num(row.get("abonnement_cuisson_eau_chaude_ttc_eur_per_year")),
                 "chauffage": _num(row.get("abonnement_chauffage_ttc_eur_per_year"))},
                str(row.get("source", "")),
            )
        taxes = raw["taxes_and_levies"]
        self.accise = {
            "electricite": self._rates(taxes["accise_electricite_menages_le_36kva"]["values"], "rate", 1000.0),
            "gaz": self._rates(taxes["accise_gaz_naturel"]["values"], "rate", 1000.0),
        }
        self.cta_electricity = self._rates(taxes["cta"]["electricite"]["values"], "rate_pct", 1.0)
        tva = taxes["tva"]
        self.vat_switch = date(2025, 8, 1)
        rule = str(tva.get("from_2025_08_01", {}).get("rule", ""))
        self.vat_reduced = _num(tva["until_2025_07_31"]["subscription_and_cta_pct"])
        self.vat_normal = _num(tva["until_2025_07_31"]["energy_accise_services_pct"])
        self.vat_after_switch = _num(tva["from_2025_08_01"]["subscription_and_cta_pct"])
        self.vat_rule = rule
        refs = raw.get("consumption_and_option_references", {})
        self.household_kwh = {
            "electricite": _num((refs.get("electricity_avg_household_kwh_per_year") or {}).get("value")),
            "gaz": _num((refs.get("gas_avg_household_kwh_per_year") or {}).get("value")),
        }
        bands = gas.get("consumption_bands", {})
        self.gas_band_sources = {b: (bands.get(b) or {}).get("source", "") for b in GAS_BANDS}

    @staticmethod
    def _rates(values: list, key: str, divisor: float) -> list[Rate]:
        rates = []
        for row in values:
            value = _num(row.get(key))
            if value is None:
                continue
            rates.append(Rate(parse_date(row.get("effective_from")), parse_date(row.get("effective_to")),
                              value / divisor, str(row.get("source", ""))))
        return rates

    # -- queries ------------------------------------------------------------

    def trve_period(self, day: date) -> TrvePeriod | None:
        return next((p for p in self.trve_periods if p.contains(day)), None)

    def accise_on(self, energy: str, day: date) -> Rate | None:
        """Accise in €/kWh HT for households (≤ 36 kVA for electricity)."""
        return next((r for r in self.accise.get(energy, []) if r.contains(day)), None)

    def cta_rate_on(self, day: date) -> Rate | None:
        return next((r for r in self.cta_electricity if r.contains(day)), None)

    def vat_subscription_pct(self, day: date) -> float:
        """VAT on subscription and CTA for a subscription day (the period
        covered counts, not the billing date)."""
        return self.vat_after_switch if day >= self.vat_switch else self.vat_reduced

    def gas_month(self, day: date) -> GasMonth | None:
        return self.gas_months.get(month_start(day))


# ---------------------------------------------------------------------------
# Market offers (market_offers.json)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferVersion:
    start: date | None
    end: date | None  # last day of validity as the file states it (None: open)
    status: str
    prices: tuple
    source: dict = field(repr=False, compare=False, hash=False)
    removed_on: date | None = None

    def row_for_kva(self, kva: int) -> dict | None:
        return next((row for row in self.prices if row.get("kva") == kva), None)


@dataclass(frozen=True)
class Offer:
    offer_id: str
    supplier: str
    offer_name: str
    energy: str
    option: str
    pricing: str | None
    band: str | None  # gas: reference band of reference_tariffs.json
    band_kwh: tuple | None  # gas: (min, max) kWh/year, max None = open
    versions: tuple


_BAND_NUMBER = r"(\d[\d\s\u202f\u00a0]*)"


def parse_band(text: str | None) -> tuple | None:
    """'1 000-6 000' → (1000, 6000); '< 4 000' → (0, 3999.99); '≥ 4 000' → (4000, None)."""
    if not text:
        return None

    def num(s: str) -> float:
        return float(re.sub(r"[\s\u202f\u00a0]", "", s))

    t = text.strip()
    m = re.fullmatch(_BAND_NUMBER + r"\s*[-–]\s*" + _BAND_NUMBER, t)
    if m:
        return (num(m.group(1)), num(m.group(2)))
    m = re.fullmatch(r"(<|≤|<=)\s*" + _BAND_NUMBER, t)
    if m:
        high = num(m.group(2))
        return (0.0, high if m.group(1) != "<" else high - 0.01)
    m = re.fullmatch(r"(>|≥|>=)\s*" + _BAND_NUMBER, t)
    if m:
        low = num(m.group(2))
        return (low if m.group(1) != ">" else low + 0.01, None)
    return None


class OfferCatalogue:
    def __init__(self, raw: dict, path: Path | None = None):
        self.raw = raw
        self.path = path
        self.as_of = parse_date(raw.get("as_of"))
        self.offers = []
        for entry in raw.get("offers", []):
            versions = []
            for v in entry.get("versions", []):
                versions.append(OfferVersion(
                    parse_date(v.get("valid_from")), parse_date(v.get("valid_to")), str(v.get("status", "")),
                    tuple(v.get("prices") or ()), v.get("source") or {}, parse_date(v.get("removed_from_source_on")),
                ))
            self.offers.append(Offer(
                entry["offer_id"], entry["supplier"], entry["offer_name"], entry["energy"], entry["option"],
                entry.get("pricing_kind"), entry.get("reference_tariffs_band"),
                parse_band(entry.get("consumption_band_kwh_per_year")), tuple(versions),
            ))


@lru_cache(maxsize=8)
def _load_json(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _read(path: Path) -> dict:
    path = Path(path)
    return _load_json(str(path), path.stat().st_mtime)


def load_reference(path: Path | str | None = None) -> ReferenceData:
    path = Path(path or REFERENCE_PATH)
    return _reference(str(path), path.stat().st_mtime)


def load_offers(path: Path | str | None = None) -> OfferCatalogue:
    path = Path(path or OFFERS_PATH)
    return _offers(str(path), path.stat().st_mtime)


@lru_cache(maxsize=4)
def _reference(path: str, mtime: float) -> ReferenceData:
    return ReferenceData(_load_json(path, mtime), Path(path))


@lru_cache(maxsize=4)
def _offers(path: str, mtime: float) -> OfferCatalogue:
    return OfferCatalogue(_load_json(path, mtime), Path(path))


# ---------------------------------------------------------------------------
# Validation (`check`)
# ---------------------------------------------------------------------------


@dataclass
class Report:
    kind: str
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    summary: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def detect_kind(raw) -> str | None:
    if not isinstance(raw, dict):
        return None
    if "offers" in raw:
        return "market_offers"
    if "electricity" in raw and "taxes_and_levies" in raw:
        return "reference_tariffs"
    return None


def _check_price(report: Report, where: str, value, bounds=KWH_PRICE_BOUNDS, required=True):
    v = _num(value)
    if v is None:
        if required and value is not None:
            report.errors.append(f"{where}: not a number ({value!r})")
        return None
    if not bounds[0] <= v <= bounds[1]:
        report.errors.append(f"{where}: {v} outside the plausible range {bounds[0]}–{bounds[1]}")
    return v


def _check_contiguous(report: Report, where: str, spans: list[tuple[date | None, date | None]]):
    """Spans sorted by start must not overlap and must not leave gaps."""
    for (s1, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        if e1 is None:
            report.errors.append(f"{where}: an open-ended span (from {s1}) is followed by another (from {s2})")
        elif s2 is not None and s2 != e1 + timedelta(days=1):
            kind = "overlap" if s2 <= e1 else "gap"
            report.errors.append(f"{where}: {kind} between {e1} and {s2}")


def validate_reference(raw: dict) -> Report:
    report = Report("reference_tariffs")
    try:
        periods = raw["electricity"]["trve_tarif_bleu_residentiel"]["periods"]
        sources = raw["electricity"]["trve_tarif_bleu_residentiel"].get("sources") or {}
    except (KeyError, TypeError):
        report.errors.append("electricity.trve_tarif_bleu_residentiel.periods is missing")
        return report
    spans = []
    for i, p in enumerate(periods):
        where = f"TRVE period #{i + 1}"
        start, end = parse_date(p.get("effective_from")), parse_date(p.get("effective_to"))
        if start is None:
            report.errors.append(f"{where}: effective_from missing or not a date")
            continue
        if p.get("effective_to") is not None and end is None:
            report.errors.append(f"{where}: effective_to is not a date")
        if end is not None and end < start:
            report.errors.append(f"{where}: effective_to {end} before effective_from {start}")
        spans.append((start, end))
        where = f"TRVE {start}"
        accise = _num(p.get("accise_eur_per_mwh_in_ttc"))
        if accise is None or not 0 <= accise <= 100:
            report.errors.append(f"{where}: accise_eur_per_mwh_in_ttc missing or implausible ({p.get('accise_eur_per_mwh_in_ttc')!r})")
        period = TrvePeriod(start, end, accise, p)
        held = []
        for option in ("base", "hphc", "tempo"):
            block = p.get(option)
            if not isinstance(block, dict):
                report.warnings.append(f"{where}: option {option} absent")
                continue
            self_sources = [v for k, v in block.items() if k in ("source", "edf_grid_source") and v]
            self_sources += [g.get("_source") for g in block.values() if isinstance(g, dict) and g.get("_source")]
            self_sources += [r.get("source") for r in block.get("cre_annual") or [] if isinstance(r, dict)]
            kvas = [k for k in STANDARD_KVA if period.grid(option, k) is not None]
            if not kvas:
                if any(s and s != "not found" for s in self_sources):
                    report.warnings.append(f"{where}: option {option} holds no complete price at any power")
                continue
            if not any(s for s in self_sources):
                report.errors.append(f"{where}: option {option} has prices but no source")
            for kva in kvas:
                grid = period.grid(option, kva)
                _check_price(report, f"{where} {option} {kva} kVA subscription", grid.subscription_ttc, SUBSCRIPTION_BOUNDS)
                for reg, price in grid.energy_ttc.items():
                    _check_price(report, f"{where} {option} {kva} kVA {reg}", price)
            if option == "hphc":
                g = period.grid("hphc", kvas[0])
                if g.energy_ttc["hp"] <= g.energy_ttc["hc"]:
                    report.errors.append(f"{where}: HP price {g.energy_ttc['hp']} not above HC price {g.energy_ttc['hc']}")
            held.append(f"{option} {kvas[0]}–{kvas[-1]} kVA ({len(kvas)} puissances)")
        # A CRE row must satisfy TTC = (HT + accise) x 1.2 on energy: it is
        # how the published grid is built, so a mismatch is a copy error.
        for row in (p.get("base") or {}).get("cre_annual") or []:
            ht, ttc = _num(row.get("energy_ht_eur_per_kwh")), _num(row.get("energy_ttc_eur_per_kwh"))
            if ht is not None and ttc is not None and accise is not None:
                if abs((ht + accise / 1000) * 1.2 - ttc) > 0.0006:
                    report.errors.append(f"{where} base {row.get('kva')} kVA: TTC {ttc} ≠ (HT {ht} + accise) × 1,2")
        report.summary.append(f"TRVE du {start} au {end or '…'} (accise {accise} €/MWh) : " + ("; ".join(held) or "aucune grille complète"))
    spans.sort(key=lambda s: s[0])
    _check_contiguous(report, "TRVE periods", spans)
    if not sources:
        report.errors.append("TRVE: no 'sources' block")

    # Gas prix repère, month by month.
    try:
        gas = raw["gas"]["prix_repere_vente_gaz_naturel_cre"]["monthly"]
    except (KeyError, TypeError):
        report.errors.append("gas.prix_repere_vente_gaz_naturel_cre.monthly is missing")
        gas = []
    months = []
    for row in gas:
        month = parse_date(str(row.get("month", "")) + "-01")
        if month is None:
            report.errors.append(f"gas month {row.get('month')!r} is not YYYY-MM")
            continue
        months.append(month)
        if not row.get("source"):
            report.errors.append(f"gas {row['month']}: no source")
        for band in GAS_BANDS:
            price = row.get(f"{band}_kwh_ttc")
            if price is None:
                report.warnings.append(f"gaz {row['month']} {band}: prix du kWh absent")
            else:
                _check_price(report, f"gas {row['month']} {band} kWh", price)
            _check_price(report, f"gas {row['month']} {band} subscription",
                         row.get(f"abonnement_{band}_ttc_eur_per_year"), SUBSCRIPTION_BOUNDS)
    months.sort()
    for a, b in zip(months, months[1:], strict=False):
        nxt = (a.replace(day=28) + timedelta(days=4)).replace(day=1)
        if b != nxt:
            report.errors.append(f"gas months: {'duplicate' if b == a else 'gap'} after {a:%Y-%m}")
    if months:
        report.summary.append(f"Prix repère gaz CRE : {len(months)} mois, de {months[0]:%Y-%m} à {months[-1]:%Y-%m}")

    # Taxes.
    try:
        taxes = raw["taxes_and_levies"]
        for name, key in (("accise_electricite_menages_le_36kva", "rate"), ("accise_gaz_naturel", "rate")):
            values = taxes[name]["values"]
            spans = []
            for row in values:
                if _num(row.get(key)) is None or not row.get("source"):
                    report.errors.append(f"{name} from {row.get('effective_from')}: rate or source missing")
                spans.append((parse_date(row.get("effective_from")), parse_date(row.get("effective_to"))))
            spans.sort(key=lambda s: s[0] or date.min)
            _check_contiguous(report, name, spans)
            report.summary.append(f"{name} : " + ", ".join(
                f"{row.get(key)} €/MWh du {row.get('effective_from')} au {row.get('effective_to') or '…'}" for row in values))
        for row in taxes["cta"]["electricite"]["values"]:
            if _num(row.get("rate_pct")) is None:
                report.errors.append("CTA électricité: rate_pct missing")
        tva = taxes["tva"]
        for key in ("until_2025_07_31", "from_2025_08_01"):
            for k in ("subscription_and_cta_pct", "energy_accise_services_pct"):
                if _num(tva[key].get(k)) is None:
                    report.errors.append(f"tva.{key}.{k} missing")
    except (KeyError, TypeError) as exc:
        report.errors.append(f"taxes_and_levies: missing key {exc}")
    return report


def validate_offers(raw: dict) -> Report:
    report = Report("market_offers")
    offers = raw.get("offers")
    if not isinstance(offers, list) or not offers:
        report.errors.append("'offers' is missing or empty")
        return report
    if parse_date(raw.get("as_of")) is None:
        report.warnings.append("'as_of' missing or not a date")
    seen = set()
    counts: dict = {}
    first, last = None, None
    n_versions = 0
    for entry in offers:
        oid = entry.get("offer_id")
        where = f"offer {oid}"
        if not oid or oid in seen:
            report.errors.append(f"{where}: missing or duplicate offer_id")
        seen.add(oid)
        for key in ("supplier", "offer_name", "energy", "option"):
            if not entry.get(key):
                report.errors.append(f"{where}: '{key}' missing")
        energy, option = entry.get("energy"), entry.get("option")
        if energy not in ("electricite", "gaz"):
            report.errors.append(f"{where}: energy {energy!r} is not electricite/gaz")
        if entry.get("pricing_kind") not in ("fixe", "indexe", "reglemente", None):
            report.errors.append(f"{where}: pricing_kind {entry.get('pricing_kind')!r}")
        if energy == "gaz" and parse_band(entry.get("consumption_band_kwh_per_year")) is None:
            report.errors.append(f"{where}: consumption_band_kwh_per_year {entry.get('consumption_band_kwh_per_year')!r} unreadable")
        counts[(energy, option if energy == "electricite" else "gaz")] = counts.get((energy, option if energy == "electricite" else "gaz"), 0) + 1
        spans = []
        for v in entry.get("versions") or []:
            n_versions += 1
            start, end = parse_date(v.get("valid_from")), parse_date(v.get("valid_to"))
            vwhere = f"{where} version {v.get('valid_from')}"
            if v.get("valid_from") is not None and start is None:
                report.errors.append(f"{vwhere}: valid_from is not a date")
            if start and end and end < start:
                report.errors.append(f"{vwhere}: valid_to {end} before valid_from")
            if not v.get("source"):
                report.errors.append(f"{vwhere}: no source")
            if v.get("status") != "unmerged_proposal":
                spans.append((start, end))
            if start:
                first = min(first or start, start)
                last = max(last or start, start)
            for row in v.get("prices") or []:
                _check_offer_row(report, vwhere, energy, option, row)
        spans.sort(key=lambda s: s[0] or date.min)
        for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
            if e1 is None or (s2 is not None and s2 <= e1):
                report.errors.append(f"{where}: versions overlap ({s1}…{e1} and {s2}…{e2})")
    report.summary.append(f"{len(offers)} offres, {n_versions} versions datées, valid_from de {first} à {last}, as_of {raw.get('as_of')}")
    for (energy, option), n in sorted(counts.items(), key=str):
        report.summary.append(f"  {energy} {option} : {n} offres")
    return report


def _check_offer_row(report: Report, where: str, energy: str, option: str, row: dict):
    if not isinstance(row, dict):
        report.errors.append(f"{where}: price row is not an object")
        return
    if energy == "electricite":
        kva = row.get("kva")
        if kva not in STANDARD_KVA:
            report.errors.append(f"{where}: kva {kva!r} not a standard power")
        label = f"{where} {kva} kVA"
    else:
        if not row.get("zone"):
            report.errors.append(f"{where}: gas row without zone")
        label = f"{where} zone {row.get('zone')}"
    monthly, annual = _num(row.get("fixed_monthly_ttc_eur")), _num(row.get("fixed_annual_ttc_eur"))
    if annual is not None:
        _check_price(report, f"{label} subscription", annual, SUBSCRIPTION_BOUNDS)
    if monthly is not None and annual is not None and abs(monthly * 12 - annual) > 0.06:
        report.errors.append(f"{label}: fixed_annual_ttc_eur {annual} ≠ 12 × {monthly}")
    if energy == "gaz" or option == "base":
        _check_price(report, f"{label} energy", row.get("energy_ttc_eur_per_kwh"), required=False)
    elif option == "hphc":
        hp = _check_price(report, f"{label} HP", row.get("hp_ttc_eur_per_kwh"), required=False)
        hc = _check_price(report, f"{label} HC", row.get("hc_ttc_eur_per_kwh"), required=False)
        if hp is not None and hc is not None and hp < hc:
            # Seen once in the sources (columns swapped upstream): the
            # comparison skips such rows, so it is worth a warning only.
            message = f"{where}: HP below HC (columns swapped?), row ignored by the comparison"
            if message not in report.warnings:
                report.warnings.append(message)
    elif isinstance(row.get("ttc_eur_per_kwh"), dict):
        for reg, price in row["ttc_eur_per_kwh"].items():
            _check_price(report, f"{label} {reg}", price, required=False)


def check_file(path: Path | str) -> Report:
    """Validate a reference or offers file; raises OSError/ValueError when it
    cannot be read or parsed."""
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle)
    kind = detect_kind(raw)
    if kind == "reference_tariffs":
        report = validate_reference(raw)
        if report.ok:
            try:
                ReferenceData(raw)  # the loader must accept what `check` accepts
            except (KeyError, TypeError, AttributeError) as exc:
                report.errors.append(f"the loader rejects the file: missing {exc}")
        return report
    if kind == "market_offers":
        report = validate_offers(raw)
        if report.ok:
            try:
                OfferCatalogue(raw)
            except (KeyError, TypeError, AttributeError) as exc:
                report.errors.append(f"the loader rejects the file: missing {exc}")
        return report
    report = Report("unknown")
    report.errors.append("neither a reference-tariffs file (electricity + taxes_and_levies) nor a market-offers file (offers)")
    return report


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 2 or argv[0] != "check":
        print("usage: python -m tasks.analyse.marketdata check FILE", file=sys.stderr)
        return 2
    path = Path(argv[1])
    try:
        report = check_file(path)
    except (OSError, ValueError) as exc:
        print(f"{path}: cannot read the file: {exc}", file=sys.stderr)
        return 2
    print(f"{path}: {report.kind}")
    for line in report.summary:
        print(f"  {line}")
    for line in report.warnings:
        print(f"  warning: {line}")
    for line in report.errors:
        print(f"  ERROR: {line}")
    print(f"{'OK' if report.ok else 'INVALID'}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
