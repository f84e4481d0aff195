"""The prepared report: every figure computed and formatted once, in French.

`build_document(analysis, highlights, brand)` turns the `analysis` dict into
a `ReportDocument` of display-ready strings; the template only lays it out.
The anonymised report is built from an anonymised copy of this document
(`tasks.render.anonymise`), so both reports share all the work done here.

Unknown values never print as "None" or as a guess: a row the reader needs
says "non indiqué sur la facture"; an optional one is left out.
"""
from __future__ import annotations

import math
from datetime import date

from tasks import french as fr
from tasks.render.document import (Bar, CombinedRow, EnergySection, Figure, IssueCard, OfferRow, ReportDocument, Row,
                                   Summary, french)

UNCERTAIN_BELOW = 0.75  # field confidence under which a value is flagged "à vérifier"
MAX_OFFER_ROWS = 10
MAX_CHART_OFFERS = 5
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


# --------------------------------------------------------------------------
# Helpers


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _num(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    return None


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


class _Fields:
    """Confidence of each extracted value (`fields["electricity.pdl"]`)."""

    def __init__(self, fields: dict):
        self.fields = _dict(fields)

    def note(self, path: str | None) -> str | None:
        if not path:
            return None
        info = _dict(self.fields.get(path))
        conf = _num(info.get("confidence"))
        if conf is not None and conf < UNCERTAIN_BELOW:
            return "lecture à vérifier"
        return None

    def uncertain(self, labels: dict[str, str], values: dict[str, object]) -> list[str]:
        found = []
        for path, label in labels.items():
            info = _dict(self.fields.get(path))
            conf = _num(info.get("confidence"))
            if conf is not None and conf < UNCERTAIN_BELOW and values.get(path) is not None:
                found.append(f"{label} (confiance {fr.percent(conf * 100, 0)})")
        return found


def _row(rows: list[Row], label: str, value: str | None, *, required: bool = False,
         kind: str | None = None, note: str | None = None, raw: str | None = None, alt: str | None = None) -> None:
    if value is None:
        if required:
            rows.append(Row(label, fr.MISSING, kind=None, missing=True))
        return
    rows.append(Row(label, value, kind=kind, note=note, raw=raw, alt=alt))


# --------------------------------------------------------------------------
# Builders


def build_document(analysis: dict, highlights: list[str] | None, *, today: date | None = None) -> ReportDocument:
    """The non-anonymous report of `analysis`, fully formatted."""
    analysis = _dict(analysis)
    fields = _Fields(analysis.get("fields"))
    energies = _energies(analysis)
    market = _dict(analysis.get("market"))
    supplier = _text(analysis.get("supplier"))

    sections = [_section(analysis, energy, market, fields, dual=len(energies) > 1) for energy in energies]
    issues = _issues(analysis.get("issues"))
    if len(energies) > 1:
        for issue in issues:
            issue.energy_label = french("energy", issue.energy)
    combined = _combined(market, energies, analysis) if len(energies) > 1 else []

    title = {
        (): "Analyse de votre facture d'énergie",
        ("electricite",): "Analyse de votre facture d'électricité",
        ("gaz",): "Analyse de votre facture de gaz naturel",
    }.get(tuple(energies), "Analyse de votre facture d'électricité et de gaz naturel")
    invoice_date = fr.date_long(analysis.get("invoice_date"))
    subtitle_parts = []
    number = _text(analysis.get("invoice_number"))
    if number:
        subtitle_parts.append(f"Facture n° {number}")
    if invoice_date:
        subtitle_parts.append(f"du {invoice_date}" if number else f"Facture du {invoice_date}")
    subtitle = " ".join(subtitle_parts) or "Facture analysée"

    doc = ReportDocument(
        anonymous=False,
        title=title,
        subtitle=subtitle,
        generated_on=fr.date_long(today or date.today()) or "",
        energies=energies,
        summary=_summary(market, sections, issues, combined, highlights, energies),
        invoice=_invoice_rows(analysis, fields),
        sections=sections,
        combined=combined,
        issues=issues,
        issues_note=None if issues else "Aucun point d'attention n'a été relevé sur cette facture.",
        recommendation=_recommendation(sections, combined, issues),
        method=_method(analysis, market, sections),
        sources=_sources(market, sections),
        warnings=[w for w in (_text(x) for x in _list(analysis.get("warnings"))) if w],
        uncertain=_uncertain(analysis, fields),
        current_supplier=supplier,
    )
    who = " – ".join(p for p in (supplier, number and f"facture n° {number}") if p)
    doc.pdf_title = f"{title}" + (f" – {who}" if who else "")
    doc.pdf_subject = "Analyse de facture et comparaison avec les offres du marché"
    doc.pdf_keywords = ", ".join(["facture", "énergie", *[french("energy", e).lower() for e in energies]])
    return doc


def _energies(analysis: dict) -> list[str]:
    energy = analysis.get("energy")
    has_elec = isinstance(analysis.get("electricity"), dict)
    has_gas = isinstance(analysis.get("gas"), dict)
    if energy == "dual" or (has_elec and has_gas):
        return ["electricite", "gaz"]
    if energy == "electricite" or (energy is None and has_elec):
        return ["electricite"]
    if energy == "gaz" or (energy is None and has_gas):
        return ["gaz"]
    return []


def _invoice_rows(analysis: dict, fields: _Fields) -> list[Row]:
    rows: list[Row] = []
    customer = _dict(analysis.get("customer"))
    name = _text(customer.get("name"))
    _row(rows, "Titulaire du contrat", name, required=True, kind="name", raw=name,
         note=fields.note("customer.name"))
    address = _text(customer.get("address"))
    _row(rows, "Adresse", address, required=True, kind="address", raw=address,
         note=fields.note("customer.address"))
    delivery = _text(customer.get("delivery_address"))
    if delivery and delivery != address:
        _row(rows, "Lieu de consommation", delivery, kind="address", raw=delivery)
    client = _text(customer.get("client_number"))
    _row(rows, "N° client", client, kind="client_number", raw=client, note=fields.note("customer.client_number"))
    number = _text(analysis.get("invoice_number"))
    _row(rows, "N° de facture", number, required=True, kind="invoice_number", raw=number,
         note=fields.note("invoice_number"))
    _row(rows, "Date de la facture", fr.date_long(analysis.get("invoice_date")), required=True,
         note=fields.note("invoice_date"))
    _row(rows, "Type de document", french("invoice_kind", analysis.get("invoice_kind")))
    period = _dict(analysis.get("period"))
    text = fr.period(period.get("start"), period.get("end"))
    n_days = _period_days(period)
    if text and n_days:
        text = f"{text} ({fr.days(n_days)})"
    _row(rows, "Période facturée", text, required=True, note=fields.note("period.start") or fields.note("period.end"))
    _row(rows, "Montant TTC de la facture", fr.eur(analysis.get("total_ttc_eur")), required=True,
         note=fields.note("total_ttc_eur"))
    _row(rows, "Montant HT", fr.eur(analysis.get("total_ht_eur")), note=fields.note("total_ht_eur"))
    _row(rows, "dont TVA", fr.eur(analysis.get("total_vat_eur")))
    paid = _num(analysis.get("already_paid_eur"))
    if paid:
        _row(rows, "Déjà réglé (échéances)", fr.eur(paid))
    due = _num(analysis.get("amount_due_eur"))
    if due is not None and due != _num(analysis.get("total_ttc_eur")):
        _row(rows, "Montant à payer", fr.eur(due))
    return rows


def _period_days(period: dict) -> int | None:
    days = period.get("days")
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        return days
    start, end = fr.parse_date(period.get("start")), fr.parse_date(period.get("end"))
    if start and end and end >= start:
        return (end - start).days + 1
    return None


def _market_for(market: dict, energy: str, dual: bool) -> dict:
    by_energy = _dict(market.get("by_energy"))
    if isinstance(by_energy.get(energy), dict):
        return by_energy[energy]
    offers = [o for o in _list(market.get("offers")) if isinstance(o, dict)]
    if dual:
        # No per-energy view: only the offers that say their energy are usable.
        mine = [o for o in offers if o.get("energy") == energy]
        return {"offers": mine, "reference": None, "prices_valid_on": market.get("prices_valid_on")}
    mine = [o for o in offers if o.get("energy") in (None, energy)]
    return {**market, "offers": mine}


def _contract_rows(analysis: dict, energy: str, fields: _Fields, dual: bool) -> list[Row]:
    rows: list[Row] = []
    supplier = _text(analysis.get("supplier"))
    _row(rows, "Fournisseur", supplier, required=True, kind="supplier", raw=supplier, note=fields.note("supplier"))
    offer = _text(analysis.get("offer_name"))
    _row(rows, "Offre", offer, required=True, kind="offer", raw=offer, note=fields.note("offer_name"))
    _row(rows, "Type de prix", french("pricing", analysis.get("offer_pricing")), note=fields.note("offer_pricing"))
    if energy == "electricite":
        e = _dict(analysis.get("electricity"))
        pdl = _text(e.get("pdl"))
        _row(rows, "Point de livraison (PDL)", pdl, required=True, kind="pdl", raw=pdl,
             note=fields.note("electricity.pdl"))
        _row(rows, "Puissance souscrite", fr.kva(e.get("subscribed_power_kva")), required=True,
             note=fields.note("electricity.subscribed_power_kva"))
        _row(rows, "Puissance maximale atteinte", fr.kva(e.get("max_power_reached_kva")))
        option = e.get("tariff_option")
        _row(rows, "Option tarifaire", french("option", option), required=True,
             note=fields.note("electricity.tariff_option"), alt=french("option_alt", option))
        _row(rows, "Consommation de la période", fr.kwh(e.get("consumption_kwh")), required=True,
             note=fields.note("electricity.consumption_kwh"))
        hp, hc = _num(e.get("consumption_hp_kwh")), _num(e.get("consumption_hc_kwh"))
        if hp is not None or hc is not None:
            _row(rows, "dont heures pleines", fr.kwh(hp), required=True,
                 note=fields.note("electricity.consumption_hp_kwh"))
            share = None
            if hp is not None and hc is not None and hp + hc > 0:
                share = fr.percent(hc / (hp + hc) * 100, 0)
            hc_text = fr.kwh(hc)
            if hc_text and share:
                hc_text = f"{hc_text} ({share} de la consommation)"
            _row(rows, "dont heures creuses", hc_text, required=True,
                 note=fields.note("electricity.consumption_hc_kwh"))
        price_label = "Prix du kWh HT (heures pleines)" if option == "hphc" else "Prix du kWh HT"
        _row(rows, price_label, fr.price_kwh(e.get("unit_price_kwh_ht_eur")), required=True,
             note=fields.note("electricity.unit_price_kwh_ht_eur"))
        if option == "hphc" or e.get("unit_price_hc_kwh_ht_eur") is not None:
            _row(rows, "Prix du kWh HT (heures creuses)", fr.price_kwh(e.get("unit_price_hc_kwh_ht_eur")),
                 required=option == "hphc", note=fields.note("electricity.unit_price_hc_kwh_ht_eur"))
        _row(rows, "Abonnement de la période (HT)", fr.eur(e.get("subscription_eur")),
             note=fields.note("electricity.subscription_eur"))
        _row(rows, "Consommation annuelle de référence", fr.kwh(e.get("annual_reference_kwh")))
        _row(rows, "Nature du relevé", french("reading", e.get("reading")), note=fields.note("electricity.reading"))
        meter = _text(e.get("meter_number"))
        _row(rows, "N° de compteur", meter, kind="meter", raw=meter)
        if dual:
            _row(rows, "Montant TTC (part électricité)", fr.eur(e.get("amount_ttc_eur")), required=True)
    else:
        g = _dict(analysis.get("gas"))
        pce = _text(g.get("pce"))
        _row(rows, "Point de comptage (PCE)", pce, required=True, kind="pce", raw=pce, note=fields.note("gas.pce"))
        band = _text(g.get("tariff_band"))
        _row(rows, "Tarif d'acheminement", band)
        zone = _text(g.get("zone"))
        _row(rows, "Zone tarifaire", zone)
        _row(rows, "Consommation de la période", fr.kwh(g.get("consumption_kwh")), required=True,
             note=fields.note("gas.consumption_kwh"))
        _row(rows, "Volume relevé", fr.m3(g.get("consumption_m3")), note=fields.note("gas.consumption_m3"))
        coef = fr.number(g.get("conversion_coefficient"), 3, trim=True)
        _row(rows, "Coefficient de conversion", coef and f"{coef}{fr.UNIT}kWh/m³",
             note=fields.note("gas.conversion_coefficient"))
        _row(rows, "Prix du kWh HT", fr.price_kwh(g.get("unit_price_kwh_ht_eur")), required=True,
             note=fields.note("gas.unit_price_kwh_ht_eur"))
        _row(rows, "Abonnement de la période (HT)", fr.eur(g.get("subscription_eur")),
             note=fields.note("gas.subscription_eur"))
        _row(rows, "Consommation annuelle de référence", fr.kwh(g.get("annual_reference_kwh")))
        _row(rows, "Nature du relevé", french("reading", g.get("reading")), note=fields.note("gas.reading"))
        meter = _text(g.get("meter_number"))
        _row(rows, "N° de compteur", meter, kind="meter", raw=meter)
        if dual:
            _row(rows, "Montant TTC (part gaz)", fr.eur(g.get("amount_ttc_eur")), required=True)
    return rows


def _offers(market: dict, current_cost: float | None) -> tuple[list[OfferRow], int]:
    offers = [o for o in _list(market.get("offers"))
              if isinstance(o, dict) and _num(o.get("annual_cost_eur")) is not None]
    offers.sort(key=lambda o: _num(o.get("annual_cost_eur")))
    rows = []
    for rank, offer in enumerate(offers[:MAX_OFFER_ROWS], start=1):
        cost = _num(offer.get("annual_cost_eur"))
        supplier = _text(offer.get("supplier")) or "Fournisseur non précisé"
        name = _text(offer.get("offer_name"))
        pricing = offer.get("pricing")
        option = _text(offer.get("option"))
        rows.append(OfferRow(
            rank=rank,
            supplier=supplier,
            offer=name or (french("pricing_offer", pricing) or "Offre de marché"),
            offer_is_description=name is None,
            pricing=french("pricing", pricing),
            pricing_short=french("pricing_short", pricing),
            option=(french("option", option) or option) if option else None,
            option_alt=french("option_alt", option),
            price_kwh=fr.price_kwh(offer.get("price_kwh_ttc_eur")),
            subscription=fr.eur(offer.get("subscription_eur_per_year"), 0),
            annual_cost=fr.eur(cost, 0),
            delta=fr.signed_eur(cost - current_cost, 0) if current_cost is not None else None,
            is_best=rank == 1,
            supplier_raw=supplier,
            offer_raw=name,
            pricing_code=pricing,
            cost_value=cost,
            source=_text(offer.get("source")),
            valid_from=offer.get("valid_from") if fr.parse_date(offer.get("valid_from")) else None,
        ))
    return rows, max(0, len(offers) - MAX_OFFER_ROWS)


def _section(analysis: dict, energy: str, market_all: dict, fields: _Fields, dual: bool) -> EnergySection:
    market = _market_for(market_all, energy, dual)
    current = _num(market.get("annual_cost_eur"))
    reference_cost = _num(market.get("reference_annual_cost_eur"))
    offers, more = _offers(market, current)
    best = offers[0] if offers else None
    savings = _num(market.get("estimated_savings_eur_per_year"))
    basis = market.get("savings_basis") if isinstance(market.get("savings_basis"), str) else None
    gap = _num(market.get("gap_percent"))
    reference_gap = _num(market.get("reference_gap_percent"))
    reference = french("reference", energy)

    figures: list[Figure] = []
    if current is not None:
        figures.append(Figure("Coût annuel estimé de votre contrat", f"{fr.eur(current, 0)} TTC"))
    if best is not None:
        figures.append(Figure("Meilleure offre comparée", f"{best.annual_cost} TTC par an"))
    if reference_cost is not None:
        figures.append(Figure(f"{_upper_first(reference)} (référence)", f"{fr.eur(reference_cost, 0)} TTC par an"))
    if gap is not None:
        figures.append(Figure("Écart avec la meilleure offre", _gap_text(gap, market.get("gap_capped"))))
    if reference_gap is not None:
        figures.append(Figure(f"Écart avec le {reference}", fr.percent(reference_gap, 1, signed=True)))
    if savings is not None:
        name = f"Économie estimée face au {reference}" if basis == "reference" else "Économie estimée"
        figures.append(Figure(name, f"{fr.eur(savings, 0)} par an", emphasis=True))

    bars: list[Bar] = []
    if current is not None:
        bars.append(Bar("Votre contrat actuel", current, fr.eur(current, 0), "current"))
    if reference_cost is not None:
        bars.append(Bar(f"{_upper_first(reference)} (référence)", reference_cost, fr.eur(reference_cost, 0),
                        "reference"))
    for row in offers[:MAX_CHART_OFFERS]:
        bars.append(Bar(f"{row.supplier} – {row.offer}", row.cost_value, row.annual_cost,
                        "best" if row.is_best else "offer",
                        supplier_raw=row.supplier_raw, offer_raw=row.offer_raw, pricing_code=row.pricing_code))

    if not offers:
        note = "Aucune offre du marché n'a pu être comparée pour ce profil de consommation."
    elif current is None:
        note = ("Le coût annuel de votre contrat n'a pas pu être estimé à partir de la facture : "
                "les offres sont classées de la moins chère à la plus chère, sans écart avec votre contrat.")
    else:
        note = None

    annual = fr.kwh(market.get("annual_consumption_kwh"))
    return EnergySection(
        energy=energy,
        title=french("energy", energy),
        contract=_contract_rows(analysis, energy, fields, dual),
        figures=figures,
        bars=bars,
        offers=offers,
        more_offers=more,
        market_note=note,
        reference=_text(market.get("reference")),
        prices_valid_on=_valid_on(market.get("prices_valid_on")),
        annual_consumption=annual,
        annualisation=_annualisation(market.get("annualisation")),
        recommendation=energy_recommendation(energy, best, savings, current, dual, basis),
        current_value=current,
        savings_value=savings,
        savings_basis=basis,
    )


def _valid_on(value) -> str | None:
    """A date (`2025-08-01`) or the billed period (`{"start", "end"}`)."""
    if isinstance(value, dict):
        span = fr.period(value.get("start"), value.get("end"))
        return f"sur la période facturée ({span})" if span else None
    day = fr.date_long(value)
    return f"au {day}" if day else None


def _annualisation(value) -> str | None:
    method = value.get("method") if isinstance(value, dict) else value
    text = french("annualisation", method) if isinstance(method, str) else None
    if text and isinstance(value, dict) and method == "profil":
        share = _num(value.get("period_share"))
        if share:
            text += f" (la période facturée pèse {fr.percent(share * 100, 0)} de la consommation d'une année)"
    return text


def _gap_text(gap: float, capped) -> str:
    if gap <= 0:
        return f"{fr.percent(gap, 1)} (déjà compétitif)"
    text = fr.percent(gap, 1, signed=True)
    return f"au moins {text} (écart plafonné)" if capped else text


def energy_recommendation(energy: str, best: OfferRow | None, savings: float | None,
                           current: float | None, dual: bool, basis: str | None = None) -> list[str]:
    what = f"Pour le contrat {french('energy_of', energy)}" if dual else None
    if best is None and savings is not None and basis == "reference":
        reference = french("reference", energy)
        if savings > 0:
            text = ("Aucune offre du marché n'était disponible pour la période facturée : comparé au "
                    f"{reference}, votre contrat coûte environ {fr.eur(savings, 0)} de plus par an. "
                    "Demandez des devis à d'autres fournisseurs pour la même consommation.")
        else:
            text = ("Aucune offre du marché n'était disponible pour la période facturée : votre contrat coûte "
                    f"moins cher que le {reference} pour la même consommation.")
    elif best is None:
        text = ("La comparaison avec les offres du marché n'a pas pu être faite pour ce contrat : "
                "aucune offre comparable n'était disponible pour ce profil.")
    elif savings is None or current is None:
        text = (f"L'offre la moins chère comparée est {_offer_phrase(best, 'est')} ({best.supplier}), "
                f"pour environ {best.annual_cost} TTC par an. L'économie n'a pas pu être chiffrée "
                "car le coût annuel de votre contrat actuel n'a pas pu être estimé.")
    elif savings > 0:
        text = (f"Passer {_offer_phrase(best, 'to')} ({best.supplier}) permettrait d'économiser environ "
                f"{fr.eur(savings, 0)} par an : {best.annual_cost} TTC au lieu de {fr.eur(current, 0)} TTC "
                "pour la même consommation.")
    else:
        text = ("Votre contrat actuel est déjà au niveau des offres les moins chères comparées : "
                "un changement d'offre ne ferait pas baisser la facture de façon notable.")
    return [f"{what}, {text[0].lower()}{text[1:]}" if what else text]


def _offer_phrase(best: OfferRow, use: str) -> str:
    """« Eco-conso » when the offer has a name; "une offre à prix fixe" when
    only its pricing is known (or shown)."""
    if not best.offer_is_description:
        return f"à l'offre « {best.offer} »" if use == "to" else f"« {best.offer} »"
    if best.pricing_code == "reglemente":
        return "au tarif réglementé (TRV)" if use == "to" else "le tarif réglementé (TRV)"
    description = best.offer[0].lower() + best.offer[1:]
    return f"à une {description}" if use == "to" else f"une {description}"


def _issues(items) -> list[IssueCard]:
    cards = []
    for item in _list(items):
        if not isinstance(item, dict):
            continue
        severity = item.get("severity") if item.get("severity") in SEVERITY_ORDER else "low"
        impact = _num(item.get("estimated_impact_eur_per_year"))
        cards.append(IssueCard(
            code=_text(item.get("code")) or "",
            severity=severity,
            severity_label=french("severity", severity),
            title=_text(item.get("title")) or "Point d'attention",
            detail=_text(item.get("detail")),
            evidence=_text(item.get("evidence")),
            action=_text(item.get("action")),
            impact=f"{fr.eur(impact, 0)} par an" if impact is not None and impact > 0 else None,
            impact_value=impact or 0.0,
            energy=item.get("energy") if french("energy", item.get("energy")) else None,
        ))
    cards.sort(key=lambda c: (SEVERITY_ORDER[c.severity], -c.impact_value))
    return cards


def _combined(market: dict, energies: list[str], analysis: dict) -> list[CombinedRow]:
    rows = []
    currents, bests, savings_list = [], [], []
    for energy in energies:
        m = _market_for(market, energy, True)
        offers = sorted((_num(o.get("annual_cost_eur")) for o in _list(m.get("offers"))
                         if isinstance(o, dict) and _num(o.get("annual_cost_eur")) is not None))
        current = _num(m.get("annual_cost_eur"))
        best = offers[0] if offers else None
        saving = _num(m.get("estimated_savings_eur_per_year"))
        currents.append(current)
        bests.append(best)
        savings_list.append(saving)
        rows.append(CombinedRow(french("energy", energy), fr.or_missing(fr.eur(current, 0), "non estimé"),
                                fr.or_missing(fr.eur(best, 0), "non comparé"),
                                fr.or_missing(fr.eur(saving, 0), "non estimée")))

    def total(values, top_key):
        top = _num(market.get(top_key)) if top_key else None
        if top is not None:
            return top
        return sum(values) if values and all(v is not None for v in values) else None

    rows.append(CombinedRow(
        "Les deux énergies",
        fr.or_missing(fr.eur(total(currents, "annual_cost_eur"), 0), "non estimé"),
        fr.or_missing(fr.eur(total(bests, None), 0), "non comparé"),
        fr.or_missing(fr.eur(total(savings_list, "estimated_savings_eur_per_year"), 0), "non estimée"),
        emphasis=True,
    ))
    return rows


def _summary(market: dict, sections: list[EnergySection], issues: list[IssueCard],
             combined: list[CombinedRow], highlights, energies: list[str]) -> Summary:
    savings = _num(market.get("estimated_savings_eur_per_year"))
    if savings is None and len(sections) > 1:
        by_energy = _dict(market.get("by_energy"))
        per = [_num(_dict(by_energy.get(e)).get("estimated_savings_eur_per_year")) for e in energies]
        if per and all(p is not None for p in per):
            savings = sum(per)
    lines: list[str] = []
    if savings is None:
        headline, value = "Économie annuelle estimée", None
        lines.append("L'économie n'a pas pu être estimée avec les informations lues sur la facture.")
    elif savings > 0:
        headline, value = "Économie annuelle estimée", f"{fr.eur(savings, 0)} par an"
    else:
        headline, value = "Votre contrat est bien placé", None
        lines.append("Aucune offre comparée n'est nettement moins chère que votre contrat actuel.")
    if combined:
        both = combined[-1]
        if both.current != "non estimé":
            lines.append(f"Coût annuel estimé de vos deux contrats : {both.current} TTC")
        if both.best != "non comparé":
            lines.append(f"Meilleures offres comparées : {both.best} TTC par an")
    else:
        for section in sections:
            # A single-energy report shows its key figures here only.
            lines += [f"{f.label} : {f.value}" for f in section.figures if not f.emphasis]
    if issues:
        high = sum(1 for i in issues if i.severity == "high")
        plural = "s" if len(issues) > 1 else ""
        text = f"{len(issues)} point{plural} d'attention relevé{plural} sur la facture"
        if high:
            text += f", dont {high} important{'s' if high > 1 else ''}"
        lines.append(text)
    else:
        lines.append("Aucun point d'attention relevé sur la facture")
    kept = [h for h in (_text(x) for x in _list(highlights)) if h][:4]
    return Summary(headline, value, lines, kept)


def _recommendation(sections: list[EnergySection], combined: list[CombinedRow], issues: list[IssueCard]) -> list[str]:
    """The advice that does not depend on the offers' names (the sections
    hold the per-energy advice)."""
    paragraphs = []
    switch = any(s.offers and s.savings_value and s.savings_value > 0 for s in sections)
    if any(i.action for i in issues):
        paragraphs.append(("Avant ou pendant ce changement, réglez aussi les points d'attention relevés : "
                           if switch else "Réglez les points d'attention relevés : ")
                          + "chacun indique ci-dessus ce qu'il faut faire et ce qu'il peut rapporter.")
    if switch:
        paragraphs.append("Changer de fournisseur est gratuit et sans coupure : le compteur et le réseau restent les "
                          "mêmes, et le nouveau fournisseur se charge de la résiliation de l'ancien contrat. "
                          "Vérifiez la durée d'engagement et les frais éventuels de votre contrat actuel.")
    return paragraphs


def _method(analysis: dict, market: dict, sections: list[EnergySection]) -> list[str]:
    lines = ["Les coûts annuels sont des estimations TTC (abonnement et consommation, taxes comprises) "
             "calculées pour la même consommation annuelle avec les prix de votre contrat et ceux de chaque offre."]
    for s in sections:
        prefix = f"{s.title} : " if len(sections) > 1 else ""
        parts = []
        if s.annual_consumption:
            text = f"consommation annuelle retenue {s.annual_consumption}"
            if s.annualisation:
                text += f" ({s.annualisation})"
            parts.append(text)
        if s.reference:
            parts.append(f"prix de référence : {s.reference}")
        if s.prices_valid_on:
            parts.append(f"prix des offres en vigueur {s.prices_valid_on}")
        if parts:
            body = " ; ".join(parts)
            lines.append(f"{prefix}{body[0].upper()}{body[1:]}." if not prefix else f"{prefix}{body}.")
    grids = sorted({o.valid_from for s in sections for o in s.offers if o.valid_from})
    if len(grids) == 1:
        lines.append(f"Les grilles tarifaires des offres comparées datent du {fr.date_long(grids[0])}.")
    elif grids:
        lines.append(f"Les grilles tarifaires des offres comparées ont été publiées entre le "
                     f"{fr.date_long(grids[0])} et le {fr.date_long(grids[-1])}.")
    if market.get("gap_capped"):
        lines.append("L'écart affiché avec la meilleure offre est plafonné : l'écart réel peut être plus élevé.")
    if analysis.get("ocr_used"):
        lines.append("La facture a été lue par reconnaissance de caractères (document numérisé ou photographié) : "
                     "les valeurs signalées comme incertaines sont à vérifier sur l'original.")
    lines.append("Cette analyse est indicative : elle repose sur les informations lues sur la facture et sur les "
                 "grilles tarifaires publiques à la date indiquée, et ne constitue pas une offre commerciale.")
    return lines


def _sources(market: dict, sections: list[EnergySection]) -> list[str]:
    seen: list[str] = []
    for s in sections:
        for row in s.offers:
            if row.source and row.source not in seen:
                seen.append(row.source)
    return seen[:8]


def _uncertain(analysis: dict, fields: _Fields) -> list[str]:
    labels = {
        "supplier": "Fournisseur", "offer_name": "Offre", "invoice_date": "Date de la facture",
        "total_ttc_eur": "Montant TTC", "total_ht_eur": "Montant HT",
        "electricity.pdl": "PDL", "electricity.subscribed_power_kva": "Puissance souscrite",
        "electricity.tariff_option": "Option tarifaire", "electricity.consumption_kwh": "Consommation d'électricité",
        "electricity.unit_price_kwh_ht_eur": "Prix du kWh d'électricité",
        "electricity.unit_price_hc_kwh_ht_eur": "Prix du kWh en heures creuses",
        "gas.pce": "PCE", "gas.consumption_kwh": "Consommation de gaz",
        "gas.unit_price_kwh_ht_eur": "Prix du kWh de gaz",
        "period.start": "Début de période", "period.end": "Fin de période",
    }
    values = {}
    for path in labels:
        node = analysis
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        values[path] = node
    return fields.uncertain(labels, values)
