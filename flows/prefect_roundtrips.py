"""Three requests of an inline flow run whose answers the process already has.

Every flow run opens a new Prefect client, which first asks the server for
a CSRF token (`GET /csrf-token`: "disabled" unless the server enforces
CSRF); the client then asks for the flow's id by its name (`POST /flows/`),
and once the run is created the engine reads it back (`GET /flow_runs/{id}`),
though the creation answered with that very run. Each is a round trip a
sync request waits for (bench/bench_sync.py measures Prefect's share of it).

`skip_known_roundtrips()` puts a transport under every sync Prefect client
of the process (the inline runs' client, a job run's engine) that:
- turns the client's CSRF support off once this server has said its CSRF
  protection is disabled; should a request then be refused for want of a
  CSRF token (the server enforces it since), the support is turned back on,
  the client asks for a token and the request goes again with it;
- answers `POST /flows/` from memory once this server has answered the same
  request, per API URL;
- answers the first `GET /flow_runs/{id}` after this client created that
  run from the creation's answer, within READBACK_SECONDS (the server's
  answer would differ only in `estimated_start_time_delta`).

A server that no longer knows a remembered flow (a new database behind the
same URL) refuses the run's creation (409): the flow is forgotten, asked for
again and the creation sent once more with its new id. Everything else goes
to Prefect's own transport untouched.
"""
from __future__ import annotations

import functools
import json
import threading
import time

import httpx
from prefect.client import orchestration

READBACK_SECONDS = 10.0

_flows: dict[tuple[str, bytes], bytes] = {}  # (URL, flow request body) -> the server's answer
_csrf_disabled: set[str] = set()  # API URLs whose server said its CSRF protection is disabled
CSRF_DISABLED = "CSRF protection is disabled."
CSRF_REFUSED = "CSRF token"  # "Missing CSRF token.", "Invalid CSRF token"
_lock = threading.Lock()


class KnownAnswers(httpx.BaseTransport):
    """Prefect's transport `inner`, minus the three round trips above;
    `client` is the httpx client it is under."""

    def __init__(self, inner: httpx.BaseTransport, client: httpx.Client):
        self.inner = inner
        self.client = client
        self._created: dict[str, tuple[float, bytes]] = {}  # run's URL -> (when, creation's answer)
        self._csrf_turned_off = False
        self.api = str(client.base_url).rstrip("/")
        with _lock:
            if self.api in _csrf_disabled and getattr(client, "enable_csrf_support", False):
                client.enable_csrf_support = False
                self._csrf_turned_off = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/flows/"):
            return self._read_flow(request)
        if request.method == "POST" and path.endswith("/flow_runs/"):
            return self._create_run(request)
        if request.method == "GET":
            created = self._created.pop(str(request.url), None)
            if created and time.monotonic() - created[0] < READBACK_SECONDS:
                return _answer(request, 200, created[1])
        return self._send(request)

    def close(self) -> None:
        self.inner.close()

    def _send(self, request: httpx.Request) -> httpx.Response:
        """The server's answer, from which CSRF's state is learnt."""
        response = self.inner.handle_request(request)
        if response.status_code == 422 and request.url.path.endswith("/csrf-token"):
            if CSRF_DISABLED in response.read().decode(errors="replace"):
                with _lock:
                    _csrf_disabled.add(self.api)
        elif response.status_code == 403 and CSRF_REFUSED in response.read().decode(errors="replace"):
            with _lock:
                _csrf_disabled.discard(self.api)
            if self._csrf_turned_off:
                # Prefect's client would have asked for a token: it does so now
                # (its own method), and the request goes again with it.
                self._csrf_turned_off = False
                self.client.enable_csrf_support = True
                response.close()
                self.client._add_csrf_headers(request)
                return self.inner.handle_request(request)
        return response

    def _read_flow(self, request: httpx.Request, *, again: bool = False) -> httpx.Response:
        key = (str(request.url), request.content)
        with _lock:
            known = None if again else _flows.get(key)
        if known is not None:
            return _answer(request, 200, known)
        response = self._send(request)
        if response.status_code in (200, 201):
            body = response.read()
            with _lock:
                _flows[key] = body
        return response

    def _create_run(self, request: httpx.Request) -> httpx.Response:
        response = self._send(request)
        if response.status_code == 409:
            response = self._create_run_again(request, response)
        if response.status_code == 201:
            body = response.read()
            run_id = json.loads(body)["id"]
            self._created = {url: entry for url, entry in self._created.items()
                             if time.monotonic() - entry[0] < READBACK_SECONDS}
            self._created[f"{request.url}{run_id}"] = (time.monotonic(), body)
        return response

    def _create_run_again(self, request: httpx.Request, refused: httpx.Response) -> httpx.Response:
        """The creation refused for a flow id answered from memory: ask the
        server for the flow again and send the creation with its id."""
        run = json.loads(request.content)
        with _lock:
            remembered = [(key, answer) for key, answer in _flows.items()
                          if json.loads(answer).get("id") == run.get("flow_id")]
            for key, _ in remembered:
                del _flows[key]
        if not remembered:
            return refused  # a conflict of the server's own
        refused.read()
        refused.close()
        (url, flow_body), _ = remembered[0]
        flow = self._read_flow(_request(request, "POST", url, flow_body), again=True)
        if flow.status_code not in (200, 201):
            return flow
        run["flow_id"] = json.loads(flow.read())["id"]
        return self._send(_request(request, "POST", str(request.url), json.dumps(run).encode()))


def _answer(request: httpx.Request, status: int, body: bytes) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": "application/json"}, content=body, request=request)


def _request(like: httpx.Request, method: str, url: str, body: bytes) -> httpx.Request:
    headers = {name: value for name, value in like.headers.items() if name.lower() != "content-length"}
    return httpx.Request(method, url, headers=headers, content=body, extensions=like.extensions)


def skip_known_roundtrips() -> None:
    """Put KnownAnswers under every sync Prefect client made from now on.
    Idempotent."""
    client_class = orchestration.SyncPrefectClient
    if getattr(client_class.__init__, "skips_known_roundtrips", False):
        return
    client_class.__init__ = _with_known_answers(client_class.__init__)


def _with_known_answers(init):
    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        # A transport the caller gave (Prefect's ephemeral ASGI app, a test's) is theirs.
        given = (kwargs.get("httpx_settings") or {}).get("transport")
        if given is None and isinstance(self._client._transport, httpx.HTTPTransport):
            self._client._transport = KnownAnswers(self._client._transport, self._client)

    __init__.skips_known_roundtrips = True
    return __init__
