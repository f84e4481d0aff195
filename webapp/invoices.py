"""Synchronous analysis: POST /v1/invoices/pdf and /v1/invoices/images."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import current_app

from flows.analyse_invoice import run_analysis
from webapp import uploads
from webapp.deadline import run_with_deadline
from webapp.schemas import Blueprint, ImagesRequest, PdfRequest, SyncResult, problems

blp = Blueprint("invoices", __name__, url_prefix="/v1/invoices", description="Analyse synchrone d'une facture")

@blp.route("/pdf", methods=["POST"])
@blp.arguments(PdfRequest, location="form_and_files", error_status_code=400)
@blp.response(200, SyncResult)
@problems(blp, 400, 401, 408, 413, 422, 500, 504)
def analyse_pdf(form):
    uploads.check_pdf(form["file"])
    return _analyse([form["file"]], "pdf", form)


@blp.route("/images", methods=["POST"])
@blp.arguments(ImagesRequest, location="form_and_files", error_status_code=400)
@blp.response(200, SyncResult)
@problems(blp, 400, 401, 408, 413, 422, 500, 504)
def analyse_images(form):
    for position, storage in enumerate(form["files"], start=1):
        uploads.check_image(storage, position)
    return _analyse(form["files"], "images", form)


def _analyse(storages, kind: str, form: dict) -> dict:
    settings = current_app.config["SETTINGS"]
    settings.upload_folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sync-", dir=settings.upload_folder) as folder:
        paths = uploads.save(storages, Path(folder))
        result = run_with_deadline(run_analysis, settings.sync_timeout, paths, kind, requested_type=form["type"],
                                   confidence_min=form["confidence_min"], strict=form["strict"])
    result.update(user_id=form["user_id"], invoice_id=form["invoice_id"], external_ref=form["external_ref"])
    return result
