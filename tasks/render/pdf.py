"""HTML and PDF rendering with WeasyPrint, set up once per process.

The Jinja template, the stylesheet, the bundled fonts and the logo are
loaded on first use and kept; each report then only lays out its HTML.
WeasyPrint fetches nothing from the network or the file system except the
bundled assets and the operator's logo (`AssetFetcher`).
"""
from __future__ import annotations

import atexit
import mimetypes
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from tasks.render.charts import FONT_FAMILY, ChartBar, bar_chart
from tasks.render.model import ReportDocument
from tasks.settings import ASSETS, TEMPLATES

FONT_DIR = ASSETS / "fonts"
DEFAULT_LOGO = ASSETS / "brand" / "logo.svg"
TEMPLATE = "report.html.j2"
STYLESHEET = TEMPLATES / "report.css"

FONT_FACES = (
    (FONT_FAMILY, "SourceSansPro-Regular.ttf", 400, "normal"),
    (FONT_FAMILY, "SourceSansPro-It.ttf", 400, "italic"),
    (FONT_FAMILY, "SourceSansPro-Semibold.ttf", 600, "normal"),
    (FONT_FAMILY, "SourceSansPro-Bold.ttf", 700, "normal"),
    ("Report Fallback", "DejaVuSans.ttf", 400, "normal"),
    ("Report Fallback", "DejaVuSans-Bold.ttf", 700, "normal"),
)


@dataclass(frozen=True)
class BrandStyle:
    """What the renderer needs of the brand (see `tasks.render.Brand`)."""

    name: str
    logo: Path
    primary: str
    accent: str
    contact: str


def _mix(colour: str, weight: float) -> str:
    """`colour` mixed with white, `weight` being the share of the colour."""
    value = colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    mixed = (round(c * weight + 255 * (1 - weight)) for c in (r, g, b))
    return "#" + "".join(f"{c:02x}" for c in mixed)


class _AssetFetcher:
    """Serves `asset:` URLs (bundled fonts, the logo) and refuses the rest."""

    def __init__(self):
        from weasyprint.urls import URLFetcher

        store = self

        class Fetcher(URLFetcher):
            def fetch(self, url, headers=None):
                return store.fetch(url)

        self.weasy = Fetcher()
        self._files: dict[str, tuple[bytes, str]] = {}
        self._logos: dict[str, Path] = {}

    def register_logo(self, path: Path) -> str:
        """An opaque URL for the logo file: its path never enters the HTML."""
        for name, known in self._logos.items():
            if known == path:
                return name
        key = f"asset:logo/{len(self._logos)}"
        self._logos[key] = path
        return key

    def _read(self, url: str) -> tuple[bytes, str]:
        if url in self._files:
            return self._files[url]
        if url.startswith("asset:font/"):
            path = FONT_DIR / Path(url.removeprefix("asset:font/")).name
        elif url in self._logos:
            path = self._logos[url]
        else:
            raise ValueError("resource outside the report's assets refused")
        data = path.read_bytes()
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix.lower() == ".svg":
            mime = "image/svg+xml"
        self._files[url] = (data, mime)
        return self._files[url]

    def fetch(self, url: str):
        from weasyprint.urls import URLFetcherResponse

        data, mime = self._read(url)
        return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})


def _remove_font_folder(font_config, owner: int) -> None:
    """WeasyPrint copies the report fonts into a temporary folder that only its
    finaliser removes, which a long-lived process's exit does not reach (the
    renderer sits in reference cycles the warm-up froze): each worker or fork
    server stopped left ~2.4 MB in /tmp. Processes forked from the owner run
    its exit hooks too and share the folder: only the owner removes it."""
    if os.getpid() == owner:
        font_config.__del__()


class Renderer:
    """Template, stylesheets and fonts, loaded once; thread-safe."""

    def __init__(self):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        self._lock = threading.Lock()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=False,
            lstrip_blocks=False,
        )
        self.template = self.env.get_template(TEMPLATE)
        self.fetcher = _AssetFetcher()
        self.font_config = FontConfiguration()
        atexit.register(_remove_font_folder, self.font_config, os.getpid())
        faces = "\n".join(
            f'@font-face {{ font-family: "{family}"; src: url("asset:font/{file}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
            for family, file, weight, style in FONT_FACES
        )
        self.base_css = weasyprint.CSS(
            string=faces + "\n" + STYLESHEET.read_text(encoding="utf-8"),
            font_config=self.font_config,
            url_fetcher=self.fetcher.weasy,
        )
        self._brand_css: dict[tuple[str, str], object] = {}
        self.image_cache: dict = {}

    def brand_css(self, style: BrandStyle):
        key = (style.primary, style.accent)
        if key not in self._brand_css:
            css = (f":root {{ --primary: {style.primary}; --primary-soft: {_mix(style.primary, 0.07)}; "
                   f"--primary-tint: {_mix(style.primary, 0.35)}; --accent: {style.accent}; "
                   f"--accent-soft: {_mix(style.accent, 0.16)}; }}")
            self._brand_css[key] = self._weasyprint.CSS(string=css, font_config=self.font_config)
        return self._brand_css[key]

    def html(self, doc: ReportDocument, style: BrandStyle) -> str:
        charts = [
            bar_chart([ChartBar(b.label, b.value, b.display, b.role) for b in s.bars],
                      primary=style.primary, accent=style.accent)
            for s in doc.sections
        ]
        return self.template.render(
            doc=doc,
            brand=style,
            charts=charts,
            logo_url=self.fetcher.register_logo(style.logo),
            author=None if doc.anonymous else style.name,
            generator="Rapport d'analyse de facture" if doc.anonymous else style.name,
        )

    def layout(self, html: str, style: BrandStyle):
        """The laid-out WeasyPrint document (pages and boxes), before PDF."""
        with self._lock:
            return self._weasyprint.HTML(string=html, url_fetcher=self.fetcher.weasy, base_url="asset:/").render(
                stylesheets=[self.base_css, self.brand_css(style)],
                font_config=self.font_config,
                cache=self.image_cache,
            )

    def pdf(self, document) -> bytes:
        with self._lock:
            return document.write_pdf()


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()


def get_renderer() -> Renderer:
    """The process-wide renderer (created on first use)."""
    global _renderer
    if _renderer is None:
        with _renderer_lock:
            if _renderer is None:
                _renderer = Renderer()
    return _renderer


@lru_cache(maxsize=8)
def logo_is_usable(path: str) -> bool:
    p = Path(path)
    return p.is_file() and p.suffix.lower() in {".svg", ".png", ".jpg", ".jpeg"} and p.stat().st_size < 2_000_000
