"""What a long-lived process (a gunicorn worker, the job workers' fork
server) loads once, so that its first bill costs no more than the next ones,
and the freeze of its heap once that is done."""
from __future__ import annotations

import gc
import importlib

# What a flow run imports lazily, inside functions: Prefect's engine and what
# it and the stages load on first use (listed from a run's sys.modules).
PRELOAD = ("prefect.flow_engine", "prefect.task_engine", "prefect.runtime.flow_run",
           "prefect.deployments.steps", "prefect._internal.metrics", "prefect.utilities.visualization",
           "anyio._backends._asyncio", "anyio.streams.tls", "anyio.streams.stapled", "email.policy",
           "weasyprint", "weasyprint.text.fonts", "weasyprint.urls", "fontTools.ttLib", "numpy", "PIL.Image",
           "pypdfium2", "httpx", "tenacity", "tasks.analyse.stage")


def warm_up(modules: tuple[str, ...] = ()) -> None:
    """Import PRELOAD and `modules`, then load the reports' template,
    stylesheets and fonts, and the market data."""
    for name in (*PRELOAD, *modules):
        importlib.import_module(name)
    from tasks.analyse import marketdata
    from tasks.render import warm_up as warm_up_renderer

    warm_up_renderer()
    marketdata.load_reference()
    marketdata.load_offers()


# Young objects collected after this many allocations rather than 700:
# WeasyPrint makes hundreds of thousands of short-lived objects per report,
# which then die by reference counting before the collector runs for nothing.
YOUNG_GENERATION_THRESHOLD = 10_000


def tune_gc() -> None:
    """Move every object alive now (Prefect, pydantic, WeasyPrint… some 200 000
    of them) out of the collector's sight, as the gc docs advise for servers,
    and collect young objects less often. Together they take ~0.1 s off a
    digital bill's 0.7 s (bench/bench_sync.py). Across a fork the freeze also
    spares the pages those objects sit on from being copied."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
