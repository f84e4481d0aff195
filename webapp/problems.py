"""Every error as `application/problem+json` (RFC 9457), with the contract's codes."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

from tasks.errors import AnalysisError
from webapp.schemas import IMAGE_COUNT_ERROR

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"

# Contract code and French detail for the HTTP errors Flask raises itself.
_HTTP_PROBLEMS = {
    400: ("invalid_parameter", "La requête est invalide."),
    401: ("unauthorized", "Clé d'API absente ou invalide (en-tête X-API-Key)."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode HTTP non autorisée pour cette ressource."),
    413: ("file_too_large", "Le fichier envoyé dépasse la taille maximale autorisée."),
    415: ("invalid_file", "Le corps de la requête doit être envoyé en multipart/form-data."),
}


def problem(status: int, code: str, detail: str, title: str | None = None, **extra):
    body = {
        "type": "about:blank",
        "title": title or _reason(status),
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AnalysisError)
    def analysis_error(error: AnalysisError):
        if error.status >= 500:
            log.error("analysis failed: %s", error.detail)
        extra = {"field": error.field} if getattr(error, "field", None) else {}
        return problem(error.status, error.code, error.detail, error.title, **extra)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = (getattr(error, "data", None) or {}).get("messages")
        if error.code == 400 and messages:
            return _validation_problem(messages)
        code, detail = _HTTP_PROBLEMS.get(error.code, ("http_error", error.description or ""))
        response = problem(error.code or 500, code, detail)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error")
        return problem(500, "internal_error",
                       "Erreur interne du service. Réessayez plus tard ; si le problème persiste, "
                       "communiquez l'identifiant de requête au support.")


def _validation_problem(messages: dict):
    """A webargs validation error: name the first field at fault, in French."""
    fields = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            fields.update(location_messages)
    field = next(iter(fields), None)
    reason = fields.get(field)
    if isinstance(reason, list):
        reason = " ".join(str(r) for r in reason)
    elif isinstance(reason, dict):
        reason = " ".join(str(r) for v in reason.values() for r in (v if isinstance(v, list) else [v]))
    if field in ("file", "files") and reason != IMAGE_COUNT_ERROR:
        return problem(400, "invalid_file", reason or "Aucun fichier reçu.", field=field)
    return problem(400, "invalid_parameter", f"Paramètre « {field} » invalide : {reason}", field=field)
