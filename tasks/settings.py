"""The service's configuration: one object, read once.

Every value comes from the process environment first, then from `.env` in the
project root (or the file named by `ENV_FILE`), then from the default below.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
TEMPLATES = ROOT / "templates"
# Two job runs per core: a run waits on the Prefect server for part of its
# time (its submission, state changes), so one per core leaves the cores
# idle; since runs stopped waiting for their heartbeat thread and for the
# drain of their logs, two keep them busy, and three only add contention
# (bench/bench_jobs.py, one worker on 2 cores: 0,81-0,82x sync with two a
# core, 0,63x with three).
DEFAULT_WORKER_LIMIT = 2 * len(os.sched_getaffinity(0))


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # HTTP
    api_keys: tuple[str, ...] = field(default=(), metadata={"env": "API_KEY", "parse": _csv})
    host: str = field(default="127.0.0.1", metadata={"env": "HOST"})
    port: int = field(default=8000, metadata={"env": "PORT"})
    allowed_origins: tuple[str, ...] = field(default=(), metadata={"env": "ALLOWED_ORIGINS", "parse": _csv})
    allowed_hosts: tuple[str, ...] = field(default=(), metadata={"env": "ALLOWED_HOSTS", "parse": _csv})
    trusted_proxies: tuple[str, ...] = field(default=(), metadata={"env": "TRUSTED_PROXIES", "parse": _csv})
    force_https: bool = field(default=False, metadata={"env": "FORCE_HTTPS", "parse": _bool})
    max_content_length: int = field(default=16 * 1024 * 1024, metadata={"env": "MAX_CONTENT_LENGTH"})
    sync_timeout: int = field(default=120, metadata={"env": "SYNC_TIMEOUT"})
    # Seconds a client may take to send one whole request (headers and body):
    # a client trickling bytes must not hold a server thread for longer.
    read_timeout: int = field(default=60, metadata={"env": "READ_TIMEOUT"})
    gunicorn_workers: int = field(default=2, metadata={"env": "GUNICORN_WORKERS"})
    gunicorn_threads: int = field(default=4, metadata={"env": "GUNICORN_THREADS"})
    # Each gunicorn worker renders the anonymised report in a process of its
    # own, alongside the full one (tasks/render/parallel.py).
    render_process: bool = field(default=True, metadata={"env": "RENDER_PROCESS", "parse": _bool})
    log_level: str = field(default="INFO", metadata={"env": "LOG_LEVEL"})

    # Reading the bill
    max_pages: int = field(default=20, metadata={"env": "MAX_PAGES"})
    max_image_pixels: int = field(default=60_000_000, metadata={"env": "MAX_IMAGE_PIXELS"})
    ocr_lang: str = field(default="fra", metadata={"env": "OCR_LANG"})
    ocr_workers: int = field(default=0, metadata={"env": "OCR_WORKERS"})  # 0: one per core
    tesseract_timeout: int = field(default=60, metadata={"env": "TESSERACT_TIMEOUT"})
    openai_api_key: str = field(default="", metadata={"env": "OPENAI_API_KEY", "secret": True})
    openai_base_url: str = field(default="", metadata={"env": "OPENAI_BASE_URL"})
    openai_model: str = field(default="gpt-4o-mini", metadata={"env": "OPENAI_MODEL"})
    openai_timeout: float = field(default=30.0, metadata={"env": "OPENAI_TIMEOUT"})

    # Analysis and reports
    market_gap_cap_percent: float = field(default=12.0, metadata={"env": "MARKET_GAP_CAP_PERCENT"})
    brand_name: str = field(default="Comparateur Énergie", metadata={"env": "BRAND_NAME"})
    brand_logo: str = field(default="", metadata={"env": "BRAND_LOGO"})  # path to an SVG/PNG; empty: bundled
    brand_primary_color: str = field(default="#1f4e79", metadata={"env": "BRAND_PRIMARY_COLOR"})
    brand_accent_color: str = field(default="#e07a1f", metadata={"env": "BRAND_ACCENT_COLOR"})
    brand_contact: str = field(default="", metadata={"env": "BRAND_CONTACT"})

    # Storage
    upload_folder: Path = field(default=ROOT / "uploads", metadata={"env": "UPLOAD_FOLDER"})
    reports_folder: Path = field(default=ROOT / "reports", metadata={"env": "REPORTS_FOLDER"})
    reports_internal_folder: Path = field(default=ROOT / "reports_internal", metadata={"env": "REPORTS_INTERNAL_FOLDER"})

    # Jobs, webhooks, Prefect
    prefect_api_url: str = field(default="", metadata={"env": "PREFECT_API_URL"})
    prefect_port: int = field(default=4200, metadata={"env": "PREFECT_PORT"})
    work_pool: str = field(default="invoice-pool", metadata={"env": "PREFECT_WORK_POOL"})
    # Concurrent job runs per worker.
    worker_limit: int = field(default=DEFAULT_WORKER_LIMIT, metadata={"env": "WORKER_LIMIT"})
    # Seconds between a worker's polls for scheduled runs (Prefect's default is
    # 10). Forked runs start in milliseconds, so a long poll would leave the
    # worker's slots idle between runs; one poll a second is a cheap request.
    worker_query_seconds: float = field(default=1.0, metadata={"env": "PREFECT_WORKER_QUERY_SECONDS"})
    job_result_ttl: int = field(default=86400, metadata={"env": "JOB_RESULT_TTL"})
    reprocess_cron: str = field(default="*/15 * * * *", metadata={"env": "REPROCESS_CRON"})
    reprocess_max_attempts: int = field(default=3, metadata={"env": "REPROCESS_MAX_ATTEMPTS"})
    webhook_url: str = field(default="", metadata={"env": "WEBHOOK_URL"})
    webhook_token: str = field(default="", metadata={"env": "WEBHOOK_TOKEN", "secret": True})
    webhook_secret: str = field(default="", metadata={"env": "WEBHOOK_SECRET", "secret": True})
    webhook_timeout: float = field(default=10.0, metadata={"env": "WEBHOOK_TIMEOUT"})
    # Seconds between delivery attempts within a job run; later ones come from reprocess_failed.
    webhook_retry_delays: tuple[int, ...] = field(default=(5, 15, 30, 60, 120), metadata={
        "env": "WEBHOOK_RETRY_DELAYS", "parse": lambda raw: tuple(int(x) for x in _csv(raw))})
    webhook_allowed_hosts: tuple[str, ...] = field(default=(), metadata={"env": "WEBHOOK_ALLOWED_HOSTS", "parse": _csv})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, env_file: Path | None = None) -> "Settings":
        environ = dict(os.environ if environ is None else environ)
        env_file = env_file or env_file_of(environ)
        layered = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.is_file() else {}
        layered.update(environ)
        values = {}
        for f in fields(cls):
            raw = layered.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            parse = f.metadata.get("parse") or _parser_for(f.default)
            values[f.name] = parse(raw)
        return cls(**values)

    def secrets(self) -> list[str]:
        """Every secret value, for log masking."""
        found = list(self.api_keys)
        for f in fields(self):
            if f.metadata.get("secret") and getattr(self, f.name):
                found.append(getattr(self, f.name))
        return found


def env_file_of(environ) -> Path:
    """The `.env` file read under the environment: ENV_FILE, else the project's."""
    return Path(environ.get("ENV_FILE", ROOT / ".env"))


def _parser_for(default):
    if isinstance(default, bool):
        return _bool
    if isinstance(default, Path):
        return lambda raw: (ROOT / Path(raw).expanduser()).resolve()
    return type(default)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings.from_env()
