"""Wekiwi-style layout: the customer's address on the left and the supplier's
contact block on the right, the invoice number and date on one header line
(« Facture n° WK-… du 15.03.2024 »), dotted dates (dd.mm.yyyy) everywhere, a
« Vos références » table with the values flush right, the period as
« 01.03.2024 - 31.03.2024 », units in the column headers of the detail table
(bare numbers in the cells), readings as a table with one row per register
(Ancien index / Nouvel index), totals worded « Total hors taxes » … « Net à payer »."""
from __future__ import annotations

import random
import re

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
    "name": "wekiwi",
    "supplier": "Wekiwi",
    "prints_energy_ttc": False,  # a TTC amount per energy on the bill
    "tempo": False,
    "energy_weights": (6, 3, 3),
    "dual_offer": {"fixe": "wekiWEB Duo Fixe 1 an", "indexe": "wekiWEB Duo"},
    "invoice_number": lambda rng, d: f"WK-{d:%y%m}-{random_digits(rng, 7)}",
    "client_number": lambda rng: f"{random_digits(rng, 9)}",
}

_SLASH_DATE = re.compile(r"\b(\d\d)/(\d\d)/(\d{4})\b")


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dot", thousands=pick(rng, " ", "\u00a0"), price_unit="eur4_bare")
    decimals = pick(rng, 4, 5)  # kWh prices printed bare, in euros

    def sub_label(line, e):
        what = "électricité" if e.energy == "electricite" else "gaz"
        return f"Abonnement {what} ({'par mois' if line.unit == 'mois' else 'par jour'})"

    elec_word = pick(rng, "Électricité", "Consommation électricité", "Fourniture d'électricité")
    gas_word = pick(rng, "Gaz naturel", "Consommation gaz", "Fourniture de gaz")
    relabel(bill, {
        "subscription": sub_label,
        "consumption": lambda line, e: elec_word if e.energy == "electricite" else gas_word,
        "consumption_hp": f"{elec_word} HP",
        "consumption_hc": f"{elec_word} HC",
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité (ex-TICFE)", "Accise électricité", "TICFE"),
        ("accise", "gaz"): pick(rng, "Accise sur le gaz naturel (ex-TICGN)", "Accise gaz naturel", "TICGN"),
        "cta": pick(rng, "CTA", "Contribution Tarifaire d'Acheminement"),
    })
    # Dotted dates even inside the offer's sentence (the truth follows what is printed).
    bill.offer_mention = _SLASH_DATE.sub(r"\1.\2.\3", bill.offer_mention)
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="eur"))
    elec, gas = ctx["elec"], ctx["gas"]
    pdl_groups = pick(rng, None, (2, 3, 3, 3, 3))
    pdl = spaced(elec.point, pdl_groups) if elec and pdl_groups else (elec.point if elec else "")
    numbers = fmt.num

    def bare_qty(line):
        return "" if line.quantity is None else fmt.int(line.quantity)

    def bare_price(line):
        if line.unit_price is None:
            return ""
        if line.kind == "accise":
            return numbers(line.unit_price, 5)
        if line.unit == "kWh":
            return numbers(line.unit_price, decimals)
        if line.unit == "jour":
            return numbers(line.unit_price, 4)
        return numbers(line.unit_price, 2)

    ctx.update({
        "pdl_printed": pdl, "m_iban": masked_iban(bill.iban),
        "bare_qty": bare_qty, "bare_price": bare_price,
        "span": lambda a, b: f"{fmt.date(a)} - {fmt.date(b)}" if a and b else "",
        "vat_bare": lambda v: fmt.pct(v).removesuffix(" %") if v else "–",
        "lab_title": pick(rng, "Facture n°", "Facture N°"),
        "lab_client": pick(rng, "Numéro client", "Référence client", "N° de client"),
        "lab_holder": pick(rng, "Titulaire du contrat", "Titulaire"),
        "lab_pdl": pick(rng, "Point de livraison (PDL)", "Identifiant PDL", "N° PDL"),
        "lab_pce": pick(rng, "Point de comptage et d'estimation (PCE)", "N° PCE", "Identifiant PCE"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Consommation annuelle estimée (CAR)"),
        "lab_due": ("Date de prélèvement" if bill.payment == "prelevement" else
                    pick(rng, "Date limite de paiement", "À régler avant le")),
        "pay_mode": {"prelevement": "prélèvement SEPA", "tip": "TIP SEPA", "virement": "virement bancaire",
                     "cb": "carte bancaire"}[bill.payment],
        "lab_read": pick(rng, "Relevé", "Cadran"),
        "kwh_head": pick(rng, "Quantité (kWh)", "Quantité (kWh)", "Qté (kWh)"),
        "bars_main": chart((elec or gas).history, colour="#1aa6a0", height_px=50),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("wekiwi.html").render(**ctx)
    spellings = {elec.point: [pdl]} if elec and pdl != elec.point else {}
    return html, {"total_ht": True, "point_spellings": spellings}
