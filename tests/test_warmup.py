"""A gunicorn worker analyses the warm-up bill before its first request, then
tunes its garbage collector (deployments/warmup.py)."""
from __future__ import annotations

import gc
import runpy

from tasks.analyse import marketdata
from tasks.extract import supplier
from tasks.render import pdf
from tasks.settings import ROOT


def test_a_gunicorn_worker_warms_up_and_tunes_its_collector_before_its_first_request(monkeypatch):
    monkeypatch.setattr(pdf, "_renderer", None)
    for cached in (marketdata._reference, marketdata._offers, supplier._patterns):
        cached.cache_clear()
    conf = runpy.run_path(str(ROOT / "deployments" / "gunicorn.conf.py"))
    thresholds = gc.get_threshold()
    try:
        conf["post_worker_init"](None)
        # The reports' renderer, the market data and every supplier's patterns are ready.
        assert pdf._renderer is not None
        assert marketdata._reference.cache_info().currsize == marketdata._offers.cache_info().currsize == 1
        assert supplier._patterns.cache_info().currsize == len(supplier.load_suppliers())
        # What the imports and the warm-up made is out of the collector's sight…
        assert gc.get_freeze_count() > 50_000
        assert len(gc.get_objects()) < 0.05 * gc.get_freeze_count()
        # …and young objects are collected less often than Python's default.
        assert gc.get_threshold()[0] > 10 * 700
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
