"""OHM-style layout: bands of boxes with the value on top and its label
below, the accise still called "CSPE" / "TICGN", c€/kWh prices with three
decimals, a wide detail table (Du / Au / Qté / Unité / PU HT / Montant / TVA)."""
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
)

SPEC = {
    "name": "ohm",
    "supplier": "OHM Energie",
    "prints_energy_ttc": False,  # a TTC amount per energy on the bill
    "tempo": False,
    "energy_weights": (6, 3, 2),
    "dual_offer": {"fixe": "Offre Extra Eco Fixe Duo", "indexe": "Offre Classique Duo"},
    "invoice_number": lambda rng, d: f"FA-{d:%Y}-{random_digits(rng, 7)}",
    "client_number": lambda rng: f"C{random_digits(rng, 7)}",
}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=" ", price_unit="ceur3")
    relabel(bill, {
        ("subscription", "electricite"): "Abonnement",
        ("subscription", "gaz"): "Abonnement gaz",
        "consumption": lambda line, e: "Énergie Base" if e.energy == "electricite" else "Énergie gaz",
        "consumption_hp": "Énergie Heures Pleines",
        "consumption_hc": "Énergie Heures Creuses",
        ("accise", "electricite"): pick(rng, "CSPE", "CSPE (accise sur l'électricité)"),
        ("accise", "gaz"): "TICGN",
        "cta": pick(rng, "CTA", "Contribution Tarifaire d'Acheminement"),
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="eur", kwh_unit="", day_unit="", month_unit=""))
    elec, gas = ctx["elec"], ctx["gas"]
    ctx.update({
        "accise_price": lambda line: f"{fmt.num(line.unit_price * 100, 3)} c€/kWh",
        "unit_of": lambda line: {"kWh": "kWh", "mois": "mois", "jour": "jours", None: ""}[line.unit],
        "nat": lambda n: pick(random.Random(n), "Relevé Enedis" if elec else "Relevé GRDF") if n == "reel" else "Estimé",
        "lab_pdl": pick(rng, "N° de PRM", "Point de livraison", "PDL"),
        "bars_main": chart((elec or gas).history, colour="#ff7a00", height_px=55),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("ohm.html").render(**ctx)
    return html, {"total_ht": True, "point_spellings": {}}
