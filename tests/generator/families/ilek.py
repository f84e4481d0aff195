"""ilek-style layout: three summary boxes, identifiers printed in groups of
three ("123 456 789 012 34"), long dates, and detail lines as stacked
blocks (the label, then a line with period, quantity × price = amount)."""
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
    "name": "ilek",
    "supplier": "ilek",
    "prints_energy_ttc": False,  # a TTC amount per energy on the bill
    "tempo": False,
    "energy_weights": (5, 3, 3),
    "dual_offer": {"fixe": "Électricité et biogaz locaux - Prix fixe", "indexe": "Électricité et gaz verts - Prix indexé"},
    "invoice_number": lambda rng, d: f"IL{d:%y%m%d}-{random_digits(rng, 5, False)}",
    "client_number": lambda rng: f"IL{random_digits(rng, 8, False)}",
}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands="\u202f", price_unit="eur4")
    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: f"Abonnement électricité ({e.kva} kVA)",
        ("subscription", "gaz"): lambda line, e: f"Abonnement gaz ({e.tariff})",
        "consumption": lambda line, e: "Électricité verte locale" if e.energy == "electricite" else "Biogaz et gaz vert",
        "consumption_hp": "Électricité verte locale – heures pleines",
        "consumption_hc": "Électricité verte locale – heures creuses",
        ("accise", "electricite"): "Accise sur l'électricité",
        ("accise", "gaz"): "Accise sur le gaz naturel",
        "cta": "Contribution tarifaire d'acheminement",
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="eur"))
    elec, gas = ctx["elec"], ctx["gas"]
    pdl = spaced(elec.point, (3, 3, 3, 3, 2)) if elec else ""
    pce = spaced(gas.point, (3, 3, 3, 3, 2)) if gas and not gas.point.startswith("GI") else (gas.point if gas else "")
    ctx.update({
        "pdl_printed": pdl, "pce_printed": pce,
        "lab_pdl": pick(rng, "N° PRM", "Numéro de PDL", "PDL"),
        "bars_main": chart((elec or gas).history, colour="#2f6b3a", height_px=55),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("ilek.html").render(**ctx)
    spellings = {}
    if elec:
        spellings[elec.point] = [pdl]
    if gas and pce != gas.point:
        spellings[gas.point] = [pce]
    return html, {"total_ht": True, "point_spellings": spellings}
