"""Highlights: 3–4 French lines of at most 90 characters, from the real
figures, never a supplier, offer or customer name."""
from __future__ import annotations

import re

import pytest

from tasks.analyse import analyse, highlights
from tasks.analyse.marketdata import load_offers
from tests.analyse_cases import DEV_IDS, build, ground_truth

AMOUNT = re.compile(r"\d+(?:[\u202f ]\d{3})*(?:,\d+)?\u00a0€")


def names_never_shown(doc_id: str) -> list[str]:
    truth = ground_truth(doc_id)
    names = list(truth["sensitive_strings"])
    names += [o.supplier for o in load_offers().offers] + [o.offer_name for o in load_offers().offers]
    names.append(truth["offer_name"])
    return [n for n in names if n and len(n) > 3]


@pytest.mark.parametrize("doc_id", DEV_IDS)
def test_highlights_are_short_french_lines_without_names(doc_id):
    lines = highlights(analyse(build(doc_id)))
    assert 3 <= len(lines) <= 4
    text = "\n".join(lines).lower()
    for line in lines:
        assert len(line) <= 90, line
        assert line.endswith(".") and line[0].isupper()
        assert "None" not in line and "nan" not in line.split()
    for name in names_never_shown(doc_id):
        assert name.lower() not in text, name
    for amount in re.findall(r"\d[\d\u202f ,.]*€", "\n".join(lines)):
        assert AMOUNT.fullmatch(amount.strip()), amount


def test_highlights_give_the_rounded_savings_and_the_capped_gap():
    result = analyse(build("dev-003"))
    savings = result["market"]["estimated_savings_eur_per_year"]  # 453,49 €
    lines = highlights(result)
    assert lines[0] == f"Économie possible : environ {round(savings, -1):.0f}\u00a0€ par an avec l'offre la moins chère du marché."
    assert lines[1] == "Vous payez au moins 12\u00a0% de plus que l'offre la moins chère du marché."
    uncapped = highlights(analyse(build("dev-010")))  # gap 6,1 %
    assert uncapped[1] == "Vous payez 6\u00a0% de plus que l'offre la moins chère du marché."


def test_highlights_name_the_top_issues_first():
    lines = highlights(analyse(build("dev-007")))
    assert lines[2].startswith("Point à corriger : prix du gaz au-dessus du prix repère")  # high severity
    assert lines[3] == "À vérifier : prix indexé, il peut augmenter à tout moment."
    clean = highlights(analyse(build("dev-010")))
    assert clean[-1] == "Aucune anomalie détectée sur les montants facturés."


def test_dual_bill_positions_each_energy_when_they_differ():
    lines = highlights(analyse(build("dev-014")))
    assert lines[1].startswith("Électricité : ") and "; gaz : " in lines[1] and "en dessous du prix repère" in lines[1]


def test_unknown_figures_mean_fewer_lines_not_guesses():
    bill = build("dev-010")
    bill["period"] = {"start": None, "end": None, "days": None}
    bill["electricity"]["readings"] = []
    for item in bill["lines"]:
        item["period_start"] = item["period_end"] = None
    result = analyse(bill)
    assert result["market"]["estimated_savings_eur_per_year"] is None
    assert highlights(result) == ["Aucune anomalie détectée sur les montants facturés."]
    bill["lines"] = []  # nothing billed was readable: nothing to claim
    assert highlights(analyse(bill)) == []
    assert highlights({"market": None, "issues": [], "energy": None}) == []
