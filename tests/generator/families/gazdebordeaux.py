"""Gaz de Bordeaux-style layout (a local distribution company's bill): a header grid with one row
of column headers (« N° de facture | Date d'émission | Période de facturation | N° de compte ») and
the values in the row beneath, amounts written « 1 234,56 EUR » and a « Montant (EUR) » column,
page 1 in two columns (« Votre contrat » left, « Votre facture en bref » right), readings as
sentences (« Index relevé le 12/03/2024 : 45 678 (réel) »), gas as a small
« Volume (m³) × Coefficient PCS = Énergie (kWh) » table, abbreviated labels (« Conso. », « Abo. »,
« Qté », « P.U. HT »), dd/mm/yy in the grid and the detail table, dd/mm/yyyy elsewhere."""
from __future__ import annotations

import random

from tests.generator.bill import Bill, Line
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
    "name": "gazdebordeaux",
    "supplier": "Gaz de Bordeaux",
    "prints_energy_ttc": True,  # a TTC amount per energy on the bill
    "tempo": True,
    "energy_weights": (4, 4, 3),
    "dual_offer": {"fixe": "NovaFixe Duo", "indexe": "NovaFlex Duo"},
    "invoice_number": lambda rng, d: f"{d:%y}{random_digits(rng, 2)}-{random_digits(rng, 7)}",
    "client_number": lambda rng: f"3{random_digits(rng, 11)}",
}

_OPTION_SHORT = {"base": "Base", "hphc": "HP / HC", "tempo": "Tempo"}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", "\u202f", "\u00a0"), price_unit="eur4")
    kwh_decimals = pick(rng, 4, 5)
    accise_mwh = rng.random() < 0.35

    def eur(x: float | None) -> str:
        return "" if x is None else f"{fmt.num(x, 2)} EUR"

    sub_word = pick(rng, "Abo.", "Abonnement")
    elec_word = pick(rng, "Conso. électricité", "Conso. élec.", "Énergie élec.")
    hp_hc = pick(rng, ("HP", "HC"), ("Heures Pleines", "Heures Creuses"))

    def tempo_label(line: Line, e) -> str:
        colour, period = line.label.removeprefix("Consommation Tempo ").split(" ", 1)
        return f"Conso. Tempo {colour} {'HP' if period == 'Heures Pleines' else 'HC'}"

    relabel(bill, {
        "subscription": lambda line, e: (f"{sub_word} élec. {e.kva} kVA" if e.energy == "electricite"
                                         else f"{sub_word} gaz {e.tariff}"),
        "consumption": lambda line, e: (f"{elec_word} Base" if e.energy == "electricite"
                                        else pick(rng, "Conso. gaz naturel", "Gaz naturel consommé")),
        "consumption_hp": f"{elec_word} {hp_hc[0]}",
        "consumption_hc": f"{elec_word} {hp_hc[1]}",
        "consumption_tempo": tempo_label,
        ("accise", "electricite"): pick(rng, "Accise élec. (ex-TICFE)", "Accise sur l'électricité",
                                        "Taxe intérieure (accise) élec."),
        ("accise", "gaz"): pick(rng, "Accise gaz (ex-TICGN)", "Accise sur le gaz naturel", "Accise gaz nat."),
        "cta": pick(rng, "CTA", "Contrib. tarifaire d'acheminement", "Contribution Tarifaire d'Acheminement"),
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, day_unit="j", month_unit="mois"))
    elec, gas = ctx["elec"], ctx["gas"]

    def qty(line: Line) -> str:
        if line.quantity is None:
            return ""
        unit = {"kWh": "kWh", "mois": "mois", "jour": "j"}.get(line.unit or "", "")
        return f"{fmt.int(line.quantity)} {unit}".strip()

    def pu(line: Line) -> str:
        if line.unit_price is None:
            return ""
        if line.kind == "accise":
            if accise_mwh:
                return f"{fmt.num(line.unit_price * 1000, 2)} EUR/MWh"
            return f"{fmt.num(line.unit_price, 5)} EUR/kWh"
        if line.unit == "kWh":
            return f"{fmt.num(line.unit_price, kwh_decimals)} EUR/kWh"
        if line.unit == "mois":
            return f"{fmt.num(line.unit_price, 2)} EUR/mois"
        if line.unit == "jour":
            return f"{fmt.num(line.unit_price, 4)} EUR/j"
        return eur(line.unit_price)

    def energy_ht(e) -> float:
        return round(sum(line.amount for line in e.lines), 2)

    def short(d) -> str:
        return fmt.date(d, "dmy2")

    client_groups = pick(rng, None, (4, 4, 4))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl_groups = pick(rng, None, (3, 3, 3, 3, 2))
    pdl = spaced(elec.point, pdl_groups) if elec and pdl_groups else (elec.point if elec else "")
    pce_groups = pick(rng, None, (2, 4, 4, 4))
    pce = (spaced(gas.point, pce_groups) if gas and pce_groups and gas.point.isdigit()
           else (gas.point if gas else ""))
    label_due = ("Prélèvement le" if bill.payment == "prelevement" else
                 pick(rng, "À payer avant le", "Date limite de paiement"))
    ctx.update({
        "eur": eur, "qty_g": qty, "pu": pu, "energy_ht": energy_ht, "short": short,
        "client_printed": client_printed, "pdl_printed": pdl, "pce_printed": pce,
        "option_short": _OPTION_SHORT.get(elec.option or "", "") if elec else "",
        "m_iban": masked_iban(bill.iban),
        "vat_txt": lambda v: fmt.pct(v) if v else "—",
        "lab_invoice": pick(rng, "N° de facture", "Facture n°"),
        "lab_issued": pick(rng, "Date d'émission", "Émise le", "Date de facture"),
        "lab_period": pick(rng, "Période de facturation", "Période facturée"),
        "lab_account": pick(rng, "N° de compte", "Compte client", "Réf. client"),
        "lab_pdl": pick(rng, "Réf. PDL", "N° PDL", "Point de livraison"),
        "lab_pce": pick(rng, "Réf. PCE", "N° PCE", "Point de comptage (PCE)"),
        "lab_car": pick(rng, "Conso. annuelle de réf.", "Conso. annuelle estimée (CAR)", "CAR"),
        "lab_power": pick(rng, "Puiss. souscrite", "Puissance souscrite"),
        "lab_ht": pick(rng, "Total HT", "Montant HT", "Total hors TVA"),
        "lab_ttc": pick(rng, "Total TTC", "Montant TTC", "Total toutes taxes comprises"),
        "lab_pay": pick(rng, "Montant à payer", "Reste à payer", "Net à régler"),
        "lab_due": label_due,
        "lab_qty": pick(rng, "Qté", "Quantité"),
        "bars_main": chart((elec or gas).history, colour="#0a4d8c", height_px=48),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("gazdebordeaux.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
