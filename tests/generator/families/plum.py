"""Plüm-style layout (a friendly, cooperative-minded supplier): a greeting and a
« Votre facture en un coup d'œil » summary with short dates and abbreviated years
(« 01 mars 24 », « 15 sept. 25 »), integers (kWh, indexes) with a POINT as thousands
separator on some bills (« 1.234 kWh », « 12.345 ») while amounts keep the decimal
comma, the PDL as « Identifiant du point de livraison (PDL/PRM) », the indexes in a
four-column grid « Cadran | Ancien index | Nouvel index | Conso (kWh) », a detail table
printing both « Montant HT » and « Montant TTC » per line, continued on a third page
under a repeated header « Détail de votre facture (suite) », and « 1/3 » page numbers.
Two quirks of real bills: the subscribed power in kW on some bills (« Puissance
souscrite : 6 kW »), and deductions and credits with a trailing minus sign as SAP
billing systems print them (« 250,00- € »)."""
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
    "name": "plum",
    "supplier": "Plum Energie",
    "prints_energy_ttc": True,  # a TTC subtotal per energy in the detail table
    "tempo": True,
    "energy_weights": (6, 3, 3),
    "dual_offer": {"fixe": "Plüm Duo Coopératif Fixe", "indexe": "Plüm Duo Coopératif Indexé"},
    "invoice_number": lambda rng, d: f"F{d:%y%m}-{random_digits(rng, 6, False)}",
    "client_number": lambda rng: f"PL{random_digits(rng, 7)}",
}

_SHORT_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
_OPTION = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}
_CADRAN = {"base": "Base", "hp": "HP", "hc": "HC", "gaz": "Gaz"}


def short_date(d) -> str:
    """« 01 mars 24 », « 15 sept. 25 »."""
    if d is None:
        return ""
    return f"{d.day:02d} {_SHORT_MONTHS[d.month - 1]} {d:%y}"


def split_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The detail rows printed on page 2 and the rest on page 3 (never a section header last)."""
    cut = max(2, (len(rows) + 1) // 2)
    while cut > 1 and rows[cut - 1]["type"] == "sec":
        cut -= 1
    return rows[:cut], rows[cut:]


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    dot_ints = rng.random() < 0.6  # « 1.234 kWh » / « 12.345 » on these bills
    money_sep = pick(rng, " ", "\u00a0", ".") if dot_ints else pick(rng, " ", "\u00a0", "\u202f")
    fmt = Fmt(date_style=pick(rng, "dmy", "dmy2"), thousands=money_sep, price_unit=pick(rng, "eur4", "eur5"))
    int_fmt = Fmt(thousands="." if dot_ints else money_sep)
    power_kw = rng.random() < 0.5  # « 6 kW » instead of « 6 kVA »
    power_unit = "kW" if power_kw else "kVA"
    trailing_minus = rng.random() < 0.6  # « 250,00- € »

    hp_hc = pick(rng, ("Heures Pleines", "Heures Creuses"), ("HP", "HC"))
    conso_word = pick(rng, "Consommation", "Énergie consommée", "Votre consommation")

    cons_label = consumption_label(conso_word, hp_hc, gas="gaz")

    sub_word = pick(rng, "Abonnement", "Abonnement", "Part fixe (abonnement)")
    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: f"{sub_word} {e.kva} {power_unit}",
        ("subscription", "gaz"): lambda line, e: f"{sub_word} gaz {e.tariff}",
        "consumption": cons_label, "consumption_hp": cons_label, "consumption_hc": cons_label,
        "consumption_tempo": cons_label,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise électricité (ex-CSPE)",
                                        "Taxe accise sur l'électricité"),
        ("accise", "gaz"): pick(rng, "Accise sur le gaz naturel", "Accise gaz (ex-TICGN)"),
        "cta": pick(rng, "Contribution Tarifaire d'Acheminement", "CTA", "Contrib. tarifaire d'acheminement"),
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style=pick(rng, "eur", "mwh")))
    elec, gas = ctx["elec"], ctx["gas"]

    def n_int(x) -> str:
        return int_fmt.int(x)

    def qty(line: Line) -> str:
        if line.quantity is None:
            return ""
        unit = {"kWh": "kWh", "mois": "mois", "jour": "j"}.get(line.unit or "", "")
        return f"{n_int(line.quantity)} {unit}".strip()

    def minus(x: float) -> str:
        """A deduction as printed: « 250,00- € » (SAP style) or « -250,00 € »."""
        return f"{fmt.num(x, 2)}- €" if trailing_minus else f"-{fmt.money(x)}"

    def line_ttc(line: Line) -> float:
        return r2(line.amount * (1 + (line.vat or 0) / 100))

    rows: list[dict] = []
    for e in bill.energies:
        rows.append({"type": "sec", "text": "Électricité" if e.energy == "electricite" else "Gaz naturel"})
        rows.extend({"type": "line", "l": line} for line in e.lines)
        rows.append({"type": "subt", "e": e})
    if bill.extra_lines:
        rows.append({"type": "sec", "text": "Services et frais"})
        rows.extend({"type": "line", "l": line} for line in bill.extra_lines)
    page2, page3 = split_rows(rows)

    client_groups = pick(rng, None, (2, 3, 4))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl_groups = pick(rng, None, None, (2, 3, 3, 3, 3))
    pdl = spaced(elec.point, pdl_groups) if elec and pdl_groups else (elec.point if elec else "")
    pce_groups = pick(rng, None, (3, 3, 3, 3, 2))
    pce = (spaced(gas.point, pce_groups) if gas and pce_groups and gas.point.isdigit()
           else (gas.point if gas else ""))

    real_word = pick(rng, "réel", "relevé", "télérelevé")

    def energy_ht(e) -> float:
        return r2(sum(line.amount for line in e.lines))

    ctx.update({
        "sd": short_date, "n_int": n_int, "qty_p": qty, "minus": minus, "line_ttc": line_ttc,
        "energy_ht": energy_ht, "page2": page2, "page3": page3, "power_unit": power_unit,
        "cadran": lambda r: _CADRAN.get(r.register) or ctx["reg_names"][r.register],
        "client_printed": client_printed, "pdl_printed": pdl, "pce_printed": pce,
        "option_txt": _OPTION.get(elec.option or "", "") if elec else "",
        "m_iban": masked_iban(bill.iban), "first": ctx["c"]["first"],
        "vat_txt": lambda v: fmt.pct(v) if v else "-",
        "nat": lambda n: real_word if n == "reel" else "estimé",
        "lab_client": pick(rng, "Votre n° de sociétaire-client", "N° client", "Référence client"),
        "lab_pdl": "Identifiant du point de livraison (PDL/PRM)",
        "lab_pce": pick(rng, "Identifiant du point de comptage (PCE)", "Point de comptage et d'estimation (PCE)"),
        "lab_invoice": pick(rng, "Facture n°", "N° de facture"),
        "lab_date": pick(rng, "Émise le", "Date de la facture", "Facture du"),
        "lab_period": pick(rng, "Période facturée", "Consommation du", "Votre période"),
        "lab_ht": pick(rng, "Total HT", "Total hors taxes"),
        "lab_ttc": pick(rng, "Total TTC", "Total de la facture TTC", "Montant TTC"),
        "lab_pay": pick(rng, "Reste à payer", "Net à payer", "Montant à régler"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Votre conso annuelle estimée"),
        "lab_due": ("Prélevé le" if bill.payment == "prelevement" else pick(rng, "À payer avant le", "Échéance")),
        "pay_mode": {"prelevement": "Prélèvement SEPA", "tip": "TIP SEPA", "virement": "Virement",
                     "cb": "Carte bancaire"}[bill.payment],
        "bars_main": chart((elec or gas).history, colour="#8a3ffc", height_px=40),
        "producers": rng.randint(18, 140),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("plum.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
