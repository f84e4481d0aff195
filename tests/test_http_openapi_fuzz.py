"""The generated OpenAPI description (/openapi.json), fuzzed by schemathesis
against the real application: no 5xx other than documented ones, every
answer (status, content type, headers, body) as described.

schemathesis sends valid images and PDFs too (a 1 × 1 PNG…), so the sync
endpoints run real analyses against the session's Prefect server: few
examples there. The job endpoints are pointed at a URL where there is no
Prefect API, so nothing is queued: they must answer 503 `queue_unavailable`
(documented) for valid uploads, 4xx for the rest.

The `positive_data_acceptance` check is left out on purpose: the service
refuses schema-valid requests for reasons no JSON Schema can express (the
bytes of a file not matching its extension, a webhook host on a private
network), and answers 400/422 for them, as the contract says.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tasks.settings import Settings
from webapp import create_app

KEY = "fuzz-key-0123456789"
_FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
# Built at import: schemathesis parametrises at collection time (its lazy,
# fixture-based loader does not work with this pytest).
APP = create_app(Settings(api_keys=(KEY,), upload_folder=_FOLDER / "uploads", reports_folder=_FOLDER / "reports",
                          max_content_length=1024 * 1024, sync_timeout=60))
SCHEMA = schemathesis.openapi.from_wsgi("/openapi.json", APP, headers={"X-API-Key": KEY})
# The coverage phase would send the 8-image maximum of valid images, 8 pages
# of OCR per example: the images endpoint gets the fuzzing phase only.
NO_COVERAGE = SchemathesisConfig.from_str("[phases.coverage]\nenabled = false\n")
READS = SCHEMA.include(method="GET")
JOBS = SCHEMA.include(method="POST", path_regex=r"^/v1/jobs/")
SYNC_PDF = SCHEMA.include(method="POST", path="/v1/invoices/pdf")
# Valid images are OCRed (about 2 s a page here, even a 1 × 1 PNG): few examples.
SYNC_IMAGES = schemathesis.openapi.from_wsgi("/openapi.json", APP, config=NO_COVERAGE, headers={"X-API-Key": KEY}
                                             ).include(method="POST", path="/v1/invoices/images")
FUZZ = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True, "database": None}


@pytest.fixture()
def no_prefect_api(prefect_server):
    """The job endpoints see no Prefect API: the real server, under a path
    where it answers 404 at once (a closed port costs 1.5 s of connection
    retries per request)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: prefect_server.rsplit("/api", 1)[0] + "/no-prefect-here/api"}):
        yield


def _check(case, *, allowed_5xx: tuple[int, ...] = ()):
    excluded = [positive_data_acceptance] + ([not_a_server_error] if allowed_5xx else [])
    response = case.call_and_validate(headers={"X-API-Key": KEY}, excluded_checks=excluded)
    assert response.status_code < 500 or response.status_code in allowed_5xx, response.text
    return response


@READS.parametrize()
@settings(max_examples=60, **FUZZ)
def test_health_and_job_status_conform(case):
    _check(case)


@pytest.mark.integration
@JOBS.parametrize()
@settings(max_examples=15, **FUZZ)
def test_job_submissions_conform(case, no_prefect_api):
    # 503 is the contract's answer to a valid job while Prefect is down (and
    # schemathesis counts every 5xx as a server error): the only one allowed.
    response = _check(case, allowed_5xx=(503,))
    if response.status_code == 503:
        assert response.json()["code"] == "queue_unavailable"


@pytest.mark.integration
@SYNC_PDF.parametrize()
@settings(max_examples=12, **FUZZ)
def test_sync_pdf_conforms(case, prefect_server):
    _check(case)


@pytest.mark.integration
@SYNC_IMAGES.parametrize()
@settings(max_examples=4, **FUZZ)
def test_sync_images_conform(case, prefect_server):
    _check(case)
