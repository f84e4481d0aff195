"""Butagaz-style layout (the LPG distributor that also sells electricity and natural gas): a
page 1 headed by the month (« Votre facture de mars 2024 », « d'avril 2024 »), a summary MATRIX with
one column per energy and a « Total » column (« Électricité | Gaz naturel | Total ») over the rows
« Abonnement », « Consommation », « Taxes et contributions », « TVA », « Total TTC », a payment box,
and a « Vos contrats » block with one card per energy; page 2 « Le détail de votre facture » per
energy: a readings table with one row per reading, the billed lines, and a subtotal HT / TVA / TTC.

Quirks a reader can trip on:
- periods written with an arrow (« 01/02/2024 → 29/02/2024 »), in the header and on every line of
  the detail table (dd/mm/yy there on some bills);
- contract numbers built on the client number (client 1234567, contracts 1234567-01 for the
  electricity and 1234567-02 for the gas), printed in the matrix's column headers, in the contract
  cards and in each energy's band;
- the readings table with one row per reading (« Date | Cadran | Index | Type »): the opening and
  the closing index of a register on two rows, no « ancien / nouvel » columns;
- credits with a typographic minus (U+2212: « −312,00 € ») for instalments already paid and refunds;
- the overall HT total printed in the matrix on some bills only (none elsewhere on the others), the
  energy's kWh consumed as an extra matrix row on some bills;
- the legal footer with the share capital, « RCS Nanterre », the SIRET and the VAT number.
"""
from __future__ import annotations

import random

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
    "name": "butagaz",
    "supplier": "Butagaz",
    "prints_energy_ttc": True,  # the matrix's « Total TTC » row per energy column
    "tempo": True,
    "energy_weights": (5, 3, 4),
    "dual_offer": {"fixe": "Duo Butagaz Fixe 2 ans", "indexe": "Duo Butagaz Référence"},
    "invoice_number": lambda rng, d: f"F{d:%y}{random_digits(rng, 8, False)}",
    "client_number": lambda rng: random_digits(rng, 7),
}

MINUS = "\u2212"
_OPTION = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}
_CADRAN = {"base": "Base", "hp": "Heures pleines", "hc": "Heures creuses", "gaz": "Gaz naturel",
           "tempo_bleu_hp": "Bleu HP", "tempo_bleu_hc": "Bleu HC", "tempo_blanc_hp": "Blanc HP",
           "tempo_blanc_hc": "Blanc HC", "tempo_rouge_hp": "Rouge HP", "tempo_rouge_hc": "Rouge HC"}


def month_title(d, regul: bool) -> str:
    """« Votre facture de mars 2024 », « Votre facture d'avril 2024 » (elided before a vowel)."""
    month = MONTHS[d.month - 1]
    of = "d'" if month[0] in "aeiouyéè" else "de "
    kind = "facture de régularisation" if regul else "facture"
    return f"Votre {kind} {of}{month} {d.year}"


def _relabel(bill: Bill, rng: random.Random) -> None:
    energy_word = pick(rng, "Consommation", "Électricité consommée", "Énergie")
    hp_hc = pick(rng, ("Heures pleines", "Heures creuses"), ("HP", "HC"), ("Heures Pleines", "Heures Creuses"))
    gas_word = pick(rng, "Consommation", "Gaz consommé")
    elec_label = consumption_label(energy_word, hp_hc)

    def cons(line: Line, e) -> str:
        if e.energy == "gaz":
            return "Gaz naturel consommé" if gas_word == "Gaz consommé" else "Consommation gaz naturel"
        return elec_label(line, e)

    sub = pick(rng, "Abonnement", "Abonnement mensuel", "Part fixe (abonnement)")
    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: f"{sub} électricité {e.kva} kVA",
        ("subscription", "gaz"): lambda line, e: f"{sub} gaz naturel {e.tariff}",
        "consumption": cons, "consumption_hp": cons, "consumption_hc": cons, "consumption_tempo": cons,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise sur l'électricité (ex-TICFE)",
                                        "Taxe accise sur l'électricité"),
        ("accise", "gaz"): pick(rng, "Accise sur les gaz naturels", "Accise sur le gaz naturel (ex-TICGN)"),
        "cta": pick(rng, "Contribution tarifaire d'acheminement (CTA)", "CTA",
                    "Contribution Tarifaire d'Acheminement"),
    })


def _readings(e, fmt: Fmt, nature_word: dict, by_date: bool) -> list[tuple[str, str, str, str]]:
    """One row per reading: (date, cadran, index, type); the opening and closing index of a
    register are two rows."""
    rows = []
    for r in e.readings:
        cadran = _CADRAN.get(r.register, r.register)
        rows.append((r.start_date, cadran, r.start_index, r.start_nature))
        rows.append((r.end_date, cadran, r.end_index, r.end_nature))
    if by_date:
        rows.sort(key=lambda row: row[0])  # stable: registers keep their order within a date
    return [(fmt.date(d), cadran, fmt.int(i), nature_word[n]) for d, cadran, i, n in rows]


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    thousands = pick(rng, " ", " ", "\u00a0", "\u202f")
    fmt = Fmt(date_style="dmy", thousands=thousands, price_unit=pick(rng, "eur4", "eur4", "eur5", "ceur"))
    accise_style = pick(rng, "eur", "eur", "mwh")
    detail_dates = pick(rng, "dmy", "dmy", "dmy2")
    arrow = pick(rng, "→", "→", "➜")
    print_ht = rng.random() < 0.6
    kwh_row = rng.random() < 0.45
    by_date = rng.random() < 0.5
    refs_style = pick(rng, "strip", "table")
    _relabel(bill, rng)
    ctx = context(bill, rng, fmt)
    elec, gas = ctx["elec"], ctx["gas"]

    def eur(x: float | None) -> str:
        if x is None:
            return ""
        return fmt.money(x) if x >= 0 else f"{MINUS}{fmt.money(-x)}"

    def credit(x: float) -> str:
        return f"{MINUS}{fmt.money(x)}"

    ctx.update(helpers(fmt, bill, accise_style=accise_style, day_unit=pick(rng, "jours", "j")))
    energy_ht = ctx["energy_ht"]

    def per(a, b) -> str:
        if not a or not b:
            return ""
        return f"{fmt.date(a, detail_dates)} {arrow} {fmt.date(b, detail_dates)}"

    def kinds(e, *names) -> float:
        return r2(sum(line.amount for line in e.lines if line.kind in names))

    # The matrix: one column per energy, then Total.
    cols = []
    for i, e in enumerate(bill.energies):
        ttc = bill.energy_ttc(e.energy)
        cols.append({
            "name": "Électricité" if e.energy == "electricite" else "Gaz naturel",
            "contract": f"{bill.client_number}-{i + 1:02d}",
            "sub": kinds(e, "subscription"),
            "cons": kinds(e, "consumption", "consumption_hp", "consumption_hc", "consumption_tempo"),
            "tax": kinds(e, "accise", "cta"),
            "ht": energy_ht(e), "vat": r2(ttc - energy_ht(e)), "ttc": ttc, "kwh": e.consumption_kwh,
        })
    contract_of = {e.energy: col["contract"] for e, col in zip(bill.energies, cols)}
    services = r2(sum(x.amount for x in bill.extra_lines if x.kind == "service"))
    fees = r2(sum(x.amount for x in bill.extra_lines if x.kind == "fee"))
    total = {
        "sub": r2(sum(c["sub"] for c in cols)), "cons": r2(sum(c["cons"] for c in cols)),
        "tax": r2(sum(c["tax"] for c in cols)), "ht": bill.total_ht, "vat": bill.total_vat,
        "ttc": bill.printed_ttc,
    }
    rows = [(pick(rng, "Abonnement", "Abonnement(s)"), "sub"),
            (pick(rng, "Consommation", "Consommations"), "cons"),
            (pick(rng, "Taxes et contributions", "Taxes et contributions (accise, CTA)"), "tax")]

    after = []  # (label, amount text, strong)
    if bill.kind == "regularisation":
        after.append((pick(rng, "Mensualités déjà versées", "Échéances déjà réglées"), credit(bill.already_paid)))
    if bill.previous_balance:
        after.append(("Solde de votre facture précédente non réglé", eur(bill.previous_balance)))
    if bill.amount_due >= 0:
        due_label = pick(rng, "Montant à payer", "Montant à régler", "Reste à payer") if after else \
            pick(rng, "Montant à payer", "Montant à régler")
        due = (due_label, eur(bill.amount_due))
    else:
        due = (pick(rng, "Montant en votre faveur", "Somme à vous rembourser"), credit(-bill.amount_due))

    c = ctx["c"]
    name_line = pick(rng, f"{c['civility']} {c['first']} {c['last']}",
                     f"{c['civility']} {c['first']} {c['last'].upper()}",
                     f"{c['civility']} {c['last'].upper()} {c['first']}")
    pdl = spaced(elec.point, (2, 3, 3, 3, 3)) if elec and rng.random() < 0.25 else (elec.point if elec else "")
    pce = gas.point if gas else ""
    nature_word = {"reel": pick(rng, "Réel", "Relevé", "Télérelevé"), "estime": pick(rng, "Estimé", "Estimation")}
    ctx.update({
        "title": month_title(bill.invoice_date, bill.kind == "regularisation"),
        "name_line": name_line, "est_word": nature_word["estime"], "pdl_printed": pdl, "pce_printed": pce,
        "cols": cols, "total": total,
        "rows": rows, "services_amt": services, "fees_amt": fees, "print_ht": print_ht, "kwh_row": kwh_row,
        "after": after, "due": due, "eur": eur, "per": per, "arrow": arrow,
        "contract_of": contract_of, "refs_style": refs_style,
        "period_txt": f"{fmt.date(bill.start)} {arrow} {fmt.date(bill.end)}",
        "readings_rows": {e.energy: _readings(e, fmt, nature_word, by_date) for e in bill.energies},
        "show_cadran": lambda e: len(e.readings) > 1,
        "vat_txt": lambda v: fmt.pct(v) if v else "Non soumis",
        "m_iban": masked_iban(bill.iban),
        "lab_client": pick(rng, "N° client", "Numéro client", "Votre numéro client"),
        "lab_invoice": pick(rng, "Facture n°", "N° de facture"),
        "lab_date": pick(rng, "Date d'émission", "Émise le", "Date de facture"),
        "lab_period": pick(rng, "Période de facturation", "Période facturée", "Période de consommation"),
        "lab_matrix": pick(rng, "Votre facture en un coup d'œil", "Le résumé de votre facture",
                           "Synthèse de votre facture"),
        "lab_pdl": pick(rng, "Point de livraison (PDL)", "N° PDL", "Référence PDL"),
        "lab_pce": pick(rng, "Point de comptage et d'estimation (PCE)", "N° PCE", "Référence PCE"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Consommation annuelle estimée"),
        "pay_mode": {"prelevement": "Prélèvement automatique", "tip": "TIP SEPA", "virement": "Virement bancaire",
                     "cb": "Carte bancaire"}[bill.payment],
        "bars_main": chart((elec or gas).history, colour="#0a4da2", height_px=40),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("butagaz.html").render(**ctx)
    printed = printed_spellings(bill, elec, gas, pdl, pce, bill.client_number)
    printed["total_ht"] = print_ht
    return html, printed
