"""The contract of `extract_invoice`: the analysis keys, `fields`, warnings,
`confidence_min`, `strict` and `requested_type`."""
import pytest

from tasks.errors import EnergyTypeMismatch, NotAnEnergyInvoice
from tasks.extract import extract_invoice
from tests.extract_support import corpus_pages, words_page

EXTRA_KEYS = ("lines", "vat_breakdown", "total_vat_eur", "amount_due_eur", "already_paid_eur", "offer_mentions",
              "residential")


@pytest.fixture(scope="module")
def gas_bill():
    return list(corpus_pages("dev-002"))


def test_analysis_follows_the_schema(gas_bill, validate_analysis):
    a = extract_invoice(gas_bill)
    validate_analysis(a)
    assert a["schema_version"] == "1"
    assert a["market"] == {"reference": None, "gap_percent": None, "estimated_savings_eur_per_year": None}
    assert a["issues"] == []
    for key in EXTRA_KEYS:
        assert key in a
    assert a["pages"] == 2 and a["ocr_used"] is False
    assert a["gas"]["readings"][0]["end_nature"] == "estime"
    assert a["gas"]["annual_reference_kwh"] == 10443
    assert a["amount_due_eur"] == 178.95 and a["already_paid_eur"] == 880.0


def test_fields_say_how_sure_and_where_from(gas_bill):
    a = extract_invoice(gas_bill)
    meta = a["fields"]["gas.pce"]
    assert meta["source"] == "text" and meta["page"] in (1, 2) and 0.5 <= meta["confidence"] <= 1
    for info in a["fields"].values():
        assert 0 <= info["confidence"] <= 1
        assert info["source"] in ("text", "ocr", "llm", "computed")


def test_values_under_the_threshold_become_null_and_are_named(gas_bill):
    a = extract_invoice(gas_bill, confidence_min=0.995)
    assert a["invoice_number"] is None  # read from a label, but not 99.5 % sure
    assert "invoice_number" in a["fields"]
    assert any("numéro de facture" in w for w in a["warnings"])
    assert all(w[0].isupper() for w in a["warnings"])


def test_requested_type_must_match_the_bill(gas_bill):
    with pytest.raises(EnergyTypeMismatch) as err:
        extract_invoice(gas_bill, requested_type="electricite")
    assert "l'électricité" in err.value.detail and "le gaz" in err.value.detail
    a = extract_invoice(gas_bill, requested_type="electricite", strict=False)
    assert a["energy"] == "gaz" and a["requested_type"] == "electricite"
    assert any("ne correspond pas" in w for w in a["warnings"])
    assert extract_invoice(gas_bill, requested_type="gaz")["energy"] == "gaz"


def test_a_page_without_any_bill_is_refused():
    page = words_page([[(40, "Compte rendu de réunion du 12/03/2025")], [(40, "Ordre du jour : budget 2025")]])
    with pytest.raises(NotAnEnergyInvoice):
        extract_invoice([page])
    a = extract_invoice([page], strict=False)
    assert a["energy"] is None and a["warnings"]


def test_an_emergency_gas_number_does_not_make_a_dual_bill():
    a = extract_invoice(list(corpus_pages("dev-010")))  # Engie electricity, prints the GRDF hotline
    assert a["energy"] == "electricite" and a["gas"] is None
