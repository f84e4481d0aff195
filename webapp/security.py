"""API keys and request ids."""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import uuid

from flask import Flask, g, request

from webapp.logs import request_id_var
from webapp.problems import problem

log = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
MIN_KEY_LENGTH = 16
UNAUTHORIZED_DETAIL = "Clé d'API absente ou invalide (en-tête X-API-Key)."


def key_is_valid(candidate: str | None, keys: tuple[str, ...]) -> bool:
    """Constant-time check against every configured key: every key is
    compared, whichever matches, and digests are compared rather than the
    keys, so that not even a key's length shows in the timing."""
    if not candidate or not keys:
        return False
    given = hashlib.sha256(candidate.encode("utf-8", "surrogateescape")).digest()
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, hashlib.sha256(key.encode()).digest())
    return found


def install_request_ids(app: Flask) -> None:
    """A request id for every request (the caller's `X-Request-ID` when it
    is sane), in `g`, in every log line and in the `X-Request-ID` answer header.
    Registered first, so even a refused request has one."""

    @app.before_request
    def assign_request_id():
        g.request_id = _incoming_request_id() or uuid.uuid4().hex
        g.request_id_token = request_id_var.set(g.request_id)

    @app.after_request
    def tag_response(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.teardown_request
    def forget_request_id(_error):
        # Server threads are reused: the next request must not inherit this id.
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id_var.reset(token)


def install_auth(app: Flask, keys: tuple[str, ...]) -> None:
    if not keys:
        log.warning("API_KEY is empty: every request will be refused (401)")
    short = sum(1 for key in keys if len(key) < MIN_KEY_LENGTH)
    if short:
        log.warning("%d API key(s) shorter than %d characters: use long random keys", short, MIN_KEY_LENGTH)

    @app.before_request
    def require_api_key():
        if request.method == "OPTIONS":  # CORS preflight carries no credentials
            return None
        if not key_is_valid(request.headers.get("X-API-Key"), keys):
            response = problem(401, "unauthorized", UNAUTHORIZED_DETAIL)
            response.headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
            return response
        return None


def _incoming_request_id() -> str | None:
    candidate = request.headers.get("X-Request-ID", "")
    return candidate if _REQUEST_ID.match(candidate) else None
