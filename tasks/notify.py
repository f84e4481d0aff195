"""The `notify` stage: POST a job's outcome to its webhook, once.

Follows the Standard Webhooks specification (https://www.standardwebhooks.com/)
as docs/contract/API.md "Webhook" pins it down. One call of `deliver` is one
attempt; the Prefect wrapper owns the retry schedule and reads
`DeliveryResult.retryable` / `retry_after` to drive it.

Nothing here logs a header, a secret, a token or the URL's path and query
(webhook URLs often carry a secret in them): log lines name the host only.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import re
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from tasks.ssrf import HostNotFound, UnsafeWebhookUrl, check_webhook_url, parse_webhook_url, resolve_checked

__all__ = [
    "DeliveryResult",
    "UnsafeWebhookUrl",
    "build_headers",
    "build_payload",
    "check_webhook_url",
    "deliver",
    "sign",
    "signing_key",
    "webhook_id_for",
]

log = logging.getLogger(__name__)


class _QueryRedactor(logging.Filter):
    """urllib3 logs each request line, query string included, at DEBUG: a
    webhook's `?sig=…` would reach the logs of anyone running with DEBUG on."""

    QUERY = re.compile(r"\?[^\s\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = self.QUERY.sub("?***", message), None
        return True


# A logger's filters see every record made on it, whatever the handlers.
logging.getLogger("urllib3.connectionpool").addFilter(_QueryRedactor())

SECRET_PREFIX = "whsec_"
USER_AGENT = "invoice-analysis-webhook/1.0"
JOB_STATUSES = ("succeeded", "failed")
SOURCE_KINDS = ("pdf", "images")
ENERGY_TYPES = ("auto", "electricite", "gaz", "dual")
MAX_TASK_ID = 64  # invoice_jobs.task_id is VARCHAR(64) on the PHP side


# --- signing -----------------------------------------------------------------

def signing_key(secret: str) -> bytes:
    """The HMAC key: base64-decoded after `whsec_`, else the secret's UTF-8 bytes."""
    if secret.startswith(SECRET_PREFIX):
        try:
            key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
        except binascii.Error:
            key = b""
        if not key:
            # Never echo the secret: the message would end up in a log.
            raise ValueError("WEBHOOK_SECRET commence par « whsec_ » mais la suite n'est pas du base64 valide.")
        return key
    return secret.encode("utf-8")


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`."""
    message = f"{webhook_id}.{int(timestamp)}.".encode("utf-8") + body
    digest = hmac.new(signing_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_id_for(task_id: str, status: str, completed_at: str | datetime | None) -> str:
    """A stable `webhook-id` for one job outcome: the same for every attempt,
    across retries and worker restarts, without storing it anywhere."""
    seed = f"{task_id}\n{status}\n{_iso(completed_at) or ''}".encode("utf-8")
    return "msg_" + hashlib.sha256(seed).hexdigest()[:32]


def build_headers(body: bytes, *, webhook_id: str, secret: str = "", token: str = "",
                  timestamp: int | None = None) -> dict[str, str]:
    """The headers of one attempt; `timestamp` defaults to now (Unix seconds)."""
    if not webhook_id:
        raise ValueError("webhook_id is required")
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
    }
    if secret:
        headers["webhook-signature"] = sign(secret, webhook_id, timestamp, body)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


# --- payload -----------------------------------------------------------------

def _iso(value: str | datetime | date | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:  # the worker's clocks are UTC
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    return value.isoformat()


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return _iso(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _checked_report(result: Mapping, prefix: str) -> tuple[str, int, str]:
    """The base64, size and sha256 of one report, recomputed from the bytes so
    that the receiver's integrity check cannot fail on our side's mistake."""
    encoded = result.get(f"{prefix}_report_base64")
    if not isinstance(encoded, str) or not encoded:
        raise ValueError(f"result.{prefix}_report_base64 is missing")
    pdf = base64.b64decode(encoded, validate=True)
    size, sha = len(pdf), hashlib.sha256(pdf).hexdigest()
    for key, expected in ((f"{prefix}_size", size), (f"{prefix}_sha256", sha)):
        if result.get(key) is not None and result[key] != expected:
            raise ValueError(f"result.{key} does not match the report's bytes")
    return encoded, size, sha


def build_payload(*, task_id: str, status: str, source_kind: str, type: str = "auto",
                  created_at: str | datetime | None, completed_at: str | datetime | None,
                  user_id: int | None = None, invoice_id: int | None = None, external_ref: str | None = None,
                  result: Mapping | None = None, error: Mapping | None = None) -> bytes:
    """The webhook body of the contract for one finished job, as compact UTF-8 JSON.

    `result` is the sync response body (`tasks.outcome.build_result`) of a
    succeeded job; `error` is `{"code", "detail"}` of a failed one. `type` is
    the energy type the client asked for (the contract's field name). Every
    key of the contract is present; what a failed job does not have (reports,
    analysis) is null, its highlights an empty list. The ids are the ones the
    client sent, echoed untouched (`result`'s own ids are ignored).
    """
    if not isinstance(task_id, str) or not task_id or len(task_id) > MAX_TASK_ID:
        raise ValueError(f"task_id must be a non-empty string of at most {MAX_TASK_ID} characters")
    if status not in JOB_STATUSES:
        raise ValueError(f"status must be one of {JOB_STATUSES}, not {status!r}")
    if source_kind not in SOURCE_KINDS:
        raise ValueError(f"source_kind must be one of {SOURCE_KINDS}")
    if type not in ENERGY_TYPES:
        raise ValueError(f"type must be one of {ENERGY_TYPES}")

    payload: dict = {
        "task_id": task_id,
        "status": status,
        "user_id": user_id,
        "invoice_id": invoice_id,
        "external_ref": external_ref,
        "source_kind": source_kind,
        "type": type,
        "highlights": [],
        "analysis": None,
        "non_anonymous_report_base64": None,
        "anonymous_report_base64": None,
        "non_anonymous_size": None,
        "anonymous_size": None,
        "non_anonymous_sha256": None,
        "anonymous_sha256": None,
        "created_at": _iso(created_at),
        "completed_at": _iso(completed_at),
        "error": None,
    }
    if status == "succeeded":
        if result is None:
            raise ValueError("a succeeded job needs its result")
        for prefix in ("non_anonymous", "anonymous"):
            encoded, size, sha = _checked_report(result, prefix)
            payload[f"{prefix}_report_base64"] = encoded
            payload[f"{prefix}_size"] = size
            payload[f"{prefix}_sha256"] = sha
        payload["highlights"] = list(result.get("highlights") or [])
        payload["analysis"] = result.get("analysis")
    else:
        if not error or not error.get("code"):
            raise ValueError("a failed job needs an error with a code")
        payload["error"] = {"code": error["code"], "detail": error.get("detail") or ""}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      default=_json_default).encode("utf-8")


# --- delivery ----------------------------------------------------------------

@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one attempt.

    `status_code` is None when no HTTP answer came back. `retry_after` is the
    receiver's Retry-After (seconds) on 429/503. `retryable` is False when
    retrying cannot help: 410 Gone (the receiver asks us to stop) or a URL
    refused by the SSRF check. `error` is a short French sentence without
    secret, URL path or query.
    """

    status_code: int | None
    ok: bool
    retry_after: float | None = None
    error: str | None = None
    retryable: bool = True


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class _GuardedConnectionMixin:
    """Resolves, checks and connects in one step, so the address connected
    to is one that passed the SSRF check (no second DNS lookup to rebind)."""

    allowed_hosts: tuple[str, ...] = ()

    def _new_conn(self) -> socket.socket:
        infos = resolve_checked(self._dns_host, self.port, self.allowed_hosts)
        last_error: OSError | None = None
        for _family, _type, _proto, _name, sockaddr in infos:
            try:
                return urllib3_connection.create_connection(
                    (sockaddr[0], self.port), self.timeout,
                    source_address=self.source_address, socket_options=self.socket_options,
                )
            except socket.timeout as exc:
                raise ConnectTimeoutError(self, f"connect timeout ({self.timeout})") from exc
            except OSError as exc:
                last_error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


def _guarded_session(allowed_hosts: tuple[str, ...]) -> requests.Session:
    attrs = {"allowed_hosts": allowed_hosts}
    http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), attrs)
    https_conn = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), attrs)
    adapter = HTTPAdapter(max_retries=0, pool_connections=1, pool_maxsize=1)
    adapter.poolmanager.pool_classes_by_scheme = {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }
    session = requests.Session()
    # No proxy from the environment (it would connect for us, past the
    # check) and no ~/.netrc credentials added to the request; a private CA
    # bundle named the usual way is still honoured.
    session.trust_env = False
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _find_cause(exc: BaseException | None, kind: type) -> BaseException | None:
    """The `kind` exception behind `exc`, should a urllib3 version ever wrap
    what `_new_conn` raises (today it propagates unwrapped)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return exc
        seen.add(id(exc))
        reason = getattr(exc, "reason", None)  # MaxRetryError keeps it there
        if isinstance(reason, kind):
            return reason
        exc = exc.__cause__ or exc.__context__
    return None


def deliver(url: str, body: bytes, *, webhook_id: str, secret: str = "", token: str = "",
            timeout: float = 10.0, allowed_hosts: Iterable[str] = (),
            timestamp: int | None = None) -> DeliveryResult:
    """POST `body` to `url` once and say how it went; never raises for a
    network or HTTP failure.

    The URL is checked again here (its DNS may have changed since the job was
    accepted) and the connection goes to the very address that was checked.
    Redirects are not followed (a 3xx is a failed attempt). `timeout` bounds
    the connection and each wait for data from the receiver.
    """
    allowed = tuple(h for h in (allowed_hosts or ()) if h)
    try:
        _scheme, host, _port = parse_webhook_url(url)
    except UnsafeWebhookUrl as exc:
        return DeliveryResult(None, False, error=exc.detail, retryable=False)
    try:
        headers = build_headers(body, webhook_id=webhook_id, secret=secret, token=token, timestamp=timestamp)
    except ValueError as exc:  # a malformed WEBHOOK_SECRET: retrying cannot help
        log.error("webhook not sent: host=%s id=%s: %s", host, webhook_id, exc)
        return DeliveryResult(None, False, error=str(exc), retryable=False)
    started = time.monotonic()
    session = _guarded_session(allowed)
    try:
        response = session.post(url, data=body, headers=headers, timeout=(timeout, timeout),
                                allow_redirects=False, stream=True)
    except UnsafeWebhookUrl as exc:
        return _refused(host, webhook_id, exc)
    except requests.exceptions.Timeout:
        return _failed(host, webhook_id, started,
                       f"Pas de réponse du destinataire dans le délai imparti ({timeout:g} s).")
    except requests.exceptions.RequestException as exc:
        refused = _find_cause(exc, UnsafeWebhookUrl)
        if refused is not None:
            return _refused(host, webhook_id, refused)
        if isinstance(exc, requests.exceptions.SSLError):
            detail = "Échec de la connexion TLS avec le destinataire (certificat ou protocole)."
        elif isinstance(exc, requests.exceptions.ConnectionError):
            detail = "Connexion au destinataire impossible (refusée, interrompue ou hôte injoignable)."
        else:
            detail = "Échec de l'envoi de la requête au destinataire."
        return _failed(host, webhook_id, started, detail)
    finally:
        session.close()

    try:
        code = response.status_code
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if code in (429, 503) else None
    finally:
        response.close()
    elapsed_ms = (time.monotonic() - started) * 1000
    ok = 200 <= code < 300
    log.info("webhook attempt: host=%s id=%s status=%s ok=%s in %.0f ms", host, webhook_id, code, ok, elapsed_ms)
    if ok:
        return DeliveryResult(code, True)
    if code == 410:
        return DeliveryResult(code, False, error="Le destinataire a répondu 410 (Gone) : plus de nouvelle tentative.",
                              retryable=False)
    if 300 <= code < 400:
        return DeliveryResult(code, False, error=f"Le destinataire a répondu {code} (redirection non suivie).")
    return DeliveryResult(code, False, retry_after=retry_after, error=f"Le destinataire a répondu {code}.")


def _failed(host: str, webhook_id: str, started: float, detail: str) -> DeliveryResult:
    elapsed_ms = (time.monotonic() - started) * 1000
    log.info("webhook attempt failed: host=%s id=%s after %.0f ms: %s", host, webhook_id, elapsed_ms, detail)
    return DeliveryResult(None, False, error=detail)


def _refused(host: str, webhook_id: str, exc: UnsafeWebhookUrl) -> DeliveryResult:
    if isinstance(exc, HostNotFound):
        log.info("webhook attempt failed: host=%s id=%s: name does not resolve", host, webhook_id)
        return DeliveryResult(None, False, error=exc.detail)
    log.warning("webhook refused before sending: host=%s id=%s (SSRF check)", host, webhook_id)
    return DeliveryResult(None, False, error=exc.detail, retryable=False)
