"""A time limit for the inline (sync) analysis: SYNC_TIMEOUT.

The analysis runs in a thread of its own and the request waits for it at
most that long. At the deadline the request answers 504 `analysis_timeout`
at once, and the analysis thread is told to stop: an exception is raised in
it at its next Python instruction (as Prefect's own flow timeouts do), so it
stops between two steps. A step blocked in a C call (a Tesseract page,
bounded by TESSERACT_TIMEOUT) finishes first; its result is then dropped.
"""
from __future__ import annotations

import contextvars
import ctypes
import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from tasks.errors import AnalysisError

log = logging.getLogger(__name__)

T = TypeVar("T")


class AnalysisTimeout(AnalysisError):
    """The sync analysis did not end within SYNC_TIMEOUT (or a page's OCR
    within TESSERACT_TIMEOUT): the client may retry, or use the job endpoints."""

    status, code, title = 504, "analysis_timeout", "Gateway Timeout"

    @classmethod
    def after(cls, seconds: float) -> AnalysisTimeout:
        return cls(f"L'analyse a dépassé le délai de {seconds:g} secondes et a été interrompue. "
                   "Réessayez plus tard, ou utilisez l'analyse asynchrone (/v1/jobs/…).")


class AnalysisAbandoned(AnalysisError):
    """Raised inside an analysis thread whose request has given up on it.
    An AnalysisError, so that the stage wrappers do not retry the step
    (flows/stages.py retries anything else) and the run ends Failed."""

    status, code, title = 504, "analysis_timeout", "Gateway Timeout"

    def __init__(self, detail: str = "Analyse abandonnée : la requête a dépassé SYNC_TIMEOUT."):
        super().__init__(detail)


def run_with_deadline(fn: Callable[..., T], seconds: float, *args, **kwargs) -> T:
    """`fn(*args, **kwargs)` in a worker thread (same context variables: the
    request id follows it into the logs); its result or its exception, or
    `AnalysisTimeout` after `seconds`."""
    outcome: dict = {}
    finished = threading.Event()
    context = contextvars.copy_context()

    def work():
        try:
            outcome["result"] = context.run(fn, *args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - handed to the waiting request
            outcome["error"] = error
        finally:
            finished.set()

    thread = threading.Thread(target=work, name="sync-analysis", daemon=True)
    thread.start()
    if not finished.wait(seconds):
        if not finished.is_set():
            _interrupt(thread)
        log.warning("sync analysis abandoned after %g s", seconds)
        raise AnalysisTimeout.after(seconds)
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, AnalysisAbandoned):  # lost the race with the deadline
            raise AnalysisTimeout.after(seconds) from None
        raise error
    return outcome["result"]


def _interrupt(thread: threading.Thread) -> None:
    if thread.ident is None or not thread.is_alive():
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(AnalysisAbandoned))
