"""The render stage: the two PDF reports of one analysed bill.

`render_reports(analysis, highlights, brand)` builds the report model
(`model.build_document`) and renders the full report from it; the anonymised
report is rendered from an anonymised copy of that model (`anonymise`), its
HTML scrubbed and the finished PDF checked (`guard`), failing closed with
`AnonymityError` if anything sensitive is left. Where a render process runs
(`parallel`), the anonymised report is made there, alongside the full one.
"""
from __future__ import annotations

import logging
import re
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tasks.render import parallel
from tasks.render.anonymise import anonymise_document
from tasks.render.brands import BrandRegistry, default_registry
from tasks.render.guard import AnonymityError, check_anonymous_pdf
from tasks.render.model import build_document
from tasks.render.pdf import DEFAULT_LOGO, BrandStyle, get_renderer, logo_is_usable
from tasks.settings import ROOT, Settings

__all__ = ["AnonymityError", "Brand", "Reports", "render_reports", "render_documents"]

log = logging.getLogger(__name__)

DEFAULT_NAME = "Comparateur Énergie"
DEFAULT_PRIMARY = "#1f4e79"
DEFAULT_ACCENT = "#e07a1f"
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


@dataclass(frozen=True)
class Brand:
    """The operator's brand on the reports (never a supplier's)."""

    name: str = DEFAULT_NAME
    logo: Path | None = None  # SVG or PNG/JPEG; None: the bundled neutral logo
    primary_color: str = DEFAULT_PRIMARY
    accent_color: str = DEFAULT_ACCENT
    contact: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> "Brand":
        logo = None
        if settings.brand_logo:
            path = Path(settings.brand_logo).expanduser()
            logo = path if path.is_absolute() else (ROOT / path)
        return cls(
            name=settings.brand_name or DEFAULT_NAME,
            logo=logo,
            primary_color=settings.brand_primary_color or DEFAULT_PRIMARY,
            accent_color=settings.brand_accent_color or DEFAULT_ACCENT,
            contact=settings.brand_contact or "",
        )

    def style(self) -> BrandStyle:
        """The brand with every value checked: a malformed colour or an
        unreadable logo falls back to the default instead of failing."""
        logo = DEFAULT_LOGO
        if self.logo is not None:
            if logo_is_usable(str(self.logo)):
                logo = Path(self.logo)
            else:
                log.warning("brand logo unusable (missing, too large or not SVG/PNG/JPEG): using the default")
        return BrandStyle(
            name=" ".join((self.name or DEFAULT_NAME).split())[:80],
            logo=logo,
            primary=_colour(self.primary_color, DEFAULT_PRIMARY),
            accent=_colour(self.accent_color, DEFAULT_ACCENT),
            contact=" ".join((self.contact or "").split())[:200],
        )


def _colour(value: str | None, default: str) -> str:
    value = (value or "").strip()
    if not _HEX.fullmatch(value):
        if value:
            log.warning("brand colour %r is not #rgb or #rrggbb: using %s", value, default)
        return default
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.lower()


@dataclass(frozen=True)
class Reports:
    non_anonymous: bytes
    anonymous: bytes
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)


def render_reports(analysis: dict, highlights: list[str], brand: Brand | None = None, *,
                   registry: BrandRegistry | None = None, today: date | None = None) -> Reports:
    """Both PDF reports of `analysis`, the anonymised one in the render
    process when this process has one (`parallel`). Raises `AnonymityError`
    (HTTP 500, French detail) when the anonymised report fails its final check."""
    brand = brand or Brand()
    registry = registry or default_registry()
    pending = parallel.submit(_anonymous_pdf, analysis, highlights, brand, registry, today)
    return _render(analysis, highlights, brand, registry, today, pending)[0]


def render_documents(analysis: dict, highlights: list[str], brand: Brand | None = None, *,
                     registry: BrandRegistry | None = None, today: date | None = None):
    """Both reports rendered in turn here, plus the two laid-out WeasyPrint
    documents (full, anonymous) whose pages and boxes the layout checks inspect."""
    return _render(analysis, highlights, brand or Brand(), registry or default_registry(), today, None)


def _render(analysis: dict, highlights: list[str], brand: Brand, registry: BrandRegistry, today: date | None,
            pending):
    """The full report here; the anonymised one from `pending` (the render
    process's future) or, without one or once that process is gone, here
    too. The anonymised layout is None when the render process made it."""
    started = time.perf_counter()
    renderer, style = get_renderer(), brand.style()
    doc = build_document(analysis, highlights, today=today)
    full, full_layout = _full_report(renderer, style, doc)
    timings = {"non_anonymous": _ms(started)}
    anonymous = anon_layout = None
    if pending is not None:
        try:
            anonymous = pending.result()
        except BrokenProcessPool:
            parallel.gone()
    if anonymous is None:
        anonymous, anon_layout = _anonymous_report(renderer, style, doc, analysis, registry)
    timings["anonymous"] = _ms(started) - timings["non_anonymous"]
    return Reports(full, anonymous, timings), (full_layout, anon_layout)


def _full_report(renderer, style: BrandStyle, doc):
    layout = renderer.layout(renderer.html(doc, style), style)
    return renderer.pdf(layout), layout


def _anonymous_report(renderer, style: BrandStyle, doc, analysis: dict, registry: BrandRegistry):
    """The anonymised report of the model `doc`, checked (`guard`) before it is released."""
    anon_doc, scrubber = anonymise_document(doc, analysis, registry)
    layout = renderer.layout(scrubber.html(renderer.html(anon_doc, style)), style)
    pdf = renderer.pdf(layout)
    check_anonymous_pdf(pdf, scrubber.matcher)
    return pdf, layout


def _anonymous_pdf(analysis: dict, highlights: list[str], brand: Brand, registry: BrandRegistry,
                   today: date | None) -> bytes:
    """In the render process: its layout stays there, only the PDF comes back."""
    doc = build_document(analysis, highlights, today=today)
    return _anonymous_report(get_renderer(), brand.style(), doc, analysis, registry)[0]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
