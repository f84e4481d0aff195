"""A gunicorn worker analyses the warm-up bill before its first request, then
tunes its garbage collector (deployments/warmup.py)."""
from __future__ import annotations

import gc
import runpy

from tasks.analyse import marketdata
from tasks.extract import places, supplier
from tasks.render import pdf
from tasks.settings import ROOT


def test_a_gunicorn_worker_warms_up_and_tunes_its_collector_before_its_first_request(monkeypatch):
    monkeypatch.setattr(pdf, "_renderer", None)
    for cached in (marketdata._reference, marketdata._offers, supplier._patterns, places._towns):
        cached.cache_clear()
    conf = runpy.run_path(str(ROOT / "deployments" / "gunicorn.conf.py"))
    thresholds = gc.get_threshold()
    try:
        conf["post_worker_init"](None)
        # The reports' renderer, the market data and every supplier's patterns are ready.
        assert pdf._renderer is not None
        assert marketdata._reference.cache_info().currsize == marketdata._offers.cache_info().currsize == 1
        assert supplier._patterns.cache_info().currsize == len(supplier.load_suppliers())
        # …and so is what only a scan's reading needs (the postcode table).
        assert places._towns.cache_info().currsize == 1
        # What the imports and the warm-up made is out of the collector's sight…
        assert gc.get_freeze_count() > 50_000
        assert len(gc.get_objects()) < 0.05 * gc.get_freeze_count()
        # …and young objects are collected less often than Python's default.
        assert gc.get_threshold()[0] > 10 * 700
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


FIRST_RUN = """
import json, sys
from deployments import warmup
warmup.warm_up(("flows.analyse_invoice",))
before = set(sys.modules)
waiting = warmup.deferred_models()
from flows.analyse_invoice import run_analysis
from tasks.settings import ROOT
run_analysis([ROOT / "tests" / "corpus" / "dev" / "dev-010.pdf"], "pdf")
print(json.dumps({"imported": sorted(set(sys.modules) - before),
                  "built": sorted(f"{m.__module__}.{m.__qualname__}" for m in waiting - warmup.deferred_models())}))
"""


def test_a_warmed_up_process_imports_and_builds_nothing_more_for_its_first_run(prefect_server):
    """What a flow run would import on first use (FastAPI's encoder for its
    parameters: ~0.14 s) is imported by the warm-up, and the pydantic models
    Prefect builds on first use are built, so that neither a worker's first
    request nor any forked job run pays for them."""
    import json
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", FIRST_RUN], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=True)
    first_run = json.loads(result.stdout.strip().splitlines()[-1])
    assert first_run == {"imported": [], "built": []}
