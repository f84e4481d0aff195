"""ÉS-style layout (a regional utility's bill, Électricité de Strasbourg / ÉS Énergies
Strasbourg): dense, table-heavy, small type (8 pt); captions in bold followed by a colon
with their values right-aligned far to the right (no dot leaders); a « Lieu de
consommation » distinct from the postal address; the PDL as ÉS's « Référence GRD du point
de livraison » in the slashed form 12345/67/8901234 on some bills; a « Compte contrat »
number beside the client number; dates as dd-mm-yyyy in the tables; a readings table
« Index précédent | Index actuel | Différence | Coefficient | Consommation (kWh) » with
zero-padded meter indexes (as the dials show them) and R/E/A reading codes; a detachable
payment slip at the bottom of page 1 repeating the amount (asterisk-padded, as on a
cheque) and the references, with a long OCR line of digits; credits printed as
« -12,34 € » or « 12,34 € CR »; a « Votre consommation sur 12 mois » table; « Total
HTVA » on some bills; the invoice date given on some bills only as the letter's
« Strasbourg, le … » line, with no caption."""
from __future__ import annotations

import random

from tests.generator.bill import Bill, Line, r2
from tests.generator.data import random_digits
from tests.generator.families.common import (
    MONTHS,
    Fmt,
    consumption_label,
    context,
    env,
    helpers,
    masked_iban,
    pick,
    printed_spellings,
    relabel,
    spaced,
)

SPEC = {
    "name": "es",
    "supplier": "ÉS",
    "prints_energy_ttc": True,  # « dont électricité TTC » in the summary
    "tempo": True,
    "energy_weights": (6, 3, 3),
    "dual_offer": {"fixe": "Duo Fixe Électricité + Gaz", "indexe": "Duo Indexé Électricité + Gaz"},
    "invoice_number": lambda rng, d: f"1{d:%y}{random_digits(rng, 9, False)}",
    "client_number": lambda rng: f"10{random_digits(rng, 8, False)}",
}

_OPTION = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}
_SHORT_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
_READING_CODE = {"reel": "R", "estime": "E"}


def _slashed(pdl: str) -> str:
    """ÉS's « Référence GRD » form of a 14-digit PDL: 5 / 2 / 7 digits."""
    return f"{pdl[:5]}/{pdl[5:7]}/{pdl[7:]}"


def _relabel(bill: Bill, rng: random.Random) -> None:
    sub_head = pick(rng, "Abonnement", "Abonnement mensuel", "Part fixe (abonnement)")
    energy_word = pick(rng, "Consommation", "Énergie consommée", "Énergie")
    hp_hc = pick(rng, ("Heures Pleines", "Heures Creuses"), ("HP", "HC"))

    cons_label = consumption_label(energy_word, hp_hc)

    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: f"{sub_head} {e.kva} kVA",
        ("subscription", "gaz"): lambda line, e: f"{sub_head} gaz {e.tariff}",
        "consumption": cons_label,
        "consumption_hp": cons_label,
        "consumption_hc": cons_label,
        "consumption_tempo": cons_label,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise sur l'électricité (ex-CSPE)",
                                        "Accise sur l'électricité (TICFE)"),
        ("accise", "gaz"): pick(rng, "Accise sur les gaz naturels", "Accise sur le gaz naturel (ex-TICGN)"),
        "cta": pick(rng, "Contribution Tarifaire d'Acheminement", "Contribution tarifaire d'acheminement (CTA)",
                    "CTA"),
    })


def _history_table(bill: Bill, fmt: Fmt) -> dict:
    """« Votre consommation sur 12 mois »: months as columns, one row of kWh per energy."""
    first = bill.energies[0].history
    months = [f"{_SHORT_MONTHS[d.month - 1]} {d:%y}" for d, _ in first]
    rows = []
    for e in bill.energies:
        name = "Électricité (kWh)" if e.energy == "electricite" else "Gaz naturel (kWh)"
        values = [v for _, v in e.history]
        rows.append({"name": name, "cells": [fmt.int(v) for v in values], "total": fmt.int(sum(values))})
    return {"months": months, "rows": rows}


def _ocr_line(bill: Bill, rng: random.Random) -> str:
    """The slip's optical line: references and the amount in cents, zero-padded, with check digits."""
    cents = max(0, int(round(bill.amount_due * 100)))
    key = (int(bill.invoice_number) + cents) % 97
    return (f"{random_digits(rng, 2)}{rng.randint(1000, 9999)} {bill.invoice_number}{key:02d} "
            f"{bill.client_number} {cents:010d} {rng.randint(10, 99)}")


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dash", thousands=pick(rng, " ", "\u00a0", "\u202f"), price_unit="eur5")
    _relabel(bill, rng)
    ctx = context(bill, rng, fmt)
    accise_style = pick(rng, "eur", "eur", "mwh")
    ctx.update(helpers(fmt, bill, accise_style=accise_style))
    elec, gas = ctx["elec"], ctx["gas"]
    num = fmt.num

    credit_style = pick(rng, "minus", "cr")
    price_decimals = pick(rng, 4, 5)
    bare_prices = rng.random() < 0.5  # « Prix unitaire HT (€) » over bare figures

    def eur(x: float | None) -> str:
        if x is None:
            return ""
        if x < 0 and credit_style == "cr":
            return f"{num(-x, 2)} € CR"
        return f"{num(x, 2)} €"

    def padded(x: float) -> str:
        """The slip's amount, filled with asterisks as on a cheque."""
        text = num(x, 2)
        return "*" * max(2, 12 - len(text)) + text + " €"

    def pu(line: Line) -> str:
        if line.kind == "cta":
            return fmt.pct(float(line.detail.split("|")[0]))
        if line.unit_price is None:
            return ""
        if line.kind == "accise":
            if accise_style == "mwh":
                return f"{num(line.unit_price * 1000, 2)} €/MWh"
            return num(line.unit_price, 5) if bare_prices else f"{num(line.unit_price, 5)} €/kWh"
        if line.unit == "kWh":
            text = num(line.unit_price, price_decimals)
            return text if bare_prices else f"{text} €/kWh"
        if line.unit == "mois":
            return num(line.unit_price, 2) if bare_prices else f"{num(line.unit_price, 2)} €/mois"
        if line.unit == "jour":
            return num(line.unit_price, 4) if bare_prices else f"{num(line.unit_price, 4)} €/jour"
        return num(line.unit_price, 2) if bare_prices else eur(line.unit_price)

    def qty(line: Line) -> str:
        if line.kind == "cta":
            return num(float(line.detail.split("|")[1]), 2)  # the CTA's base, in euros
        return "" if line.quantity is None else fmt.int(line.quantity)

    def unit(line: Line) -> str:
        if line.kind == "cta":
            return "€"
        return {"kWh": "kWh", "mois": "mois", "jour": "jours"}.get(line.unit or "", "")

    def vat_txt(v: float) -> str:
        return fmt.pct(v) if v else "Hors TVA"

    def ht_parts(e) -> dict:
        taxes = r2(sum(line.amount for line in e.lines if line.kind in ("accise", "cta")))
        total = r2(sum(line.amount for line in e.lines))
        return {"supply": r2(total - taxes), "taxes": taxes, "total": total, "ttc": bill.energy_ttc(e.energy)}

    zero_pad = rng.random() < 0.6  # indexes as the meter's dials show them (00012345)

    def index(value: int, energy: str) -> str:
        if not zero_pad:
            return fmt.int(value)
        return f"{value:0{8 if energy == 'electricite' else 6}d}"

    pdl_style = pick(rng, "slash", "slash", "plain", "spaced")
    if not elec:
        pdl = ""
    elif pdl_style == "slash":
        pdl = _slashed(elec.point)
    elif pdl_style == "spaced":
        pdl = spaced(elec.point, (2, 3, 3, 3, 3))
    else:
        pdl = elec.point
    pce_groups = pick(rng, None, (3, 3, 3, 3, 2))
    pce = (spaced(gas.point, pce_groups) if gas and pce_groups and gas.point.isdigit()
           else (gas.point if gas else ""))
    client_groups = pick(rng, None, None, (2, 4, 4))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number

    head_date = pick(rng, "dash", "dmy", "long")
    letter_date = rng.random() < 0.35  # the date only in « Strasbourg, le … », no caption
    upper_addr = rng.random() < 0.5
    site = bill.delivery or bill.customer
    site_line = f"{site['number']} {site['street']}, {site['postcode']} {site['city']}"
    due = bill.amount_due
    show_slip = due > 0 and (bill.payment != "prelevement" or rng.random() < 0.4)

    ctx.update({
        "eur": eur, "padded": padded, "pu": pu, "qty_e": qty, "unit_e": unit, "vat_txt": vat_txt,
        "ht_parts": ht_parts, "index": index, "code": lambda n: _READING_CODE[n],
        "pdl_printed": pdl, "pce_printed": pce, "client_printed": client_printed,
        "compte_contrat": f"3000{random_digits(rng, 8, False)}",
        "head_date": lambda d: fmt.date(d, head_date), "letter_date": letter_date,
        "upper_addr": upper_addr, "site_line": site_line, "show_slip": show_slip,
        "ocr_line": _ocr_line(bill, rng), "history": _history_table(bill, fmt),
        "bare_prices": bare_prices, "m_iban": masked_iban(bill.iban),
        "option_txt": _OPTION.get(elec.option or "", "") if elec else "",
        "kind_title": "FACTURE DE RÉGULARISATION" if bill.kind == "regularisation" else "FACTURE",
        "lab_invoice": pick(rng, "N° de facture", "Facture n°", "Numéro de facture"),
        "lab_date": pick(rng, "Date de facture", "Date d'émission", "Facture émise le"),
        "lab_client": pick(rng, "Référence client", "N° de client", "Votre n° client"),
        "lab_period": pick(rng, "Période de facturation", "Période facturée", "Période de consommation"),
        "lab_pdl": ("Référence GRD du point de livraison" if pdl_style == "slash"
                    else pick(rng, "Point de livraison (PDL)", "N° PDL", "Référence du point de livraison")),
        "lab_pce": pick(rng, "Point de comptage et d'estimation (PCE)", "Référence PCE", "N° PCE"),
        "lab_ht": pick(rng, "Total HTVA", "Total hors TVA", "Montant total HT"),
        "lab_ttc": pick(rng, "Total TTC de la facture", "Montant TTC", "Total facture TTC"),
        "lab_pay": pick(rng, "Montant à payer", "Net à payer", "Reste à payer"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Consommation annuelle estimée (CAE)"),
        "lab_due": ("Date de prélèvement" if bill.payment == "prelevement"
                    else pick(rng, "Date limite de paiement", "À payer avant le")),
        "pay_mode": {"prelevement": "prélèvement automatique", "tip": "TIP SEPA", "virement": "virement bancaire",
                     "cb": "carte bancaire"}[bill.payment],
        "long_date": lambda d: f"{'1er' if d.day == 1 else d.day} {MONTHS[d.month - 1]} {d.year}",
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("es.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
