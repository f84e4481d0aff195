"""French formatting of amounts, numbers, percentages and dates, the chart's
label fitting, and the scrubber's matching rules (plain functions)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tasks import french as fr
from tasks.render.anonymise import Scrubber, mask_identifier, personal_terms, scrub_generic
from tasks.render.charts import LABEL_WIDTH, ChartBar, bar_chart, fit, text_width
from tasks.render.textnorm import Term, TermMatcher, fold, fold_with_map

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize("value, decimals, expected", [
    (1234.56, 2, f"1{NNBSP}234,56{NBSP}€"),
    (1234567.891, 2, f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
    (0.5, 2, f"0,50{NBSP}€"),
    (-12.345, 2, f"-12,35{NBSP}€"),  # half up, away from zero
    (2.675, 2, f"2,68{NBSP}€"),  # no binary floating-point surprise
    (-0.001, 2, f"0,00{NBSP}€"),  # never "-0,00"
    (184.4, 0, f"184{NBSP}€"),
    (999.5, 0, f"1{NNBSP}000{NBSP}€"),
])
def test_eur(value, decimals, expected):
    assert fr.eur(value, decimals) == expected


@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), "abc", True, [], {}])
def test_unknown_values_give_none(value):
    for fn in (fr.eur, fr.kwh, fr.percent, fr.price_kwh, fr.kva, fr.m3, fr.signed_eur, fr.number, fr.days):
        assert fn(value) is None
    assert fr.date_long(value) is None


def test_numbers_units_and_signs():
    assert fr.kwh(1428) == f"1{NNBSP}428{NBSP}kWh"
    assert fr.kwh(12.5) == f"12,5{NBSP}kWh"
    assert fr.kwh(8233.4) == f"8{NNBSP}233{NBSP}kWh"
    assert fr.price_kwh(0.163) == f"0,1630{NBSP}€/kWh"
    assert fr.price_kwh(0.217674) == f"0,2177{NBSP}€/kWh"
    assert fr.kva(6) == f"6{NBSP}kVA" and fr.kva(36.0) == f"36{NBSP}kVA"
    assert fr.m3(866) == f"866{NBSP}m³"
    assert fr.signed_eur(184) == f"+184{NBSP}€"
    assert fr.signed_eur(-12.4) == f"-12{NBSP}€"
    assert fr.signed_eur(0.2) == f"0{NBSP}€"
    assert fr.days(61) == f"61{NBSP}jours" and fr.days(1) == f"1{NBSP}jour"


@pytest.mark.parametrize("value, kwargs, expected", [
    (12.5, {}, f"12,5{NBSP}%"),
    (12.0, {}, f"12{NBSP}%"),
    (12.04, {}, f"12{NBSP}%"),
    (3.333, {"decimals": 2}, f"3,33{NBSP}%"),
    (11.7, {"signed": True}, f"+11,7{NBSP}%"),
    (-3.2, {"signed": True}, f"-3,2{NBSP}%"),
    (0, {"signed": True}, f"0{NBSP}%"),
])
def test_percent(value, kwargs, expected):
    assert fr.percent(value, **kwargs) == expected


def test_dates():
    assert fr.date_long("2025-02-12") == f"12{NBSP}février 2025"
    assert fr.date_long("2024-08-01") == f"1er{NBSP}août 2024"
    assert fr.date_long(date(2023, 12, 31)) == f"31{NBSP}décembre 2023"
    assert fr.date_long("2025-02-30") is None and fr.date_long("12/02/2025") is None
    assert fr.month_year("2025-02-01") == "février 2025"
    assert fr.period("2024-06-01", "2024-07-31") == f"du 1er{NBSP}juin au 31{NBSP}juillet 2024"
    assert fr.period("2024-12-15", "2025-01-14") == f"du 15{NBSP}décembre 2024 au 14{NBSP}janvier 2025"
    assert fr.period(None, "2025-01-14") == f"jusqu'au 14{NBSP}janvier 2025"
    assert fr.period("2025-01-14", None) == f"à partir du 14{NBSP}janvier 2025"
    assert fr.period(None, None) is None
    assert fr.or_missing(None) == "non indiqué sur la facture"


def test_fold_and_matching_are_case_and_accent_insensitive():
    assert fold("Élodie\u00a0KOWALSKI’s œuvre") == "elodie kowalski's oeuvre"
    matcher = TermMatcher([Term("Lefèvre", "name"), Term("rue de la Gare", "address")])
    assert matcher.contains("Mme LEFEVRE")
    assert matcher.contains("RUE DE LA GARE") and matcher.contains("rue-de-la-gare")
    assert not matcher.contains("Lefèvres") and not matcher.contains("la gare")


def test_scrubber_replaces_words_on_boundaries_only():
    scrub = Scrubber([Term("Base", "address"), Term("Eni", "brand", "Fournisseur alternatif B"),
                      Term("Engie", "brand", "votre fournisseur actuel")])
    assert scrub("Ville : BASE, option base") == "Ville : •••, option •••"
    assert scrub("Basée sur la base de données") == "Basée sur la ••• de données"
    assert scrub("Basé") == "•••"  # accents never save a sensitive word
    assert scrub("Bénin, Eni.") == "Bénin, Fournisseur alternatif B."
    # Elision and capitals follow the replacement.
    assert scrub("Une relance d'Engie.") == "Une relance de votre fournisseur actuel."
    assert scrub("Engie facture trop.") == "Votre fournisseur actuel facture trop."


def test_identifiers_are_masked_whatever_their_grouping():
    scrub = Scrubber([Term("27508003413791", "identifier"), Term("1-3Z8YPWKF", "identifier")])
    for text in ("PDL 27508003413791", "PDL 2750 8003 4137 91", "PDL27508003413791", "275 080 034 137 91"):
        assert scrub(text).endswith("•••• 3791"), text
    assert scrub("client 1-3z8ypwkf") == "client •••• PWKF"
    assert mask_identifier("GI277074") == "•••• 7074"
    assert mask_identifier("12") == "••••"


def test_personal_terms_cover_name_parts_street_city_and_ids():
    terms = personal_terms({
        "customer": {"name": "M. Jean-Pierre Le Goff", "address": "74 ter route des Acacias, 31000 Toulouse CEDEX 9",
                     "client_number": "6866949837"},
        "invoice_number": "15105734056",
        "electricity": {"pdl": "23354756667443", "meter_number": "0322752348"},
    })
    texts = {t.text for t in terms}
    assert {"Jean-Pierre Le Goff", "Goff Jean-Pierre Le", "Jean", "Pierre", "Goff"} <= texts
    assert "Le" not in texts and "M." not in texts
    assert {"route des Acacias", "31000", "Toulouse", "31000 Toulouse"} <= texts
    assert {"6866949837", "15105734056", "23354756667443", "0322752348"} <= texts


def test_chart_labels_fit_their_column():
    long = "Fournisseur-Régional-Coopératif-Sans-Espace – Offre Électricité Verte Équilibre Indexée 2025"
    assert text_width(fit(long, 100)) <= 100
    assert fit("Court", 100) == "Court"
    chart = bar_chart([ChartBar(long, 1234.0, f"1{NNBSP}234{NBSP}€", "current"),
                       ChartBar("B & C <offre>", 617.0, f"617{NBSP}€", "best")],
                      primary="#1f4e79", accent="#e07a1f")
    labels = re.findall(r'<td class="label">([^<]*)<', chart)
    assert labels[0].endswith("…") and text_width(labels[0], bold=True) <= LABEL_WIDTH
    assert labels[1] == "B &amp; C &lt;offre&gt;"  # escaped: data never becomes markup
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', chart)]
    assert widths == [100.0, 50.0]  # the larger cost has the full track
    assert "<text" not in chart  # text stays in HTML, laid out once
    assert bar_chart([], primary="#000000", accent="#000000") == ""


def test_generic_personal_data_in_free_text_is_masked():
    assert scrub_generic("Écrire à jean.dupont@mail.fr ou au 06 12 34 56 78.") == "Écrire à ••• ou au •••• 5678."
    assert scrub_generic("IBAN FR76 3000 6000 0112 3456 7890 189") == "IBAN •••• 0189"
    assert scrub_generic("compteur n°03227523482507") == "compteur n°•••• 2507"
    for kept in ("Montant 1 234,56 € ou 12 345 678,90 €", "8 233 kWh par an", "le 2025-02-01", "0,1952 €/kWh"):
        assert scrub_generic(kept) == kept


def test_searching_only_the_terms_a_text_can_hold_finds_what_the_whole_expression_finds():
    """`TermMatcher.find` runs, for each text, only the terms whose letters
    and digits the text holds in a row. On texts mixing every term's parts,
    separators, look-alike words and identifiers in groups, it finds exactly
    the spans and terms the single expression of all terms finds."""
    import random

    terms = [Term("Jean-Pierre Roussel", "name"), Term("Roussel", "name"), Term("164 rue de Bretagne", "address"),
             Term("Sainte-Foy-lès-Lyon", "address"), Term("25816374005122", "identifier"),
             Term("C5034552", "identifier"), Term("Total Energies", "brand"), Term("Total", "brand"),
             Term("E.ON", "brand"), Term("Eni", "brand"), Term("Ohm", "brand"), Term("123", "identifier")]
    matcher = TermMatcher(terms)
    pieces = ["Jean", "Pierre", "ROUSSEL", "Roussels", "164", "rue", "de", "Bretagne", "Sainte", "Foy", "lès",
              "Lyon", "2581 6374 0051 22", "25816374005122", "C5034552", "C 503 4552", "Total", "Energies",
              "TotalEnergies", "E.ON", "eon", "Eni", "Bénin", "ohm", "Ohmique", "123", "1234", "0,1234 €", "kWh"]
    seps = [" ", "-", ", ", ". ", "  ", "/", "’", "", " : "]
    rng = random.Random(7)
    for _ in range(400):
        text = "".join(rng.choice(pieces) + rng.choice(seps) for _ in range(rng.randint(1, 8)))
        folded, index = fold_with_map(text)
        whole = [(index[m.start()], index[m.end() - 1] + 1, m.group(0))
                 for m in matcher._regex.finditer(folded) if m.end() > m.start()]
        fast = matcher.find(text)
        assert [(a, b) for a, b, _ in fast] == [(a, b) for a, b, _ in whole], text
