"""GEG / Yéli-style layout (Gaz Électricité de Grenoble, a local public-private utility whose retail
brand is « Yéli »; its grid subsidiary « GreenAlp » runs the meters, so the PDL is captioned
« PRM GreenAlp » on some bills). On most bills an A4 page in LANDSCAPE laid out as two A5 halves side
by side: the left half holds the summary (amount due, totals, VAT table) and the references, the right
half the detail; page 2 again in two halves (readings, then the notices). Some bills are printed in
portrait with the same blocks one under the other.

Quirks a reader can trip on:
- the page is wider than tall: two columns of text side by side, each half with its own headings;
- the period given as a length and an end date (« 29 jours de consommation jusqu'au 15/03/2024 ») on
  some bills, the start coming back only in the detail's « Du » column;
- the detail grouped by VAT rate (« Soumis à TVA 5,5 % » / « Soumis à TVA 20 % » / « Non soumis à
  TVA ») rather than by energy or nature, on some bills (a dual bill's lines of both energies mixed
  under one heading, each label naming its energy);
- « Titulaire du contrat » as the customer caption;
- a meter change on some bills: the old meter's final index « dépose » and the new meter's initial
  index « pose » on the change date, one consumption period across both meters;
- legal footer « Gaz Électricité de Grenoble – SAEML au capital de … – RCS Grenoble … – SIRET … ».
"""
from __future__ import annotations

import random
from datetime import timedelta

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
    "name": "geg",
    "supplier": "Yéli",
    "prints_energy_ttc": False,  # HT subtotals only (none at all when the detail is grouped by VAT)
    "tempo": True,
    "energy_weights": (5, 4, 3),
    "dual_offer": {"fixe": "Yéli Duo Énergies Fixe", "indexe": "Yéli Duo Énergies Indexé"},
    "invoice_number": lambda rng, d: f"{d:%Y%m}{random_digits(rng, 6, False)}",
    "client_number": lambda rng: f"40{random_digits(rng, 8, False)}",
}

_REG = {"base": "Base", "hp": "Heures Pleines", "hc": "Heures Creuses", "gaz": "Gaz naturel",
        "tempo_bleu_hp": "Bleu HP", "tempo_bleu_hc": "Bleu HC", "tempo_blanc_hp": "Blanc HP",
        "tempo_blanc_hc": "Blanc HC", "tempo_rouge_hp": "Rouge HP", "tempo_rouge_hc": "Rouge HC"}
_OPTION = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}


def _relabel(bill: Bill, rng: random.Random, by_vat: bool) -> None:
    dual = bill.energy == "dual"
    energy_word = pick(rng, "Consommation", "Énergie consommée", "Fourniture")
    hp_hc = pick(rng, ("Heures Pleines", "Heures Creuses"), ("HP", "HC"))
    elec_label = consumption_label(energy_word + (" électricité" if (dual or by_vat) else ""), hp_hc)
    gas_label = consumption_label(energy_word, hp_hc, gas="gaz naturel")

    def cons(line: Line, e) -> str:
        return gas_label(line, e) if e.energy == "gaz" else elec_label(line, e)

    sub = pick(rng, "Abonnement", "Abonnement mensuel")
    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: f"{sub} électricité {e.kva} kVA",
        ("subscription", "gaz"): lambda line, e: f"{sub} gaz {e.tariff}",
        "consumption": cons, "consumption_hp": cons, "consumption_hc": cons, "consumption_tempo": cons,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise électricité (ex-TICFE)"),
        ("accise", "gaz"): pick(rng, "Accise sur le gaz naturel", "Accise gaz (ex-TICGN)"),
        ("cta", "electricite"): pick(rng, "CTA électricité", "Contribution Tarifaire d'Acheminement électricité"),
        ("cta", "gaz"): pick(rng, "CTA gaz", "Contribution Tarifaire d'Acheminement gaz"),
    })


def _meter_change(rng: random.Random, e, fmt: Fmt) -> dict | None:
    """A meter swapped during the period: the old meter's last index (« dépose ») and the new
    meter's first (« pose ») on the change date; the consumption spans both meters."""
    regs = e.readings
    if any(r.delta < 20 for r in regs):
        return None
    days = (regs[0].end_date - regs[0].start_date).days
    if days < 6:
        return None
    change = regs[0].start_date + timedelta(days=rng.randint(2, days - 2))
    rows, old_meter = [], random_digits(rng, 14 if e.energy == "electricite" else 12)
    for r in regs:
        share = rng.uniform(0.25, 0.75)
        used_old = int(r.delta * share)
        old_final = r.start_index + used_old
        new_initial = rng.choice([0, 0, rng.randint(1, 30)])
        new_final = new_initial + r.delta - used_old
        rows.append({"reg": _REG.get(r.register, r.register), "start": fmt.int(r.start_index),
                     "start_date": fmt.date(r.start_date), "old_final": fmt.int(old_final),
                     "new_initial": fmt.int(new_initial), "end": fmt.int(new_final), "end_date": fmt.date(r.end_date),
                     "delta": fmt.int(r.delta), "nature": "Estimé" if r.end_nature == "estime" else "Réel",
                     "raw": {"register": r.register, "old_final_index": old_final, "new_initial_index": new_initial,
                             "new_final_index": new_final}})
    e.meta["meter_change"] = {"date": change.isoformat(), "old_meter": old_meter, "new_meter": e.meter,
                              "registers": [row.pop("raw") for row in rows]}
    return {"date": fmt.date(change), "old_meter": old_meter, "new_meter": e.meter, "rows": rows}


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", " ", "\u00a0", "\u202f"),
              price_unit=pick(rng, "eur4", "eur5", "ceur"))
    landscape = rng.random() < 0.7
    by_vat = rng.random() < 0.5
    period_as_length = rng.random() < 0.5
    _relabel(bill, rng, by_vat)
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill, accise_style="eur", day_unit="j"))
    elec, gas = ctx["elec"], ctx["gas"]
    energy_ht = ctx["energy_ht"]

    def eur(x: float | None) -> str:
        return "" if x is None else fmt.money(x)

    def d(x) -> str:
        return fmt.date(x) if x else ""

    c = ctx["c"]
    name_line = pick(rng, f"{c['civility']} {c['first']} {c['last']}",
                     f"{c['civility']} {c['last'].upper()} {c['first']}",
                     f"{c['first']} {c['last'].upper()}")
    client_groups = pick(rng, None, None, (2, 4, 4), (4, 3, 3))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl = spaced(elec.point, (2, 3, 3, 3, 3)) if elec and rng.random() < 0.25 else (elec.point if elec else "")
    pce = gas.point if gas else ""
    lab_pdl = pick(rng, "PRM GreenAlp", "Point de livraison (PDL)", "N° PDL / PRM")
    lab_pce = pick(rng, "PCE GreenAlp", "Point de comptage (PCE)", "N° PCE")

    # Detail groups: by VAT rate or by energy (each group: heading, lines, HT subtotal or None).
    groups = []
    if by_vat:
        all_lines = bill.lines
        for rate in sorted({line.vat for line in all_lines}, key=lambda v: (v == 0, v)):
            ls = [line for line in all_lines if line.vat == rate]
            head = f"Soumis à TVA {fmt.pct(rate)}" if rate else "Non soumis à TVA"
            groups.append((head, ls, r2(sum(line.amount for line in ls))))
    else:
        for e in bill.energies:
            groups.append(("Électricité" if e.energy == "electricite" else "Gaz naturel", e.lines, energy_ht(e)))
        if bill.extra_lines:
            groups.append(("Services et frais", bill.extra_lines, r2(sum(x.amount for x in bill.extra_lines))))

    changes = {}
    for e in bill.energies:
        if rng.random() < 0.3:
            mc = _meter_change(rng, e, fmt)
            if mc:
                changes[e.energy] = mc

    if period_as_length:
        period_txt = f"{bill.days} jours de consommation jusqu'au {fmt.date(bill.end)}"
    else:
        period_txt = f"Consommation {fmt.period(bill.start, bill.end)}"

    nature_word = {"reel": pick(rng, "Réel", "Relevé", "Télérelevé"), "estime": "Estimé"}
    ctx.update({
        "landscape": landscape, "by_vat": by_vat, "groups": groups, "changes": changes,
        "title": "Facture de régularisation" if bill.kind == "regularisation" else "Facture",
        "name_line": name_line, "client_printed": client_printed, "pdl_printed": pdl, "pce_printed": pce,
        "lab_pdl": lab_pdl, "lab_pce": lab_pce, "period_txt": period_txt, "eur": eur, "dd": d,
        "extras_ht": r2(sum(x.amount for x in bill.extra_lines)),
        "nat": lambda n: nature_word[n],
        "vat_txt": lambda v: fmt.pct(v) if v else "–",
        "m_iban": masked_iban(bill.iban),
        "lab_holder": pick(rng, "Titulaire du contrat", "Titulaire du contrat :"),
        "lab_client": pick(rng, "Référence client", "N° de compte client", "Compte client"),
        "lab_inv": pick(rng, "Facture n°", "N° de facture"),
        "lab_date": pick(rng, "Date de facture", "Émise le", "Date d'émission"),
        "lab_ht": pick(rng, "Total HT", "Montant hors taxes", "Total hors TVA"),
        "lab_vat": pick(rng, "Total TVA", "Montant TVA"),
        "lab_ttc": pick(rng, "Total TTC", "Montant TTC de la facture", "Total de la facture TTC"),
        "lab_due": pick(rng, "Montant à payer", "Net à payer", "Somme à régler"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Consommation annuelle estimée (CAE)"),
        "pay_mode": {"prelevement": "Prélèvement automatique", "tip": "TIP SEPA", "virement": "Virement",
                     "cb": "Carte bancaire"}[bill.payment],
        "bars_main": chart((elec or gas).history, colour="#e2007a", height_px=34),
        "reg_name": lambda r: _REG.get(r, r), "opt_name": lambda o: _OPTION.get(o or "", ""),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("geg.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
