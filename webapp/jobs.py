"""Async jobs: POST /v1/jobs/pdf, /v1/jobs/images and GET /v1/jobs/<task_id>."""
from __future__ import annotations

import contextvars
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CallTimeout

from flask import current_app, request
from werkzeug.routing import BaseConverter

from flows.jobs import QueueUnavailable, store_for, submit
from tasks.errors import AnalysisError, InvalidParameter
from tasks.jobstore import TASK_ID_PATTERN, new_task_id, now_iso
from tasks.notify import check_webhook_url
from webapp import uploads
from webapp.problems import problem
from webapp.schemas import Blueprint, ImagesJobRequest, JobAccepted, JobStatus, PdfJobRequest, problems

blp = Blueprint("jobs", __name__, url_prefix="/v1/jobs", description="Analyse asynchrone (jobs et webhook)")

MAX_IDEMPOTENCY_KEY = 255

# Prefect's client retries a busy server (503, read timeouts) for up to a
# minute. A status poll answers from the job record after LIVE_STATUS_TIMEOUT
# instead (the next poll asks Prefect again); a submission that has not gone
# through after SUBMIT_TIMEOUT is a 503, and a run it creates later finds no
# job record and does nothing (flows/jobs.run_job). The pool bounds how many
# slow calls can pile up in one worker process.
LIVE_STATUS_TIMEOUT = 3.0
SUBMIT_TIMEOUT = 30.0
_prefect_calls = ThreadPoolExecutor(max_workers=8, thread_name_prefix="prefect-call")


def _call_prefect(timeout: float, function, *args):
    """`function(*args)` with the request's context (Prefect settings, request
    id); concurrent.futures.TimeoutError after `timeout` seconds."""
    return _prefect_calls.submit(contextvars.copy_context().run, function, *args).result(timeout=timeout)


class TaskIdConverter(BaseConverter):
    """Task ids as issued (tasks/jobstore.py): a path such as /v1/jobs/pdf
    is then not also a job id, and GET on it is a 405, not an unknown job."""

    regex = TASK_ID_PATTERN


def task_id_parameter(_converter) -> dict:
    return {"type": "string", "pattern": f"^{TASK_ID_PATTERN}$"}


class IdempotencyKeyReused(AnalysisError):
    status, code, title = 422, "idempotency_key_reused", "Unprocessable Content"


IDEMPOTENCY_HEADER = {"in": "header", "name": "Idempotency-Key", "required": False,
                      "description": "Même clé et même envoi (avec la même clé d'API) : le task_id du premier job.",
                      "schema": {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY}}


@blp.route("/pdf", methods=["POST"])
@blp.doc(parameters=[IDEMPOTENCY_HEADER])
@blp.arguments(PdfJobRequest, location="form_and_files", error_status_code=400)
@blp.response(202, JobAccepted)
@problems(blp, 400, 401, 408, 413, 422, 500, 503)
def queue_pdf(form):
    uploads.check_pdf(form["file"])
    return _queue([form["file"]], "pdf", form)


@blp.route("/images", methods=["POST"])
@blp.doc(parameters=[IDEMPOTENCY_HEADER])
@blp.arguments(ImagesJobRequest, location="form_and_files", error_status_code=400)
@blp.response(202, JobAccepted)
@problems(blp, 400, 401, 408, 413, 422, 500, 503)
def queue_images(form):
    for position, storage in enumerate(form["files"], start=1):
        uploads.check_image(storage, position)
    return _queue(form["files"], "images", form)


@blp.route("/<task_id:task_id>", methods=["GET"])
@blp.response(200, JobStatus)
@problems(blp, 400, 401, 404, 500)
def job_status(task_id):
    store = store_for(current_app.config["SETTINGS"])
    record = store.get(task_id)
    if record is None:
        return problem(404, "not_found", "Job inconnu (ou expiré).")
    return _status_body(record, store)


def _fingerprint(storages, kind: str, form: dict, webhook_url: str | None) -> str:
    digest = hashlib.sha256(kind.encode())
    for storage in storages:
        storage.stream.seek(0)
        for chunk in iter(lambda: storage.stream.read(1 << 16), b""):
            digest.update(chunk)
        storage.stream.seek(0)
    options = {k: form.get(k) for k in ("type", "confidence_min", "strict", "user_id", "invoice_id", "external_ref")}
    digest.update(json.dumps({**options, "webhook_url": webhook_url}, sort_keys=True).encode())
    return digest.hexdigest()


def _idempotency_scope() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidParameter("L'en-tête Idempotency-Key doit contenir de 1 à 255 caractères.",
                               field="Idempotency-Key")
    # Scoped to the API key: two clients may use the same Idempotency-Key.
    return hashlib.sha256(f"{request.headers.get('X-API-Key')}\n{key}".encode()).hexdigest()


def _queue(storages, kind: str, form: dict):
    settings = current_app.config["SETTINGS"]
    store = store_for(settings)
    webhook_url = form.get("webhook_url") or settings.webhook_url or None
    if webhook_url:
        check_webhook_url(webhook_url, settings.webhook_allowed_hosts)
    scope = _idempotency_scope()
    fingerprint = _fingerprint(storages, kind, form, webhook_url)
    task_id = new_task_id()

    if scope:
        first = store.claim_key(scope, task_id)
        if first:
            record = store.get(first)
            if record is not None:
                if record.get("fingerprint") != fingerprint:
                    raise IdempotencyKeyReused("Cette Idempotency-Key a déjà servi pour un autre envoi.")
                return _accepted(first)
            store.release_key(scope)  # the first job expired: this one takes the key
            store.claim_key(scope, task_id)

    try:
        uploads.save(storages, store.upload_dir(task_id))
        record = store.create({
            "task_id": task_id, "status": "queued", "created_at": now_iso(), "completed_at": None,
            "source_kind": kind, "type": form["type"], "confidence_min": form["confidence_min"],
            "strict": form["strict"], "user_id": form["user_id"], "invoice_id": form["invoice_id"],
            "external_ref": form["external_ref"], "attempts": 0, "retryable": False, "error": None,
            "fingerprint": fingerprint, "flow_run_id": None,
            "webhook": {"url": webhook_url, "delivered": False, "attempts": 0},
        })
        try:
            record["flow_run_id"] = _call_prefect(SUBMIT_TIMEOUT, submit, record, store)
        except CallTimeout as error:
            raise QueueUnavailable("the Prefect API did not answer in time") from error
    except QueueUnavailable:  # no API, or no deployment to queue on
        _forget(store, task_id, scope)
        return problem(503, "queue_unavailable",
                       "La file de traitement est momentanément indisponible ; rien n'a été mis en file. "
                       "Réessayez dans quelques instants.")
    except BaseException:
        _forget(store, task_id, scope)
        raise
    store.update(task_id, flow_run_id=record["flow_run_id"])
    return _accepted(task_id)


def _forget(store, task_id: str, scope: str | None) -> None:
    """Nothing half-queued: the stored upload, the record and the key go."""
    store.delete(task_id)
    if scope:
        store.release_key(scope)


def _accepted(task_id: str):
    return {"task_id": task_id, "status": "queued", "status_url": f"/v1/jobs/{task_id}"}, 202


def _read_run_state(flow_run_id: str):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id).state


def _live_status(record: dict) -> str:
    """queued or running, as Prefect sees the job's run (the record otherwise)."""
    if record["status"] not in ("queued", "running") or not record.get("flow_run_id"):
        return record["status"]
    try:
        state = _call_prefect(LIVE_STATUS_TIMEOUT, _read_run_state, record["flow_run_id"])
    except Exception:  # noqa: BLE001 - Prefect unreachable or slow: the record is the answer
        return record["status"]
    return "running" if state is not None and state.is_running() else record["status"]


def _status_body(record: dict, store) -> dict:
    status = _live_status(record)
    if status == "failed" and record.get("retryable"):
        status = "queued"  # waiting for reprocess_failed: not over yet
    body = {"task_id": record["task_id"], "status": status, "created_at": record["created_at"],
            "completed_at": record.get("completed_at") if status in ("succeeded", "failed") else None,
            "attempts": record.get("attempts", 0)}
    if status == "succeeded":
        body["result"] = store.load_result(record["task_id"])
    if status == "failed":
        body["error"] = record.get("error")
    webhook = record.get("webhook") or {}
    body["webhook"] = {"url": webhook.get("url"), "delivered": bool(webhook.get("delivered")),
                       "attempts": int(webhook.get("attempts") or 0)}
    return body
