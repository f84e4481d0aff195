"""`reprocess_failed`: the scheduled sweep that makes sure no job is lost.

- a job whose processing failed for a reason a retry can cure is submitted
  again, up to REPROCESS_MAX_ATTEMPTS attempts, then failed for good;
- a job whose run crashed (worker killed: the run is marked Crashed by the
  zombie automation when its heartbeats stop) or was cancelled is submitted
  again the same way;
- a final outcome whose webhook was never delivered is delivered again;
- what is older than JOB_RESULT_TTL (results, records, idempotency keys) goes.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from prefect import flow, get_run_logger

from flows.jobs import QueueUnavailable, deliver_outcome, store_for, submit
from tasks.jobstore import JobStore, now_iso
from tasks.settings import Settings, get_settings

DEAD_RUN_STATES = {"CRASHED", "FAILED", "CANCELLED", "CANCELLING"}


def _age_seconds(iso: str | None) -> float:
    if not iso:
        return 0.0
    when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (datetime.now(timezone.utc) - when).total_seconds()


def _run_state(client, flow_run_id: str | None) -> str | None:
    if not flow_run_id:
        return None
    try:
        run = client.read_flow_run(flow_run_id)
    except Exception:  # noqa: BLE001 - a run the server no longer knows is dead
        return "MISSING"
    return run.state.type.value if run.state else None


def undelivered(record: dict, client) -> bool:
    """A final outcome whose webhook is still owed: an attempt failed, or the
    run that was to deliver it died before its first attempt (killed between
    recording the outcome and notifying). A live run's first attempt is its own."""
    webhook = record.get("webhook") or {}
    if not webhook.get("url") or webhook.get("delivered"):
        return False
    return bool(webhook.get("attempts")) or \
        _run_state(client, record.get("flow_run_id")) in DEAD_RUN_STATES | {"MISSING"}


def sweep(settings: Settings, store: JobStore, client, log: logging.Logger) -> dict:
    counts = {"resubmitted": 0, "failed_for_good": 0, "redelivered": 0, "expired": 0}
    for record in store.all():
        task_id, status = record["task_id"], record["status"]
        final = status == "succeeded" or (status == "failed" and not record.get("retryable"))

        if final and _age_seconds(record.get("completed_at")) > settings.job_result_ttl:
            store.delete(task_id)
            counts["expired"] += 1
            continue

        if status in ("queued", "running") and _run_state(client, record.get("flow_run_id")) in (
                DEAD_RUN_STATES | {"MISSING"}):
            record = store.update(task_id, status="failed", retryable=True, error={
                "code": "internal_error", "detail": "Le traitement a été interrompu ; il est relancé."})
            status = "failed"

        if status == "failed" and record.get("retryable"):
            if int(record.get("attempts") or 0) >= settings.reprocess_max_attempts:
                record = store.update(task_id, retryable=False, completed_at=now_iso(), error={
                    "code": "internal_error",
                    "detail": "Le traitement de la facture a échoué après plusieurs tentatives."})
                counts["failed_for_good"] += 1
                deliver_outcome(settings, store, record)
            else:
                try:
                    run_id = submit(record, store)
                except QueueUnavailable:
                    log.warning("job %s: Prefect API unreachable, will retry next sweep", task_id)
                    continue
                store.update(task_id, status="queued", flow_run_id=run_id, retryable=False)
                counts["resubmitted"] += 1
                log.info("job %s resubmitted (attempt %s)", task_id, int(record.get("attempts") or 0) + 1)
            continue

        if final and undelivered(record, client):
            if deliver_outcome(settings, store, record):
                counts["redelivered"] += 1

    for path in store.expired_keys(time.time() - settings.job_result_ttl):
        path.unlink(missing_ok=True)
    return counts


@flow(name="reprocess_failed", persist_result=False)
def reprocess_failed() -> dict:
    """Retry failed and crashed jobs, redeliver undelivered outcomes, clean up."""
    from prefect.client.orchestration import get_client

    settings = get_settings()
    with get_client(sync_client=True) as client:
        counts = sweep(settings, store_for(settings), client, get_run_logger())
    get_run_logger().info("sweep: %s", counts)
    return counts
