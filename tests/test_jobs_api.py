"""The job routes and the job bookkeeping when Prefect is down or slow:
nothing half-queued, status answered from the record, late runs harmless."""
from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from deployments.processes import free_port
from flows.jobs import run_job, store_for
from tasks.jobstore import new_task_id, now_iso, record_attempt
from tasks.settings import Settings
from tests.conftest import CORPUS
from webapp import create_app
from webapp import jobs as job_routes

KEY = "status-key-4f1d2c"


class StalledServer:
    """Accepts connections and never answers (a Prefect server stuck on a
    locked database, as seen from its clients)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.accepted: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/api"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture()
def stalled():
    server = StalledServer()
    yield server
    server.close()


@pytest.fixture()
def settings(tmp_path):
    return Settings(api_keys=(KEY,), upload_folder=tmp_path / "uploads", reports_folder=tmp_path / "reports")


def queue_a_bill(client, idempotency_key="same-bill-1"):
    with open(CORPUS / "dev-010.pdf", "rb") as handle:
        return client.post("/v1/jobs/pdf", data={"file": (handle, "bill.pdf")}, content_type="multipart/form-data",
                           headers={"X-API-Key": KEY, "Idempotency-Key": idempotency_key})


def assert_nothing_queued(settings):
    store = store_for(settings)
    assert store.all() == []
    assert not settings.upload_folder.exists() or not any(settings.upload_folder.iterdir())
    assert not store.keys.exists() or not any(store.keys.iterdir())


def test_prefect_down_is_a_503_and_nothing_is_half_queued(settings):
    closed = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    client = create_app(settings).test_client()
    with temporary_settings({PREFECT_API_URL: closed}):
        for _ in range(2):  # the key was released: the same request is refused again, not taken as queued
            response = queue_a_bill(client)
            assert response.status_code == 503, response.get_data(as_text=True)
            assert response.mimetype == "application/problem+json"
            assert response.get_json()["code"] == "queue_unavailable"
    assert_nothing_queued(settings)


def test_prefect_not_answering_a_submission_is_a_503_in_bounded_time(settings, stalled, monkeypatch):
    monkeypatch.setattr(job_routes, "SUBMIT_TIMEOUT", 1.0)
    client = create_app(settings).test_client()
    started = time.monotonic()
    with temporary_settings({PREFECT_API_URL: stalled.url}):
        response = queue_a_bill(client)
    assert stalled.accepted, "the submission did not reach Prefect"
    assert response.status_code == 503 and response.get_json()["code"] == "queue_unavailable"
    assert time.monotonic() - started < 30  # bounded by SUBMIT_TIMEOUT, not by Prefect's minute of retries
    assert_nothing_queued(settings)


def test_a_run_whose_job_was_withdrawn_does_nothing(settings):
    task_id = new_task_id()
    outcome = run_job(settings, task_id=task_id, files=[CORPUS / "dev-010.pdf"], kind="pdf",
                      requested_type="auto", confidence_min=0.5, strict=True, ids={}, flow_run_id=None)
    assert outcome == {"task_id": task_id, "status": "withdrawn"}
    assert store_for(settings).get(task_id) is None
    assert not (settings.reports_folder / "jobs" / task_id).exists()


def test_a_delivered_outcome_has_no_upload_left_and_a_failed_attempt_keeps_it(settings):
    store = store_for(settings)
    task_id = new_task_id()
    store.create({"task_id": task_id, "status": "succeeded", "created_at": now_iso(),
                  "webhook": {"url": "https://example.org/hook", "delivered": False, "attempts": 0}})
    store.upload_dir(task_id).mkdir(parents=True)
    (store.upload_dir(task_id) / "page-1.pdf").write_bytes(b"%PDF-")

    record = record_attempt(store, task_id, ok=False, status_code=503, error="HTTP 503")
    assert record["webhook"]["attempts"] == 1 and not record["webhook"]["delivered"]
    assert store.upload_files(task_id)

    record = record_attempt(store, task_id, ok=True, status_code=200, error=None)
    assert record["webhook"] == {**record["webhook"], "attempts": 2, "delivered": True}
    assert not store.upload_dir(task_id).exists()


def test_status_answers_from_the_record_while_prefect_does_not_answer(settings, stalled):
    client = create_app(settings).test_client()
    task_id = new_task_id()
    store_for(settings).create({"task_id": task_id, "status": "queued", "created_at": now_iso(),
                                "attempts": 0, "flow_run_id": str(uuid.uuid4()),
                                "webhook": {"url": None, "delivered": False, "attempts": 0}})

    with temporary_settings({PREFECT_API_URL: stalled.url}):
        response = client.get(f"/v1/jobs/{task_id}", headers={"X-API-Key": KEY})

    assert stalled.accepted, "the status read did not ask Prefect"
    assert response.status_code == 200
    body = response.get_json()
    assert body["task_id"] == task_id and body["status"] == "queued"
