"""OVO Energy-style layout (a British-born online supplier): a friendly page 1 built around the
customer's account (« Bonjour Claire, »), a « Vos références » panel (« N° de compte », « N° de
facture », « Date de facture »), an account statement « Le point sur votre compte », a horizontal
totals strip (« Total HT | TVA 5,5 % | TVA 20 % | Total TTC » over one row of values), a « Votre
compteur » panel per energy, and on page 2 one green band per energy (« Électricité – du … au … »)
with its readings grid, its charges table « Description | Du | Au | Quantité | Prix unitaire HT |
TVA | Montant HT » and a « Total électricité » line HT and TTC.

Quirks a reader could trip on:
- the account statement puts the bill's TTC among other amounts: « Ancien solde », « Paiement reçu
  le … » (as a credit), « Montant de cette facture », « Mensualités déjà réglées », « Nouveau solde »;
  credits in accounting style, in parentheses (« (250,00 €) ») on most bills;
- the invoice date with its weekday (« mardi 5 mars 2024 ») on page 1, the intro's period without
  the start's year (« du 1er février au 29 février 2024 »), dd/mm/yy in the charges table;
- kWh prices in cents written « cts » (« 18,54 cts/kWh ») on some bills, in €/kWh with 5 decimals
  on others;
- the readings' type as one-letter codes with a legend under the grid (« R » réel, « E » estimé,
  « A » auto-relevé for a reading sent by the customer), the previous and current readings each
  with their own date column;
- the account number printed in groups (« 1234 5678 ») beside the label « N° de compte », and the
  Linky/Gazpar meter number right under the PRM/PCE in the meter panel.
"""
from __future__ import annotations

import random
from datetime import timedelta

from tests.generator.bill import Bill, Line, r2
from tests.generator.data import random_digits
from tests.generator.families.common import (
    MONTHS,
    Fmt,
    chart,
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
    "name": "ovo",
    "supplier": "OVO Energy",
    "prints_energy_ttc": True,  # « Total électricité … HT … TTC » closes each energy's charges
    "tempo": True,
    "energy_weights": (6, 3, 3),
    "dual_offer": {"fixe": "OVO Duo Vert Fixe", "indexe": "OVO Duo Indexé"},
    "invoice_number": lambda rng, d: f"OV{d:%y}{random_digits(rng, 8, False)}",
    "client_number": lambda rng: random_digits(rng, 8, False),
}

_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_OPTION = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}
_REG = {"base": "Base", "hp": "HP", "hc": "HC", "gaz": "Gaz"}


def long_date(d, weekday: bool = False, year: bool = True) -> str:
    """« 5 mars 2024 », « mardi 5 mars 2024 », « 1er février » (no year)."""
    if d is None:
        return ""
    day = "1er" if d.day == 1 else str(d.day)
    text = f"{day} {MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")
    return f"{_WEEKDAYS[d.weekday()]} {text}" if weekday else text


def intro_period(start, end) -> str:
    """« du 1er février au 29 février 2024 »: the start's year only when it differs from the end's."""
    return f"du {long_date(start, year=start.year != end.year)} au {long_date(end)}"


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", "\u00a0", "\u202f"), price_unit="eur5")
    num = fmt.num
    cents = rng.random() < 0.45  # « 18,54 cts/kWh »
    parens = rng.random() < 0.7  # credits as « (250,00 €) »
    weekday = rng.random() < 0.6  # « mardi 5 mars 2024 »
    short_years = rng.random() < 0.5  # dd/mm/yy in the charges table
    auto_reading = rng.random() < 0.4  # a real opening index sent by the customer, coded « A »

    conso_word = pick(rng, "Consommation", "Électricité consommée", "Énergie")
    hp_hc = pick(rng, ("Heures Pleines", "Heures Creuses"), ("HP", "HC"))
    sub_elec = pick(rng, "Abonnement {kva} kVA", "Abonnement électricité ({kva} kVA)")
    sub_gas = pick(rng, "Abonnement gaz {tariff}", "Abonnement gaz")
    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: sub_elec.format(kva=e.kva),
        ("subscription", "gaz"): lambda line, e: sub_gas.format(tariff=e.tariff),
        ("consumption", "electricite"): consumption_label(conso_word, hp_hc),
        ("consumption", "gaz"): pick(rng, "Consommation gaz naturel", "Gaz naturel consommé", "Fourniture de gaz"),
        "consumption_hp": consumption_label(conso_word, hp_hc),
        "consumption_hc": consumption_label(conso_word, hp_hc),
        "consumption_tempo": consumption_label(conso_word, hp_hc),
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Taxe accise électricité (ex-CSPE)"),
        ("accise", "gaz"): pick(rng, "Accise sur le gaz naturel", "Taxe accise gaz (ex-TICGN)"),
        "cta": pick(rng, "Contribution Tarifaire d'Acheminement (CTA)", "CTA"),
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style=pick(rng, "eur", "mwh")))
    elec, gas = ctx["elec"], ctx["gas"]

    def eur(x: float) -> str:
        return fmt.money(x)

    def credit(x: float) -> str:
        """A credit (x > 0) as printed: « (250,00 €) » or « -250,00 € »."""
        return f"({fmt.money(x)})" if parens else fmt.money(-x)

    def signed(x: float) -> str:
        return eur(x) if x >= 0 else credit(-x)

    def d_short(d) -> str:
        return fmt.date(d, "dmy2" if short_years else "dmy")

    def price(line: Line) -> str:
        if line.unit_price is None:
            return ""
        if line.unit == "kWh" and line.kind != "accise" and cents:
            return f"{num(line.unit_price * 100, 2)} cts/kWh"
        return ctx["unit_price"](line)

    def qty(line: Line) -> str:
        if line.quantity is None:
            return ""
        unit = {"kWh": "kWh", "mois": "mois", "jour": "j"}.get(line.unit or "", "")
        return f"{fmt.int(line.quantity)} {unit}".strip()

    def energy_ht(e) -> float:
        return r2(sum(line.amount for line in e.lines))

    def code(nature: str, opening: bool) -> str:
        if nature == "estime":
            return "E"
        return "A" if opening and auto_reading else "R"

    client_groups = pick(rng, None, (4, 4), (2, 3, 3))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl_groups = pick(rng, None, (4, 4, 4, 2))
    pdl = spaced(elec.point, pdl_groups) if elec and pdl_groups else (elec.point if elec else "")
    pce = gas.point if gas else ""

    # The account statement: the previous bill and its payment cancel out, leaving any unpaid balance.
    prev_amount = bill.previous_invoice[2] if bill.previous_invoice else 0.0
    statement = []
    if prev_amount or bill.previous_balance:
        statement.append(("Ancien solde", eur(r2(prev_amount + bill.previous_balance))))
        if prev_amount:
            paid_on = bill.previous_invoice[1] + timedelta(days=10)
            statement.append((f"Paiement reçu le {fmt.date(paid_on)}", credit(prev_amount)))
    statement.append((pick(rng, "Montant de cette facture", "Votre facture TTC", "Cette facture TTC"),
                      eur(bill.printed_ttc)))
    if bill.kind == "regularisation":
        statement.append(("Mensualités déjà réglées", credit(bill.already_paid)))

    def energy_name(e) -> str:
        return "Électricité" if e.energy == "electricite" else "Gaz naturel"

    ctx.update({
        "eur": eur, "credit": credit, "signed": signed, "d_short": d_short, "price": price, "qty_o": qty,
        "energy_ht": energy_ht, "energy_name": energy_name, "code": code, "auto_reading": auto_reading,
        "statement": statement, "long_date": long_date,
        "inv_date": long_date(bill.invoice_date, weekday=weekday),
        "intro_period": intro_period(bill.start, bill.end),
        "reg_label": lambda reg: _REG.get(reg) or ctx["reg_names"][reg],
        "client_printed": client_printed, "pdl_printed": pdl, "pce_printed": pce,
        "option_txt": _OPTION.get(elec.option or "", "") if elec else "",
        "m_iban": masked_iban(bill.iban), "first": ctx["c"]["first"],
        "vat_txt": lambda v: fmt.pct(v) if v else "—",
        "holder": f"{ctx['c']['civility']} {ctx['c']['first']} {ctx['c']['last'].upper()}",
        "lab_client": pick(rng, "N° de compte", "Numéro de compte client", "Votre n° de compte"),
        "lab_invoice": pick(rng, "N° de facture", "Numéro de facture", "Référence de la facture"),
        "lab_date": pick(rng, "Date de facture", "Facture émise le", "Date d'émission"),
        "lab_pdl": pick(rng, "Numéro PRM", "N° PRM (point de livraison)", "Identifiant PRM / PDL"),
        "lab_pce": pick(rng, "Numéro PCE", "N° PCE (point de comptage)"),
        "lab_ht": pick(rng, "Total HT", "Montant hors taxes"),
        "lab_ttc": pick(rng, "Total TTC", "Montant TTC"),
        "lab_new": ("Nouveau solde à payer" if bill.amount_due >= 0 else "Nouveau solde en votre faveur"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Conso. annuelle estimée"),
        "pay_line": {
            "prelevement": f"sera prélevé le {fmt.date(bill.due_date)}",
            "tip": f"est à régler avant le {fmt.date(bill.due_date)} (TIP SEPA joint)",
            "virement": f"est à régler par virement avant le {fmt.date(bill.due_date)}",
            "cb": f"est à régler avant le {fmt.date(bill.due_date)} par carte bancaire sur votre espace client",
        }[bill.payment],
        "bars_main": chart((elec or gas).history, colour="#0a9828", height_px=38),
        "trees": rng.randint(2, 9),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("ovo.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
