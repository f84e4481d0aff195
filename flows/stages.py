"""Thin Prefect task wrappers around the stages of `tasks/`.

Each wrapper only names the stage for the Prefect UI and sets its retry
policy; the work is in the plain function it calls. Retries are for what a
retry can cure (a Tesseract crash, an LLM or webhook endpoint hiccup), never
for the user's input: an `AnalysisError` (bad file, wrong energy…) fails at once.
Caching is off: stage inputs are pages and images, hashing them would cost
more than the work, and every run must really run.
"""
from __future__ import annotations

import time

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks import analyse as analyse_stage
from tasks import extract as extract_stage
from tasks import notify as notify_stage
from tasks import ocr as ocr_stage
from tasks import rasterise as rasterise_stage
from tasks import render as render_stage
from tasks.errors import AnalysisError
from tasks.jobstore import record_attempt


def _retry_unless_user_error(task, task_run, state) -> bool:
    error = state.result(raise_on_failure=False)
    return not isinstance(error, AnalysisError)


_stage = dict(cache_policy=NO_CACHE, persist_result=False, retry_condition_fn=_retry_unless_user_error)


@task(name="rasterise", **_stage)
def rasterise(files, kind, *, max_pages, max_pixels):
    return rasterise_stage.load_pages(files, kind, max_pages=max_pages, max_pixels=max_pixels)


@task(name="ocr", retries=1, retry_delay_seconds=1, **_stage)
def ocr(pages, *, lang, workers, timeout_s):
    return ocr_stage.ocr_pages(pages, lang=lang, workers=workers, timeout_s=timeout_s)


@task(name="extract", retries=1, retry_delay_seconds=1, **_stage)
def extract(pages, *, requested_type, confidence_min, strict, llm):
    return extract_stage.extract_invoice(
        pages, requested_type=requested_type, confidence_min=confidence_min, strict=strict, llm=llm
    )


@task(name="analyse", **_stage)
def analyse(analysis, *, gap_cap_percent):
    analysis = analyse_stage.analyse(analysis, gap_cap_percent=gap_cap_percent)
    return analysis, analyse_stage.highlights(analysis)


@task(name="render", retries=1, retry_delay_seconds=1, **_stage)
def render(analysis, highlights, brand):
    return render_stage.render_reports(analysis, highlights, brand)


class WebhookNotDelivered(Exception):
    """This attempt failed and another may succeed: Prefect retries the task."""


# Retry count and delays come from WEBHOOK_RETRY_DELAYS (`with_options` at call time).
@task(name="notify", retry_jitter_factor=0.2, **_stage)
def notify(url, body, *, webhook_id, settings, store, task_id) -> bool:
    """One delivery attempt, counted on the job record; True once delivered,
    False when retrying cannot help (410, URL refused)."""
    result = notify_stage.deliver(url, body, webhook_id=webhook_id, secret=settings.webhook_secret,
                                  token=settings.webhook_token, timeout=settings.webhook_timeout,
                                  allowed_hosts=settings.webhook_allowed_hosts)
    record_attempt(store, task_id, ok=result.ok, status_code=result.status_code, error=result.error)
    if result.ok or not result.retryable:
        return result.ok
    if result.retry_after:  # the receiver said when to come back (429/503)
        time.sleep(min(result.retry_after, 300))
    raise WebhookNotDelivered(result.error)
