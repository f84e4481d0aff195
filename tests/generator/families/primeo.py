"""Primeo Energie-style layout: section headers as mid-grey bands (#8a8a8a–#9a9a9a) with white
text, the identifiers in a grid of bordered cells (the label in small capitals on the cell's
first line, the value on its second), « Période de consommation : du 01/02/2024 au 29/02/2024
(29 jours) », amounts « 1 234,56 € », a zebra-striped detail table, a « Relevés » table
« Index de début | Index de fin | Consommation » per register, for gas the « Coefficient de
conversion » on a line of its own apart from the volume, a legal footer (capital, RCS, SIRET).

Quirks no other family has: the holder printed as a couple (« M. ou Mme Jean DUPONT »); a detail
table giving each unit price both HT and TTC (« PU HT | PU TTC ») in half the bills; an estimated
index flagged only by an asterisk after the figure and a footnote under the table (« * Index
estimé ») in most bills, a « Nature » column in the others; the detail's line periods without
their year (« 01/02 – 29/02 ») and kWh prices with six decimals (« 0,185400 €/kWh ») in some bills."""
from __future__ import annotations

import random

from markupsafe import Markup, escape

from tests.generator.bill import Bill, Line, r2
from tests.generator.data import random_digits
from tests.generator.families.common import (
    MONTHS,
    Fmt,
    chart,
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
    "name": "primeo",
    "supplier": "Primeo Energie",
    "prints_energy_ttc": True,  # « Total électricité : … € HT – … € TTC » closes each energy's detail
    "tempo": True,
    "energy_weights": (6, 3, 3),
    "dual_offer": {"fixe": "Duo Prix Fixe", "indexe": "Duo Fidélité Verte"},
    "invoice_number": lambda rng, d: f"FP{d:%y%m}{random_digits(rng, 6, False)}",
    "client_number": lambda rng: f"5{random_digits(rng, 9, False)}",
}

_OPTION = {"base": "Base", "hphc": "Heures Pleines / Heures Creuses", "tempo": "Tempo"}
_REG = {"base": "Base", "hp": "Heures Pleines", "hc": "Heures Creuses", "gaz": "Gaz naturel"}


def small_caps(label: str) -> Markup:
    """A label in small capitals: its capitals full size, its lower-case letters as smaller capitals
    (DejaVu has no small-caps glyphs, so they are drawn the way a word processor fakes them)."""
    out, run, low = [], "", None
    for ch in label + "\0":
        is_low = ch.islower()
        if ch == "\0" or (low is not None and is_low != low):
            text = escape(run.upper())
            out.append(f'<span class="sc">{text}</span>' if low else str(text))
            run = ""
        run += ch
        low = is_low
    return Markup("".join(out))


def render(bill: Bill, rng: random.Random) -> tuple[str, dict]:
    fmt = Fmt(date_style="dmy", thousands=pick(rng, " ", " ", "\u00a0", "\u202f"), price_unit="eur4")
    num = fmt.num
    price_mode = pick(rng, "eur4", "eur4", "eur6", "ceur")  # 0,1854 €/kWh | 0,185400 €/kWh | 18,54 c€/kWh
    accise_mode = pick(rng, "eur", "eur", "mwh")
    pu_ttc = rng.random() < 0.5  # quirk: unit prices HT and TTC side by side
    star_estimates = rng.random() < 0.7  # quirk: an estimated index as « 12 345* » with a footnote
    short_dates = rng.random() < 0.4  # the detail's line periods without their year
    band = pick(rng, "#8a8a8a", "#8f8f8f", "#949494", "#9a9a9a")
    cols = pick(rng, 3, 4, 4)

    # ---- wording of the billed lines
    energy_word = pick(rng, "Consommation", "Énergie consommée", "Fourniture d'électricité")
    hp_hc = pick(rng, ("Heures Pleines", "Heures Creuses"), ("HP", "HC"), ("Heures pleines", "Heures creuses"))
    sub_elec = pick(rng, "Abonnement {kva} kVA", "Abonnement électricité – {kva} kVA", "Part fixe {kva} kVA")
    sub_gas = pick(rng, "Abonnement gaz {tariff}", "Abonnement gaz naturel", "Part fixe gaz ({tariff})")

    def tempo_label(line: Line, e) -> str:
        colour, period = line.label.removeprefix("Consommation Tempo ").split(" ", 1)
        return f"{energy_word} Tempo {colour} – {hp_hc[0] if period == 'Heures Pleines' else hp_hc[1]}"

    relabel(bill, {
        ("subscription", "electricite"): lambda line, e: sub_elec.format(kva=e.kva),
        ("subscription", "gaz"): lambda line, e: sub_gas.format(tariff=e.tariff),
        ("consumption", "electricite"): f"{energy_word} Base",
        ("consumption", "gaz"): pick(rng, "Consommation gaz naturel", "Gaz naturel consommé", "Fourniture de gaz"),
        "consumption_hp": f"{energy_word} {hp_hc[0]}",
        "consumption_hc": f"{energy_word} {hp_hc[1]}",
        "consumption_tempo": tempo_label,
        ("accise", "electricite"): pick(rng, "Accise sur l'électricité", "Accise sur l'électricité (ex-CSPE)",
                                        "Taxe intérieure (accise) sur l'électricité"),
        ("accise", "gaz"): pick(rng, "Accise sur les gaz naturels", "Accise gaz naturel (ex-TICGN)"),
        "cta": pick(rng, "Contribution Tarifaire d'Acheminement", "CTA (Contribution Tarifaire d'Acheminement)",
                    "Contribution tarifaire d'acheminement"),
    })
    ctx = context(bill, rng, fmt)
    ctx.update(helpers(fmt, bill))
    elec, gas = ctx["elec"], ctx["gas"]

    def eur(x: float | None) -> str:
        return "" if x is None else f"{num(x, 2)} €"

    def kwh_price(p: float) -> str:
        if price_mode == "ceur":
            return f"{num(p * 100, 2)} c€/kWh"
        return f"{num(p, 6 if price_mode == 'eur6' else 4)} €/kWh"

    def price_of(line: Line, factor: float = 1.0) -> str:
        """A unit price as printed, HT (factor 1) or TTC (factor 1 + VAT)."""
        p = line.unit_price
        if p is None:
            return ""
        if line.kind == "accise":
            return fmt.rate(p * factor, accise_mode) if factor == 1.0 else fmt.rate(round(p * factor, 5), accise_mode)
        if line.unit == "kWh":
            return kwh_price(p if factor == 1.0 else round(p * factor, 4))
        if line.unit == "mois":
            return f"{num(p * factor, 2)} €/mois"
        if line.unit == "jour":
            return f"{num(p * factor, 4)} €/jour"
        return eur(r2(p * factor))

    def pu(line: Line) -> str:
        return price_of(line)

    def pu_t(line: Line) -> str:
        return price_of(line, 1 + line.vat / 100) if line.unit_price is not None else ""

    def qty(line: Line) -> str:
        if line.quantity is None:
            return ""
        unit = {"kWh": "kWh", "mois": "mois", "jour": "jours"}.get(line.unit or "", "")
        return f"{fmt.int(line.quantity)} {unit}".strip()

    def span(line: Line) -> str:
        if line.start is None:
            return ""
        if short_dates:
            return f"{line.start:%d/%m} – {line.end:%d/%m}"
        return f"{fmt.date(line.start)} – {fmt.date(line.end)}"

    def energy_ht(e) -> float:
        return r2(sum(line.amount for line in e.lines))

    def vat_txt(v: float) -> str:
        return fmt.pct(v) if v else "Non soumis"

    # ---- the holder: quirk « M. ou Mme » for a household contract
    c = ctx["c"]
    holder_style = pick(rng, "couple", "couple", "first_last", "last_first")
    if holder_style == "couple":
        name_line = f"{pick(rng, 'M. ou Mme', 'M. ou Mme', 'M. et Mme')} {c['first']} {c['last'].upper()}"
    elif holder_style == "first_last":
        name_line = f"{c['civility']} {c['first']} {c['last']}"
    else:
        name_line = f"{c['civility']} {c['last'].upper()} {c['first']}"

    client_groups = pick(rng, None, None, (5, 5), (2, 4, 4))
    client_printed = spaced(bill.client_number, client_groups) if client_groups else bill.client_number
    pdl_groups = pick(rng, None, None, (3, 3, 3, 3, 2))
    pdl = spaced(elec.point, pdl_groups) if elec and pdl_groups else (elec.point if elec else "")
    pce_groups = pick(rng, None, (4, 4, 4, 2))
    pce = (spaced(gas.point, pce_groups) if gas and pce_groups and gas.point.isdigit()
           else (gas.point if gas else ""))
    contract_no = f"CT{random_digits(rng, 8, False)}"

    long_date = rng.random() < 0.3

    def inv_date() -> str:
        d = bill.invoice_date
        if long_date:
            return f"{'1er' if d.day == 1 else d.day} {MONTHS[d.month - 1]} {d.year}"
        return fmt.date(d)

    # ---- the identifier grid: (label, value) cells, `cols` to a row
    cells = [
        (pick(rng, "N° de facture", "Numéro de facture", "Facture n°"), bill.invoice_number),
        (pick(rng, "Date de facture", "Date d'émission", "Émise le"), inv_date()),
        (pick(rng, "N° client", "Référence client", "Numéro de client"), client_printed),
        (pick(rng, "N° de contrat", "Référence contrat"), contract_no),
    ]
    if elec:
        cells += [
            (pick(rng, "Point de livraison (PDL)", "N° PDL", "Référence PDL / PRM"), pdl),
            (pick(rng, "Puissance souscrite", "Puissance"), f"{elec.kva} kVA"),
            (pick(rng, "Option tarifaire", "Option"), _OPTION[elec.option]),
        ]
    if gas:
        cells += [
            (pick(rng, "Point de comptage (PCE)", "N° PCE", "Référence PCE"), pce),
            (pick(rng, "Tarif d'acheminement", "Tarif gaz"), f"{gas.tariff} – zone {gas.zone}"),
        ]
    cells.append((pick(rng, "Votre offre", "Offre souscrite", "Offre"), bill.offer_name))
    if bill.payment == "prelevement":
        cells.append(("Date de prélèvement", fmt.date(bill.due_date)))
    else:
        cells.append((pick(rng, "Date limite de paiement", "À payer avant le"), fmt.date(bill.due_date)))
    while len(cells) % cols:
        cells.append(("", ""))
    grid = [[(small_caps(label), value) for label, value in cells[i:i + cols]] for i in range(0, len(cells), cols)]

    # ---- summary rows
    def energy_name(e) -> str:
        return "Électricité" if e.energy == "electricite" else "Gaz naturel"

    recap = [(energy_name(e), energy_ht(e)) for e in bill.energies]
    if bill.extra_lines:
        recap.append(("Services et frais", r2(sum(line.amount for line in bill.extra_lines))))

    def read_mark(value: int, nature: str) -> str:
        text = fmt.int(value)
        return f"{text}*" if star_estimates and nature == "estime" else text

    # The legend under the readings says what the asterisk means and that the other indexes are real.
    star_note = pick(rng, "* Index estimé (en l'absence de relevé transmis par le gestionnaire de réseau). "
                          "Index sans astérisque : index réels relevés sur votre compteur.",
                     "Les index suivis d'un astérisque (*) sont estimés ; les autres sont des index réels "
                     "télérelevés par le gestionnaire de réseau.")

    title = ("Facture de régularisation" if bill.kind == "regularisation" else "Facture") + " " + {
        "electricite": "d'électricité", "gaz": "de gaz naturel", "dual": "d'électricité et de gaz naturel"}[bill.energy]

    ctx.update({
        "band": band, "grid": grid, "title": title, "name_line": name_line,
        "upper_addr": rng.random() < 0.5, "eur": eur, "pu": pu, "pu_t": pu_t, "pu_ttc": pu_ttc, "qty_a": qty,
        "span": span, "energy_ht": energy_ht, "vat_txt": vat_txt, "energy_name": energy_name, "recap": recap,
        "read_mark": read_mark, "star_estimates": star_estimates, "star_note": star_note,
        "reg_label": lambda reg: _REG.get(reg) or ctx["reg_names"][reg],
        "pdl_printed": pdl, "pce_printed": pce, "client_printed": client_printed,
        "m_iban": masked_iban(bill.iban), "inv_date": inv_date(),
        "siret_printed": pick(rng, ctx["siret"], f"{ctx['siret'][:3]} {ctx['siret'][3:6]} {ctx['siret'][6:9]} "
                                                 f"{ctx['siret'][9:]}"),
        "lab_period": pick(rng, "Période de consommation", "Période de consommation", "Période de facturation"),
        "lab_recap": pick(rng, "Récapitulatif de votre facture", "Votre facture en résumé", "Synthèse de la facture"),
        "lab_ht": pick(rng, "Total HT", "Montant total hors taxes", "Total hors TVA"),
        "lab_vat": pick(rng, "TVA", "Montant de la TVA", "Total TVA"),
        "lab_ttc": pick(rng, "Total TTC", "Montant total TTC", "Total de la facture TTC"),
        "lab_pay": pick(rng, "Net à payer", "Montant à payer", "Total à régler"),
        "lab_car": pick(rng, "Consommation annuelle de référence", "Consommation annuelle estimée (CAR)"),
        "lab_detail": pick(rng, "Détail de votre facture", "Détail des montants facturés"),
        "lab_reads": pick(rng, "Relevés", "Relevés de vos compteurs", "Relevés et consommations"),
        "lab_coef": pick(rng, "Coefficient de conversion", "Coefficient de conversion (kWh/m³)"),
        "pay_mode": {"prelevement": "prélèvement automatique", "tip": "TIP SEPA", "virement": "virement bancaire",
                     "cb": "carte bancaire"}[bill.payment],
        "coef_txt": lambda e: num(e.coefficient, 3),
        "bars_main": chart((elec or gas).history, colour="#9a9a9a", height_px=42),
    })
    ctx["_self_ctx"] = ctx
    html = env().get_template("primeo.html").render(**ctx)
    return html, printed_spellings(bill, elec, gas, pdl, pce, client_printed)
