"""Async jobs: submission of a deployment run, the job run's bookkeeping, and
delivery of its outcome to the webhook. Shared by the API (submission), the
`analyse_invoice` flow (job runs) and `reprocess_failed`."""
from __future__ import annotations

import logging
from pathlib import Path

from flows import stages
from flows.pipeline import analyse_files
from tasks import notify as notify_stage
from tasks.errors import AnalysisError
from tasks.jobstore import JobStore, now_iso
from tasks.settings import Settings

log = logging.getLogger(__name__)

FLOW_NAME = "analyse_invoice"
DEPLOYMENT_NAME = "analyse-invoice"
INTERNAL_ERROR = {"code": "internal_error",
                  "detail": "Le traitement de la facture a échoué ; il sera relancé automatiquement."}
FINAL_INTERNAL_ERROR = {"code": "internal_error",
                        "detail": "Le traitement de la facture a échoué après plusieurs tentatives."}


class QueueUnavailable(Exception):
    """The Prefect API could not be reached: nothing was queued."""


def store_for(settings: Settings) -> JobStore:
    return JobStore(settings.reports_folder, settings.upload_folder)


def job_parameters(record: dict, store: JobStore) -> dict:
    """The deployment run's parameters: where the upload is, the options, the
    ids and the webhook (paths, never file contents: Prefect caps parameters)."""
    return {
        "files": [str(p) for p in store.upload_files(record["task_id"])],
        "kind": record["source_kind"],
        "requested_type": record["type"],
        "confidence_min": record["confidence_min"],
        "strict": record["strict"],
        "task_id": record["task_id"],
        "user_id": record.get("user_id"),
        "invoice_id": record.get("invoice_id"),
        "external_ref": record.get("external_ref"),
        "webhook_url": record.get("webhook", {}).get("url"),
    }


def submit(record: dict, store: JobStore) -> str:
    """Create a run of the `analyse_invoice` deployment for this job; its id.

    Raises QueueUnavailable when the Prefect API cannot be reached or has no
    such deployment to queue on. The idempotency key makes a repeated
    submission after the same run harmless, and each resubmission (after
    another run) new, whether or not that run got as far as counting an
    attempt. The deployment's id is asked for once per API URL and process
    (again if the server no longer knows it); the parameters, built here
    from a record the API validated, are not validated again against the
    deployment's schema (the server's dearest step in creating a run).
    """
    import httpx
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentFlowRunCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.states import Scheduled, to_state_create

    attempt = int(record.get("attempts") or 0) + 1
    run = DeploymentFlowRunCreate(
        parameters=job_parameters(record, store), state=to_state_create(Scheduled()),
        name=f"job-{record['task_id'][:12]}-{attempt}", enforce_parameter_schema=False,
        idempotency_key=f"{record['task_id']}:after:{record.get('flow_run_id') or 'none'}",
    ).model_dump(mode="json", exclude_unset=True)
    try:
        with get_client(sync_client=True) as client:
            def create(refresh=False):
                return client.request("POST", "/deployments/{id}/create_flow_run", json=run,
                                      path_params={"id": _deployment_id(client, refresh=refresh)})
            try:
                response = create()
            except httpx.HTTPStatusError as error:
                if error.response.status_code != 404:
                    raise
                response = create(refresh=True)  # deleted and deployed again: a new id
    except (httpx.TransportError, OSError, RuntimeError, ObjectNotFound) as error:
        raise QueueUnavailable(str(error)) from error
    return str(response.json()["id"])


_deployment_ids: dict[str, object] = {}  # API URL -> the analyse_invoice deployment's id


def _deployment_id(client, *, refresh: bool = False):
    """The deployment's id, asked for once per API URL (again on `refresh`)."""
    url = str(client.api_url)
    if refresh or url not in _deployment_ids:
        _deployment_ids[url] = client.read_deployment_by_name(f"{FLOW_NAME}/{DEPLOYMENT_NAME}").id
    return _deployment_ids[url]


def run_job(settings: Settings, *, task_id: str, files: list[Path], kind: str, requested_type: str,
            confidence_min: float, strict: bool, ids: dict, flow_run_id: str | None) -> dict:
    """One processing attempt of a job, then its webhook once the outcome is final."""
    store = store_for(settings)
    if store.get(task_id) is None:
        # Withdrawn: its submission timed out and the API answered 503, or it expired.
        log.warning("job %s has no record: nothing to do", task_id)
        return {"task_id": task_id, "status": "withdrawn"}

    def start(record):
        record.update(status="running", started_at=now_iso(), flow_run_id=flow_run_id,
                      attempts=int(record.get("attempts") or 0) + 1)

    record = store.mutate(task_id, start)
    unexpected = None
    try:
        result = analyse_files(settings, files, kind, requested_type=requested_type,
                               confidence_min=confidence_min, strict=strict)
        result.update(ids)
        store.save_result(task_id, result)
        record = store.update(task_id, status="succeeded", completed_at=now_iso(), error=None, retryable=False)
    except AnalysisError as error:  # the user's input: retrying cannot help
        record = store.update(task_id, status="failed", completed_at=now_iso(), retryable=False,
                              error={"code": error.code, "detail": error.detail})
    except Exception as error:  # noqa: BLE001 - recorded, then re-raised for the Prefect UI
        unexpected = error
        final = record["attempts"] >= settings.reprocess_max_attempts
        record = store.update(task_id, status="failed", completed_at=now_iso(), retryable=not final,
                              error=FINAL_INTERNAL_ERROR if final else INTERNAL_ERROR)
    if not record.get("retryable"):
        deliver_outcome(settings, store, record)
    if unexpected is not None:
        raise unexpected
    return {"task_id": task_id, "status": record["status"]}


def deliver_outcome(settings: Settings, store: JobStore, record: dict) -> bool:
    """POST a final outcome to the job's webhook (retried by the notify task;
    a delivery removes the upload), or without webhook remove the upload of a
    success at once."""
    task_id = record["task_id"]
    url = (record.get("webhook") or {}).get("url")
    if not url:
        if record["status"] == "succeeded":
            store.remove_upload(task_id)
        return False
    body = notify_stage.build_payload(
        task_id=task_id, status=record["status"], source_kind=record["source_kind"], type=record["type"],
        created_at=record["created_at"], completed_at=record["completed_at"], user_id=record.get("user_id"),
        invoice_id=record.get("invoice_id"), external_ref=record.get("external_ref"),
        result=store.load_result(task_id) if record["status"] == "succeeded" else None,
        error=record.get("error"))
    webhook_id = notify_stage.webhook_id_for(task_id, record["status"], record["completed_at"])
    try:
        delivered = stages.notify.with_options(retry_delay_seconds=list(settings.webhook_retry_delays),
                                               retries=len(settings.webhook_retry_delays))(
            url, body, webhook_id=webhook_id, settings=settings, store=store, task_id=task_id)
    except stages.WebhookNotDelivered:
        delivered = False
    return delivered
