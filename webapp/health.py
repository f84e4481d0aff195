"""GET /health: `{"status": "ok"}` plus the checks of what the service needs."""
from __future__ import annotations

import shutil

import requests
from flask import current_app

from webapp.schemas import Blueprint, Health, problems

blp = Blueprint("health", __name__, description="État du service")

MIN_FREE_DISK_BYTES = 200 * 1024 * 1024


@blp.route("/health", methods=["GET"])
@blp.response(200, Health)
@problems(blp, 400, 401, 500)
def health():
    settings = current_app.config["SETTINGS"]
    return {"status": "ok", "checks": {"prefect_api": _prefect_api(settings.prefect_api_url),
                                      "disk": _disk(settings.upload_folder)}}


def _prefect_api(url: str) -> str:
    if not url:
        return "not_configured"
    try:
        response = requests.get(url.rstrip("/") + "/health", timeout=2)
        return "ok" if response.ok else f"error_{response.status_code}"
    except requests.RequestException:
        return "unreachable"


def _disk(folder) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    return "ok" if shutil.disk_usage(folder).free >= MIN_FREE_DISK_BYTES else "low"
