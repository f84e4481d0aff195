"""Happ-e-style layout (Engie's online offer, a modern app-like bill): summary cards on light
pastel backgrounds with rounded corners, key values in big bold type with their label UNDER them
in small light-grey type, amounts sometimes glued to the euro sign (« 54,32€ »), abbreviated
month names in the header and the summary (« 02 févr. 2024 », « du 1er sept. au 30 sept. 2024 »,
the year only once) but dd/mm/yyyy in the detail, a consumption breakdown as a legend beside a
donut chart (« Heures pleines 1 234 kWh · 62 % »), identifiers in a « Mon contrat » card
(« Mon PDL », « Ma puissance », « Mon option »), a detail table with thin rules only between
groups, an « Et la prochaine fois ? » box with the next instalment (a distractor amount and date).
Own quirks: units glued to the numbers in the cards (« 6kVA », « 1 234kWh »), VAT rates with two
decimals (« 5,50 % », « 20,00 % »), prices with HT inside the unit (« 0,1952 € HT/kWh »), and the
brand's parent company (ENGIE SA) as the legal entity in the footer."""
from __future__ import annotations

import random
from datetime import date, timedelta

from tests.generator.bill import Bill, Line, r2
from tests.generator.data import random_digits
from tests.generator.families.common import (
    Fmt,
    chart,
    context,
    env,
    helpers,
    masked_iban,
    pick,
    printed_spellings,
    relabel,
    spaced,
)

SPEC = {
    "name": "happe",
    "supplier": "Happ-e",
    "prints_energy_ttc": True,  # a TTC amount per energy on the bill
    "tempo": True,
    "energy_weights": (6, 3, 3),
    "dual_offer": {"fixe": "Happ-e Duo Fixe 1 an", "indexe": "Happ-e Duo Indexé"},
    "invoice_number": lambda rng, d: f"{random_digits(rng, 12)}",
    "client_number": lambda rng: f"6{random_digits(rng, 9, False)}",
}

SHORT_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
_OPTION = {"base": "Base", "hphc": "Heures creuses", "tempo": "Tempo"}
_COLOURS = {"base": "#4f8ef7", "hp": "#4f8ef7", "hc": "#8fd3a8", "gaz": "#f5a25d", "electricite": "#4f8ef7",
            "tempo_bleu_hp": "#2f6fd6", "tempo_bleu_hc": "#9cc1f5", "tempo_blanc_hp": "#9e9e9e",
            "tempo_blanc_hc": "#dcdcdc", "tempo_rouge_hp": "#d64545", "tempo_rouge_hc": "#f2a7a7"}


def _short_date(d: date | None, first: str, zero_pad: bool, year: bool = True) -> str:
    """« 02 févr. 2024 », « 1er sept. 2024 »; without the year for the start of a range."""
    if d is None:
        return ""
    day = first if d.day == 1 else (f"{d.day:02d}" if zero_pad else str(d.day))
    text = f"{day} {SHORT_MONTHS[d.month - 1]}"
    return f"{text} {d.year}" if year else text


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    sep = pick(rng, " ", "\u00a0", "\u202f")
    fmt = Fmt(date_style="dmy", thousands=sep, price_unit="eur4")
    num = fmt.num
    glued = rng.random() < 0.6  # « 54,32€ » in the cards and summary
    glued_units = rng.random() < 0.5  # « 6kVA », « 1 234kWh » in the cards
    vat_two_decimals = rng.random() < 0.6  # « 5,50 % »
    price_style = pick(rng, "eur_ht", "eur", "ceur")
    first = pick(rng, "1er", "01")
    zero_pad = rng.random() < 0.6

    def short(d: date | None, year: bool = True) -> str:
        return _short_date(d, first, zero_pad, year)

    def span(a: date, b: date) -> str:
        """« du 1er sept. au 30 sept. 2024 » (the year once when both ends share it)."""
        return f"du {short(a, a.year != b.year)} au {short(b)}"

    def eur(x: float | None) -> str:
        """An amount in the cards and the summary (maybe glued to €)."""
        if x is None:
            return ""
        return f"{num(x, 2)}€" if glued else f"{num(x, 2)} €"

    def unit(value: str, u: str) -> str:
        return f"{value}{u}" if glued_units else f"{value} {u}"

    hp_word, hc_word = pick(rng, ("Heures pleines", "Heures creuses"), ("HP", "HC"),
                            ("Heures Pleines", "Heures Creuses"))
    cons_word = pick(rng, "Consommation", "Électricité consommée", "Ma consommation")
    sub_word = pick(rng, "Abonnement", "Abonnement mensuel", "Part fixe (abonnement)")
    gas_word = pick(rng, "Consommation gaz naturel", "Gaz naturel consommé")

    def sub_label(line: Line, e) -> str:
        return f"{sub_word} {e.kva} kVA" if e.energy == "electricite" else f"{sub_word} gaz {e.tariff}"

    def cons_label(line: Line, e) -> str:
        if e.energy == "gaz":
            return gas_word
        reg = line.register or "base"
        if reg == "base":
            return f"{cons_word} Base"
        if reg in ("hp", "hc"):
            return f"{cons_word} {hp_word if reg == 'hp' else hc_word}"
        _, colour, period = reg.split("_")
        return f"Tempo jour {colour} – {hp_word if period == 'hp' else hc_word}"

    relabel(bill, {
        "subscription": sub_label,
        "consumption": cons_label,
        "consumption_hp": cons_label,
        "consumption_hc": cons_label,
        "consumption_tempo": cons_label,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise sur l'électricité (ex-TICFE)"),
        ("accise", "gaz"): pick(rng, "Accise sur les gaz naturels", "Accise sur le gaz naturel (ex-TICGN)"),
        "cta": pick(rng, "Contribution tarifaire d'acheminement", "CTA (contribution tarifaire d'acheminement)"),
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill))
    elec, gas = ctx["elec"], ctx["gas"]

    def pu(line: Line) -> str:
        if line.unit_price is None:
            return ""
        if line.kind == "accise":
            return (f"{num(line.unit_price * 100, 3)} c€/kWh" if price_style == "ceur"
                    else f"{num(line.unit_price, 5)} €/kWh")
        if line.unit == "kWh":
            if price_style == "ceur":
                return f"{num(line.unit_price * 100, 2)} c€/kWh"
            return f"{num(line.unit_price, 4)} {'€ HT' if price_style == 'eur_ht' else '€'}/kWh"
        if line.unit == "mois":
            return f"{num(line.unit_price, 2)} {'€ HT' if price_style == 'eur_ht' else '€'}/mois"
        if line.unit == "jour":
            return f"{num(line.unit_price, 4)} €/jour"
        return fmt.money(line.unit_price)

    def vat_txt(v: float) -> str:
        if not v:
            return "—"
        return f"{num(v, 2)} %" if vat_two_decimals else fmt.pct(v)

    def groups(e) -> list[tuple[str, list[Line]]]:
        subs = [line for line in e.lines if line.kind == "subscription"]
        cons = [line for line in e.lines if line.kind.startswith("consumption")]
        taxes = [line for line in e.lines if line.kind in ("accise", "cta")]
        return [g for g in (("Abonnement", subs), ("Consommation", cons), ("Taxes et contributions", taxes)) if g[1]]

    def energy_ht(e) -> float:
        return r2(sum(line.amount for line in e.lines))

    client_groups = pick(rng, None, None, (4, 3, 3))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl_groups = pick(rng, None, (2, 3, 3, 3, 3), (4, 4, 4, 2))
    pdl = spaced(elec.point, pdl_groups) if elec and pdl_groups else (elec.point if elec else "")
    pce_groups = pick(rng, None, (3, 3, 3, 3, 2))
    pce = (spaced(gas.point, pce_groups) if gas and pce_groups and gas.point.isdigit()
           else (gas.point if gas else ""))

    ctx.update({
        "short": short, "span": span, "eur": eur, "unit": unit, "pu": pu, "vat_txt": vat_txt, "groups": groups,
        "energy_ht": energy_ht, "client_printed": client_printed, "pdl_printed": pdl, "pce_printed": pce,
        "donut": _donut(bill, fmt, hp_word, hc_word, rng),
        "next_box": _next_instalment(bill, rng),
        "stacked_contract": rng.random() < 0.5,  # « Mon contrat »: value over label, or label : value rows
        "m_iban": masked_iban(bill.iban),
        "option_txt": _OPTION.get(elec.option or "", "") if elec else "",
        "greeting": pick(rng, "Bonjour", "Bonjour", "Hello"),
        "lab_pay": ("Montant prélevé" if bill.payment == "prelevement" else
                    pick(rng, "Montant à payer", "À payer")),
        "lab_ttc": pick(rng, "Total TTC de ma facture", "Montant de ma facture TTC", "Ma facture TTC"),
        "lab_ht": pick(rng, "Total HT", "Montant total HT", "Total hors taxes"),
        "lab_client": pick(rng, "Mon n° client", "Ma référence client", "Mon compte client"),
        "lab_car": pick(rng, "Ma conso annuelle de référence", "Ma consommation annuelle estimée"),
        "pay_mode": {"prelevement": "prélèvement automatique", "tip": "TIP SEPA", "virement": "virement bancaire",
                     "cb": "carte bancaire"}[bill.payment],
        "bars_main": chart((elec or gas).history, colour="#4f8ef7", height_px=36),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("happe.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)


def _donut(bill: Bill, fmt: Fmt, hp_word: str, hc_word: str, rng: random.Random) -> dict:
    """The consumption breakdown: slices (registers, or energies on a dual bill) for an SVG donut
    and its legend (« Heures pleines 1 234 kWh · 62 % »)."""
    if bill.energy == "dual":
        parts = [("Électricité", e.consumption_kwh, _COLOURS["electricite"]) if e.energy == "electricite"
                 else ("Gaz naturel", e.consumption_kwh, _COLOURS["gaz"]) for e in bill.energies]
    else:
        e = bill.energies[0]
        if e.energy == "gaz":
            parts = [("Gaz naturel", e.consumption_kwh, _COLOURS["gaz"])]
        elif e.option == "base":
            parts = [("Base", e.consumption_kwh, _COLOURS["base"])]
        elif e.option == "hphc":
            parts = [(hp_word, e.registers["hp"], _COLOURS["hp"]), (hc_word, e.registers["hc"], _COLOURS["hc"])]
        else:
            parts = []
            for reg, kwh in e.registers.items():
                _, colour, period = reg.split("_")
                parts.append((f"{colour.capitalize()} {hp_word if period == 'hp' else hc_word}", kwh,
                              _COLOURS.get(reg, "#999")))
    total = sum(p[1] for p in parts) or 1
    slices, offset = [], 25.0
    for label, kwh, colour in parts:
        share = kwh * 100 / total
        slices.append({"label": label, "kwh": fmt.int(kwh), "pct": f"{round(share)} %", "colour": colour,
                       "dash": f"{share:.2f} {100 - share:.2f}", "offset": f"{offset:.2f}"})
        offset = (offset - share) % 100
    return {"slices": slices, "total": fmt.int(total), "dot": pick(rng, "·", "–", "|")}


def _next_instalment(bill: Bill, rng: random.Random) -> dict:
    """« Et la prochaine fois ? »: the next monthly instalment (amount and date), not this bill's."""
    ttc = bill.printed_ttc
    days = max(bill.days, 1)
    monthly = r2(ttc * 30.4 / days * rng.uniform(0.85, 1.2)) if bill.kind == "facture" else r2(ttc / 12 * 1.05)
    monthly = float(round(monthly)) if rng.random() < 0.5 else monthly
    when = (bill.due_date + timedelta(days=rng.randint(25, 35))).replace(day=rng.choice([5, 10, 15]))
    return {"amount": max(monthly, 5.0), "date": when, "next_bill": bill.next_bill}
