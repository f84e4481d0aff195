"""The anonymised report leaks nothing: checked on the finished PDF's text
layer, metadata, XMP, attachments, links and outline, for every dev corpus
bill and for customers whose names are ordinary words."""
from __future__ import annotations

import json

import pytest

from tests import render_fixtures as rf
from tests.render_helpers import (TODAY, found_identifier, found_word, leaks, pdf_structure, pdf_text, registry,
                                  render_cached, render_truth)
from tasks.render import AnonymityError, Brand, render_reports
from tasks.render.anonymise import sensitive_terms
from tasks.render.guard import check_anonymous_pdf

TRUTH_IDS = [p.stem for p in sorted(rf.CORPUS.glob("dev-*.json"))]
assert len(TRUTH_IDS) == 15


@pytest.mark.parametrize("truth_id", TRUTH_IDS)
def test_anonymous_report_has_no_sensitive_string(truth_id):
    truth, analysis, reports = render_truth(truth_id)
    strings = rf.sensitive_strings(truth)
    # Every offer's supplier is a brand too, as are EDF's tariff names.
    strings += sorted({o["supplier"] for o in _all_offers(analysis)}) + ["Tarif Bleu"]
    assert leaks(reports.anonymous, strings, truth["sensitive_identifiers"]) == []


@pytest.mark.parametrize("truth_id", ["dev-001", "dev-004", "dev-015"])
def test_full_report_shows_what_the_anonymous_one_hides(truth_id):
    """The search above can fail: on the full report it finds the names."""
    truth, analysis, reports = render_truth(truth_id)
    found = leaks(reports.non_anonymous, rf.sensitive_strings(truth), truth["sensitive_identifiers"])
    assert truth["customer"]["name"] in found
    assert truth["supplier"] in found
    assert truth["invoice_number"] in found


def test_anonymous_report_uses_neutral_labels():
    truth, analysis, reports = render_truth("dev-001")
    text = pdf_text(reports.anonymous)
    assert "Votre fournisseur actuel" in text
    assert "Fournisseur alternatif A" in text and "Fournisseur alternatif B" in text
    pdl = truth["electricity"]["pdl"]
    assert f"•••• {pdl[-4:]}" in text
    assert "Tarif réglementé (TRV)" in text  # EDF's regulated offer, named neutrally
    # The customer's own offer is a supplier's offer name: described, not named.
    assert not found_word(truth["offer_name"], text)


def test_same_supplier_keeps_one_letter_across_energies():
    truth, analysis, reports = render_truth("dev-004")  # dual: OHM and Plenitude offer both energies
    text = pdf_text(reports.anonymous)
    full = pdf_text(reports.non_anonymous)
    assert "OHM Énergie" in full and not found_word("OHM", text)
    letters = sorted(set(__import__("re").findall(r"Fournisseur alternatif ([A-Z]+)", text)))
    distinct_suppliers = {o["supplier"] for o in _all_offers(analysis)} - {analysis["supplier"]}
    assert len(letters) == len(distinct_suppliers)


def test_anonymous_metadata_is_neutral_and_full_metadata_carries_brand():
    truth, analysis, reports = render_truth("dev-003")
    anon = pdf_structure(reports.anonymous)
    full = pdf_structure(reports.non_anonymous)
    assert anon["info"].get("/Title") == "Analyse de facture d'énergie – rapport anonymisé"
    assert "/Author" not in anon["info"]
    assert anon["xmp"] is None and anon["attachments"] == {} and anon["uris"] == []
    assert full["info"].get("/Author") == "Comparateur Énergie"
    assert "EDF" in full["info"]["/Title"]


@pytest.mark.parametrize("case", range(len(rf.common_word_fixtures())))
def test_common_word_names_do_not_leak(case):
    analysis, strings = rf.common_word_fixtures()[case]
    reports, _ = render_cached(f"common-{case}", analysis, rf.highlights_for(analysis))
    identifiers = [s for s in strings if any(ch.isdigit() for ch in s) and len(s) > 5]
    assert leaks(reports.anonymous, strings, identifiers) == []
    # ...while the full report still says them (so the search can fail).
    assert leaks(reports.non_anonymous, strings[:1], []) == strings[:1]


def test_city_named_like_the_base_option_is_masked_everywhere():
    analysis, _ = rf.common_word_fixtures()[0]
    reports, _ = render_cached("common-0", analysis, rf.highlights_for(analysis))
    text = pdf_text(reports.anonymous)
    assert not found_word("Base", text)
    assert found_word("Base", pdf_text(reports.non_anonymous))


def test_guard_fails_closed_on_a_leaking_pdf():
    truth, analysis, reports = render_truth("dev-002")
    terms = sensitive_terms(analysis, registry())
    check_anonymous_pdf(reports.anonymous, terms)  # the real one passes
    with pytest.raises(AnonymityError) as caught:
        check_anonymous_pdf(reports.non_anonymous, terms)
    # The error says where, never what.
    assert truth["customer"]["name"] not in str(caught.value)
    assert "Lemoine" not in caught.value.detail


def test_guard_reads_metadata_links_and_attachments():
    import weasyprint

    terms = sensitive_terms({"customer": {"name": "Jeanne Vasseur", "address": None}, "supplier": "Engie"}, registry())
    clean = "<html><head><title>Rapport</title></head><body><p>Bonjour</p></body></html>"
    check_anonymous_pdf(weasyprint.HTML(string=clean).write_pdf(), terms)
    for html in (
        "<html><head><title>Rapport Vasseur</title></head><body><p>x</p></body></html>",
        "<html><head><meta name=author content='Jeanne Vasseur'></head><body><p>x</p></body></html>",
        "<html><head><meta name=keywords content='engie'></head><body><p>x</p></body></html>",
        "<html><body><a href='https://particuliers.engie.fr/x'>lien</a></body></html>",
        "<html><body><h1 style='color:white'>Vasseur</h1></body></html>",
    ):
        with pytest.raises(AnonymityError):
            check_anonymous_pdf(weasyprint.HTML(string=html).write_pdf(), terms)
    attached = weasyprint.HTML(string=clean).write_pdf(
        attachments=[weasyprint.Attachment(string="neutre", name="a.txt")])
    with pytest.raises(AnonymityError):
        check_anonymous_pdf(attached, terms)


def test_identifiers_are_masked_whatever_their_spacing_in_free_text():
    truth = json.loads((rf.CORPUS / "dev-012.json").read_text(encoding="utf-8"))
    analysis = rf.analysis_from_truth(truth)
    pdl = truth["electricity"]["pdl"]
    spaced = " ".join(pdl[i:i + 4] for i in range(0, 14, 4))
    analysis["warnings"] = [f"PDL lu : {spaced} (client {truth['customer']['client_number']}, facture "
                            f"n°{truth['invoice_number']})."]
    reports = render_reports(analysis, [], Brand(), registry=registry(), today=TODAY)
    text = pdf_text(reports.anonymous)
    for identifier in truth["sensitive_identifiers"]:
        assert not found_identifier(identifier, text)
    assert f"•••• {pdl[-4:]}" in text


def _all_offers(analysis):
    market = analysis["market"]
    offers = list(market.get("offers") or [])
    for block in (market.get("by_energy") or {}).values():
        offers += block.get("offers") or []
    return offers
