"""A gunicorn worker loads what every bill needs before its first request,
then freezes its heap (deployments/warmup.py)."""
from __future__ import annotations

import gc
import runpy

from tasks.analyse import marketdata
from tasks.render import pdf
from tasks.settings import ROOT


def test_a_gunicorn_worker_warms_up_and_freezes_its_heap_before_its_first_request(monkeypatch):
    monkeypatch.setattr(pdf, "_renderer", None)
    marketdata._reference.cache_clear()
    marketdata._offers.cache_clear()
    conf = runpy.run_path(str(ROOT / "deployments" / "gunicorn.conf.py"))
    thresholds = gc.get_threshold()
    try:
        conf["post_worker_init"](None)
        assert pdf._renderer is not None
        assert marketdata._reference.cache_info().currsize == 1
        assert marketdata._offers.cache_info().currsize == 1
        # What the imports and the warm-up made is out of the collector's sight.
        assert gc.get_freeze_count() > 50_000
        assert len(gc.get_objects()) < 0.05 * gc.get_freeze_count()
        # …and young objects are collected less often than Python's default.
        assert gc.get_threshold()[0] > 10 * 700
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
