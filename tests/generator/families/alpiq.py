"""Alpiq-style layout (a sober, dense bill from a business-oriented supplier):
identifiers in a boxed strip at the top right (« Votre point de livraison (PDL) »,
« Votre référence client », « Facture du 05/04/2024 n° 24-0012345 »), the customer
as « M. DUPONT Jean », page 1 « Synthèse de votre facture » with a three-column
table « Hors TVA | TVA | TTC » per energy, consumption as a sentence
(« Consommation relevée du 01/02/2024 au 29/02/2024 : 1 234 kWh »), page 2 the
detail with grouped sections (« Fourniture » / « Acheminement » / « Taxes et
contributions »), each with its subtotal, kWh prices in c€/kWh (2 decimals) or
€/MWh, the subscription named « Part abonnement » or « Abonnement (prorata) »."""
from __future__ import annotations

import random

from tests.generator.bill import Bill, Line, r2
from tests.generator.data import random_digits
from tests.generator.families.common import (
    Fmt,
    chart,
    consumption_label,
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
    "name": "alpiq",
    "supplier": "Alpiq",
    "prints_energy_ttc": True,  # a TTC amount per energy on the bill
    "tempo": True,
    "energy_weights": (7, 2, 2),
    "dual_offer": {"fixe": "Électricité et Gaz Stable", "indexe": "Électricité et Gaz Référence"},
    "invoice_number": lambda rng, d: f"{d:%y}-{random_digits(rng, 7, False)}",
    "client_number": lambda rng: f"1{random_digits(rng, 9, False)}",
}

_REG_SHORT = {"base": "Base", "hp": "Heures Pleines", "hc": "Heures Creuses"}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", "\u00a0", "\u202f"), price_unit="ceur")
    price_mode = pick(rng, "ceur", "mwh")  # kWh prices in c€/kWh (2 decimals) or in €/MWh
    accise_mode = price_mode if rng.random() < 0.7 else ("mwh" if price_mode == "ceur" else "ceur")
    bare_money = rng.random() < 0.4  # tables give « (€) » in the header and bare amounts
    three_groups = rng.random() < 0.6  # Abonnement et acheminement / Fourniture / Taxes, else Fourniture / Taxes

    sub_style = pick(rng, "part", "prorata")

    def sub_label(line: Line, e) -> str:
        head = "Part abonnement" if sub_style == "part" else ("Abonnement (prorata)" if line.unit == "jour"
                                                              else "Abonnement")
        return f"{head} {e.kva} kVA" if e.energy == "electricite" else f"{head} gaz {e.tariff}"

    energy_word = pick(rng, "Énergie consommée", "Consommation", "Fourniture d'énergie")
    hp_hc = pick(rng, ("Heures Pleines", "Heures Creuses"), ("HP", "HC"))

    cons_label = consumption_label(energy_word, hp_hc)

    relabel(bill, {
        "subscription": sub_label,
        "consumption": cons_label,
        "consumption_hp": cons_label,
        "consumption_hc": cons_label,
        "consumption_tempo": cons_label,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise sur l'électricité (ex-TICFE)",
                                        "Accise électricité"),
        ("accise", "gaz"): pick(rng, "Accise sur les gaz naturels", "Accise gaz naturel (ex-TICGN)"),
        "cta": pick(rng, "Contribution Tarifaire d'Acheminement (CTA)", "CTA", "Contribution tarifaire d'acheminement"),
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill))
    elec, gas = ctx["elec"], ctx["gas"]
    num = fmt.num

    def eur(x: float | None) -> str:
        return "" if x is None else f"{num(x, 2)} €"

    def cell(x: float | None) -> str:
        """An amount in a table cell: bare when the header says (€)."""
        return "" if x is None else (num(x, 2) if bare_money else eur(x))

    def pu(line: Line) -> str:
        if line.unit_price is None:
            return ""
        if line.kind == "accise":
            if accise_mode == "mwh":
                return f"{num(line.unit_price * 1000, 2)} €/MWh"
            return f"{num(line.unit_price * 100, 3)} c€/kWh"
        if line.unit == "kWh":
            if price_mode == "mwh":
                return f"{num(line.unit_price * 1000, 2)} €/MWh"
            return f"{num(line.unit_price * 100, 2)} c€/kWh"
        if line.unit == "mois":
            return f"{num(line.unit_price, 2)} €/mois"
        if line.unit == "jour":
            return f"{num(line.unit_price, 4)} €/jour"
        return eur(line.unit_price)

    def qty(line: Line) -> str:
        if line.quantity is None:
            return ""
        unit = {"kWh": "kWh", "mois": "mois", "jour": "jours"}.get(line.unit or "", "")
        return f"{fmt.int(line.quantity)} {unit}".strip()

    def groups(e) -> list[tuple[str, list[Line]]]:
        subs = [line for line in e.lines if line.kind == "subscription"]
        cons = [line for line in e.lines if line.kind.startswith("consumption")]
        taxes = [line for line in e.lines if line.kind in ("accise", "cta")]
        if three_groups:
            return [("Abonnement et acheminement", subs), ("Fourniture", cons), ("Taxes et contributions", taxes)]
        return [("Fourniture", subs + cons), ("Taxes et contributions", taxes)]

    def energy_ht(e) -> float:
        return r2(sum(line.amount for line in e.lines))

    def energy_row(e) -> dict:
        ht = energy_ht(e)
        ttc = bill.energy_ttc(e.energy)
        return {"label": "Électricité" if e.energy == "electricite" else "Gaz naturel",
                "ht": ht, "vat": r2(ttc - ht), "ttc": ttc}

    rows = [energy_row(e) for e in bill.energies]
    if bill.extra_lines:
        extras_ht = r2(sum(line.amount for line in bill.extra_lines))
        rows.append({"label": "Services et frais divers", "ht": extras_ht,
                     "vat": r2(ctx["extras_ttc"] - extras_ht), "ttc": ctx["extras_ttc"]})

    civility = ctx["c"]["civility"]
    if rng.random() < 0.6:
        civility = {"Monsieur": "M.", "Madame": "Mme"}.get(civility, civility)
    name_line = f"{civility} {ctx['c']['last'].upper()} {ctx['c']['first']}"

    client_groups = pick(rng, None, None, (3, 3, 4))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl_groups = pick(rng, None, (3, 3, 3, 3, 2), (2, 3, 3, 3, 3))
    pdl = spaced(elec.point, pdl_groups) if elec and pdl_groups else (elec.point if elec else "")
    pce_groups = pick(rng, None, (3, 3, 3, 3, 2))
    pce = (spaced(gas.point, pce_groups) if gas and pce_groups and gas.point.isdigit()
           else (gas.point if gas else ""))

    def read_sentence(e) -> str:
        words = "relevée" if e.reading == "reel" else "estimée"
        span = fmt.period(bill.start, bill.end)
        if e.energy == "gaz":
            return (f"Consommation {words} {span} : {fmt.int(e.m3)} m³ × {ctx['coef'](e)} (coefficient de "
                    f"conversion) = {fmt.int(e.consumption_kwh)} kWh")
        text = f"Consommation {words} {span} : {fmt.int(e.consumption_kwh)} kWh"
        if e.option == "hphc":
            text += (f" (dont {hp_hc[0]} : {fmt.int(e.registers['hp'])} kWh ; "
                     f"{hp_hc[1]} : {fmt.int(e.registers['hc'])} kWh)")
        return text

    invoice_line = pick(rng, "du_n", "n_du")
    ctx.update({
        "eur": eur, "cell": cell, "pu": pu, "qty_a": qty, "groups": groups, "energy_ht": energy_ht,
        "rows": rows, "name_line": name_line, "upper_addr": rng.random() < 0.5,
        "client_printed": client_printed, "pdl_printed": pdl, "pce_printed": pce,
        "read_sentence": read_sentence, "bare_money": bare_money, "m_iban": masked_iban(bill.iban),
        "invoice_head": (f"Facture du {fmt.date(bill.invoice_date)} n° {bill.invoice_number}" if invoice_line == "du_n"
                         else f"Facture n° {bill.invoice_number} du {fmt.date(bill.invoice_date)}"),
        "vat_txt": lambda v: fmt.pct(v) if v else "Hors champ",
        "option_name": {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}.get(
            elec.option if elec else "", ""),
        "lab_title": pick(rng, "Synthèse de votre facture", "Synthèse de votre facture",
                          "Votre facture en synthèse"),
        "lab_client": pick(rng, "Votre référence client", "Référence client", "Votre n° de client"),
        "lab_pdl": pick(rng, "Votre point de livraison (PDL)", "Point de livraison (PDL)", "Votre PDL"),
        "lab_pce": pick(rng, "Votre point de comptage (PCE)", "Point de comptage et d'estimation (PCE)",
                        "Votre PCE"),
        "lab_ht": pick(rng, "Hors TVA", "Montant HT"),
        "lab_total": pick(rng, "Total de votre facture", "Total facture", "Montant total"),
        "lab_pay": pick(rng, "Montant à payer", "Net à payer", "Total à régler"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Consommation annuelle estimée",
                        "CAR (consommation annuelle de référence)"),
        "lab_due": ("Montant prélevé le" if bill.payment == "prelevement" else
                    pick(rng, "Date limite de paiement", "À régler au plus tard le")),
        "pay_mode": {"prelevement": "prélèvement automatique", "tip": "TIP SEPA", "virement": "virement",
                     "cb": "carte bancaire"}[bill.payment],
        "bars_main": chart((elec or gas).history, colour="#555", height_px=40),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("alpiq.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
