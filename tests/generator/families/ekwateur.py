"""ekWateur-style layout: a green sidebar of labels above their values,
long dates, prices in c€/kWh, detail tables on page 2."""
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
    masked_iban,
    pick,
    relabel,
    spaced,
)

SPEC = {
    "name": "ekwateur",
    "supplier": "Ekwateur",
    "prints_energy_ttc": True,  # a TTC amount per energy on the bill
    "tempo": False,
    "energy_weights": (5, 3, 3),
    "dual_offer": {"fixe": "Électricité et gaz verts - Prix fixe", "indexe": "Électricité et gaz verts - Prix variable"},
    "invoice_number": lambda rng, d: f"FA{d:%Y%m}{random_digits(rng, 6)}",
    "client_number": lambda rng: f"{random_digits(rng, 7)}",
}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", "\u202f"), price_unit=pick(rng, "ceur", "ceur3"))
    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: f"Abonnement électricité {e.kva} kVA",
        ("subscription", "gaz"): lambda line, e: f"Abonnement gaz {e.tariff}",
        "consumption": lambda line, e: "Consommation électricité Base" if e.energy == "electricite" else "Consommation gaz",
        "consumption_hp": "Consommation Heures Pleines",
        "consumption_hc": "Consommation Heures Creuses",
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise sur l'électricité (ex-TICFE)"),
        ("accise", "gaz"): pick(rng, "Accise sur le gaz naturel", "Accise sur le gaz naturel (ex-TICGN)"),
        "cta": "CTA",
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style=pick(rng, "eur", "mwh")))
    elec, gas = ctx["elec"], ctx["gas"]
    pdl_printed = spaced(elec.point, (4, 4, 4, 2)) if elec and rng.random() < 0.6 else (elec.point if elec else "")
    pce_printed = (spaced(gas.point, (3, 3, 3, 3, 2)) if gas and not gas.point.startswith("GI") and rng.random() < 0.5
                   else (gas.point if gas else ""))
    main = elec or gas
    ctx.update({
        "lab_client": pick(rng, "Référence client", "N° client", "Votre numéro client"),
        "client_printed": bill.client_number,
        "lab_pdl": pick(rng, "Point de livraison (PDL)", "N° de PDL", "Référence PDL"),
        "lab_pce": pick(rng, "Point de comptage et d'estimation (PCE)", "Réf. PCE"),
        "pdl_printed": pdl_printed, "pce_printed": pce_printed,
        "due_label": pick(rng, "Montant à payer", "Net à payer"),
        "bars_main": chart(main.history, colour="#00a37a"),
        "iban_masked": masked_iban(bill.iban),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("ekwateur.html").render(**ctx)
    printed = {"total_ht": True, "point_spellings": {}}
    if elec and pdl_printed != elec.point:
        printed["point_spellings"][elec.point] = [pdl_printed]
    if gas and pce_printed != gas.point:
        printed["point_spellings"][gas.point] = [pce_printed]
    return html, printed
