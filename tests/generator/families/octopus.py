"""Octopus-style layout: a friendly greeting, three summary cards (labels
above values), an info list with dotted leaders (labels left, values right),
zero-padded power ("Puissance : 09 kVA"), dates dd/mm/yy, € prices with
4 decimals, a detail table without a VAT column."""
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
    "name": "octopus",
    "supplier": "Octopus Energy",
    "prints_energy_ttc": False,  # a TTC amount per energy on the bill
    "tempo": True,
    "energy_weights": (6, 3, 3),
    "dual_offer": {"fixe": "Octo Duo Fixe", "indexe": "Octo Duo Variable"},
    "invoice_number": lambda rng, d: f"F-{d:%y}{random_digits(rng, 8)}",
    "client_number": lambda rng: "A-" + "".join(rng.choice("0123456789ABCDEF") for _ in range(8)),
}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy2", thousands=" ", price_unit="eur4")
    relabel(bill, {
        ("subscription", "electricite"): "Abonnement électricité",
        ("subscription", "gaz"): "Abonnement gaz",
        "consumption": lambda line, e: "Électricité consommée" if e.energy == "electricite" else "Gaz consommé",
        "consumption_hp": "Électricité consommée – Heures Pleines",
        "consumption_hc": "Électricité consommée – Heures Creuses",
        "consumption_tempo": lambda line, e: "Électricité consommée – " + line.label.removeprefix("Consommation "),
        ("accise", "electricite"): "Accise sur l'électricité",
        ("accise", "gaz"): "Accise sur le gaz naturel",
        "cta": "Contribution tarifaire d'acheminement (CTA)",
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="eur"))
    elec, gas = ctx["elec"], ctx["gas"]
    main = elec or gas
    month = bill.end
    ctx.update({
        "lab_pdl": pick(rng, "N° de PRM", "PRM", "Point de référence et de mesure (PRM)"),
        "power_text": f"{elec.kva:02d} kVA" if elec else "",
        "bars_main": chart(main.history, colour="#f050f8", height_px=60),
        "title_month": fmt.month_year(month),
        "energy_word": {"electricite": "d'électricité", "gaz": "de gaz", "dual": "d'électricité et de gaz"}[bill.energy],
        "reading_word": lambda n: "relevé réel" if n == "reel" else "index estimé",
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("octopus.html").render(**ctx)
    return html, {"total_ht": True, "point_spellings": {}}
