"""The optional LLM path, for real over HTTP against a loopback
OpenAI-compatible stub server started by the tests."""
import subprocess
import sys

import pytest

from tasks.extract import LlmConfig, extract_invoice
from tests.extract_support import ROOT, words_page
from tests.llm_stub_server import LlmStubServer


def gas_bill():
    return [words_page([
        [(40, "Gaz de Bordeaux"), (360, "Facture n° GB-2025-000731")],
        [(360, "Date de facture : 14/03/2025")],
        [(360, "Mme Louise MARCHAND")],
        [(360, "4 rue des Vignes")],
        [(360, "33000 Bordeaux")],
        [(40, "Espace abonné AB-77889")],
        [(40, "Point de comptage et d'estimation (PCE) : 21 450 330 987 114")],
        [(40, "Période de consommation du 01/01/2025 au 28/02/2025")],
        [(40, "coefficient de conversion : 11,20"), (300, "énergie : 2 240 kWh")],
        [(40, "Réf. tournée 210")],
        [(40, "Désignation"), (250, "Quantité"), (330, "Prix unitaire HT"), (430, "Montant HT"), (510, "TVA")],
        [(40, "Abonnement gaz"), (250, "2 mois"), (330, "17,50"), (430, "35,00 €"), (510, "5,5 %")],
        [(40, "Consommation gaz"), (250, "2 240 kWh"), (330, "0,0700"), (430, "156,80 €"), (510, "20 %")],
        [(40, "Total HT"), (430, "191,80 €")],
        [(40, "Total TVA"), (430, "33,29 €")],
        [(40, "Total TTC"), (430, "225,09 €")],
        [(40, "gazdebordeaux.fr")],
    ])]


@pytest.fixture()
def stub():
    with LlmStubServer() as server:
        yield server


def config(stub, **kw):
    return LlmConfig(api_key="test-key", base_url=stub.base_url, model="stub-model", **kw)


def test_a_value_only_the_llm_finds_is_used(stub):
    stub.reply_json({"customer.client_number": "AB-77889", "gas.pce": "21450330987114",
                     "total_ttc_eur": 225.09, "invoice_number": "GB-2025-000731"})
    plain = extract_invoice(gas_bill())
    assert plain["customer"]["client_number"] is None  # no label: the rules do not guess
    a = extract_invoice(gas_bill(), llm=config(stub))
    assert a["customer"]["client_number"] == "AB-77889"
    assert a["fields"]["customer.client_number"]["source"] == "llm"
    # Values the rules read stay theirs, and agreeing with the model raises them.
    assert a["gas"]["pce"] == "21450330987114" and a["fields"]["gas.pce"]["source"] == "text"
    assert a["fields"]["total_ttc_eur"]["confidence"] >= plain["fields"]["total_ttc_eur"]["confidence"]
    request = stub.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer test-key"
    assert request["body"]["model"] == "stub-model"
    assert request["body"]["response_format"] == {"type": "json_object"}
    assert "21 450 330 987 114" in request["body"]["messages"][1]["content"]


def test_an_llm_value_that_fails_a_cross_check_is_not_used(stub):
    # 210 m³ × 11,20 ≠ 2 240 kWh: the volume is wrong, whatever the model says.
    stub.reply_json({"gas.consumption_m3": 210, "customer.client_number": "AB-77889"})
    a = extract_invoice(gas_bill(), llm=config(stub))
    assert a["gas"]["consumption_m3"] is None
    assert any("extraction assistée" in w and "volume de gaz" in w for w in a["warnings"])
    assert a["customer"]["client_number"] == "AB-77889"  # the rest of the answer is still used


def test_an_invented_value_is_not_used(stub):
    stub.reply_json({"customer.client_number": "ZZ-0000001", "gas.subscription_eur": 99.99})
    a = extract_invoice(gas_bill(), llm=config(stub))
    assert a["customer"]["client_number"] is None  # printed nowhere on the bill
    assert a["gas"]["subscription_eur"] == 35.0


def test_server_errors_fall_back_to_the_rules_after_retries(stub):
    stub.reply_status(500)
    plain = extract_invoice(gas_bill())
    a = extract_invoice(gas_bill(), llm=config(stub, retries=2, timeout=2))
    assert len(stub.requests) == 3  # one try and two retries
    assert a["gas"] == plain["gas"] and a["total_ttc_eur"] == plain["total_ttc_eur"]
    assert any("n'a pas répondu" in w for w in a["warnings"])


def test_a_timeout_falls_back_to_the_rules(stub):
    stub.reply_after(3.0, {"customer.client_number": "AB-77889"})
    a = extract_invoice(gas_bill(), llm=config(stub, retries=1, timeout=0.4))
    assert len(stub.requests) == 2
    assert a["customer"]["client_number"] is None
    assert a["gas"]["pce"] == "21450330987114"
    assert any("n'a pas répondu" in w for w in a["warnings"])


def test_without_a_key_the_llm_client_is_not_even_imported():
    code = ("from tests.extract_support import words_page\n"
            "from tasks.extract import extract_invoice, LlmConfig\n"
            "from tests.test_extract_llm import gas_bill\n"
            "a = extract_invoice(gas_bill(), llm=LlmConfig(api_key=''))\n"
            "import sys\n"
            "assert a['energy'] == 'gaz'\n"
            "assert 'openai' not in sys.modules, 'openai imported'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
