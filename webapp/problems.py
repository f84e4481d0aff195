"""Every error as `application/problem+json` (RFC 9457), with the contract's codes."""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import ClientDisconnected, HTTPException

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
    408: ("request_timeout", "La requête n'a pas été reçue en entier dans le délai imparti."),
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
        status = error.code or 500
        if isinstance(error, ClientDisconnected) and _read_timed_out(error):
            status = 408
        code, detail = _HTTP_PROBLEMS.get(status, ("http_error", error.description or ""))
        if status == 413:
            detail = _too_large_detail()
        response = problem(status, code, detail)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error")
        return problem(500, "internal_error",
                       "Erreur interne du service. Réessayez plus tard ; si le problème persiste, "
                       "communiquez l'identifiant de requête au support.")


def _read_timed_out(error: BaseException) -> bool:
    """The body stopped coming because the server's read deadline passed
    (webapp/gunicorn_worker.py), not because the client hung up."""
    cause = error.__cause__ or error.__context__
    while cause is not None:
        if isinstance(cause, TimeoutError) or getattr(cause, "request_timeout", False):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _too_large_detail() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return _HTTP_PROBLEMS[413][1]
    if request.content_length is not None and request.content_length <= limit:
        # Werkzeug's own form limits (a text field over 500 KB, over 1000 parts).
        return "La requête contient un champ de formulaire trop volumineux ou trop de parties."
    if limit >= 1024 * 1024:
        size = f"{limit / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",") + " Mo"
    else:
        size = f"{limit // 1024} Ko"
    return f"La requête dépasse la taille maximale autorisée ({size} pour l'ensemble des fichiers envoyés)."


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
