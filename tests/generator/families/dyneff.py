"""Dyneff-style layout (a southern regional supplier that grew out of heating-oil distribution and
now sells gas and electricity from Montpellier): a sober letter-style bill with a bordered
« cartouche » top right (« FACTURE », « N° FA24-0123456 », « Date », « Compte client »), an
« Objet : » line giving the billed period, a contract table whose captions are column headers
(« Énergie | Point de livraison | Puissance / Tarif | Option | Offre ») with the values on the row
underneath, a « Décompte de votre facture » in « Débit | Crédit » columns, and a page 2 « Détail de
la facture » with « Désignation | Du | Au | Quantité | P.U. HT | Montant HT | TVA » per energy.

Quirks a reader can trip on:
- the cartouche's invoice date with an upper-case abbreviated month (« 05 AVR. 2024 »); the
  dd/mm/yyyy date only comes back on page 2 and the due date (« Échéance ») sits right under it;
- quantities printed with two decimals, as an ERP prints them (« 1 234,00 kWh », « 1,00 mois »,
  « 29,00 j ») on most bills;
- energy prices in €/MWh HT (« 185,40 €/MWh ») on some bills, while the accise stays in €/kWh;
- the readings table transposed: one column per register (« Base », or « HP | HC », or the six
  Tempo registers) and one row per fact (« Ancien index », « Nouvel index », « Type de relevé »…);
- credits in accounting style, in brackets in the « Crédit » column (« (312,00) »), and a refund
  due as « Solde créditeur » rather than a negative amount.
"""
from __future__ import annotations

import random

from tests.generator.bill import Bill, Line, r2
from tests.generator.data import random_digits
from tests.generator.families.common import (
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
    "name": "dyneff",
    "supplier": "Dyneff",
    "prints_energy_ttc": False,  # HT subtotals per energy only
    "tempo": True,
    "energy_weights": (5, 4, 3),
    "dual_offer": {"fixe": "Dyneff Duo Fixe", "indexe": "Dyneff Duo Indexé"},
    "invoice_number": lambda rng, d: f"FA{d:%y}-{random_digits(rng, 7, False)}",
    "client_number": lambda rng: f"00{random_digits(rng, 8, False)}",
}

_UPPER_MONTHS = ["JANV.", "FÉVR.", "MARS", "AVR.", "MAI", "JUIN", "JUIL.", "AOÛT", "SEPT.", "OCT.", "NOV.", "DÉC."]
_OPTION = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}
_COLUMN = {"base": "Base", "hp": "HP", "hc": "HC", "gaz": "Gaz naturel",
           "tempo_bleu_hp": "Bleu HP", "tempo_bleu_hc": "Bleu HC", "tempo_blanc_hp": "Blanc HP",
           "tempo_blanc_hc": "Blanc HC", "tempo_rouge_hp": "Rouge HP", "tempo_rouge_hc": "Rouge HC"}


def upper_date(d) -> str:
    """« 05 AVR. 2024 »: the cartouche's date as the ERP prints it."""
    return f"{d.day:02d} {_UPPER_MONTHS[d.month - 1]} {d.year}"


def _relabel(bill: Bill, rng: random.Random) -> None:
    energy_word = pick(rng, "Consommation", "Fourniture", "Électricité consommée")
    hp_hc = pick(rng, ("Heures Pleines", "Heures Creuses"), ("HP", "HC"), ("Hres Pleines", "Hres Creuses"))
    gas_word = pick(rng, "Consommation", "Fourniture")
    elec_label = consumption_label(energy_word, hp_hc)
    gas_label = consumption_label(gas_word, hp_hc, gas="gaz naturel")

    def cons(line: Line, e) -> str:
        return gas_label(line, e) if e.energy == "gaz" else elec_label(line, e)

    sub = pick(rng, "Abonnement", "Abonnement mensuel", "Prime fixe")
    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: f"{sub} électricité {e.kva} kVA",
        ("subscription", "gaz"): lambda line, e: f"{sub} gaz {e.tariff}",
        "consumption": cons, "consumption_hp": cons, "consumption_hc": cons, "consumption_tempo": cons,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise électricité (ex-CSPE / TICFE)",
                                        "Taxe accise électricité"),
        ("accise", "gaz"): pick(rng, "Accise sur le gaz naturel", "Accise gaz naturel (ex-TICGN)"),
        "cta": pick(rng, "Contribution Tarifaire d'Acheminement", "CTA", "Contrib. Tarifaire Acheminement (CTA)"),
    })


def _readings(e, fmt: Fmt, nature_word: dict) -> dict:
    """The transposed readings table of one energy: one column per register, one row per fact."""
    regs = e.readings
    unit = "m³" if e.energy == "gaz" else "kWh"
    rows = [
        ("Date ancien relevé", [fmt.date(r.start_date) for r in regs]),
        ("Ancien index", [fmt.int(r.start_index) for r in regs]),
        ("Date nouveau relevé", [fmt.date(r.end_date) for r in regs]),
        ("Nouvel index", [fmt.int(r.end_index) for r in regs]),
        ("Type de relevé", [nature_word[r.end_nature] for r in regs]),
        (f"Consommation ({unit})", [fmt.int(r.delta) for r in regs]),
    ]
    return {"heads": [_COLUMN.get(r.register, r.register) for r in regs], "rows": rows}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", " ", "\u00a0", "\u202f"))
    decimal_qty = rng.random() < 0.65  # « 1 234,00 kWh »
    price_mode = pick(rng, "eur4", "eur5", "mwh", "mwh")
    paren_credits = rng.random() < 0.7  # « (312,00) » in the Crédit column
    detail_dates = pick(rng, "dmy", "dmy2")
    _relabel(bill, rng)
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="eur"))
    elec, gas = ctx["elec"], ctx["gas"]

    def eur(x: float | None) -> str:
        return "" if x is None else fmt.money(x)

    def credit(x: float) -> str:
        return f"({fmt.num(x, 2)})" if paren_credits else f"-{fmt.num(x, 2)}"

    def qty(line: Line) -> str:
        if line.quantity is None:
            return ""
        unit = {"kWh": "kWh", "mois": "mois", "jour": "j"}.get(line.unit or "", "")
        text = fmt.num(line.quantity, 2) if decimal_qty else fmt.int(line.quantity)
        return f"{text} {unit}".strip()

    def pu(line: Line) -> str:
        p = line.unit_price
        if p is None:
            return ""
        if line.kind == "accise":
            return fmt.rate(p, "eur")
        if line.unit == "kWh":
            if price_mode == "mwh":
                return f"{fmt.num(p * 1000, 2)} €/MWh"
            return fmt.price(p, price_mode)
        if line.unit == "mois":
            return f"{fmt.num(p, 2)} €/mois"
        if line.unit == "jour":
            return f"{fmt.num(p, 4)} €/j"
        return fmt.num(p, 2)

    def d(x) -> str:
        return fmt.date(x, detail_dates) if x else ""

    def energy_ht(e) -> float:
        return r2(sum(line.amount for line in e.lines))

    c = ctx["c"]
    name_line = pick(rng, f"{c['civility']} {c['first']} {c['last'].upper()}",
                     f"{c['last'].upper()} {c['first'].upper()}",
                     f"{c['civility']} {c['last'].upper()} {c['first']}")
    client_groups = pick(rng, None, (4, 3, 3), (2, 4, 4))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl = spaced(elec.point, (5, 5, 4)) if elec and rng.random() < 0.3 else (elec.point if elec else "")
    pce = gas.point if gas else ""

    contract_rows = []
    for e in bill.energies:
        if e.energy == "electricite":
            contract_rows.append(("Électricité", pdl, f"{e.kva} kVA", _OPTION[e.option], bill.offer_name))
        else:
            contract_rows.append(("Gaz naturel", pce, f"{e.tariff} – zone {e.zone}", "–", bill.offer_name))

    # The Décompte: (label, debit, credit) rows; amounts already formatted.
    decompte = [(("Électricité" if e.energy == "electricite" else "Gaz naturel") + " – montant HT",
                 eur(energy_ht(e)), "") for e in bill.energies]
    if bill.extra_lines:
        decompte.append(("Prestations et frais – montant HT", eur(r2(sum(x.amount for x in bill.extra_lines))), ""))
    totals = {"ht": eur(bill.total_ht), "vat": eur(bill.total_vat), "ttc": eur(bill.printed_ttc)}
    after = []
    if bill.kind == "regularisation":
        after.append(("Acomptes perçus sur la période", "", credit(bill.already_paid)))
    if bill.previous_balance:
        after.append(("Solde antérieur non réglé", eur(bill.previous_balance), ""))
    if bill.amount_due >= 0:
        due = (pick(rng, "Solde à payer", "Net à payer", "Montant à régler"), eur(bill.amount_due), "")
    else:
        due = ("Solde créditeur en votre faveur", "", credit(-bill.amount_due))

    nature_word = {"reel": pick(rng, "Relevé", "Réel", "Télérelevé"), "estime": "Estimé"}
    title = "FACTURE DE RÉGULARISATION" if bill.kind == "regularisation" else "FACTURE"
    ctx.update({
        "title": title, "name_line": name_line, "client_printed": client_printed, "pdl_printed": pdl,
        "pce_printed": pce, "contract_rows": contract_rows, "decompte": decompte, "totals": totals,
        "after": after, "due": due, "eur": eur, "qty_d": qty, "pu": pu, "dd": d, "energy_ht": energy_ht,
        "hdr_date": upper_date(bill.invoice_date), "inv_date": fmt.date(bill.invoice_date),
        "readings_t": {e.energy: _readings(e, fmt, nature_word) for e in bill.energies},
        "energy_name": lambda e: "Électricité" if e.energy == "electricite" else "Gaz naturel",
        "vat_txt": lambda v: fmt.pct(v) if v else "Exo.",
        "m_iban": masked_iban(bill.iban),
        "lab_client": pick(rng, "Compte client", "N° de compte client", "Réf. client"),
        "lab_objet": ("Régularisation de vos consommations" if bill.kind == "regularisation"
                      else pick(rng, "Facture de vos consommations", "Votre consommation d'énergie")),
        "lab_ht": pick(rng, "Total Hors Taxes", "Total HT", "Montant HT"),
        "lab_vat": pick(rng, "Total TVA", "TVA"),
        "lab_ttc": pick(rng, "Montant total de la facture TTC", "Total facture TTC", "Total TTC"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Conso. annuelle estimée"),
        "pay_mode": {"prelevement": "Prélèvement automatique", "tip": "TIP SEPA", "virement": "Virement",
                     "cb": "Carte bancaire"}[bill.payment],
        "bars_main": chart((elec or gas).history, colour="#c8102e", height_px=38),
        "coef_txt": lambda e: fmt.num(e.coefficient, 3),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("dyneff.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
