"""The customer's own prices, read from the billed lines of one energy.

Everything is HT: kWh prices per register (base, hp, hc, tempo colours),
the accise per kWh, the subscription and the CTA per year, plus the VAT
rates the bill applies. When lines are missing, the summary fields of the
`electricity`/`gas` block are used; the accise falls back to the legal rate
of the period (a fact, not a guess); anything else unknown stays None.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .annualise import Period, billed_period
from .marketdata import ReferenceData, parse_date
from .rules import value

KWH_UNITS = ("kwh", "")
VAT_RATES = (5.5, 20.0)  # the only rates on French energy bills (CGI art. 278-0 bis B)


def _num(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def fold(text: str | None) -> str:
    """Lower case without accents, for vocabulary matching."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def lines_of(analysis: dict, energy: str) -> list[dict]:
    """Billed lines of one energy. On a single-energy bill, untagged lines
    belong to it; on a dual bill they are ambiguous and left out."""
    lines = [line for line in analysis.get("lines") or [] if isinstance(line, dict)]
    if analysis.get("energy") == "dual":
        return [line for line in lines if line.get("energy") == energy]
    return [line for line in lines if line.get("energy") in (energy, None)]


_TEMPO_COLOUR = re.compile(r"\b(bleu|blanc|rouge)s?\b")
_TEMPO_HC = re.compile(r"\b(hc|heures? creuses?)\b")
_TEMPO_HP = re.compile(r"\b(hp|heures? pleines?)\b")


def tempo_register(label: str | None) -> str | None:
    text = fold(label)
    colour = _TEMPO_COLOUR.search(text)
    if not colour:
        return None
    if _TEMPO_HC.search(text):
        return f"{colour.group(1)}_hc"
    if _TEMPO_HP.search(text):
        return f"{colour.group(1)}_hp"
    return None


@dataclass
class BillPrices:
    energy: str
    option: str | None
    kva: int | None
    price_ht: dict = field(default_factory=dict)  # register -> €/kWh HT
    billed_kwh: dict = field(default_factory=dict)  # register -> kWh on the bill
    accise: float | None = None  # €/kWh HT
    accise_from_bill: bool = False
    discount_per_kwh: float = 0.0
    subscription_ht_year: float | None = None
    cta_year: float | None = None
    cta_known: bool = False
    cta_usable: bool = True  # False when a CTA line was read but is incoherent
    kva_suspect: bool = False  # the power read disagrees with the subscription billed
    vat_subscription_pct: float | None = None
    vat_energy_pct: float | None = None
    warnings: list = field(default_factory=list)

    @property
    def registers(self) -> list[str]:
        return list(self.price_ht)

    def shares(self) -> dict | None:
        """Share of each register in the billed kWh; None when a register's
        kWh or price is unknown (a register is never silently dropped)."""
        registers = set(self.price_ht) | set(self.billed_kwh)
        if not registers or any(reg not in self.price_ht for reg in registers):
            return None
        if len(registers) == 1:
            return {registers.pop(): 1.0}
        kwh = {reg: self.billed_kwh.get(reg) for reg in registers}
        if any(v is None for v in kwh.values()) or sum(kwh.values()) <= 0:
            return None
        total = sum(kwh.values())
        return {reg: v / total for reg, v in sorted(kwh.items())}

    def kwh_ttc(self, register: str) -> float | None:
        if register not in self.price_ht or self.accise is None or self.vat_energy_pct is None:
            return None
        return (self.price_ht[register] + self.accise + self.discount_per_kwh) * (1 + self.vat_energy_pct / 100)

    @property
    def subscription_ttc_year(self) -> float | None:
        if self.subscription_ht_year is None or self.vat_subscription_pct is None or not self.cta_usable:
            return None
        return (self.subscription_ht_year + (self.cta_year or 0.0)) * (1 + self.vat_subscription_pct / 100)

    def annual_cost(self, annual_kwh: float | None) -> float | None:
        shares = self.shares()
        sub = self.subscription_ttc_year
        if annual_kwh is None or shares is None or sub is None:
            return None
        total = sub
        for reg, share in shares.items():
            price = self.kwh_ttc(reg)
            if price is None:
                return None
            total += annual_kwh * share * price
        return total


def _bounds(kind: str, energy: str | None = None) -> tuple[float, float]:
    bounds = value("plausible_values", kind)
    return tuple(bounds[energy] if isinstance(bounds, dict) else bounds)


def _plausible(price: float | None, bounds: tuple[float, float]) -> float | None:
    return price if price is not None and bounds[0] <= price <= bounds[1] else None


def lines_gap(analysis: dict) -> float | None:
    """The printed HT total less the lines' amounts (None when either is
    unknown), or 0 when they agree within rounding."""
    lines, total_ht = analysis["lines"], analysis["total_ht_eur"]
    amounts = [line["amount_ht_eur"] for line in lines]
    if not lines or total_ht is None or any(amount is None for amount in amounts):
        return None
    gap = total_ht - sum(amounts)
    return 0.0 if abs(gap) <= max(0.05, 0.005 * abs(total_ht)) else gap


def _amounts_overshoot(analysis: dict) -> bool:
    """OCR'd lines that add up to more than the printed HT total: an amount
    was read too large, and which one only a line's unit price can tell."""
    gap = lines_gap(analysis)
    return analysis["ocr_used"] and gap is not None and gap < 0


def _line_price(line: dict, bounds: tuple[float, float], *,
                amount_alone: bool = True) -> tuple[float | None, float | None]:
    """(€/kWh, kWh) of one line. Quantity × unit price must agree with the
    amount; when they disagree, or a figure is out of all plausible range,
    a figure was misread and the line gives no price. Without `amount_alone`,
    an amount without a unit price to agree with gives none either."""
    qty = _num(line.get("quantity"))
    if qty is None or qty < 0 or fold(line.get("unit")) not in KWH_UNITS:
        return None, None
    if qty == 0:
        return None, 0.0  # nothing consumed on this line (e.g. no red Tempo day)
    amount, unit_price = _num(line.get("amount_ht_eur")), _num(line.get("unit_price_ht_eur"))
    by_amount = _plausible(amount / qty if amount is not None else None, bounds)
    by_unit = _plausible(unit_price, bounds)
    if by_unit is None and not amount_alone:
        return None, qty
    if by_amount is not None and by_unit is not None:
        if abs(by_amount - by_unit) > value("plausible_values", "line_agreement") * by_unit + 0.00006:
            return None, qty
        return by_amount, qty
    return (by_amount if by_amount is not None else by_unit), qty


def _weighted_price(lines: list[dict], bounds: tuple[float, float], *,
                    amount_alone: bool = True) -> tuple[float | None, float | None]:
    """(€/kWh weighted by kWh, total kWh) over lines. The price is None when
    a line is unusable; the kWh are still counted when every line has them."""
    qty_total, amount_total, priced = 0.0, 0.0, True
    for line in lines:
        price, qty = _line_price(line, bounds, amount_alone=amount_alone)
        if qty is None:
            return None, None
        if qty == 0:
            continue
        qty_total += qty
        if price is None:
            priced = False
        else:
            amount_total += price * qty
    if qty_total <= 0:
        return None, 0.0 if lines else None
    return (amount_total / qty_total if priced else None), qty_total


_KVA = re.compile(r"(?<![\d,.])(\d{1,2})(?:[,.]0)?\s*k+\s*v\s*a\b")


def _kva_in(label: str | None) -> int | None:
    """The power printed in a subscription label ("Abonnement 6 kVA")."""
    m = _KVA.search(fold(label))
    return int(m.group(1)) if m else None


def _years(line: dict, bill_period: Period | None, single: bool) -> float | None:
    """How much time a subscription line covers, in years."""
    qty = _num(line.get("quantity"))
    unit = fold(line.get("unit"))
    if qty is not None and qty > 0:
        if unit == "mois":
            return qty / 12
        if unit == "jour":
            return qty / 365
        if unit == "an":
            return qty
    period = billed_period(line.get("period_start"), line.get("period_end"))
    if period is not None:
        return period.days / 365
    if single and bill_period is not None:
        return bill_period.days / 365
    return None


def read_prices(analysis: dict, energy: str, period: Period | None, ref: ReferenceData) -> BillPrices:
    block = (analysis.get("electricity") if energy == "electricite" else analysis.get("gas")) or {}
    lines = lines_of(analysis, energy)
    option = block.get("tariff_option") if energy == "electricite" else "gaz"
    kva = _num(block.get("subscribed_power_kva")) if energy == "electricite" else None
    prices = BillPrices(energy, option, int(kva) if kva is not None and kva.is_integer() and kva > 0 else None)

    bounds = _bounds("kwh_price_ht_eur", energy)
    amount_alone = not _amounts_overshoot(analysis)
    by_kind: dict[str, list] = {}
    for line in lines:
        by_kind.setdefault(line.get("kind") or "other", []).append(line)
    stated = {kva for line in by_kind.get("subscription", []) if (kva := _kva_in(line.get("label"))) is not None}
    if prices.kva is not None and stated and prices.kva not in stated:
        prices.kva_suspect = True
        prices.warnings.append(f"Puissance souscrite incohérente : {prices.kva} kVA lus, "
                               f"{', '.join(f'{k} kVA' for k in sorted(stated))} sur la ligne d'abonnement. "
                               "Les comparaisons qui dépendent de la puissance ne sont pas faites.")

    # Energy registers.
    if energy == "electricite" and (by_kind.get("consumption_hp") or by_kind.get("consumption_hc")):
        if option in (None, "hphc"):
            prices.option = option = "hphc"
    if energy == "electricite" and by_kind.get("consumption_tempo") and option in (None, "tempo"):
        prices.option = option = "tempo"
    if option == "hphc":
        for reg, kind, field_price, field_kwh in (
            ("hp", "consumption_hp", "unit_price_kwh_ht_eur", "consumption_hp_kwh"),
            ("hc", "consumption_hc", "unit_price_hc_kwh_ht_eur", "consumption_hc_kwh"),
        ):
            price, kwh = _weighted_price(by_kind[kind], bounds, amount_alone=amount_alone) if by_kind.get(kind) \
                else (None, None)
            if price is None:  # no usable line: the summary field, if plausible
                price = _plausible(_num(block.get(field_price)), bounds)
            if _num(block.get(field_kwh)) is not None:
                kwh = _num(block.get(field_kwh))
            if price is not None:
                prices.price_ht[reg] = price
            if price is not None or kwh:
                prices.billed_kwh[reg] = kwh
    elif option == "tempo":
        groups: dict[str, list] = {}
        for line in by_kind.get("consumption_tempo", []):
            reg = tempo_register(line.get("label"))
            if reg is None:
                groups = {}
                break
            groups.setdefault(reg, []).append(line)
        for reg, group in groups.items():
            price, kwh = _weighted_price(group, _bounds("kwh_price_ht_eur", "tempo_rouge_hp") if reg == "rouge_hp"
                                         else bounds, amount_alone=amount_alone)
            if kwh == 0:
                continue  # no day of that colour in the period
            if price is None:
                prices.price_ht.clear()
                prices.billed_kwh.clear()
                break
            prices.price_ht[reg] = price
            prices.billed_kwh[reg] = kwh
        if not prices.price_ht:
            prices.warnings.append("Option Tempo : la répartition des kWh et des prix par couleur de jour n'a pas pu être lue, "
                                   "le coût annuel n'est pas calculé.")
    elif option in ("base", "gaz", None):
        group = by_kind.get("consumption", [])
        price, kwh = _weighted_price(group, bounds, amount_alone=amount_alone) if group else (None, None)
        if price is None:
            price = _plausible(_num(block.get("unit_price_kwh_ht_eur")), bounds)
        if kwh is None:
            kwh = _num(block.get("consumption_kwh"))
        if price is not None:
            reg = "base"
            prices.price_ht[reg] = price
            prices.billed_kwh[reg] = kwh
            if option is None and energy == "electricite":
                prices.option = "base"  # a single kWh price on the bill is the Base structure
    if prices.option == "ejp":
        prices.price_ht.clear()
        prices.warnings.append("Option EJP : non comparée (les jours de pointe mobile ne figurent pas sur la facture).")

    # Discounts stated per kWh lower every register's price.
    kwh_total = sum(v for v in prices.billed_kwh.values() if v) or None
    for line in by_kind.get("discount", []):
        amount = _num(line.get("amount_ht_eur"))
        if amount is None:
            continue
        if fold(line.get("unit")) == "kwh" and kwh_total:
            prices.discount_per_kwh += -abs(amount) / kwh_total
        else:
            prices.warnings.append(f"Remise « {line.get('label') or 'sans libellé'} » non prise en compte dans le coût annuel "
                                   "(montant forfaitaire, pas un prix par kWh).")

    # Accise.
    accise_lines = by_kind.get("accise", [])
    accise, _ = _weighted_price(accise_lines, _bounds("accise_eur_per_kwh")) if accise_lines else (None, None)
    if accise is not None:
        prices.accise, prices.accise_from_bill = accise, True
    elif period is not None:
        rates = [ref.accise_on(energy, day) for day in period.each_day()]
        if all(rates):
            prices.accise = sum(r.value for r in rates) / len(rates)

    # Subscription, per year.
    subs = by_kind.get("subscription", [])
    amount_total, years_total = 0.0, 0.0
    for line in subs:
        amount = _num(line.get("amount_ht_eur"))
        years = _years(line, period, single=len(subs) == 1)
        qty, unit_price = _num(line.get("quantity")), _num(line.get("unit_price_ht_eur"))
        if amount is None and years is not None and unit_price is not None:
            amount = unit_price * (qty or 0)
        elif amount is not None and qty and unit_price is not None and \
                abs(qty * unit_price - amount) > max(0.02, value("plausible_values", "line_agreement") * abs(amount)):
            amount = None  # quantity × price ≠ amount: one of them was misread
        if amount is None or years is None or years <= 0:
            amount_total = years_total = 0.0
            break
        amount_total += amount
        years_total += years
    sub_bounds = _bounds("subscription_ht_eur_per_year")
    if years_total > 0:
        prices.subscription_ht_year = _plausible(amount_total / years_total, sub_bounds)
    elif not subs and _num(block.get("subscription_eur")) is not None and period is not None:
        prices.subscription_ht_year = _plausible(_num(block.get("subscription_eur")) * 365 / period.days, sub_bounds)

    # CTA: it is a share of the subscription's network part, so it covers the
    # same time as the subscription.
    cta_lines = by_kind.get("cta", [])
    if cta_lines:
        amounts = [_num(line.get("amount_ht_eur")) for line in cta_lines]
        if all(a is not None for a in amounts):
            years = years_total or (period.days / 365 if period else None)
            if years:
                cta_year = sum(amounts) / years
                # The CTA is a share of the network part of the subscription:
                # more than the subscription itself is a misread figure.
                low, high = _bounds("cta_eur_per_year")
                if low <= cta_year <= high and (prices.subscription_ht_year is None or cta_year <= prices.subscription_ht_year):
                    prices.cta_year, prices.cta_known = cta_year, True
                else:
                    prices.cta_usable = False
                    prices.warnings.append(f"Montant de CTA {'électricité' if energy == 'electricite' else 'gaz'} "
                                           "incohérent (lecture douteuse) : coût annuel non calculé.")
    elif lines:
        prices.cta_year, prices.cta_known = 0.0, True  # billed lines without CTA: none billed separately
    else:
        prices.warnings.append("Lignes de la facture non détaillées : la CTA n'est pas comptée dans le coût annuel.")

    # VAT rates as billed, else the legal rates of the billed days.
    prices.vat_subscription_pct = _billed_vat(subs + cta_lines)
    if prices.vat_subscription_pct is None and period is not None:
        rates = [ref.vat_subscription_pct(day) for day in period.each_day()]
        prices.vat_subscription_pct = sum(rates) / len(rates)
    energy_lines = [line for kind in ("consumption", "consumption_hp", "consumption_hc", "consumption_tempo")
                    for line in by_kind.get(kind, [])]
    prices.vat_energy_pct = _billed_vat(energy_lines) or ref.vat_normal
    return prices


def _billed_vat(lines: list[dict]) -> float | None:
    """Amount-weighted VAT rate printed on the lines (None if any is missing)."""
    total, weighted = 0.0, 0.0
    for line in lines:
        rate, amount = _num(line.get("vat_rate_percent")), _num(line.get("amount_ht_eur"))
        if rate is None or amount is None or rate not in VAT_RATES:
            return None  # a rate that is not a French VAT rate was misread: the legal one applies
        total += abs(amount)
        weighted += abs(amount) * rate
    return weighted / total if total > 0 else None


def line_period(line: dict):
    return parse_date(line.get("period_start")), parse_date(line.get("period_end"))
