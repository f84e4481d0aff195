"""The facts of one synthetic bill, and its ground truth.

`make_bill` draws a coherent bill (period, consumption, prices against the
reference of the period, taxes, totals, planted issues); `ground_truth`
turns it into the JSON of tests/corpus/dev (see its README). Rendering is
elsewhere: a layout family only decides how these facts are printed.
"""
from __future__ import annotations

import calendar
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.generator import data

ISSUE_CODES = ("PRICE_ABOVE_REFERENCE", "POWER_OVERSIZED", "HPHC_UNPROFITABLE", "ESTIMATED_READING",
               "PAID_SERVICES", "LATE_FEES", "INDEXED_OFFER", "TOTALS_MISMATCH")
ELEC_ONLY = {"POWER_OVERSIZED", "HPHC_UNPROFITABLE"}
VAT_CHANGE = date(2025, 8, 1)  # subscription and CTA: 5.5 % before, 20 % from this day
FIRST_DAY = date(2023, 8, 1)  # first TRVE movement with HP/HC and Tempo grids
LAST_DAY = date(2026, 3, 31)  # last month of the CRE gas prix repère we hold
TEMPO_SPLIT = {"bleu": 0.72, "blanc": 0.19, "rouge": 0.09}

# Monthly weight of a year's consumption (index 0 = January).
SEASON_ELEC = [1.28, 1.2, 1.08, 0.95, 0.86, 0.8, 0.8, 0.76, 0.84, 0.96, 1.17, 1.3]
SEASON_GAS_HEATING = [1.75, 1.6, 1.35, 0.95, 0.55, 0.35, 0.3, 0.3, 0.45, 0.9, 1.35, 1.65]
SEASON_GAS_COOKING = [1.15, 1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.85, 0.95, 1.0, 1.05, 1.15]


def _norm(weights: list[float]) -> list[float]:
    total = sum(weights)
    return [w * 12 / total for w in weights]


SEASON_ELEC, SEASON_GAS_HEATING, SEASON_GAS_COOKING = map(_norm, (SEASON_ELEC, SEASON_GAS_HEATING, SEASON_GAS_COOKING))


def r2(x: float) -> float:
    """Round half up to cents, as billing systems do (not banker's rounding)."""
    return float(int(abs(x) * 100 + 0.5 + 1e-9) / 100) * (1 if x >= 0 else -1)


def days_between(start: date, end: date) -> int:
    """Days of a period whose both ends are billed."""
    return (end - start).days + 1


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


def whole_months(start: date, end: date) -> int | None:
    """Number of calendar months when the period is made of whole months, else None."""
    if start.day != 1 or end != month_end(end):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def split_at(start: date, end: date, cuts: list[date]) -> list[tuple[date, date]]:
    """[start, end] cut before each date of `cuts` that falls inside it."""
    parts, cur = [], start
    for cut in sorted(cuts):
        if cur < cut <= end:
            parts.append((cur, cut - timedelta(days=1)))
            cur = cut
    parts.append((cur, end))
    return parts


@dataclass
class Line:
    label: str
    energy: str | None  # "electricite" | "gaz" | None
    kind: str  # the `lines[].kind` of docs/architecture.md
    quantity: float | None
    unit: str | None  # "kWh" | "m3" | "mois" | "jour" | None
    unit_price: float | None  # EUR HT per unit
    amount: float  # EUR HT
    vat: float  # percent; 0 = outside the scope of VAT
    start: date | None = None
    end: date | None = None
    register: str | None = None  # base, hp, hc, tempo_bleu_hp… for consumption lines
    detail: str | None = None  # e.g. the CTA base and rate as printed

    def as_dict(self) -> dict:
        return {"label": self.label, "energy": self.energy, "kind": self.kind, "quantity": self.quantity,
                "unit": self.unit, "unit_price_ht_eur": self.unit_price, "amount_ht_eur": self.amount,
                "vat_rate_percent": self.vat, "period_start": _iso(self.start), "period_end": _iso(self.end)}


@dataclass
class Reading:
    register: str
    start_date: date
    end_date: date
    start_index: int
    end_index: int
    start_nature: str  # "reel" | "estime"
    end_nature: str
    unit: str  # "kWh" | "m3"

    @property
    def delta(self) -> int:
        return self.end_index - self.start_index

    def as_dict(self) -> dict:
        return {"register": self.register, "start_date": _iso(self.start_date), "end_date": _iso(self.end_date),
                "start_index": self.start_index, "end_index": self.end_index,
                "start_nature": self.start_nature, "end_nature": self.end_nature}


@dataclass
class Energy:
    """One energy of the bill: its meter, consumption, prices and lines."""

    energy: str  # "electricite" | "gaz"
    point: str  # PDL or PCE, no spaces
    meter: str
    annual_kwh: int  # the printed yearly reference consumption (CAR)
    consumption_kwh: int
    registers: dict[str, int]  # kWh per register
    prices: dict[str, float]  # EUR HT per kWh per register
    sub_monthly: float  # EUR HT per month
    readings: list[Reading]
    reading: str  # nature of the closing index
    lines: list[Line] = field(default_factory=list)
    # electricity
    kva: int | None = None
    option: str | None = None  # base | hphc | tempo
    max_power_kva: float | None = None
    turpe_code: str | None = None
    # gas
    m3: int | None = None
    coefficient: float | None = None
    tariff: str | None = None  # T1 | T2
    zone: int | None = None
    profile: str | None = None
    meta: dict = field(default_factory=dict)
    history: list[tuple[date, int]] = field(default_factory=list)  # monthly kWh for the chart

    @property
    def subscription_eur(self) -> float:
        return r2(sum(line.amount for line in self.lines if line.kind == "subscription"))


@dataclass
class Bill:
    id: str
    family: str
    supplier: str  # canonical name
    energy: str  # electricite | gaz | dual
    offer_name: str
    offer_pricing: str  # fixe | indexe
    offer_mention: str
    offer_in_catalogue: bool
    invoice_number: str
    invoice_date: date
    due_date: date
    kind: str  # facture | regularisation
    start: date
    end: date
    customer: dict
    client_number: str
    delivery: dict | None  # consumption address when it differs from the billing address
    energies: list[Energy]
    extra_lines: list[Line]  # services and fees
    payment: str  # prelevement | tip | virement | cb
    iban: str
    planted: list[str]
    vat_breakdown: list[dict] = field(default_factory=list)
    total_ht: float = 0.0
    total_vat: float = 0.0
    total_ttc: float = 0.0  # computed
    printed_ttc: float = 0.0  # what the bill prints (differs on TOTALS_MISMATCH)
    already_paid: float = 0.0
    instalments: list[tuple[date, float]] = field(default_factory=list)
    previous_balance: float = 0.0
    amount_due: float = 0.0
    next_bill: date | None = None
    contract_start: date | None = None
    prints_total_ht: bool = True
    distractors: list[str] = field(default_factory=list)
    previous_invoice: tuple[str, date, float] | None = None
    seed: int | None = None
    sub_daily: bool = False  # the family bills the subscription per day even for whole months

    @property
    def days(self) -> int:
        return days_between(self.start, self.end)

    @property
    def lines(self) -> list[Line]:
        out = []
        for e in self.energies:
            out.extend(e.lines)
        return out + self.extra_lines

    def energy_block(self, name: str) -> Energy | None:
        return next((e for e in self.energies if e.energy == name), None)

    def energy_ttc(self, name: str) -> float:
        lines = self.energy_block(name).lines
        return r2(sum(line.amount for line in lines) + _vat_of(lines))


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _vat_of(lines: list[Line]) -> float:
    total = 0.0
    for rate in sorted({line.vat for line in lines if line.vat}):
        base = r2(sum(line.amount for line in lines if line.vat == rate))
        total += r2(base * rate / 100)
    return r2(total)


# ---------------------------------------------------------------- references

def elec_windows(start: date, end: date) -> list[tuple[dict, int]]:
    """TRVE movements overlapping the period, with the number of days in each."""
    out = []
    for w in data.tariffs()["electricity"]["windows"]:
        w_start = date.fromisoformat(w["from"])
        w_end = date.fromisoformat(w["to"]) if w["to"] else date(2099, 12, 31)
        lo, hi = max(start, w_start), min(end, w_end)
        if lo <= hi:
            out.append((w, days_between(lo, hi)))
    return out


def elec_reference(window: dict, option: str, kva: int) -> dict | None:
    """Reference HT prices per register, subscription and CTA per year, for one movement."""
    grid = window[option].get(str(kva))
    if not grid:
        return None
    if option == "base":
        prices = {"base": grid["price_ht"]}
    elif option == "hphc":
        prices = {"hp": grid["hp_ht"], "hc": grid["hc_ht"]}
    else:
        prices = {f"tempo_{k}": v for k, v in grid["prices_ht"].items()}
    return {"prices": prices, "sub_ht": grid["sub_ht"], "cta_year": grid["cta_year"]}


def gas_months(start: date, end: date) -> list[tuple[dict, int]]:
    """CRE prix repère months overlapping the period, with days in each."""
    months = data.tariffs()["gas"]["months"]
    out, d = [], start.replace(day=1)
    while d <= end:
        lo, hi = max(start, d), min(end, month_end(d))
        out.append((months[d.strftime("%Y-%m")], days_between(lo, hi)))
        d = add_months(d, 1)
    return out


def rate_on(table: list[dict], day: date) -> float:
    for row in table:
        if (row["from"] or "0000") <= day.isoformat() and (row["to"] is None or day.isoformat() <= row["to"]):
            return row["eur_per_kwh"]
    raise ValueError(day)


def _weighted(pairs: list[tuple[float, int]]) -> float:
    total = sum(days for _, days in pairs)
    return sum(v * days for v, days in pairs) / total


def annual_ttc(sub_ht: float, cta: float, vat_sub: float, kwh_by_register: dict[str, float],
               prices: dict[str, float], accise: float) -> float:
    """Yearly cost with the same taxes on both sides of a comparison."""
    energy = sum(kwh * (prices[reg] + accise) for reg, kwh in kwh_by_register.items())
    return (sub_ht + cta) * (1 + vat_sub / 100) + energy * 1.2


# ---------------------------------------------------------------- drawing

def _period(rng: random.Random, kind: str) -> tuple[date, date]:
    if kind == "regularisation":
        latest = date(LAST_DAY.year - 1, LAST_DAY.month, 1)
        span = (latest - FIRST_DAY).days
        start = FIRST_DAY + timedelta(days=rng.randint(0, span))
        start = start.replace(day=1) if rng.random() < 0.5 else start
        end = add_months(start, 12) - timedelta(days=1)
        return start, min(end, LAST_DAY)
    style = rng.choice(["month", "two_months", "meter", "meter"])
    span = (LAST_DAY - timedelta(days=70) - FIRST_DAY).days
    start = FIRST_DAY + timedelta(days=rng.randint(0, span))
    if style == "month":
        start = start.replace(day=1)
        return start, month_end(start)
    if style == "two_months":
        start = start.replace(day=1)
        return start, month_end(add_months(start, 1))
    return start, start + timedelta(days=rng.randint(27, 62))


def _consumption(annual: float, start: date, end: date, season: list[float]) -> float:
    total, d = 0.0, start
    while d <= end:
        total += annual / 365 * season[d.month - 1]
        d += timedelta(days=1)
    return total


def _history(rng: random.Random, annual: int, end: date, season: list[float]) -> list[tuple[date, int]]:
    months, d = [], end.replace(day=1)
    for _ in range(12):
        months.append((d, round(annual / 12 * season[d.month - 1] * rng.uniform(0.88, 1.12))))
        d = add_months(d, -1)
    return list(reversed(months))


def _choose_issues(rng: random.Random, energy: str, family_offers: dict) -> list[str]:
    if rng.random() < 0.42:
        return []
    pool = [c for c in ISSUE_CODES if not (c in ELEC_ONLY and energy == "gaz")]
    energies = ["electricite", "gaz"] if energy == "dual" else [energy]
    if not all(any(p == "indexe" for _, p, _ in family_offers[e]) for e in energies):
        pool.remove("INDEXED_OFFER")
    n = rng.choice([1, 1, 1, 2, 2, 3])
    return sorted(rng.sample(pool, n), key=ISSUE_CODES.index)


def make_bill(seed: int, family_spec: dict, *, energy: str | None = None, issues: list[str] | None = None,
              kind: str | None = None, option: str | None = None, doc_id: str | None = None) -> Bill:
    """Draw one bill for a layout family. Same seed and arguments → same bill."""
    rng = random.Random(seed)
    supplier = family_spec["supplier"]
    offers = data.OFFERS[supplier]
    if energy is None:
        energy = rng.choices(["electricite", "gaz", "dual"], weights=family_spec.get("energy_weights", (5, 3, 3)))[0]
    if kind is None:
        kind = "regularisation" if rng.random() < 0.2 else "facture"
    planted = _choose_issues(rng, energy, offers) if issues is None else list(issues)
    if option is None and energy != "gaz":
        if "HPHC_UNPROFITABLE" in planted:
            option = "hphc"
        else:
            option = rng.choices(["base", "hphc", "tempo"], weights=(55, 35, 10 if family_spec.get("tempo") else 0))[0]
    start, end = _period(rng, kind)

    pricing = "indexe" if "INDEXED_OFFER" in planted else "fixe"
    offer_energy = "electricite" if energy == "dual" else energy
    # An issue list forced by the caller may ask for an indexed offer the supplier does not sell.
    candidates = [o for o in offers[offer_energy] if o[1] == pricing] or offers[offer_energy]
    offer_name, _, in_catalogue = rng.choice(candidates)
    if energy == "dual":
        offer_name = family_spec.get("dual_offer", {}).get(pricing, offer_name)

    invoice_date = end + timedelta(days=rng.randint(2, 12))
    if pricing == "indexe":
        mention = rng.choice(data.INDEXED_MENTIONS).format(pct=rng.choice([4, 5, 8, 10]))
    else:
        fixed_end = add_months(invoice_date.replace(day=1), rng.randint(8, 30)) - timedelta(days=1)
        mention = rng.choice(data.FIXED_MENTIONS).format(end=fixed_end.strftime("%d/%m/%Y"),
                                                         years=rng.choice(["1 an", "2 ans", "3 ans"]))

    who = data.person(rng)
    delivery = data.other_address(rng, who) if rng.random() < 0.12 else None
    site = delivery or who
    bill = Bill(
        id=doc_id or f"gen-{seed}", family=family_spec["name"], supplier=supplier, energy=energy,
        offer_name=offer_name, offer_pricing=pricing, offer_mention=mention, offer_in_catalogue=in_catalogue,
        invoice_number=family_spec["invoice_number"](rng, invoice_date),
        invoice_date=invoice_date, due_date=invoice_date + timedelta(days=rng.choice([10, 14, 15, 20])),
        kind=kind, start=start, end=end, customer=who,
        client_number=family_spec["client_number"](rng), delivery=delivery, energies=[], extra_lines=[],
        payment=rng.choice(["prelevement", "prelevement", "prelevement", "tip", "virement", "cb"]),
        iban=data.fake_iban(rng), planted=planted, seed=seed, sub_daily=family_spec.get("sub_unit") == "jour",
    )
    bill.contract_start = add_months(start, -rng.randint(3, 40)).replace(day=rng.randint(1, 28))
    bill.next_bill = end + timedelta(days=rng.choice([30, 31, 61, 62]) if kind == "facture" else 365)

    # Issues that belong to one energy go to a random energy of a dual bill.
    price_energy = rng.choice(["electricite", "gaz"]) if energy == "dual" else energy
    reading_energy = rng.choice(["electricite", "gaz"]) if energy == "dual" else energy
    if energy in ("electricite", "dual"):
        bill.energies.append(_electricity(rng, bill, option,
                                          above="PRICE_ABOVE_REFERENCE" in planted and price_energy == "electricite",
                                          oversized="POWER_OVERSIZED" in planted,
                                          hphc_bad="HPHC_UNPROFITABLE" in planted,
                                          estimated="ESTIMATED_READING" in planted and reading_energy == "electricite"))
    if energy in ("gaz", "dual"):
        bill.energies.append(_gas(rng, bill, site,
                                  above="PRICE_ABOVE_REFERENCE" in planted and price_energy == "gaz",
                                  estimated="ESTIMATED_READING" in planted and reading_energy == "gaz"))
    _extras(rng, bill)
    _totals(rng, bill)
    bill.distractors = _distractors(rng, bill)
    return bill


def _electricity(rng: random.Random, bill: Bill, option: str, *, above: bool, oversized: bool,
                 hphc_bad: bool, estimated: bool) -> Energy:
    start, end = bill.start, bill.end
    windows = elec_windows(start, end)
    for _ in range(200):
        if oversized:
            kva = rng.choice([12, 15, 18, 30, 36] if option == "tempo" else [12, 15, 18, 24, 30, 36])
            annual = rng.randint(900, min(2450, 200 * kva - 50))
        else:
            kva = rng.choices([3, 6, 9, 12, 15], weights=(8, 45, 30, 12, 5))[0]
            if option != "base" and kva == 3:
                kva = 6
            low = {3: 900, 6: 1800}.get(kva, 480 * kva)
            annual = rng.randint(low, max(low + 500, int(low * 1.9)))
        if option == "base" and kva >= 18 and end >= date(2026, 2, 1):
            continue  # the Base option is withdrawn for residential 18-36 kVA from that day
        refs = [elec_reference(w, option, kva) for w, _ in windows]
        if all(refs):
            break
    else:
        raise RuntimeError("no reference for this option")
    hc_share = rng.uniform(0.05, 0.15) if hphc_bad else rng.uniform(0.38, 0.55)
    period_kwh = _consumption(annual, start, end, SEASON_ELEC)
    annualised = period_kwh * 365 / bill.days
    if not oversized and kva >= 9 and annualised < 460 * kva:
        annual = int(annual * 460 * kva / annualised) + 1  # clean: even the period's pace is ≥ 450 kWh/kVA
        period_kwh = _consumption(annual, start, end, SEASON_ELEC)
    kwh = max(1, round(period_kwh))

    if option == "base":
        split = {"base": 1.0}
    elif option == "hphc":
        split = {"hp": 1 - hc_share, "hc": hc_share}
    else:
        hc = rng.uniform(0.36, 0.46)
        split = {f"tempo_{c}_{p}": share * (hc if p == "hc" else 1 - hc)
                 for c, share in TEMPO_SPLIT.items() for p in ("hc", "hp")}
    registers = _split_int(kwh, split)
    while option == "hphc" and not hphc_bad and registers["hp"] > 0 and registers["hc"] < 0.38 * kwh:
        registers["hp"] -= 1  # integer rounding must not take a clean bill's HC share below 38 %
        registers["hc"] += 1

    # Prices: one price per register for the whole bill (a fixed or indexed offer
    # moves at most once a year); compared with every TRVE movement it overlaps.
    for _ in range(200):
        if above:
            f = rng.uniform(1.28, 1.5)
            s = rng.uniform(1.0, 1.12)
            ref_price = {reg: max(r["prices"][reg] for r in refs) for reg in split}
            ref_sub = max(r["sub_ht"] for r in refs)
        else:
            f = rng.uniform(0.78, 0.93)
            s = rng.uniform(0.88, 0.97)
            ref_price = {reg: min(r["prices"][reg] for r in refs) for reg in split}
            ref_sub = min(r["sub_ht"] for r in refs)
        prices = {reg: round(p * f, 4) for reg, p in ref_price.items()}
        sub_monthly = r2(ref_sub * s / 12)
        gaps, checks = [], []
        for (w, _), ref in zip(windows, refs):
            vat_sub = w["vat_subscription_pct"]
            # The CAR, and the period's own pace: an analyser may annualise either.
            for use in (annual, kwh * 365 / bill.days):
                annual_split = {reg: use * share for reg, share in split.items()}
                mine = annual_ttc(sub_monthly * 12, ref["cta_year"], vat_sub, annual_split, prices, w["accise_eur_per_kwh"])
                theirs = annual_ttc(ref["sub_ht"], ref["cta_year"], vat_sub, annual_split, ref["prices"],
                                    w["accise_eur_per_kwh"])
                checks.append(mine / theirs - 1)
            gaps.append(checks[-2])
        if (above and min(checks) >= 0.15) or (not above and max(checks) <= -0.03):
            break
    else:
        raise RuntimeError("could not price the bill")

    readings = []
    for reg, q in registers.items():
        first = rng.randint(2000, 60000)
        readings.append(Reading(reg, start, end, first, first + q, "reel",
                                "estime" if estimated else "reel", "kWh"))
    if oversized:
        max_power = round(rng.uniform(1.8, max(2.0, kva / 3)), 1)
    else:
        lower = {3: 2.0, 6: 3.0, 9: 6.0, 12: 9.0, 15: 12.0}[kva]
        max_power = round(rng.uniform(lower + 0.3, kva - 0.1), 1)
    e = Energy(
        energy="electricite", point=data.random_digits(rng, 14, first_nonzero=False), meter=data.random_digits(rng, 14),
        annual_kwh=annual, consumption_kwh=kwh, registers=registers, prices=prices, sub_monthly=sub_monthly,
        readings=readings, reading="estime" if estimated else "reel", kva=kva, option=option,
        max_power_kva=max_power,
        turpe_code={"base": "BTINFCUST", "hphc": "BTINFMU4", "tempo": "BTINFMU4"}[option],
    )
    e.history = _history(rng, annual, end, SEASON_ELEC)
    _elec_lines(e, bill, windows)
    ref_avg = {reg: _weighted([(r["prices"][reg], d) for r, (_, d) in zip(refs, windows)]) for reg in split}
    ref_sub_avg = _weighted([(r["sub_ht"], d) for r, (_, d) in zip(refs, windows)])
    accise_avg = _weighted([(w["accise_eur_per_kwh"], d) for w, d in windows])
    head = "tempo_bleu_hp" if option == "tempo" else ("hp" if option == "hphc" else "base")
    ref_ht = ref_avg[head]
    e.meta = {
        "annual_consumption_kwh": annual,
        "subscription_vs_reference_ht": round(sub_monthly * 12 / ref_sub_avg, 3),
        "reference_ttc_eur_kwh": round((ref_ht + accise_avg) * 1.2, 4),
        "reference_ht_eur_kwh": round(ref_ht, 4),
        "price_vs_reference_ht": round(prices[head] / ref_ht, 3),
        "hc_share": round(registers["hc"] / kwh, 3) if option == "hphc" else None,
        "tempo_kwh": {k.removeprefix("tempo_"): v for k, v in registers.items()} if option == "tempo" else None,
        "annual_cost_gap_pct": round(100 * _weighted([(g, d) for g, (_, d) in zip(gaps, windows)]), 1),
        "max_power_reached_kva": max_power,
        "option": option,
    }
    return e


def _split_int(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Integer parts of `total` in the given shares, summing exactly to it."""
    keys = list(shares)
    norm = sum(shares.values())
    out = {k: int(total * shares[k] / norm) for k in keys}
    out[keys[0]] += total - sum(out.values())
    return out


def _subscription_lines(energy: str, label: str, monthly: float, start: date, end: date,
                        cuts: list[date], vat_of, daily: bool = False) -> list[Line]:
    lines = []
    for lo, hi in split_at(start, end, cuts):
        months = None if daily else whole_months(lo, hi)
        if months:
            lines.append(Line(label, energy, "subscription", months, "mois", monthly, r2(months * monthly),
                              vat_of(lo), lo, hi))
        else:
            daily = round(monthly * 12 / 365, 4)
            n = days_between(lo, hi)
            lines.append(Line(label, energy, "subscription", n, "jour", daily, r2(n * daily), vat_of(lo), lo, hi))
    return lines


def _vat_sub(day: date) -> float:
    return 20.0 if day >= VAT_CHANGE else 5.5


def _elec_lines(e: Energy, bill: Bill, windows: list[tuple[dict, int]]) -> None:
    start, end = bill.start, bill.end
    tariffs = data.tariffs()["electricity"]
    label = f"Abonnement {e.kva} kVA"
    e.lines += _subscription_lines("electricite", label, e.sub_monthly, start, end, [VAT_CHANGE], _vat_sub,
                                   bill.sub_daily)
    kind = {"base": "consumption", "hp": "consumption_hp", "hc": "consumption_hc"}
    for reg, q in e.registers.items():
        e.lines.append(Line(_register_label(reg), "electricite", kind.get(reg, "consumption_tempo"), q, "kWh",
                            e.prices[reg], r2(q * e.prices[reg]), 20.0, start, end, register=reg))
    # Accise: one line per rate in force, kWh shared pro rata of days.
    cuts = [date.fromisoformat(row["from"]) for row in tariffs["accise"] if row["from"]]
    parts = split_at(start, end, cuts)
    shares = _split_int(e.consumption_kwh, {f"{lo}": days_between(lo, hi) for lo, hi in parts})
    for lo, hi in parts:
        q = shares[f"{lo}"]
        rate = rate_on(tariffs["accise"], lo)
        e.lines.append(Line("Accise sur l'électricité", "electricite", "accise", q, "kWh", rate, r2(q * rate), 20.0, lo, hi))
    # CTA: a share of the TURPE fixed part, per movement and VAT regime.
    cta_cuts = [VAT_CHANGE] + [date.fromisoformat(w["from"]) for w, _ in windows]
    for lo, hi in split_at(start, end, cta_cuts):
        w = next(w for w, _ in elec_windows(lo, hi))
        ref = elec_reference(w, e.option, e.kva)
        base = r2(ref["cta_year"] / (w["cta_pct"] / 100) * days_between(lo, hi) / 365)
        amount = r2(base * w["cta_pct"] / 100)
        e.lines.append(Line("Contribution Tarifaire d'Acheminement", "electricite", "cta", None, None, None, amount,
                            _vat_sub(lo), lo, hi, detail=f"{w['cta_pct']}|{base}"))


def _register_label(reg: str) -> str:
    if reg == "base":
        return "Consommation Base"
    if reg == "hp":
        return "Consommation Heures Pleines"
    if reg == "hc":
        return "Consommation Heures Creuses"
    _, colour, p = reg.split("_")
    return f"Consommation Tempo {colour.capitalize()} {'Heures Pleines' if p == 'hp' else 'Heures Creuses'}"


def _gas(rng: random.Random, bill: Bill, site: dict, *, above: bool, estimated: bool) -> Energy:
    start, end = bill.start, bill.end
    tariff = rng.choice(["T1", "T2", "T2", "T2"])
    annual = rng.randint(1200, 5600) if tariff == "T1" else rng.randint(6500, 22000)
    season = SEASON_GAS_COOKING if tariff == "T1" else SEASON_GAS_HEATING
    months = gas_months(start, end)
    if site["gas_b"]:
        coefficient = round(rng.uniform(9.9, 10.5), 3)
    else:
        coefficient = round(rng.uniform(11.0, 11.3) - site["altitude"] / 1000 * 0.9, 3)
    if rng.random() < 0.4:
        coefficient = round(coefficient, 2)
    target = _consumption(annual, start, end, season)
    m3 = max(1, round(target / coefficient))
    kwh = round(m3 * coefficient)

    ref_prices = [m[tariff]["kwh_ht"] for m, _ in months]
    ref_subs = [m[tariff]["sub_ht_year"] for m, _ in months]
    accise_avg = _weighted([(m["accise_eur_per_kwh"], d) for m, d in months])
    ref_avg = _weighted([(m[tariff]["kwh_ht"], d) for m, d in months])
    ref_sub_avg = _weighted([(m[tariff]["sub_ht_year"], d) for m, d in months])
    cta_avg = _weighted([(m[tariff]["cta_year"], d) for m, d in months])
    vat_sub = _vat_sub(end)
    annualised = target * 365 / bill.days
    for _ in range(200):
        if above:
            price = round(max(ref_prices) * rng.uniform(1.28, 1.5), 4)
            sub_monthly = r2(max(ref_subs) * rng.uniform(1.0, 1.12) / 12)
        else:
            price = round(min(ref_prices) * rng.uniform(0.8, 0.93), 4)
            sub_monthly = r2(min(ref_subs) * rng.uniform(0.9, 1.0) / 12)
        gaps = []
        for use in (annual, annualised):
            mine = annual_ttc(sub_monthly * 12, cta_avg, vat_sub, {"gaz": use}, {"gaz": price}, accise_avg)
            theirs = annual_ttc(ref_sub_avg, cta_avg, vat_sub, {"gaz": use}, {"gaz": ref_avg}, accise_avg)
            gaps.append(mine / theirs - 1)
        gap = gaps[0]
        if (above and min(gaps) >= 0.15) or (not above and max(gaps) <= -0.03):
            break
    else:
        raise RuntimeError("could not price the gas")
    first = rng.randint(1000, 40000)
    pce = ("GI" + data.random_digits(rng, 6, False)) if rng.random() < 0.2 else data.random_digits(rng, 14, False)
    e = Energy(
        energy="gaz", point=pce, meter=f"{rng.randint(100, 999)}{rng.choice(['', 'A', 'B'])}{rng.randint(10000, 99999)}",
        annual_kwh=annual, consumption_kwh=kwh, registers={"gaz": kwh}, prices={"gaz": price},
        sub_monthly=sub_monthly,
        readings=[Reading("gaz", start, end, first, first + m3, "reel", "estime" if estimated else "reel", "m3")],
        reading="estime" if estimated else "reel", m3=m3, coefficient=coefficient, tariff=tariff,
        zone=rng.randint(1, 6), profile="P011" if tariff == "T1" else rng.choice(["P012", "P013", "P014"]),
    )
    e.history = _history(rng, annual, end, season)
    _gas_lines(e, bill)
    e.meta = {
        "annual_cost_gap_pct": round(100 * gap, 1),
        "annual_consumption_kwh": annual,
        "band": "cuisson_eau_chaude" if tariff == "T1" else "chauffage",
        "reference_ttc_eur_kwh": round((ref_avg + accise_avg) * 1.2, 5),
        "reference_ht_eur_kwh": round(ref_avg, 4),
        "price_vs_reference_ht": round(price / ref_avg, 3),
        "subscription_vs_reference_ht": round(sub_monthly * 12 / ref_sub_avg, 3),
        "tarif": tariff,
    }
    return e


def _gas_lines(e: Energy, bill: Bill) -> None:
    start, end = bill.start, bill.end
    tariffs = data.tariffs()["gas"]
    e.lines += _subscription_lines("gaz", f"Abonnement gaz {e.tariff}", e.sub_monthly, start, end, [VAT_CHANGE],
                                   _vat_sub, bill.sub_daily)
    e.lines.append(Line("Consommation gaz naturel", "gaz", "consumption", e.consumption_kwh, "kWh", e.prices["gaz"],
                        r2(e.consumption_kwh * e.prices["gaz"]), 20.0, start, end, register="gaz"))
    cuts = [date.fromisoformat(row["from"]) for row in tariffs["accise"] if row["from"]]
    parts = split_at(start, end, cuts)
    shares = _split_int(e.consumption_kwh, {f"{lo}": days_between(lo, hi) for lo, hi in parts})
    for lo, hi in parts:
        q = shares[f"{lo}"]
        rate = rate_on(tariffs["accise"], lo)
        e.lines.append(Line("Accise sur les gaz naturels", "gaz", "accise", q, "kWh", rate, r2(q * rate), 20.0, lo, hi))
    for lo, hi in split_at(start, end, [VAT_CHANGE]):
        months = gas_months(lo, hi)
        cta_year = _weighted([(m[e.tariff]["cta_year"], d) for m, d in months])
        base = r2(cta_year / 0.208 * days_between(lo, hi) / 365)
        e.lines.append(Line("Contribution Tarifaire d'Acheminement", "gaz", "cta", None, None, None, r2(base * 0.208),
                            _vat_sub(lo), lo, hi, detail=f"20.8|{base}"))


def _extras(rng: random.Random, bill: Bill) -> None:
    months = None if bill.sub_daily else whole_months(bill.start, bill.end)
    if "PAID_SERVICES" in bill.planted:
        services = data.SERVICES if bill.energy != "electricite" else [s for s in data.SERVICES if "gaz" not in s[0]
                                                                       and "haudière" not in s[0]]
        for label, monthly in rng.sample(services, rng.choice([1, 1, 2])):
            if months:
                bill.extra_lines.append(Line(label, None, "service", months, "mois", monthly, r2(months * monthly),
                                             20.0, bill.start, bill.end))
            else:
                daily = round(monthly * 12 / 365, 4)
                bill.extra_lines.append(Line(label, None, "service", bill.days, "jour", daily, r2(bill.days * daily),
                                             20.0, bill.start, bill.end))
    if "LATE_FEES" in bill.planted:
        label, amount, vat = rng.choice(data.LATE_FEES)
        if amount is None:
            amount = r2(rng.uniform(3.5, 18.0))
        bill.extra_lines.append(Line(label, None, "fee", 1, None, amount, amount, vat))
        bill.previous_balance = r2(rng.uniform(40, 260))


def _totals(rng: random.Random, bill: Bill) -> None:
    lines = bill.lines
    bill.total_ht = r2(sum(line.amount for line in lines))
    bill.vat_breakdown = []
    for rate in sorted({line.vat for line in lines if line.vat}):
        base = r2(sum(line.amount for line in lines if line.vat == rate))
        bill.vat_breakdown.append({"rate_percent": rate, "base_ht_eur": base, "vat_eur": r2(base * rate / 100)})
    bill.total_vat = r2(sum(v["vat_eur"] for v in bill.vat_breakdown))
    bill.total_ttc = r2(bill.total_ht + bill.total_vat)
    bill.printed_ttc = bill.total_ttc
    if "TOTALS_MISMATCH" in bill.planted:
        delta = r2(rng.uniform(3, 45)) * rng.choice([1, -1])
        bill.printed_ttc = r2(bill.total_ttc + delta)
    if bill.kind == "regularisation":
        n = rng.choice([10, 11])
        per = float(round(bill.total_ttc / n * rng.uniform(0.85, 1.12)))
        per = max(per, 5.0)
        bill.instalments = [(add_months(bill.start, i + 1).replace(day=rng.choice([5, 10])), per) for i in range(n)]
        bill.already_paid = r2(n * per)
    elif rng.random() < 0.08 and not bill.previous_balance:
        bill.previous_balance = r2(rng.uniform(15, 120))
    bill.amount_due = r2(bill.printed_ttc - bill.already_paid + bill.previous_balance)
    if rng.random() < 0.5:
        bill.previous_invoice = (bill.invoice_number[:-3] + f"{rng.randint(0, 999):03d}",
                                 bill.start - timedelta(days=rng.randint(3, 20)), r2(rng.uniform(40, 400)))


def _distractors(rng: random.Random, bill: Bill) -> list[str]:
    out = ["siret_footer"]
    for name, p in (("meter_number", 0.8), ("iban", 0.5), ("history_chart", 0.6), ("legal_penalties", 0.6),
                    ("insurance_ad", 0.35), ("estimated_legend", 0.6), ("turpe_formula", 0.4),
                    ("max_power", 0.5), ("instalment_schedule", 0.3)):
        if rng.random() < p:
            out.append(name)
    if bill.energy == "gaz":
        out = [d for d in out if d not in ("max_power", "turpe_formula")]
    return out


# ---------------------------------------------------------------- ground truth

def customer_name(bill: Bill) -> str:
    return f"{bill.customer['first']} {bill.customer['last']}"


def postal_address(addr: dict) -> str:
    parts = [addr["complement"]] if addr.get("complement") else []
    parts.append(f"{addr['number']} {addr['street']}")
    parts.append(f"{addr['postcode']} {addr['city']}")
    return ", ".join(parts)


def ground_truth(bill: Bill, *, fmt: str, files: list[str], pages: int, printed: dict,
                 degrade_meta: dict | None = None) -> dict:
    """The JSON of tests/corpus/dev for this bill.

    `printed` says how the family printed things: `total_ht` (bool),
    `client_number` / `point` spellings (spaced variants), `brand` spellings.
    """
    elec, gas = bill.energy_block("electricite"), bill.energy_block("gaz")
    truth = {
        "id": bill.id,
        "energy": bill.energy,
        "supplier": bill.supplier,
        # The client's truth leaves a bracketed qualifier out of the offer's
        # name (dev-003 prints « Vert Électrique (prix fixe) », its truth is
        # « Vert Électrique »): the same convention here.
        "offer_name": re.sub(r"\s*\([^()]*\)$", "", bill.offer_name),
        "offer_pricing": bill.offer_pricing,
        "invoice_number": bill.invoice_number,
        "invoice_date": bill.invoice_date.isoformat(),
        "invoice_kind": bill.kind,
        "period": {"start": bill.start.isoformat(), "end": bill.end.isoformat(), "days": bill.days},
        "customer": {"name": customer_name(bill), "address": postal_address(bill.customer),
                     "client_number": bill.client_number},
        "total_ttc_eur": bill.printed_ttc,
        "total_ht_eur": bill.total_ht if printed.get("total_ht", True) else None,
        "electricity": None,
        "gas": None,
        "pages": pages,
        "planted_issues": list(bill.planted),
        "format": fmt,
        "family": bill.family,
        "files": files,
    }
    if elec:
        hphc = elec.option == "hphc"
        head = {"base": "base", "hphc": "hp"}.get(elec.option)
        truth["electricity"] = {
            "pdl": elec.point,
            "subscribed_power_kva": elec.kva,
            "tariff_option": elec.option,
            "consumption_kwh": elec.consumption_kwh,
            "consumption_hp_kwh": elec.registers["hp"] if hphc else None,
            "consumption_hc_kwh": elec.registers["hc"] if hphc else None,
            # Tempo has six prices: no single "kWh price" is stated.
            "unit_price_kwh_ht_eur": elec.prices[head] if head else None,
            "unit_price_hc_kwh_ht_eur": elec.prices["hc"] if hphc else None,
            "subscription_eur": elec.subscription_eur,
            "reading": elec.reading,
            "amount_ttc_eur": bill.energy_ttc("electricite"),
        }
    if gas:
        truth["gas"] = {
            "pce": gas.point,
            "consumption_kwh": gas.consumption_kwh,
            "consumption_m3": gas.m3,
            "conversion_coefficient": gas.coefficient,
            "unit_price_kwh_ht_eur": gas.prices["gaz"],
            "subscription_eur": gas.subscription_eur,
            "reading": gas.reading,
            "amount_ttc_eur": bill.energy_ttc("gaz"),
        }
    truth["sensitive_strings"], truth["sensitive_identifiers"] = _sensitive(bill, printed)
    meta = dict(degrade_meta or {})
    windows = elec_windows(bill.start, bill.end)
    meta.update({
        "generator": "tests.generator",
        "seed": bill.seed,
        "tariff_window": " puis ".join(_window_label(w) for w, _ in windows),
        "payment": bill.payment,
        "amount_due_eur": bill.amount_due,
        "already_paid_eur": bill.already_paid,
        "previous_balance_eur": bill.previous_balance,
        "total_ttc_computed_eur": bill.total_ttc,
        "total_vat_eur": bill.total_vat,
        "vat_breakdown": bill.vat_breakdown,
        "distractor": list(bill.distractors),
        "offer_mentions": [bill.offer_mention],
        "offer_in_market_catalogue": bill.offer_in_catalogue,
        "delivery_address": postal_address(bill.delivery) if bill.delivery else None,
        "lines": [dict(line.as_dict(), page=printed.get("lines_page")) for line in bill.lines],
    })
    if elec:
        meta["electricity"] = dict(elec.meta, readings=[r.as_dict() for r in elec.readings], meter_number=elec.meter)
    if gas:
        meta["gas"] = dict(gas.meta, readings=[r.as_dict() for r in gas.readings], zone=gas.zone, meter_number=gas.meter)
    truth["_meta"] = meta
    return truth


_MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]


def _window_label(w: dict) -> str:
    d = date.fromisoformat(w["from"])
    return f"TRVE en vigueur au 1er {_MONTHS_FR[d.month - 1]} {d.year}"


def _sensitive(bill: Bill, printed: dict) -> tuple[list[str], list[str]]:
    sup = data.SUPPLIERS[bill.supplier]
    strings: list[str] = []

    def add(*values):
        for v in values:
            if v and v not in strings:
                strings.append(v)

    add(*sup["spellings"], sup["display"], sup["legal"], *sup["domains"])
    c = bill.customer
    add(f"{c['first']} {c['last']}", f"{c['last']} {c['first']}", c["last"])
    for addr in filter(None, [c, bill.delivery]):
        add(f"{addr['number']} {addr['street']}", addr["street"], f"{addr['postcode']} {addr['city']}")
    identifiers: list[str] = []
    for ident in [bill.client_number, *printed.get("client_number_spellings", []), bill.invoice_number,
                  *[x for e in bill.energies for x in (e.point, *printed.get("point_spellings", {}).get(e.point, []))]]:
        if ident and ident not in identifiers:
            identifiers.append(ident)
    add(*identifiers)
    return strings, identifiers
