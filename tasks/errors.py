"""Errors a stage raises for a caller to answer (HTTP, CLI or job record).

Each carries the contract's HTTP status and `code`, and a French `detail`
that is safe to show to the user (never a path, a key or a stack trace).
"""
from __future__ import annotations


class AnalysisError(Exception):
    status = 500
    code = "internal_error"
    title = "Internal Server Error"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class InvalidFile(AnalysisError):
    status, code, title = 400, "invalid_file", "Bad Request"


class InvalidParameter(AnalysisError):
    status, code, title = 400, "invalid_parameter", "Bad Request"

    def __init__(self, detail: str, field: str | None = None):
        super().__init__(detail)
        self.field = field


class FileTooLarge(AnalysisError):
    status, code, title = 413, "file_too_large", "Content Too Large"


class EnergyTypeMismatch(AnalysisError):
    status, code, title = 422, "energy_type_mismatch", "Unprocessable Content"


class NotAnEnergyInvoice(AnalysisError):
    status, code, title = 422, "not_an_energy_invoice", "Unprocessable Content"


class StageTimeout(AnalysisError):
    """An external program (Tesseract) ran out of time on this input; the API
    answers it as the sync deadline (504 `analysis_timeout`, an extension of
    the contract's table), and a job records the same code."""

    status, code, title = 504, "analysis_timeout", "Gateway Timeout"
