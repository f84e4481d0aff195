"""Hostile uploads through the API (Flask's test client; the sync analyses
run the real flow against the session's Prefect server): each gets the
contract's status and code, never a 5xx, and the service still answers and
analyses a good bill right after. The files come from
tests/resources/make_resources.py (see its README).

Decision on active content: a PDF with JavaScript or embedded files is
analysed as a normal PDF. Nothing runs the script (PDFium is built without
a JavaScript engine and no form environment is opened), attachments are
never extracted, and the reports are built from the analysis, not from the
upload: neither can reach the output.
"""
from __future__ import annotations

import base64
import dataclasses
import io
import threading
import time
from pathlib import Path

import pytest

from tasks.settings import Settings
from tests.conftest import CORPUS
from tests.resources.make_resources import build, zlib_bomb
from webapp import bombs, create_app

KEY = "hostile-key-5e2a91"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def res(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def service(tmp_path_factory, prefect_server):
    """One application for the whole module, as one running service."""
    folder = tmp_path_factory.mktemp("service")
    app = create_app(Settings(api_keys=(KEY,), upload_folder=folder / "uploads", reports_folder=folder / "reports",
                              max_content_length=4 * 1024 * 1024))
    return app, folder


@pytest.fixture()
def client(service):
    return service[0].test_client()


def post(client, path, files, **fields):
    field = "file" if path.endswith("/pdf") else "files"
    return client.post(path, data={field: files, **fields}, headers={"X-API-Key": KEY},
                       content_type="multipart/form-data")


def upload(res, name, as_name=None):
    return (io.BytesIO(res[name].read_bytes()), as_name or name)


def assert_contract(response, status, code=None):
    body = response.get_json()
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if code:
        assert response.mimetype == "application/problem+json"
        assert body["code"] == code and body["detail"] and "Traceback" not in body["detail"]
        assert "/tmp" not in body["detail"] and "uploads" not in body["detail"]  # never a path
    return body


def assert_healthy(client):
    response = client.get("/health", headers={"X-API-Key": KEY})
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


PDF_CASES = [
    ("empty.pdf", 400, "invalid_file"),
    ("truncated.pdf", 400, "invalid_file"),
    ("garbage_body.pdf", 400, "invalid_file"),
    ("html_named.pdf", 400, "invalid_file"),
    ("jpeg_named.pdf", 400, "invalid_file"),
    ("encrypted_user_password.pdf", 400, "invalid_file"),
    ("pdf_no_pages.pdf", 400, "invalid_file"),
    ("pdf_page_loop.pdf", 400, "invalid_file"),
    ("too_many_pages.pdf", 413, "file_too_large"),
    ("many_pages.pdf", 413, "file_too_large"),
    ("pdf_image_bomb.pdf", 413, "file_too_large"),
    ("flate_bomb.pdf", 413, "file_too_large"),
]


@pytest.mark.parametrize("name, status, code", PDF_CASES)
def test_hostile_pdfs(client, res, name, status, code):
    started = time.perf_counter()
    assert_contract(post(client, "/v1/invoices/pdf", upload(res, name)), status, code)
    print(f"{name}: {status} in {time.perf_counter() - started:.2f} s")
    assert_healthy(client)


IMAGE_CASES = [
    (["bomb.png"], 413, "file_too_large"),
    (["over_limit.png"], 413, "file_too_large"),
    (["huge_header.jpg"], 413, "file_too_large"),
    (["zero_size.png"], 400, "invalid_file"),
    (["zero_size.bmp"], 400, "invalid_file"),
    (["truncated.jpg"], 400, "invalid_file"),
    (["truncated.png"], 400, "invalid_file"),
    (["text_named.jpg"], 400, "invalid_file"),
    (["png_named.jpg"], 400, "invalid_file"),
    (["gif_named.png"], 400, "invalid_file"),
    (["cmyk.jpg", "empty.pdf"], 400, "invalid_file"),  # the second page is empty
    (["multipage.tif"] * 7, 413, "file_too_large"),  # 21 frames: over MAX_PAGES
]


@pytest.mark.parametrize("names, status, code", IMAGE_CASES, ids=lambda v: "+".join(v) if isinstance(v, list) else v)
def test_hostile_images(client, res, names, status, code):
    files = [upload(res, name, name.replace(".pdf", ".jpg")) for name in names]
    started = time.perf_counter()
    assert_contract(post(client, "/v1/invoices/images", files), status, code)
    print(f"{'+'.join(names)}: {status} in {time.perf_counter() - started:.2f} s")
    assert_healthy(client)


def test_a_pdf_named_png_is_refused(client, res):
    body = assert_contract(post(client, "/v1/invoices/images", [upload(res, "good.pdf", "page.png")]), 400,
                           "invalid_file")
    assert ".png" in body["detail"]


def test_the_bomb_check_passes_real_pdfs(res):
    for name in ("good.pdf", "javascript.pdf", "ocr_layer_sane.pdf", "text_flood.pdf", "pdf_image_bomb.pdf"):
        assert bombs.inflated_size(res[name].read_bytes()) < 1024 * 1024
    for path in sorted(CORPUS.glob("*.pdf")):
        assert bombs.inflated_size(path.read_bytes()) < 16 * 1024 * 1024, path.name


def test_the_bomb_check_counts_every_level_of_chained_filters():
    import zlib

    limit = 32 * 1024 * 1024
    # The first level inflates to a few dozen KB, the second past the limit.
    inner = zlib_bomb(40)
    data = b"%PDF-1.7\n4 0 obj << /Filter [/FlateDecode /FlateDecode] >>\nstream\n" + zlib.compress(inner, 9)
    assert len(inner) < limit // 100
    assert bombs.inflated_size(data, limit) > limit
    assert bombs.inflated_size(b"%PDF-1.7\nstream\n" + inner, limit) > limit
    assert bombs.inflated_size(b"%PDF-1.7\nstream\n" + zlib_bomb(20), limit) == 20 * 1024 * 1024


def _report_bytes(body) -> list[bytes]:
    return [base64.b64decode(body[f"{kind}_report_base64"]) for kind in ("non_anonymous", "anonymous")]


@pytest.mark.parametrize("name, marker", [("javascript.pdf", b"JS-PAYLOAD-91c2"),
                                          ("embedded_file.pdf", b"EMBEDDED-PAYLOAD-7f3a")])
def test_active_content_is_analysed_as_a_plain_pdf(client, res, name, marker):
    body = assert_contract(post(client, "/v1/invoices/pdf", upload(res, name), strict="false"), 200)
    assert body["analysis"]["total_ttc_eur"] == 1234.56 or body["analysis"]["warnings"]
    for pdf in _report_bytes(body):
        assert marker not in pdf
        for active in (b"/JavaScript", b"/JS", b"/EmbeddedFile", b"/OpenAction", b"/Launch"):
            assert active not in pdf


@pytest.mark.parametrize("name", ["xref_offsets_wrong.pdf", "encrypted_owner_only.pdf"])
def test_repairable_pdfs_are_read(client, res, name):
    assert_contract(post(client, "/v1/invoices/pdf", upload(res, name), strict="false"), 200)


@pytest.mark.parametrize("filename", ["../../../../tmp/evil-upload.pdf", "..\\..\\evil-upload.pdf",
                                      "factüre %00 é€ " + "x" * 300 + ".pdf"])
def test_client_file_names_go_nowhere(client, res, service, filename):
    _, folder = service
    before = {p for p in Path("/tmp").glob("evil-upload*")}
    body = assert_contract(post(client, "/v1/invoices/pdf", upload(res, "good.pdf", filename), strict="0"), 200)
    assert body["analysis"] is not None
    assert {p for p in Path("/tmp").glob("evil-upload*")} == before
    assert not list(folder.rglob("evil-upload*"))
    # The sync upload folder is removed with its files once answered.
    assert not [p for p in (folder / "uploads").rglob("*") if p.is_file()]


def test_good_bill_right_after_the_hostile_ones(client, validate_analysis):
    response = post(client, "/v1/invoices/pdf", (io.BytesIO((CORPUS / "dev-010.pdf").read_bytes()), "bill.pdf"))
    body = assert_contract(response, 200)
    validate_analysis(body["analysis"])
    assert body["analysis"]["energy"] == "electricite"


# --- SYNC_TIMEOUT -------------------------------------------------------------------------

def _inline_run_states(since: float) -> list:
    """States of the flow runs created since `since` (Unix seconds)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as prefect:
        runs = prefect.read_flow_runs(sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=20)
    return [run.state for run in runs if run.created and run.created.timestamp() >= since and run.state]


def test_sync_timeout_gives_up_with_504_then_the_service_goes_on(service, validate_analysis):
    app, _ = service
    settings = app.config["SETTINGS"]
    app.config["SETTINGS"] = dataclasses.replace(settings, sync_timeout=1)
    client = app.test_client()
    photo = [(io.BytesIO((CORPUS / "dev-013_p1.png").read_bytes()), "page.png")]  # OCR: seconds, not 1
    started = time.time()
    try:
        response = post(client, "/v1/invoices/images", photo)
    finally:
        app.config["SETTINGS"] = settings
    elapsed = time.time() - started
    body = assert_contract(response, 504, "analysis_timeout")
    assert "1 secondes" in body["detail"] and body["request_id"]
    print(f"SYNC_TIMEOUT=1: answered 504 after {elapsed:.2f} s")
    assert_healthy(client)
    # The abandoned analysis is stopped at its next step, not run to its end.
    # (Depending on how far it got in 1 s, Prefect may not have a run for it yet.)
    deadline = time.time() + 90
    while time.time() < deadline and any(t.name == "sync-analysis" for t in threading.enumerate()):
        time.sleep(0.5)
    states = _inline_run_states(started)
    print(f"abandoned analysis stopped after {time.time() - started:.1f} s; its run: "
          f"{[(s.name, s.message) for s in states]}")
    assert not any(t.name == "sync-analysis" for t in threading.enumerate())
    for state in states:
        assert state.is_failed() and "AnalysisAbandoned" in state.message
    response = post(client, "/v1/invoices/pdf", (io.BytesIO((CORPUS / "dev-009.pdf").read_bytes()), "gaz.pdf"))
    validate_analysis(assert_contract(response, 200)["analysis"])


def test_a_tesseract_page_timeout_is_the_same_504(tmp_path):
    from tasks.errors import StageTimeout

    app = create_app(Settings(api_keys=(KEY,), upload_folder=tmp_path / "uploads"))

    @app.get("/page-timeout-for-test")
    def page_timeout():
        raise StageTimeout("La lecture optique d'une page a dépassé 60 secondes et a été interrompue.")

    response = app.test_client().get("/page-timeout-for-test", headers={"X-API-Key": KEY})
    assert_contract(response, 504, "analysis_timeout")
