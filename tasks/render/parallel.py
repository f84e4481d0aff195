"""A second process that renders the anonymised report while the calling
one renders the back-office report. WeasyPrint is pure Python and holds the
GIL, so a thread would not overlap the two; on a digital bill the reports are
about three quarters of a sync request.

Only a long-lived process starts it (`start`, from gunicorn's
`post_worker_init` once warmed up): the child is forked there, while the
worker runs no other thread, and shares its loaded fonts, templates and
patterns. A job run or the CLI never starts it and renders the two
reports in turn, as does a worker whose render process has died.
"""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

log = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None


def start() -> None:
    """Fork the render process now (not later, from a request thread)."""
    global _pool
    if _pool is not None:
        return
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                               initializer=_die_with, initargs=(os.getpid(),))
    pool.submit(int).result()  # with "fork", every child is started at the first submit
    _pool = pool


def _die_with(parent: int) -> None:
    """The render process ends with its worker, even one killed outright:
    blocked on its queue, whose ends it holds too, it would never notice."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the worker died before prctl took effect
        os._exit(0)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def stop() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def running() -> bool:
    return _pool is not None


def submit(fn, /, *args, **kwargs) -> Future | None:
    """`fn(*args, **kwargs)` in the render process; None when there is none."""
    if _pool is None:
        return None
    try:
        return _pool.submit(fn, *args, **kwargs)
    except (BrokenProcessPool, RuntimeError):
        gone()
        return None


def gone() -> None:
    """The render process died (killed, out of memory): render in turn from now
    on. A new one is not forked from a process that now runs request threads."""
    global _pool
    if _pool is not None:
        log.warning("the render process is gone: the two reports are now rendered one after the other")
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
