"""The render stage: the two PDF reports of one analysed bill.

`render_reports(analysis, highlights, brand)` builds the report model once
(`model.build_document`), renders the full report from it, then renders the
anonymised report from an anonymised copy of that model (`anonymise`),
scrubs its HTML and checks the finished PDF (`guard`), failing closed with
`AnonymityError` if anything sensitive is left.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

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
    """Both PDF reports of `analysis`. Raises `AnonymityError` (HTTP 500,
    French detail) when the anonymised report fails its final check."""
    return render_documents(analysis, highlights, brand, registry=registry, today=today)[0]


def render_documents(analysis: dict, highlights: list[str], brand: Brand | None = None, *,
                     registry: BrandRegistry | None = None, today: date | None = None):
    """`render_reports`, plus the two laid-out WeasyPrint documents (full,
    anonymous) whose pages and boxes the layout checks inspect."""
    brand = brand or Brand()
    registry = registry or default_registry()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round((now - clock) * 1000, 1)
        clock = now

    renderer = get_renderer()
    style = brand.style()
    lap("setup")
    doc = build_document(analysis, highlights, today=today)
    lap("model")
    full_layout = renderer.layout(renderer.html(doc, style), style)
    full = renderer.pdf(full_layout)
    lap("non_anonymous")
    anon_doc, scrubber = anonymise_document(doc, analysis, registry)
    anon_layout = renderer.layout(scrubber.html(renderer.html(anon_doc, style)), style)
    anonymous = renderer.pdf(anon_layout)
    lap("anonymous")
    check_anonymous_pdf(anonymous, scrubber.matcher)
    lap("guard")
    return Reports(full, anonymous, timings), (full_layout, anon_layout)
