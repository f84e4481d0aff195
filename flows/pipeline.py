"""The composition of the stages, shared by sync runs and job runs."""
from __future__ import annotations

import time
from pathlib import Path

from prefect.utilities.annotations import quote

from flows import stages
from tasks.extract.llm import LlmConfig
from tasks.outcome import build_result
from tasks.render import Brand
from tasks.settings import Settings


class _Stopwatch:
    """Milliseconds spent in each stage, for `analysis.timings_ms`."""

    def __init__(self):
        self.timings: dict[str, float] = {}

    def run(self, name, fn, *args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.timings[name] = round((time.perf_counter() - start) * 1000, 1)


def llm_config(settings: Settings) -> LlmConfig | None:
    if not settings.openai_api_key:
        return None
    return LlmConfig(api_key=settings.openai_api_key, base_url=settings.openai_base_url or None,
                     model=settings.openai_model, timeout=settings.openai_timeout)


def analyse_files(settings: Settings, files: list[Path], kind: str, *, requested_type: str,
                  confidence_min: float, strict: bool) -> dict:
    """Read, extract, analyse and render one bill; the contract's result body.

    Stage inputs go in `quote()`: Prefect would otherwise walk every page,
    word box and field looking for futures, twice per task.
    """
    watch = _Stopwatch()
    pages = watch.run("rasterise", stages.rasterise, files, kind,
                      max_pages=settings.max_pages, max_pixels=settings.max_image_pixels)
    if any(page.needs_ocr for page in pages):
        pages = watch.run("ocr", stages.ocr, quote(pages), lang=settings.ocr_lang,
                          workers=settings.ocr_workers, timeout_s=settings.tesseract_timeout)
    analysis = watch.run("extract", stages.extract, quote(pages), requested_type=requested_type,
                         confidence_min=confidence_min, strict=strict, llm=llm_config(settings))
    analysis, highlights = watch.run("analyse", stages.analyse, quote(analysis),
                                     gap_cap_percent=settings.market_gap_cap_percent)
    # The reports show the timings known so far; render's own is added after.
    analysis["timings_ms"] = {**(analysis.get("timings_ms") or {}), **watch.timings}
    reports = watch.run("render", stages.render, quote(analysis), highlights, Brand.from_settings(settings))
    analysis["timings_ms"]["render"] = watch.timings["render"]
    return build_result(analysis, highlights, reports.non_anonymous, reports.anonymous)
