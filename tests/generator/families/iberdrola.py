"""Iberdrola-style layout: page 1 in two columns, a left sidebar « Mes informations »
holding every reference as « label : value » lines (« Référence PDL », « Puissance souscrite
(kVA) : 6 »), the customer's address and a big coloured « Montant à régler » box on the right,
long dates (« 15 mars 2024 ») in the header and the summary but dd/mm/yyyy in the sidebar and
the detail pages, a « Détail de votre consommation » readings table (« Index début / Index
fin »), a detail table « Libellé | Quantité | Prix unitaire HT | Montant HT | Taux TVA » with
€/kWh prices to 4 decimals and the line's period under its label, a TTC subtotal per energy,
a contract number next to the client number, and a two-line legal footer (SIREN, RCS, VAT)."""
from __future__ import annotations

import random

from tests.generator.bill import Bill, Line
from tests.generator.data import random_digits
from tests.generator.families.common import (
    MONTHS,
    Fmt,
    chart,
    context,
    env,
    helpers,
    masked_iban,
    iban_spaced,
    pick,
    printed_spellings,
    relabel,
    spaced,
)

SPEC = {
    "name": "iberdrola",
    "supplier": "Iberdrola",
    "prints_energy_ttc": True,  # a TTC amount per energy on the bill
    "tempo": True,
    "energy_weights": (6, 3, 3),
    "dual_offer": {"fixe": "Duo Électricité et Gaz Fixe 2 ans", "indexe": "Duo Électricité et Gaz Indexé"},
    "invoice_number": lambda rng, d: f"FA{d:%y}{random_digits(rng, 9)}",
    "client_number": lambda rng: f"{random_digits(rng, 10)}",
}

_OPTION = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", "\u00a0", "\u202f"), price_unit="eur4")
    first_day = pick(rng, "1er", "1", "01")  # how the long dates write the first of a month

    def long(d) -> str:
        if d is None:
            return ""
        day = first_day if d.day == 1 else str(d.day)
        return f"{day} {MONTHS[d.month - 1]} {d.year}"

    elec_word = pick(rng, "Consommation électricité", "Électricité consommée", "Énergie électrique")
    hp_hc = pick(rng, ("Heures Pleines", "Heures Creuses"), ("HP", "HC"))
    sub_elec = pick(rng, "Abonnement électricité {kva} kVA", "Abonnement {kva} kVA", "Part fixe électricité {kva} kVA")
    sub_gas = pick(rng, "Abonnement gaz {tariff}", "Abonnement gaz naturel")
    gas_word = pick(rng, "Consommation gaz naturel", "Gaz naturel consommé")

    def tempo_label(line: Line, e) -> str:
        colour, period = line.label.removeprefix("Consommation Tempo ").split(" ", 1)
        short = "HP" if period == "Heures Pleines" else "HC"
        return f"Tempo {colour} {short}" if hp_hc[0] == "HP" else f"Tempo jour {colour} – {period}"

    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: sub_elec.format(kva=e.kva),
        ("subscription", "gaz"): lambda line, e: sub_gas.format(tariff=e.tariff),
        "consumption": lambda line, e: (f"{elec_word} Base" if e.energy == "electricite"
                                        else gas_word),
        "consumption_hp": f"{elec_word} {hp_hc[0]}",
        "consumption_hc": f"{elec_word} {hp_hc[1]}",
        "consumption_tempo": tempo_label,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité (ex-TICFE)", "Accise sur l'électricité",
                                        "Accise électricité"),
        ("accise", "gaz"): pick(rng, "Accise sur les gaz naturels (ex-TICGN)", "Accise sur le gaz naturel",
                                "Accise gaz naturel"),
        "cta": pick(rng, "Contribution Tarifaire d'Acheminement (CTA)", "CTA", "Contribution tarifaire d'acheminement"),
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style=pick(rng, "eur", "eur", "mwh"), day_unit="jours", month_unit="mois"))
    elec, gas = ctx["elec"], ctx["gas"]

    client_groups = pick(rng, None, (3, 3, 4))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl_groups = pick(rng, None, (5, 5, 4))
    pdl = spaced(elec.point, pdl_groups) if elec and pdl_groups else (elec.point if elec else "")
    pce_groups = pick(rng, None, (3, 3, 3, 3, 2))
    pce = (spaced(gas.point, pce_groups) if gas and pce_groups and gas.point.isdigit()
           else (gas.point if gas else ""))
    real_word = pick(rng, "Réel", "Relevé", "Télérelevé")

    def energy_ht(e) -> float:
        return round(sum(line.amount for line in e.lines), 2)

    def vat_txt(v: float) -> str:
        return fmt.pct(v) if v else "Non soumis"

    ctx.update({
        "long": long,
        "client_printed": client_printed, "pdl_printed": pdl, "pce_printed": pce,
        "contract_no": random_digits(rng, 9),
        "option_txt": _OPTION.get(elec.option or "", "") if elec else "",
        "m_iban": masked_iban(bill.iban), "full_iban": iban_spaced(bill.iban),
        "energy_ht": energy_ht, "vat_txt": vat_txt,
        "nature_w": lambda n: real_word if n == "reel" else "Estimé",
        "lab_client": pick(rng, "N° client", "Référence client", "Compte client"),
        "lab_holder": pick(rng, "Titulaire", "Titulaire du contrat", "Nom du client"),
        "lab_pdl": pick(rng, "Référence PDL", "N° PDL", "Point de livraison (PDL)"),
        "lab_pce": pick(rng, "Référence PCE", "N° PCE", "Point de Comptage et d'Estimation"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Conso. annuelle estimée"),
        "lab_date": pick(rng, "Date de facture", "Date d'émission", "Émise le"),
        "lab_period": pick(rng, "Période de consommation", "Période facturée", "Période de facturation"),
        "lab_ht": pick(rng, "Total HT", "Montant total HT", "Total hors TVA"),
        "lab_ttc": pick(rng, "Total TTC", "Montant total TTC", "Total de la facture TTC"),
        "lab_pay": "Montant à régler",
        "lab_due": ("Prélèvement le" if bill.payment == "prelevement" else
                    pick(rng, "À régler avant le", "Date limite de paiement")),
        "pay_mode": {"prelevement": "Prélèvement automatique", "tip": "TIP SEPA", "virement": "Virement bancaire",
                     "cb": "Carte bancaire"}[bill.payment],
        "bars_main": chart((elec or gas).history, colour="#5c9b31", height_px=46),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("iberdrola.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
