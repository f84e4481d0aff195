"""Hidden issues ("vices cachés"): one function per rule.

A rule fires only on clear evidence from what the bill bills or states about
itself: billed `lines`, reading natures, offer facts, printed totals, and
the figures computed from them. Free text (legal notices, legends,
advertisements) never counts. Each issue carries a French title, a plain
explanation (`detail`), what to do (`action`), what on the bill shows it
(`evidence`), a severity and, where one can be computed, a yearly impact.
Thresholds are data (assets/rules/analysis_rules.json), with their sources.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from . import fmt
from .billprices import fold, line_period, lines_of
from .compare import OPTION_LABEL, EnergyComparison, trve_reference
from .marketdata import ReferenceData, parse_date
from .rules import issued_implausibly_late, rule, value

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
ENERGY_LABEL = {"electricite": "électricité", "gaz": "gaz"}


@dataclass
class Context:
    analysis: dict
    comparisons: dict  # energy -> EnergyComparison
    ref: ReferenceData


def _num(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _issue(code, severity, title, detail, action, evidence, impact=None, energy=None) -> dict:
    return {
        "code": code,
        "severity": severity,
        "title": title,
        "detail": detail,
        "action": action,
        "evidence": evidence,
        "estimated_impact_eur_per_year": None if impact is None else round(impact, 2),
        "energy": energy,
    }


def _matches(text: str | None, keywords: list[str]) -> bool:
    folded = fold(text)
    return any(re.search(r"(?<![a-z])" + re.escape(fold(k)), folded) for k in keywords)


def _untaxed_lines(analysis: dict) -> float:
    """HT amount of billed lines outside the scope of VAT (penalties, fees
    printed without a rate): in the HT total, in no VAT base."""
    total = 0.0
    for line in analysis.get("lines") or []:
        if isinstance(line, dict) and line.get("kind") in ("fee", "other") and not _num(line.get("vat_rate_percent")):
            total += _num(line.get("amount_ht_eur")) or 0.0
    return total


def _line_rates_agree(analysis: dict) -> bool:
    """The VAT rates read on the lines are trusted when, rate by rate, the
    lines add up to the bases of the printed VAT breakdown (a rate read in
    the wrong column would break the sums). Without a breakdown, the lines
    are all there is."""
    rows = [b for b in analysis.get("vat_breakdown") or []
            if _num(b.get("rate_percent")) is not None and _num(b.get("base_ht_eur")) is not None]
    if not rows:
        return True
    tol = rule("VAT_ANOMALY", "vat_amount_tolerance_eur")
    sums: dict = {}
    for line in analysis.get("lines") or []:
        rate, amount = _num(line.get("vat_rate_percent")), _num(line.get("amount_ht_eur"))
        if rate and amount is not None:
            sums[rate] = sums.get(rate, 0.0) + amount
    bases = {}
    for row in rows:
        bases[row["rate_percent"]] = bases.get(row["rate_percent"], 0.0) + row["base_ht_eur"]
    if set(sums) != set(bases):
        return False
    return all(abs(sums[r] - bases[r]) <= max(tol, 0.005 * abs(bases[r])) for r in bases)


def _vat_from_bases(breakdown: list[dict]) -> float | None:
    """Σ base × rate of the VAT breakdown, each rounded to the cent."""
    rows = [(_num(b.get("base_ht_eur")), _num(b.get("rate_percent"))) for b in breakdown]
    if not rows or any(base is None or rate is None for base, rate in rows):
        return None
    return sum(round(base * rate / 100, 2) for base, rate in rows)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _line_text(line: dict) -> str:
    return f"« {line.get('label') or 'ligne sans libellé'} »"


# ---------------------------------------------------------------------------
# PRICE_ABOVE_REFERENCE
# ---------------------------------------------------------------------------


def _kwh_prices(c: EnergyComparison) -> tuple[float | None, float | None]:
    """(customer, reference) kWh price TTC, weighted by the billed split."""
    shares = c.prices.shares()
    if shares is None and c.prices.registers:
        shares = {c.prices.registers[0]: 1.0}  # split unknown: the main register (base or HP)
    if c.reference is not None:
        ref_prices = c.reference.kwh_ttc if c.reference.kind == "trve" else {reg: c.reference.kwh_ttc["base"] for reg in shares or {}}
    else:
        ref_prices = c.kwh_reference  # power unknown: the TRVE kWh prices hardly depend on it
    if not shares or not ref_prices:
        return None, None
    customer = reference = 0.0
    for reg, share in shares.items():
        mine = c.prices.kwh_ttc(reg)
        theirs = ref_prices.get(reg)
        if mine is None or theirs is None:
            return None, None
        customer += share * mine
        reference += share * theirs
    return customer, reference


def price_above_reference(ctx: Context) -> list[dict]:
    if ctx.analysis.get("offer_pricing") == "reglemente":
        return []  # the customer pays the reference itself
    issues = []
    for energy, c in ctx.comparisons.items():
        if c.reference is None and c.kwh_reference is None:
            continue
        kwh_mine, kwh_ref = _kwh_prices(c)
        if kwh_mine is None or not kwh_ref:
            continue  # the kWh price is the evidence: without it, no verdict
        if kwh_mine > kwh_ref * rule("PRICE_ABOVE_REFERENCE", "kwh_misread_ratio"):
            continue  # more than twice the reference: a misread figure, not a price
        above = (kwh_mine / kwh_ref - 1) * 100
        gap = c.reference_gap_percent
        clear_price = above >= rule("PRICE_ABOVE_REFERENCE", "kwh_only_above_percent")
        dearer_year = gap is not None and gap > rule("PRICE_ABOVE_REFERENCE", "medium_above_percent") and above > 0
        if not (clear_price or dearer_year):
            continue
        ref_name = "tarif réglementé (TRVE) de même option et puissance" if energy == "electricite" else \
            "prix repère de la CRE pour votre tranche de consommation"
        short = "au tarif réglementé" if energy == "electricite" else "au prix repère CRE"
        versus = f"contre {fmt.price(kwh_ref)} TTC {short} ({'+' if above >= 0 else ''}{fmt.percent(above)})"
        if len(c.prices.registers) == 1:
            evidence = [f"Prix du kWh facturé : {fmt.price(c.prices.price_ht[c.prices.registers[0]])} HT, soit "
                        f"{fmt.price(kwh_mine)} accise et TVA comprises, {versus}"]
        else:
            evidence = [f"Prix moyen du kWh facturé, accise et TVA comprises : {fmt.price(kwh_mine)}, {versus}"]
        severity = "high" if gap is not None and gap > rule("PRICE_ABOVE_REFERENCE", "high_above_percent") else "medium"
        impact = None
        if gap is not None and gap > 0:
            impact = c.customer_cost - c.reference_cost
            evidence.append(f"coût annuel estimé {fmt.eur(c.customer_cost, 0)} TTC contre {fmt.eur(c.reference_cost, 0)} {short}")
            detail = (f"Sur un an, votre contrat {ENERGY_LABEL[energy]} coûterait environ {fmt.eur(c.customer_cost, 0)} TTC, "
                      f"soit {fmt.percent(gap)} de plus que le {ref_name} ({fmt.eur(c.reference_cost, 0)}), "
                      f"pour la même consommation ({fmt.kwh(c.annual.kwh)} par an).")
        else:
            detail = (f"Le prix du kWh de votre contrat {ENERGY_LABEL[energy]} dépasse de {fmt.percent(above)} celui du "
                      f"{ref_name} en vigueur sur la période facturée.")
        issues.append(_issue(
            "PRICE_ABOVE_REFERENCE", severity,
            "Prix de l'électricité supérieur au tarif réglementé" if energy == "electricite"
            else "Prix du gaz supérieur au prix repère",
            detail,
            "Comparez les offres du marché et changez d'offre ou de fournisseur : le changement est gratuit, sans coupure "
            "ni intervention sur le compteur. Vous pouvez aussi demander à votre fournisseur une offre moins chère.",
            " ; ".join(evidence) + ".", impact, energy))
    return issues


# ---------------------------------------------------------------------------
# POWER_OVERSIZED
# ---------------------------------------------------------------------------


def _trve_subscription(ctx: Context, c: EnergyComparison, kva: int) -> float | None:
    option = c.prices.option if c.prices.option in OPTION_LABEL else "base"
    reference, _ = trve_reference(ctx.ref, option, kva, c.period)
    return reference.subscription_ttc if reference else None


def power_oversized(ctx: Context) -> list[dict]:
    c = ctx.comparisons.get("electricite")
    if c is None or c.prices.kva is None or c.prices.kva_suspect:
        return []
    kva = c.prices.kva
    steps = rule("POWER_OVERSIZED", "standard_kva")
    lower = max((s for s in steps if s < kva), default=None)
    if lower is None:
        return []
    block = ctx.analysis.get("electricity") or {}
    max_power = _num(block.get("max_power_reached_kva"))
    annual = c.annual.kwh
    if max_power is not None:
        if max_power >= lower:
            return []  # the meter shows the power is used: no heuristic on top
        severity = "medium"
        evidence = (f"Puissance maximale atteinte indiquée sur la facture : {fmt.number(max_power, 1)} kVA, "
                    f"pour {kva} kVA souscrits.")
        detail = (f"Votre compteur n'a jamais dépassé {fmt.number(max_power, 1)} kVA alors que vous payez un abonnement "
                  f"de {kva} kVA : une puissance de {lower} kVA suffirait.")
    else:
        if kva < rule("POWER_OVERSIZED", "min_kva") or annual is None:
            return []
        if c.annual.method == "car" and ctx.analysis.get("ocr_used") and not c.annual.corroborated:
            return []  # one misread digit of an OCR-read yearly reference, nothing to check it against
        ratio = annual / kva
        short = c.annual.method == "profil" and c.period is not None and \
            c.period.days < value("annualisation", "short_period_days")
        limit = rule("POWER_OVERSIZED", "short_period_below_kwh_per_kva") if short else \
            rule("POWER_OVERSIZED", "low_below_kwh_per_kva")
        if ratio >= limit:
            return []
        severity = "medium" if ratio < rule("POWER_OVERSIZED", "medium_below_kwh_per_kva") else "low"
        source = "consommation annuelle de référence imprimée" if c.annual.method == "car" else \
            "consommation facturée ramenée à l'année"
        evidence = (f"{kva} kVA souscrits pour environ {fmt.kwh(annual)} par an ({source}), "
                    f"soit {fmt.number(ratio)} kWh par kVA.")
        detail = (f"Avec environ {fmt.kwh(annual)} par an pour {kva} kVA souscrits, la puissance paraît nettement "
                  f"supérieure à vos besoins : un abonnement moins puissant coûterait moins cher.")
    impact = None
    current, smaller = _trve_subscription(ctx, c, kva), _trve_subscription(ctx, c, lower)
    if current is not None and smaller is not None and current > smaller:
        impact = current - smaller
        detail += (f" Passer de {kva} à {lower} kVA économiserait environ {fmt.eur(impact, 0)} par an d'abonnement "
                   "(au tarif réglementé).")
    return [_issue(
        "POWER_OVERSIZED", severity, "Puissance souscrite probablement trop élevée", detail,
        "Vérifiez la puissance maximale atteinte sur votre compteur Linky ou dans votre espace client Enedis, puis "
        f"demandez à votre fournisseur de baisser la puissance souscrite (par exemple à {lower} kVA) ; "
        "la modification est en général gratuite si elle est faite à distance.",
        evidence, impact, "electricite")]


# ---------------------------------------------------------------------------
# HPHC_UNPROFITABLE
# ---------------------------------------------------------------------------


def hphc_unprofitable(ctx: Context) -> list[dict]:
    c = ctx.comparisons.get("electricite")
    if c is None or c.prices.option != "hphc" or c.period is None:
        return []
    hp, hc = c.prices.billed_kwh.get("hp"), c.prices.billed_kwh.get("hc")
    if not hp or hc is None or hp + hc <= 0:
        return []
    share = hc / (hp + hc)
    annual = c.annual.kwh
    hphc_ref = c.reference if c.reference and c.reference.kind == "trve" else None
    base_ref, _ = (None, None) if c.prices.kva_suspect else trve_reference(ctx.ref, "base", c.prices.kva, c.period)
    breakeven, basis = None, None
    if hphc_ref and base_ref and annual:
        p_hp, p_hc, p_base = hphc_ref.kwh_ttc["hp"], hphc_ref.kwh_ttc["hc"], base_ref.kwh_ttc["base"]
        delta = hphc_ref.subscription_ttc - base_ref.subscription_ttc
        if p_hp > p_hc:
            low, high = rule("HPHC_UNPROFITABLE", "breakeven_bounds")
            breakeven = min(max((p_hp - p_base + delta / annual) / (p_hp - p_hc), low), high)
            basis = "au tarif réglementé en vigueur, pour votre consommation et votre puissance"
    if breakeven is None:
        # CRE's published break-even of the TRVE (31 %, 26 % from February 2026).
        breakeven = 0.26 if c.period.end >= date(2026, 2, 1) else 0.31
        basis = "selon la CRE pour le tarif réglementé"
    if share >= breakeven - rule("HPHC_UNPROFITABLE", "margin_points") / 100:
        return []
    impact = None
    cust_hp, cust_sub = c.prices.kwh_ttc("hp"), c.prices.subscription_ttc_year
    if hphc_ref and base_ref and annual and cust_hp and cust_sub and c.customer_cost is not None:
        # Same Base/HPHC ratio as the TRVE applied to the customer's own prices.
        base_price = cust_hp * base_ref.kwh_ttc["base"] / hphc_ref.kwh_ttc["hp"]
        base_sub = cust_sub * base_ref.subscription_ttc / hphc_ref.subscription_ttc
        impact = c.customer_cost - (base_sub + annual * base_price)
        if impact <= 0:
            return []  # at the customer's own prices Base would not be cheaper
    severity = "medium" if impact is not None and impact > rule("HPHC_UNPROFITABLE", "medium_above_eur") else "low"
    detail = (f"Seulement {fmt.percent(share * 100)} de votre consommation est en heures creuses, alors que l'option "
              f"Heures Pleines / Heures Creuses n'est rentable qu'à partir d'environ {fmt.percent(breakeven * 100)} "
              f"{basis} : l'option Base vous reviendrait moins cher.")
    if impact is not None:
        detail += f" Surcoût estimé : environ {fmt.eur(impact, 0)} par an."
    return [_issue(
        "HPHC_UNPROFITABLE", severity, "Option Heures Creuses peu rentable", detail,
        "Demandez à votre fournisseur le passage à l'option Base, ou décalez davantage d'usages (eau chaude, "
        "lave-linge, recharge) sur les heures creuses.",
        f"Heures creuses : {fmt.kwh(hc)} sur {fmt.kwh(hp + hc)} facturés ({fmt.percent(share * 100)}).",
        impact, "electricite")]


# ---------------------------------------------------------------------------
# ESTIMATED_READING
# ---------------------------------------------------------------------------


def estimated_reading(ctx: Context) -> list[dict]:
    issues = []
    for energy, key in (("electricite", "electricity"), ("gaz", "gas")):
        block = ctx.analysis.get(key)
        if not isinstance(block, dict):
            continue
        readings = [r for r in block.get("readings") or [] if isinstance(r, dict)]
        estimated = [r for r in readings if r.get("end_nature") == "estime"]
        evidence = []
        for r in estimated:
            when = parse_date(r.get("end_date"))
            index = _num(r.get("end_index"))
            register = {"hp": "heures pleines", "hc": "heures creuses", "base": "", "gaz": ""}.get(
                str(r.get("register") or ""), str(r.get("register") or ""))
            text = "Index de fin"
            if register:
                text += f" ({register})"
            if when:
                text += f" du {fmt.day(when)}"
            if index is not None:
                text += f" ({fmt.number(index)})"
            evidence.append(text + " marqué « estimé »")
        if not estimated and block.get("reading") == "estime":
            evidence.append("Index de fin de période indiqué comme estimé sur la facture")
        if not evidence:
            continue
        severity = "low"
        consecutive = any(r.get("start_nature") == "estime" for r in estimated)
        detail = ("Le dernier index de cette facture est une estimation du fournisseur, pas un relevé réel : "
                  "la consommation facturée peut être fausse et sera corrigée plus tard, parfois par un rattrapage important.")
        if consecutive:
            severity = "medium"
            evidence.append("l'index de début était lui aussi estimé")
            detail += " Deux relevés estimés se suivent : votre consommation réelle n'a pas été relevée depuis longtemps."
        period = (ctx.analysis.get("period") or {})
        start, end = parse_date(period.get("start")), parse_date(period.get("end"))
        limit = rule("ESTIMATED_READING", "regularisation_max_months")
        if ctx.analysis.get("invoice_kind") == "regularisation" and start and end and _months_between(start, end) > limit:
            severity = "high"
            evidence.append(f"régularisation couvrant du {fmt.day(start)} au {fmt.day(end)}")
            detail += (f" Cette régularisation remonte à plus de {limit} mois : la loi (article L224-11 du Code de la "
                       "consommation) interdit de facturer une consommation de plus de 14 mois.")
        issues.append(_issue(
            "ESTIMATED_READING", severity,
            f"Relevé {ENERGY_LABEL[energy]} estimé", detail,
            "Relevez votre compteur et transmettez l'index à votre fournisseur (espace client, téléphone), puis "
            "demandez une facture rectificative si l'écart est important.",
            " ; ".join(evidence) + ".", None, energy))
    return issues


def _months_between(start: date, end: date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 30


# ---------------------------------------------------------------------------
# PAID_SERVICES
# ---------------------------------------------------------------------------

_TAX_WORDS = ("contribution", "taxe", "accise", "cspe", "ticfe", "tcfe", "ticgn", "cta", "tva", "acheminement",
              "abonnement", "consommation")


def _annualised_ttc(line: dict, ctx: Context, default_vat: float) -> float | None:
    amount = _num(line.get("amount_ht_eur"))
    unit, unit_price = fold(line.get("unit")), _num(line.get("unit_price_ht_eur"))
    vat = _num(line.get("vat_rate_percent"))
    vat = default_vat if vat is None else vat
    per_year = None
    if unit == "mois" and unit_price:
        per_year = unit_price * 12
    elif unit == "an" and unit_price:
        per_year = unit_price
    elif amount is not None:
        start, end = line_period(line)
        if not (start and end):
            period = ctx.analysis.get("period") or {}
            start, end = parse_date(period.get("start")), parse_date(period.get("end"))
        if start and end and end > start:
            per_year = amount * 365 / max((end - start).days, 1)
    return None if per_year is None else per_year * (1 + vat / 100)


def _is_late_fee(line: dict) -> bool:
    label = line.get("label")
    return _matches(label, rule("LATE_FEES", "keywords")) and not _matches(label, rule("LATE_FEES", "not_late_fee_keywords"))


def paid_services(ctx: Context) -> list[dict]:
    strict = [k for k in rule("PAID_SERVICES", "keywords") if fold(k) not in ("service", "option", "services et prestations")]
    found = []
    for line in ctx.analysis.get("lines") or []:
        if not isinstance(line, dict):
            continue
        amount = _num(line.get("amount_ht_eur"))
        if amount is None or amount <= 0 or _is_late_fee(line):
            continue
        kind = line.get("kind")
        if kind == "service":
            found.append(line)
        elif kind in ("other", "fee") and _matches(line.get("label"), strict) and not _matches(line.get("label"), _TAX_WORDS):
            found.append(line)
    if not found:
        return []
    vat = rule("PAID_SERVICES", "vat_percent")
    yearly = [_annualised_ttc(line, ctx, vat) for line in found]
    impact = sum(yearly) if all(v is not None for v in yearly) else None
    evidence = " ; ".join(f"{_line_text(line)} : {fmt.eur(line['amount_ht_eur'])} HT sur cette facture" for line in found)
    names = ", ".join(_line_text(line) for line in found)
    detail = f"Votre facture comprend des services payants sans lien avec votre consommation d'énergie ({names})"
    detail += f", soit environ {fmt.eur(impact, 0)} TTC par an." if impact is not None else "."
    return [_issue(
        "PAID_SERVICES", rule("PAID_SERVICES", "severity"), "Services payants ajoutés à la facture", detail,
        "Vérifiez que vous avez bien souscrit ces services et qu'ils vous sont utiles (ils font souvent doublon avec "
        "une assurance habitation) ; sinon, demandez leur résiliation à votre fournisseur.",
        evidence + ".", impact)]


# ---------------------------------------------------------------------------
# LATE_FEES
# ---------------------------------------------------------------------------


def late_fees(ctx: Context) -> list[dict]:
    found = []
    for line in ctx.analysis.get("lines") or []:
        if not isinstance(line, dict):
            continue
        amount = _num(line.get("amount_ht_eur"))
        if amount is None or amount <= 0:
            continue
        if line.get("kind") in ("fee", "other", "service", None) and _is_late_fee(line):
            found.append(line)
    if not found:
        return []
    total = 0.0
    for line in found:
        vat = _num(line.get("vat_rate_percent")) or 0.0  # penalties are usually outside the scope of VAT
        total += line["amount_ht_eur"] * (1 + vat / 100)
    severity = "medium"
    detail = ("Des frais liés à un retard ou à un incident de paiement sont facturés "
              f"({', '.join(_line_text(line) for line in found)}), pour {fmt.eur(total)} au total.")
    indemnity = [line for line in found if _matches(line.get("label"), rule("LATE_FEES", "recovery_indemnity_keywords"))]
    if indemnity and ctx.analysis.get("residential") is True:
        severity = "high"
        detail += (" L'indemnité forfaitaire de recouvrement de 40 € ne s'applique qu'entre professionnels : "
                   "elle n'a pas à figurer sur la facture d'un particulier.")
    return [_issue(
        "LATE_FEES", severity, "Frais de retard ou de relance facturés", detail,
        "Si vous avez payé à temps, ou si le retard vient du fournisseur, contestez ces frais par écrit. En cas de "
        "difficulté de paiement, demandez un échéancier et vérifiez vos droits au chèque énergie.",
        " ; ".join(f"{_line_text(line)} : {fmt.eur(line['amount_ht_eur'])}" for line in found) + ".", total)]


# ---------------------------------------------------------------------------
# VAT_ANOMALY
# ---------------------------------------------------------------------------


def vat_anomaly(ctx: Context) -> list[dict]:
    switch = parse_date(rule("VAT_ANOMALY", "switch_date"))
    reduced, normal = rule("VAT_ANOMALY", "reduced_rate_percent"), rule("VAT_ANOMALY", "normal_rate_percent")
    period = ctx.analysis.get("period") or {}
    bill_start, bill_end = parse_date(period.get("start")), parse_date(period.get("end"))
    issued = parse_date(ctx.analysis.get("invoice_date"))
    findings: list[tuple[str, str, float | None]] = []  # (severity, evidence, impact on this bill)

    for line in (ctx.analysis.get("lines") or []) if _line_rates_agree(ctx.analysis) else []:
        if not isinstance(line, dict):
            continue
        rate, amount = _num(line.get("vat_rate_percent")), _num(line.get("amount_ht_eur"))
        if rate is None or amount is None or amount <= 0:
            continue
        kind = line.get("kind")
        start, end = line_period(line)
        start, end = start or bill_start, end or bill_end
        if kind in ("consumption", "consumption_hp", "consumption_hc", "consumption_tempo", "accise", "service") \
                and abs(rate - reduced) < 0.01:
            findings.append(("high", f"TVA à 5,5 % appliquée à {_line_text(line)}, qui relève du taux de 20 %",
                             -amount * (normal - reduced) / 100))
        elif kind in ("subscription", "cta") and start and end:
            if issued and issued_implausibly_late(issued, end):
                continue  # the line's dates or the bill's is misread: which rate applied is unknown
            if end < switch and abs(rate - normal) < 0.01:
                findings.append(("high", f"TVA à 20 % appliquée à {_line_text(line)} pour une période antérieure au "
                                         f"{fmt.day(switch)}, où le taux réduit de 5,5 % s'applique",
                                 amount * (normal - reduced) / 100))
            elif start >= switch and abs(rate - reduced) < 0.01:
                findings.append(("low", f"TVA à 5,5 % appliquée à {_line_text(line)} alors que le taux est de 20 % "
                                        f"depuis le {fmt.day(switch)} (erreur en votre faveur)", None))

    # VAT per rate: base × rate must give the amount. Only trusted when the
    # bases add up to the HT total and the amounts to the VAT total (then the
    # figures were read right and the arithmetic really is wrong).
    a = ctx.analysis
    breakdown = [b for b in a.get("vat_breakdown") or [] if isinstance(b, dict)]
    total_ht, total_vat = _num(ctx.analysis.get("total_ht_eur")), _num(ctx.analysis.get("total_vat_eur"))
    tol = rule("VAT_ANOMALY", "vat_amount_tolerance_eur")
    rows = [(_num(b.get("rate_percent")), _num(b.get("base_ht_eur")), _num(b.get("vat_eur"))) for b in breakdown]
    total_ttc = _num(a.get("total_ttc_eur"))
    if rows and all(None not in r for r in rows) and total_ht is not None and total_vat is not None \
            and total_ttc is not None and abs(total_ht + total_vat - total_ttc) <= tol \
            and min(abs(sum(r[1] for r in rows) - total_ht), abs(sum(r[1] for r in rows) + _untaxed_lines(a) - total_ht)) <= tol \
            and abs(sum(r[2] for r in rows) - total_vat) <= tol:
        for rate, base, vat in rows:
            if rate not in (2.1, 5.5, 10.0, 20.0):
                continue
            expected = base * rate / 100
            if abs(expected - vat) > tol:
                findings.append(("medium", f"TVA à {fmt.number(rate, 1).replace(',0', '')} % sur une base de {fmt.eur(base)} : "
                                           f"{fmt.eur(vat)} facturés au lieu de {fmt.eur(expected)}", vat - expected))

    # Accise: the rate must be the legal one of the period.
    tol_mwh = rule("VAT_ANOMALY", "accise_tolerance_eur_per_mwh")
    household = ctx.analysis.get("residential") is not False and \
        ((ctx.analysis.get("electricity") or {}).get("subscribed_power_kva") or 0) <= 36
    for energy in ctx.comparisons:
        if not household:
            break
        for line in lines_of(ctx.analysis, energy):
            if line.get("kind") != "accise":
                continue
            qty, unit_price, amount = _num(line.get("quantity")), _num(line.get("unit_price_ht_eur")), _num(line.get("amount_ht_eur"))
            # Signs left out: a credited excise line (an « avoir ») is negative
            # at the legal rate, and a scan's dash before a figure reads as a minus.
            qty, unit_price, amount = (None if v is None else abs(v) for v in (qty, unit_price, amount))
            start, end = line_period(line)
            start, end = start or bill_start, end or bill_end
            if not (qty and unit_price and amount and start and end):
                continue
            legal = {ctx.ref.accise_on(energy, start + timedelta(days=i)) for i in range((end - start).days + 1)}
            if len(legal) != 1 or None in legal:
                continue  # spans a rate change or outside the table: no verdict
            legal_rate = legal.pop().value
            by_price = abs(unit_price - legal_rate) * 1000
            by_amount = abs(amount / qty - legal_rate) * 1000
            if by_price > tol_mwh and by_amount > tol_mwh and not _decimal_shift(unit_price, legal_rate):
                findings.append(("medium", f"Accise {ENERGY_LABEL[energy]} facturée {fmt.number(unit_price * 1000, 2)} €/MWh "
                                           f"au lieu de {fmt.number(legal_rate * 1000, 2)} €/MWh en vigueur sur la période",
                                 (unit_price - legal_rate) * qty * 1.2))
    if not findings:
        return []
    severity = min((f[0] for f in findings), key=SEVERITY_ORDER.get)
    impacts = [f[2] for f in findings if f[2] is not None]
    impact = None
    bill_days = (bill_end - bill_start).days if bill_start and bill_end and bill_end > bill_start else None
    if impacts and bill_days and sum(impacts) > 0:
        impact = sum(impacts) * 365 / bill_days
    return [_issue(
        "VAT_ANOMALY", severity, "Taxes mal appliquées",
        "Le taux de TVA ou le montant d'une taxe ne correspond pas à la règle en vigueur pour la période facturée "
        "(TVA à 5,5 % sur l'abonnement et la CTA jusqu'au 31/07/2025, 20 % sur tout le reste et sur tout depuis le "
        "01/08/2025 ; accise au taux légal).",
        "Signalez l'erreur à votre fournisseur par écrit et demandez une facture rectificative ; sans réponse sous "
        "deux mois, saisissez le médiateur national de l'énergie.",
        " ; ".join(f[1] for f in findings) + ".", impact)]


# ---------------------------------------------------------------------------
# INDEXED_OFFER
# ---------------------------------------------------------------------------

_UNTIL_DATE = re.compile(r"jusqu'?\s?(?:au|a)?\s*:?\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})")


def _fixed_price_end(mentions: list[str]) -> date | None:
    for text in mentions:
        folded = fold(text)
        if not re.search(r"(prix|tarif)\s+(fixe|bloque|garanti)", folded) or "jusqu" not in folded:
            continue
        # The date right after « jusqu'au »: further on, it is another sentence's
        # (« … jusqu'au [unread] … Prochaine facture vers le 29/07/25 »).
        m = _UNTIL_DATE.search(folded)
        if m:
            year = int(m.group(3))
            year += 2000 if year < 100 else 0
            try:
                return date(year, int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
    return None


def indexed_offer(ctx: Context) -> list[dict]:
    analysis = ctx.analysis
    mentions = [m for m in analysis.get("offer_mentions") or [] if isinstance(m, str) and m.strip()]
    pricing = analysis.get("offer_pricing")
    offer = analysis.get("offer_name")
    if pricing is None and offer and offer not in mentions:
        mentions.append(offer)  # the contract's name can say it ("… Indexée"): an offer fact, not free text
    dynamic = [m for m in mentions if _matches(m, rule("INDEXED_OFFER", "dynamic_keywords"))]
    regulated = [m for m in mentions if _matches(m, rule("INDEXED_OFFER", "regulated_index_keywords"))]
    market = [m for m in mentions if _matches(m, rule("INDEXED_OFFER", "market_index_keywords"))]
    indexed = pricing == "indexe" or (pricing is None and (dynamic or market or
                                                           any(re.search(r"tr[vu]\w*\s*[-−–]\s*\d", fold(m)) for m in regulated)))
    if indexed:
        evidence = []
        if offer:
            evidence.append(f"offre « {offer} »")
        if pricing == "indexe":
            evidence.append("type de prix indiqué sur la facture : indexé")
        evidence += [f"mention « {m} »" for m in mentions if m in dynamic + market + regulated and m != offer]
        if dynamic:
            severity = "high"
            detail = ("Votre prix suit le marché de gros au jour le jour (prix dynamique) : il peut flamber lors des pics "
                      "de prix, sans plafond.")
        elif regulated:
            severity = "low"
            detail = ("Votre prix n'est pas fixe : il suit le tarif réglementé ou le prix repère (avec une remise), et "
                      "évolue donc à chaque mouvement de la référence.")
        else:
            severity = "medium"
            detail = ("Le prix du kWh de votre offre n'est pas fixe : il est indexé et peut augmenter à chaque révision, "
                      "sans plafond indiqué sur la facture.")
        return [_issue(
            "INDEXED_OFFER", severity, "Offre à prix indexé (variable)", detail,
            "Si vous voulez un budget stable, comparez avec une offre à prix fixe ; sinon, surveillez l'évolution du "
            "prix à chaque facture et les courriers d'information de votre fournisseur.",
            _sentence(" ; ".join(evidence) or "offre indexée"))]
    end = _fixed_price_end(mentions)
    invoice_date = parse_date(analysis.get("invoice_date"))
    if end and invoice_date and invoice_date <= end <= invoice_date + timedelta(days=rule("INDEXED_OFFER", "fixed_end_warning_days")):
        return [_issue(
            "INDEXED_OFFER", "low", "Fin de prix fixe proche",
            f"Votre prix fixe prend fin le {fmt.day(end)} : ensuite, le contrat peut être renouvelé à un prix fixe ou "
            "variable que vous n'avez pas choisi.",
            "Avant cette date, comparez les offres et choisissez vous-même votre prochain contrat.",
            f"Mention « {next(m for m in mentions if _fixed_price_end([m]))} ».")]
    return []


# ---------------------------------------------------------------------------
# TOTALS_MISMATCH
# ---------------------------------------------------------------------------


def totals_mismatch(ctx: Context) -> list[dict]:
    a = ctx.analysis
    tol = rule("TOTALS_MISMATCH", "tolerance_eur")
    ttc, ht, vat = _num(a.get("total_ttc_eur")), _num(a.get("total_ht_eur")), _num(a.get("total_vat_eur"))
    breakdown = [b for b in a.get("vat_breakdown") or [] if isinstance(b, dict)]
    rows = [(_num(b.get("base_ht_eur")), _num(b.get("vat_eur"))) for b in breakdown]
    if vat is None and rows and all(r[1] is not None for r in rows) and any(r[0] is None for r in rows):
        # Amounts without bases: usable when each one is what the lines at
        # that rate give (every rate of the lines has its row, none misread).
        by_rate = _lines_by_rate(a)
        printed = {_num(b.get("rate_percent")): _num(b.get("vat_eur")) for b in breakdown}
        if by_rate and set(by_rate) == set(printed) and all(
                abs(printed[r] - base * r / 100) <= tol for r, base in by_rate.items()):
            vat = sum(printed.values())
    if rows and all(None not in r for r in rows):
        sum_base, sum_vat = sum(r[0] for r in rows), sum(r[1] for r in rows)
        # A VAT breakdown that disagrees with the printed VAT total means a
        # figure was misread (or another anomaly): no verdict on HT + VAT = TTC.
        if vat is not None and abs(sum_vat - vat) > tol:
            return []
        if vat is None:
            # The VAT comes from the breakdown only if no row was missed: its
            # bases must add up to the HT total (penalties outside VAT aside)
            # or, the HT total unread, be what every line at their rate adds up to.
            if ht is not None:
                complete = min(abs(sum_base - ht), abs(sum_base + _untaxed_lines(a) - ht)) <= tol
            else:
                by_rate = _lines_by_rate(a)
                bases = {_num(b.get("rate_percent")): _num(b.get("base_ht_eur")) for b in breakdown}
                complete = _every_line_rated(a) and set(by_rate) == set(bases) and all(
                    abs(bases[r] - base) <= tol for r, base in by_rate.items())
            if not complete:
                return []
            vat = sum_vat
        if ht is None and not _untaxed_lines(a):
            ht = sum_base
    if ttc is None or ht is None or vat is None:
        return []
    lines_ht = [_num(line.get("amount_ht_eur")) for line in a.get("lines") or []]
    if lines_ht and None not in lines_ht and sum(lines_ht) > ht + max(tol, 0.005 * ht):
        return []  # the billed lines exceed the HT total: the total was misread
    diff = ttc - (ht + vat)
    if abs(diff) <= tol:
        return []
    recomputed = _vat_from_bases(breakdown)
    if recomputed is not None and abs(ttc - (ht + recomputed)) <= tol:
        return []  # TTC agrees with the VAT its bases give: the VAT figure was misread, not the total
    if abs(diff) > max(rule("TOTALS_MISMATCH", "max_gap_eur"), rule("TOTALS_MISMATCH", "max_gap_share") * (ht + vat)):
        return []  # a total read wrong (a lost digit or comma), not a billing error
    # The amount to pay is not the invoice total: rule out a deduction read
    # as the total.
    for explained in (_num(a.get("already_paid_eur")),):
        if explained and abs(abs(diff) - explained) <= tol:
            return []
    due = _num(a.get("amount_due_eur"))
    if due is not None and abs(due - ttc) <= tol and _num(a.get("already_paid_eur")):
        return []
    severity = "high" if abs(diff) >= 5 else "medium"
    sense = "en votre défaveur" if diff > 0 else "en votre faveur"
    return [_issue(
        "TOTALS_MISMATCH", severity, "Totaux de la facture incohérents",
        f"Le total TTC imprimé ne correspond pas à la somme du total HT et de la TVA : un écart de {fmt.eur(abs(diff))} "
        f"{sense}. Une facture juste doit être cohérente au centime près.",
        "Demandez à votre fournisseur le détail du calcul et une facture rectificative ; ne payez que le montant "
        "justifié et gardez une trace écrite de votre réclamation.",
        f"Total HT {fmt.eur(ht)} + TVA {fmt.eur(vat)} = {fmt.eur(ht + vat)}, mais total TTC imprimé : {fmt.eur(ttc)}.",
        diff if diff > 0 else None)]


def _decimal_shift(billed: float, legal: float) -> bool:
    """A rate ten or a hundred times the legal one, to the digit (`0,2998`
    for 0,02998): a misplaced decimal comma in the reading, not a rate
    charged."""
    return any(abs(billed - legal * f) <= 1e-4 * f for f in (0.01, 0.1, 10, 100))


def _lines_by_rate(a: dict) -> dict[float, float]:
    """The HT amounts of the lines that have one, summed by VAT rate."""
    by_rate: dict[float, float] = {}
    for line in a.get("lines") or []:
        rate, amount = _num(line.get("vat_rate_percent")), _num(line.get("amount_ht_eur"))
        if rate and amount is not None:
            by_rate[rate] = by_rate.get(rate, 0.0) + amount
    return by_rate


def _every_line_rated(a: dict) -> bool:
    lines = a.get("lines") or []
    return bool(lines) and all(_num(line.get("vat_rate_percent")) and _num(line.get("amount_ht_eur")) is not None
                               for line in lines)


RULES = (price_above_reference, power_oversized, hphc_unprofitable, estimated_reading, paid_services, late_fees,
         vat_anomaly, indexed_offer, totals_mismatch)


def detect(ctx: Context) -> list[dict]:
    """Every rule's findings, most serious first (then largest impact). A
    document not recognised as an energy bill gets none: its figures are not
    known to be a bill's."""
    if ctx.analysis.get("energy") is None and not ctx.comparisons:
        return []
    issues = [issue for check in RULES for issue in check(ctx)]
    issues.sort(key=lambda i: (SEVERITY_ORDER[i["severity"]], -(i["estimated_impact_eur_per_year"] or 0)))
    return issues
