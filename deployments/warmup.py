"""What a long-lived process (a gunicorn worker, the job workers' fork
server) loads once, so that its first bill costs no more than the next ones,
and the tuning of its garbage collector once that is done."""
from __future__ import annotations

import gc
import importlib
from dataclasses import replace

# What a flow run imports lazily, inside functions: Prefect's engine and what
# it and the stages load on first use (listed from a run's sys.modules; a
# flow's parameters go through FastAPI's encoder, ~0.14 s to import; Prefect's
# console log handler takes rich's emoji table, ~12 ms).
PRELOAD = ("prefect.flow_engine", "prefect.task_engine", "prefect.runtime.flow_run",
           "prefect.deployments.steps", "prefect._internal.metrics", "prefect.utilities.visualization",
           "fastapi.encoders", "rich._emoji_codes",
           "anyio._backends._asyncio", "anyio.streams.tls", "anyio.streams.stapled", "email.policy",
           "weasyprint", "weasyprint.text.fonts", "weasyprint.urls", "fontTools.ttLib", "numpy", "PIL.Image",
           "pypdfium2", "httpx", "tenacity", "tasks.analyse.stage")


def warm_up(modules: tuple[str, ...] = ()) -> None:
    """Import PRELOAD and `modules`, then analyse the warm-up bill with the
    plain stage functions (no Prefect run): the vocabularies' patterns, the
    market data, the postcode table, the reports' template, stylesheets and
    fonts are then loaded and compiled once here rather than in every job
    run (~0.2 s each), the
    pydantic models built that Prefect builds on first use, and the Prefect
    clients' TLS context built (flows/prefect_tls.py)."""
    for name in (*PRELOAD, *modules):
        importlib.import_module(name)
    build_deferred_models()
    from flows.prefect_tls import shared_tls_context
    from tasks import analyse, extract, rasterise, render
    from tasks.settings import ASSETS

    shared_tls_context()

    pages = rasterise.load_pages([ASSETS / "warmup" / "bill.pdf"], "pdf", max_pages=4, max_pixels=10**8)
    analysis = extract.extract_invoice(pages, requested_type="auto", confidence_min=0.5, strict=False, llm=None)
    # The same words as OCR would give them: what only a scan's reading loads
    # (the postcode table, ~0.4 s; the vocabularies OCR misreads are put right
    # by) is loaded here, not on the first scan of every job run.
    extract.extract_invoice([replace(page, source="ocr") for page in pages], strict=False, llm=None)
    analysis = analyse.analyse(analysis, gap_cap_percent=12)
    render.render_reports(analysis, analyse.highlights(analysis))


def deferred_models() -> set[type]:
    """The pydantic models loaded so far whose build was deferred to their
    first use (Prefect defers all of its own, some 250)."""
    from pydantic import BaseModel

    found, todo = set(), list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model.__dict__.get("__pydantic_complete__", True) is False:
            found.add(model)
    return found


def build_deferred_models() -> int:
    """Build the deferred models now: a job run, a fork of this process,
    would otherwise build those it uses every time (~30 ms of its CPU). The
    number built."""
    built = 0
    for model in deferred_models():
        model.model_rebuild(raise_errors=False)
        built += bool(model.__pydantic_complete__)
    return built


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
