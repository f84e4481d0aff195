"""One TLS context for all the Prefect clients of a process.

Prefect builds a new verified TLS context for every API client it opens,
parsing the whole CA bundle again (15–45 ms of CPU each time), even when the
API is plain http. A job run opens about eight clients (the engine, its
events, its logs, the suspension observer, the pull steps…), an inline run
and a job submission one each: a sixth of a job run's CPU went there. Prefect
takes a context given in a client's httpx settings as it is, so each client
gets one built once per process, from the same settings and in the same way
as Prefect builds it (`PREFECT_API_TLS_INSECURE_SKIP_VERIFY`,
`PREFECT_API_SSL_CERT_FILE`, else certifi's bundle). An SSL context is made
to be shared between connections, threads and event loops.

Prefect's websocket clients (events, logs) check the server's version once
per process with an HTTP client and a TLS context of their own (~60 ms of
CPU), keyed by the API URL as set, while the API client checks it again,
keyed by httpx's URL (a trailing slash more). `check_server_version_first()`
has the API client check it and records it under both keys: a job run calls
it first, before the deployment's pull step opens the first events client.
"""
from __future__ import annotations

import functools
import ssl
import threading

import certifi
import prefect
from prefect._internal import version_checking
from prefect.client import orchestration
from prefect.settings import PREFECT_API_SSL_CERT_FILE, PREFECT_API_TLS_INSECURE_SKIP_VERIFY, PREFECT_API_URL

_contexts: dict[tuple[bool, str | None], ssl.SSLContext] = {}
_lock = threading.Lock()


def shared_tls_context() -> ssl.SSLContext:
    """The context Prefect would build for a client under the current
    settings, built once per distinct settings."""
    insecure = bool(PREFECT_API_TLS_INSECURE_SKIP_VERIFY.value())
    cafile = None if insecure else (PREFECT_API_SSL_CERT_FILE.value() or certifi.where())
    with _lock:
        context = _contexts.get((insecure, cafile))
        if context is None:
            context = ssl.create_default_context(cafile=cafile)
            if insecure:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            _contexts[(insecure, cafile)] = context
    return context


def share_tls_context() -> None:
    """Make every Prefect client of this process use `shared_tls_context()`
    unless its caller chose `verify` itself. Idempotent."""
    for client_class in (orchestration.PrefectClient, orchestration.SyncPrefectClient):
        if getattr(client_class.__init__, "shares_tls_context", False):
            continue
        client_class.__init__ = _with_shared_context(client_class.__init__)


def _with_shared_context(init):
    @functools.wraps(init)
    def __init__(self, api, *args, httpx_settings=None, **kwargs):
        httpx_settings = dict(httpx_settings or {})
        httpx_settings.setdefault("verify", shared_tls_context())
        init(self, api, *args, httpx_settings=httpx_settings, **kwargs)

    __init__.shares_tls_context = True
    return __init__


def check_server_version_first() -> None:
    """Check the server's version once for this process, with an API client
    (the check the engine's client makes anyway). Nothing without an API
    URL: Prefect would start a temporary server for it."""
    api_url = PREFECT_API_URL.value()
    if not api_url:
        return
    with orchestration.get_client(sync_client=True) as client:
        client.raise_for_api_version_mismatch_once()
    version_checking._cache_api_version_check(version_checking._api_version_check_key(api_url, prefect.__version__))
