"""Mint-style layout: one dense page (two for dual bills), a grid of
"label : value" pairs, "Réf. Acheminement Electricité", "Part fixe" /
"Part variable", prices in € with 5 decimals, index types as letter codes."""
from __future__ import annotations

import random

from tests.generator.bill import Bill
from tests.generator.data import random_digits
from tests.generator.families.common import (
    Fmt,
    context,
    env,
    helpers,
    iban_spaced,
    pick,
    relabel,
)

SPEC = {
    "name": "mint",
    "supplier": "Mint Energie",
    "prints_energy_ttc": True,  # a TTC amount per energy on the bill
    "tempo": True,
    "energy_weights": (6, 2, 3),
    "dual_offer": {"fixe": "Classic & Green Duo", "indexe": "Online & Green Duo"},
    "invoice_number": lambda rng, d: f"M{random_digits(rng, 10)}",
    "client_number": lambda rng: random_digits(rng, 8),
}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", "\u00a0"), price_unit="eur5")
    sub_word = pick(rng, "Part fixe", "Part fixe (abonnement)")
    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: f"{sub_word} {e.kva} kVA",
        ("subscription", "gaz"): lambda line, e: f"{sub_word} gaz {e.tariff}",
        "consumption": lambda line, e: "Part variable Base" if e.energy == "electricite" else "Part variable gaz",
        "consumption_hp": "Part variable HP",
        "consumption_hc": "Part variable HC",
        "consumption_tempo": lambda line, e: "Part variable " + line.label.removeprefix("Consommation Tempo "),
        ("accise", "electricite"): "Accise sur l'électricité (TICFE)",
        ("accise", "gaz"): "Accise sur les gaz naturels (TICGN)",
        "cta": "CTA",
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="eur", kwh_unit="", day_unit="", month_unit=""))
    ctx.update({
        "code": lambda n: "R" if n == "reel" else "E",
        "unit_of": lambda line: {"kWh": "kWh", "mois": "mois", "jour": "jour", None: ""}[line.unit],
        "supplier_iban": iban_spaced("FR76" + "3000" + "4" + random_digits(random.Random(bill.supplier), 18, False)),
        "lab_pdl": pick(rng, "Réf. Acheminement Electricité", "RAE", "Référence acheminement"),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("mint.html").render(**ctx)
    return html, {"total_ht": True, "point_spellings": {}}
