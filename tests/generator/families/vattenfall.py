"""Vattenfall-style layout: a business letter (sender, window address,
"Objet", a place and long date), a bordered two-column reference table,
power with a decimal ("9,0 kVA"), subscription billed per day, accise in
€/MWh, 14-digit invoice numbers, dual bills as two side-by-side columns."""
from __future__ import annotations

import random

from tests.generator.bill import Bill
from tests.generator.data import random_digits
from tests.generator.families.common import (
    Fmt,
    chart,
    context,
    env,
    helpers,
    iban_spaced,
    pick,
    relabel,
    spaced,
)

SPEC = {
    "name": "vattenfall",
    "supplier": "Vattenfall",
    "prints_energy_ttc": True,  # a TTC amount per energy on the bill
    "tempo": True,
    "sub_unit": "jour",
    "energy_weights": (5, 3, 4),
    "dual_offer": {"fixe": "Duo Verte Fixe 2 ans", "indexe": "Duo Verte Équilibre"},
    "invoice_number": lambda rng, d: f"30{d:%y}{random_digits(rng, 10, False)}",
    "client_number": lambda rng: random_digits(rng, 9),
}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", "\u00a0"), price_unit="eur5")
    relabel(bill, {
        ("subscription", "electricite"): "Abonnement",
        ("subscription", "gaz"): "Abonnement",
        "consumption": lambda line, e: "Consommation" if e.energy == "electricite" else "Consommation de gaz",
        "consumption_hp": "Consommation heures pleines",
        "consumption_hc": "Consommation heures creuses",
        "consumption_tempo": lambda line, e: line.label.replace("Heures Pleines", "HP").replace("Heures Creuses", "HC"),
        ("accise", "electricite"): "Accise électricité",
        ("accise", "gaz"): "Accise gaz naturel",
        "cta": "CTA",
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="mwh"))
    elec, gas = ctx["elec"], ctx["gas"]
    city = bill.customer["city"]
    ctx.update({
        "place": pick(rng, "Courbevoie", "Paris"),
        "lab_pdl": pick(rng, "Référence acheminement", "Réf. Acheminement Electricité", "Identifiant du point de livraison"),
        "client_label": pick(rng, "N° de contrat", "Numéro client", "Compte client"),
        "bars_main": chart((elec or gas).history, colour="#2071b5", height_px=50),
        "iban_full": iban_spaced(bill.iban),
        "city": city,
        "kva_text": f"{elec.kva},0 kVA" if elec else "",
        "client_number_printed": spaced(bill.client_number, (3, 3, 3)),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("vattenfall.html").render(**ctx)
    return html, {"total_ht": True, "point_spellings": {}, "client_number_spellings": [ctx["client_number_printed"]]}
