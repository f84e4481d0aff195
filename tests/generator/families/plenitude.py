"""Plenitude (Eni)-style layout: three pages (summary, detail, information),
VAT given as letter codes with a legend, "Prime fixe" / "Terme fixe" for the
subscription, gas point labelled "Point de Comptage et d'Estimation", bare
unit prices under a "(€ HT)" header, dates dd/mm/yy, a SEPA mandate."""
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
    "name": "plenitude",
    "supplier": "Eni",
    "prints_energy_ttc": True,  # a TTC amount per energy on the bill
    "tempo": False,
    "energy_weights": (4, 4, 3),
    "dual_offer": {"fixe": "Plenifix 1 an Duo", "indexe": "Plenitude Variable Duo"},
    "invoice_number": lambda rng, d: f"{random_digits(rng, 14)}",
    "client_number": lambda rng: f"{random_digits(rng, 10)}",
}

VAT_CODES = {5.5: "A", 20.0: "B", 0.0: "C"}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy2", thousands=" ", price_unit="eur4_bare")
    sub = pick(rng, "Prime fixe", "Terme fixe", "Abonnement")
    relabel(bill, {
        ("subscription", "electricite"): f"{sub} électricité",
        ("subscription", "gaz"): f"{sub} gaz",
        "consumption": lambda line, e: "Terme variable électricité (Base)" if e.energy == "electricite" else "Terme variable gaz",
        "consumption_hp": "Terme variable Heures Pleines",
        "consumption_hc": "Terme variable Heures Creuses",
        ("accise", "electricite"): "Accise sur l'électricité",
        ("accise", "gaz"): "Accise sur les gaz naturels (ex-TICGN)",
        "cta": "Contribution Tarifaire d'Acheminement",
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="eur"))
    elec, gas = ctx["elec"], ctx["gas"]
    client_printed = spaced(bill.client_number, (2, 4, 4))
    ctx.update({
        "vcode": lambda rate: VAT_CODES[rate],
        "bare": lambda line: (fmt.num(line.unit_price, 5) if line.kind == "accise" else
                              fmt.num(line.unit_price, 4)) if line.unit_price is not None else "",
        "vol": lambda line: fmt.int(line.quantity) if line.quantity is not None else "",
        "unit_short": lambda line: {"kWh": "kWh", "mois": "mois", "jour": "j", None: ""}[line.unit],
        "client_printed": client_printed,
        "bars_main": chart((elec or gas).history, colour="#f5c400", height_px=60),
        "iban_full": iban_spaced(bill.iban),
        "lab_pdl": pick(rng, "Point de livraison (PDL)", "PDL", "Référence Point de Livraison"),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("plenitude.html").render(**ctx)
    return html, {"total_ht": True, "point_spellings": {}, "client_number_spellings": [client_printed]}
