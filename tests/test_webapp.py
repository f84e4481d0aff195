"""The HTTP API through Flask's test client: auth, every contract error, and
real sync analyses (the flow runs inline against a real Prefect server)."""
from __future__ import annotations

import base64
import hashlib
import io

import pytest

from tasks.settings import Settings
from tests.conftest import CORPUS, corpus_documents
from webapp import create_app

KEY = "test-key-0123456789"
OTHER_KEY = "second-key-abcdef"


@pytest.fixture()
def app(tmp_path):
    settings = Settings(api_keys=(KEY, OTHER_KEY), upload_folder=tmp_path / "uploads",
                        reports_folder=tmp_path / "reports", max_content_length=2 * 1024 * 1024)
    return create_app(settings)


@pytest.fixture()
def client(app):
    return app.test_client()


def post(client, path, data, key=KEY, **kwargs):
    headers = {"X-API-Key": key} if key else {}
    return client.post(path, data=data, headers=headers, content_type="multipart/form-data", **kwargs)


def pdf_upload(path=CORPUS / "dev-010.pdf", name=None):
    return (io.BytesIO(path.read_bytes()), name or path.name)


def assert_problem(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == "about:blank" and body["title"] and body["detail"]
    assert "Traceback" not in body["detail"]
    return body


# --- authentication -----------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}])
def test_every_route_requires_a_valid_key(client, headers):
    for method, path in [("get", "/health"), ("get", "/openapi.json"), ("post", "/v1/invoices/pdf"),
                         ("post", "/v1/invoices/images"), ("get", "/nope")]:
        response = getattr(client, method)(path, headers=headers)
        assert_problem(response, 401, "unauthorized")


def test_any_configured_key_is_accepted(client):
    for key in (KEY, OTHER_KEY):
        response = client.get("/health", headers={"X-API-Key": key})
        assert response.status_code == 200
        assert response.get_json()["status"] == "ok"


def test_unknown_path_is_a_problem(client):
    assert_problem(client.get("/v2/whatever", headers={"X-API-Key": KEY}), 404, "not_found")


def test_openapi_describes_every_endpoint(client):
    response = client.get("/openapi.json", headers={"X-API-Key": KEY})
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    for path in ("/health", "/v1/invoices/pdf", "/v1/invoices/images"):
        assert path in spec["paths"], path
    body = spec["paths"]["/v1/invoices/pdf"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert body["schema"]
    assert "Analysis" in spec["components"]["schemas"]


# --- upload validation (no analysis runs) ---------------------------------------

def test_missing_file(client):
    body = assert_problem(post(client, "/v1/invoices/pdf", {"type": "auto"}), 400, "invalid_file")
    assert "fichier" in body["detail"].lower()


def test_wrong_extension(client):
    assert_problem(post(client, "/v1/invoices/pdf", {"file": pdf_upload(name="bill.txt")}), 400, "invalid_file")


def test_jpeg_named_pdf(client):
    jpeg = CORPUS / "dev-001_p1.jpg"
    assert_problem(post(client, "/v1/invoices/pdf", {"file": (io.BytesIO(jpeg.read_bytes()), "bill.pdf")}),
                   400, "invalid_file")


def test_pdf_named_png(client):
    assert_problem(post(client, "/v1/invoices/images", {"files": [pdf_upload(name="page.png")]}),
                   400, "invalid_file")


def test_empty_pdf(client):
    assert_problem(post(client, "/v1/invoices/pdf", {"file": (io.BytesIO(b""), "empty.pdf")}), 400, "invalid_file")


@pytest.mark.parametrize("field,value", [("type", "fioul"), ("confidence_min", "1.5"), ("confidence_min", "abc"),
                                         ("strict", "maybe"), ("user_id", "douze"), ("external_ref", "x" * 256)])
def test_invalid_parameters_name_the_field(client, field, value):
    response = post(client, "/v1/invoices/pdf", {"file": pdf_upload(), field: value})
    body = assert_problem(response, 400, "invalid_parameter")
    assert body["field"] == field and field in body["detail"]


def test_too_many_images(client):
    jpeg = (CORPUS / "dev-001_p1.jpg").read_bytes()
    files = [(io.BytesIO(jpeg), f"p{i}.jpg") for i in range(9)]
    assert_problem(post(client, "/v1/invoices/images", {"files": files}), 400, "invalid_parameter")


def test_body_over_the_limit_is_refused(client):
    big = io.BytesIO(b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024))
    assert_problem(post(client, "/v1/invoices/pdf", {"file": (big, "big.pdf")}), 413, "file_too_large")


def test_wrong_method(client):
    response = client.get("/v1/invoices/pdf", headers={"X-API-Key": KEY})
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"


# --- real analyses --------------------------------------------------------------

def _decoded_reports(body):
    reports = {}
    for kind in ("non_anonymous", "anonymous"):
        pdf = base64.b64decode(body[f"{kind}_report_base64"])
        assert pdf.startswith(b"%PDF-")
        assert body[f"{kind}_size"] == len(pdf)
        assert body[f"{kind}_sha256"] == hashlib.sha256(pdf).hexdigest()
        reports[kind] = pdf
    return reports


@pytest.mark.integration
def test_sync_pdf_returns_the_contract(client, prefect_server, validate_analysis):
    response = post(client, "/v1/invoices/pdf", {"file": pdf_upload(), "type": "electricite", "user_id": "123",
                                                 "invoice_id": "456", "external_ref": "ABC-2025-09"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["user_id"], body["invoice_id"], body["external_ref"]) == (123, 456, "ABC-2025-09")
    _decoded_reports(body)
    assert 3 <= len(body["highlights"]) <= 4
    assert all(len(line) <= 90 for line in body["highlights"])
    validate_analysis(body["analysis"])
    assert body["analysis"]["energy"] == "electricite"
    assert body["analysis"]["requested_type"] == "electricite"


@pytest.mark.integration
def test_sync_images_of_a_photographed_bill(client, prefect_server, validate_analysis):
    files = [(io.BytesIO((CORPUS / name).read_bytes()), name) for name in ("dev-013_p1.png", "dev-013_p2.png")]
    response = post(client, "/v1/invoices/images", {"files": files})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["user_id"] is None and body["invoice_id"] is None and body["external_ref"] is None
    validate_analysis(body["analysis"])
    assert body["analysis"]["pages"] == 2 and body["analysis"]["ocr_used"] is True


@pytest.mark.integration
def test_energy_type_mismatch_strict_and_lenient(client, prefect_server):
    gas_bill = CORPUS / "dev-009.pdf"
    body = assert_problem(post(client, "/v1/invoices/pdf", {"file": pdf_upload(gas_bill), "type": "electricite"}),
                          422, "energy_type_mismatch")
    assert "gaz" in body["detail"] and "électricité" in body["detail"].lower().replace("electricite", "électricité")
    response = post(client, "/v1/invoices/pdf", {"file": pdf_upload(gas_bill), "type": "electricite",
                                                 "strict": "false"})
    assert response.status_code == 200
    analysis = response.get_json()["analysis"]
    assert analysis["energy"] == "gaz" and analysis["warnings"]


@pytest.mark.integration
def test_not_an_energy_invoice(client, prefect_server, tmp_path):
    from weasyprint import HTML

    pdf = HTML(string="<h1>Facture téléphonie mobile</h1><p>Forfait 5G 100 Go : 19,99 € TTC</p>"
                      "<p>Numéro de ligne : 06 12 34 56 78</p>").write_pdf()
    assert_problem(post(client, "/v1/invoices/pdf", {"file": (io.BytesIO(pdf), "telecom.pdf")}),
                   422, "not_an_energy_invoice")
    response = post(client, "/v1/invoices/pdf", {"file": (io.BytesIO(pdf), "telecom.pdf"), "strict": "0"})
    assert response.status_code == 200
    assert response.get_json()["analysis"]["energy"] is None


@pytest.mark.integration
def test_corrupt_and_encrypted_pdfs(client, prefect_server):
    from pypdf import PdfReader, PdfWriter

    truncated = (CORPUS / "dev-010.pdf").read_bytes()[:1500]
    assert_problem(post(client, "/v1/invoices/pdf", {"file": (io.BytesIO(truncated), "cut.pdf")}),
                   400, "invalid_file")
    writer = PdfWriter(clone_from=PdfReader(CORPUS / "dev-010.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    assert_problem(post(client, "/v1/invoices/pdf", {"file": (io.BytesIO(out.getvalue()), "locked.pdf")}),
                   400, "invalid_file")


# Through the whole pipeline (the extracted names, not the ground truth's) on
# one bill per supplier and every energy; test_render_anonymity.py checks
# the renderer on every corpus bill.
ANONYMITY_DOCS = ("dev-008", "dev-009", "dev-010")


@pytest.mark.integration
@pytest.mark.parametrize("doc", [d for d in corpus_documents() if d["id"] in ANONYMITY_DOCS], ids=lambda d: d["id"])
def test_anonymised_report_leaks_nothing(client, prefect_server, doc):
    from tests.pdf_text import pdf_text_and_metadata, find_sensitive

    files = {"file": pdf_upload(doc["paths"][0])}
    response = post(client, "/v1/invoices/pdf", files)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    reports = _decoded_reports(body)
    leaks = find_sensitive(pdf_text_and_metadata(reports["anonymous"]), doc["sensitive_strings"],
                           doc["sensitive_identifiers"])
    assert not leaks, leaks
    assert not find_sensitive("\n".join(body["highlights"]), doc["sensitive_strings"], doc["sensitive_identifiers"])
    # the back-office report does show who it is about
    assert doc["customer"]["name"].split()[-1].lower() in pdf_text_and_metadata(reports["non_anonymous"]).lower()
