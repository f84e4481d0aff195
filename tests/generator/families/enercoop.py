"""Enercoop-style layout: prose summary ("Votre facture n° … s'élève à …"),
references inside sentences, serif type, a three-column detail (Désignation /
Détail / Montant HT) and no overall HT total: only the VAT bases and the TTC."""
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
    pick,
    relabel,
    spaced,
)

SPEC = {
    "name": "enercoop",
    "supplier": "Enercoop",
    "prints_energy_ttc": False,  # a TTC amount per energy on the bill
    "tempo": False,
    "energy_weights": (7, 2, 2),
    "dual_offer": {"fixe": "Électricité et gaz renouvelables"},
    "invoice_number": lambda rng, d: f"{d:%Y}{random_digits(rng, 7, False)}",
    "client_number": lambda rng: f"EC{random_digits(rng, 6, False)}",
}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy2", thousands=" ", price_unit="ceur")
    relabel(bill, {
        ("subscription", "electricite"): "Part fixe (abonnement)",
        ("subscription", "gaz"): "Part fixe gaz",
        "consumption": lambda line, e: "Part variable (énergie)" if e.energy == "electricite" else "Part variable gaz",
        "consumption_hp": "Part variable heures pleines",
        "consumption_hc": "Part variable heures creuses",
        ("accise", "electricite"): "Accise sur l'électricité",
        ("accise", "gaz"): "Accise sur les gaz naturels",
        "cta": "Contribution tarifaire d'acheminement",
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style=pick(rng, "eur", "mwh")))
    elec, gas = ctx["elec"], ctx["gas"]
    pdl = spaced(elec.point, (4, 4, 4, 2)) if elec else ""
    ctx.update({
        "pdl_printed": pdl,
        "bars_main": chart((elec or gas).history, colour="#c8102e", height_px=45, show_values=rng.random() < 0.8),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("enercoop.html").render(**ctx)
    return html, {"total_ht": False, "point_spellings": {elec.point: [pdl]} if elec else {}}
