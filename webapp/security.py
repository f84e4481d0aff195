"""API keys, request ids and secret masking in logs."""
from __future__ import annotations

import hmac
import logging
import re
import uuid

from flask import Flask, g, request

from webapp.problems import problem

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def key_is_valid(candidate: str | None, keys: tuple[str, ...]) -> bool:
    """Constant-time check against every configured key (no early exit)."""
    if not candidate or not keys:
        return False
    given = candidate.encode()
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key.encode())
    return found


def install_auth(app: Flask, keys: tuple[str, ...]) -> None:
    @app.before_request
    def require_api_key():
        g.request_id = _incoming_request_id() or uuid.uuid4().hex
        if request.method == "OPTIONS":  # CORS preflight carries no credentials
            return None
        if not key_is_valid(request.headers.get("X-API-Key"), keys):
            return problem(401, "unauthorized", "Clé d'API absente ou invalide (en-tête X-API-Key).")
        return None

    @app.after_request
    def tag_response(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response


def _incoming_request_id() -> str | None:
    candidate = request.headers.get("X-Request-ID", "")
    return candidate if _REQUEST_ID.match(candidate) else None


class SecretMaskingFilter(logging.Filter):
    """Replaces every secret (API keys, webhook secret and token, LLM key) by
    `***` in a log record, arguments included, before any handler sees it."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def _mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = self._mask(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = self._mask(record.exc_text)
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside a request
            record.request_id = "-"
        return True


def install_logging(secrets: list[str], level: str) -> None:
    """Mask secrets and tag request ids on every handler of the root logger."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level,
                            format="%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    root.setLevel(level)
    for handler in root.handlers:
        for existing in [f for f in handler.filters if isinstance(f, (SecretMaskingFilter, RequestIdFilter))]:
            handler.removeFilter(existing)
        handler.addFilter(RequestIdFilter())
        handler.addFilter(SecretMaskingFilter(secrets))
