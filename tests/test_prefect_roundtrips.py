"""An inline flow run skips the round trips whose answers the process has
(flows/prefect_roundtrips.py), against the session's real Prefect server."""
from __future__ import annotations

import collections

import httpx
import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterId
from prefect.client.schemas.objects import StateType

import flows  # noqa: F401 - importing the flows installs the transport
from flows import prefect_roundtrips
from flows.analyse_invoice import run_analysis
from tests.conftest import CORPUS

BILL = CORPUS / "dev-010.pdf"


@pytest.fixture
def server_requests(monkeypatch):
    """(method, path after /api, status) of every request that reached a server."""
    seen: collections.Counter = collections.Counter()
    send = httpx.HTTPTransport.handle_request

    def counting(self, request):
        response = send(self, request)
        path = request.url.path.split("/api", 1)[1]
        if path.startswith("/flow_runs/") and path != "/flow_runs/":  # one run's: its id left out
            path = "/flow_runs/{id}" + ("/set_state" if path.endswith("/set_state") else "")
        seen[(request.method, path, response.status_code)] += 1
        return response

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", counting)
    return seen


def test_a_second_inline_run_skips_the_csrf_probe_the_flow_and_the_read_back(prefect_server, server_requests):
    run_analysis([BILL], "pdf")
    server_requests.clear()
    result = run_analysis([BILL], "pdf")
    assert result["analysis"]["energy"]
    assert not [key for key in server_requests if key[1] in ("/flows/", "/csrf-token")]
    assert not [key for key in server_requests if key[:2] == ("GET", "/flow_runs/{id}")]
    assert server_requests[("POST", "/flow_runs/", 201)] == 1
    # The run's states still reach the server: Running, then Completed.
    assert server_requests[("POST", "/flow_runs/{id}/set_state", 201)] == 2


def test_the_run_the_engine_reads_back_is_the_one_created(prefect_server):
    """The read-back served from the creation's answer is the server's run."""
    from prefect.flows import Flow

    with SyncPrefectClient(prefect_server) as client:
        created = client.create_flow_run(Flow(fn=lambda: None, name="roundtrips-readback"))
        read = client.read_flow_run(created.id)  # answered from the creation
        again = client.read_flow_run(created.id)  # asked to the server
    assert read.id == created.id == again.id
    assert read.flow_id == again.flow_id and read.state.type == again.state.type
    assert read.parameters == again.parameters and read.name == again.name


def test_a_flow_the_server_forgot_is_asked_for_again(prefect_server, server_requests):
    """A new database behind the same URL: the remembered flow id is refused
    (409), the flow is created again and the run with it."""
    import asyncio

    run_analysis([BILL], "pdf")
    remembered = [key for key, answer in prefect_roundtrips._flows.items() if b'"analyse_invoice"' in answer]
    assert remembered, "the flow's id was not remembered"
    with SyncPrefectClient(prefect_server) as client:
        old = client.read_flow_by_name("analyse_invoice")

    async def delete():
        async with get_client() as client:
            await client.delete_flow(old.id)

    asyncio.run(delete())
    server_requests.clear()
    result = run_analysis([BILL], "pdf")
    assert result["analysis"]["energy"]
    # Sent with the remembered id, refused, then the flow asked for and the run created.
    assert server_requests[("POST", "/flow_runs/", 409)] == 1
    assert server_requests[("POST", "/flows/", 201)] == 1
    assert server_requests[("POST", "/flow_runs/", 201)] == 1
    with SyncPrefectClient(prefect_server) as client:
        new = client.read_flow_by_name("analyse_invoice")
        runs = client.read_flow_runs(flow_filter=FlowFilter(id=FlowFilterId(any_=[new.id])))
    assert new.id != old.id
    assert [run.state.type for run in runs] == [StateType.COMPLETED]


def test_a_conflict_of_the_servers_own_is_not_retried(prefect_server, server_requests):
    """A 409 for a flow id this process never remembered goes back as it came."""
    import uuid

    with SyncPrefectClient(prefect_server) as client:
        with pytest.raises(httpx.HTTPStatusError) as refused:
            client._client.post("/flow_runs/", json={"flow_id": str(uuid.uuid4()), "state": {"type": "PENDING"}})
    assert refused.value.response.status_code == 409
    assert server_requests[("POST", "/flow_runs/", 409)] == 1
    assert not [key for key in server_requests if key[1] == "/flows/"]


def test_a_server_without_csrf_protection_is_asked_once(prefect_server, server_requests):
    with SyncPrefectClient(prefect_server) as client:
        client.create_flow_from_name("roundtrips-csrf")  # a change request: the token is asked for
    assert prefect_server.rstrip("/") in prefect_roundtrips._csrf_disabled
    server_requests.clear()
    with SyncPrefectClient(prefect_server) as client:
        assert client._client.enable_csrf_support is False
        client.create_flow_from_name("roundtrips-csrf")
    assert not [key for key in server_requests if key[1] == "/csrf-token"]


@pytest.fixture
def csrf_server(tmp_path):
    """A Prefect server of its own that enforces CSRF, on SQLite; its API URL."""
    import os

    from deployments.processes import OFFLINE_ENV, Stack, free_port, prefect_server_argv, wait_http

    port = free_port()
    env = {**os.environ, **OFFLINE_ENV, "PREFECT_HOME": str(tmp_path / "home"),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED": "true"}
    env.pop("PREFECT_SERVER_DATABASE_CONNECTION_URL", None)
    stack = Stack(env=env, log_dir=tmp_path / "log")
    server = stack.start("prefect-server", prefect_server_argv("127.0.0.1", port))
    try:
        # A start-up limit, not a speed check: migrations are slow on a loaded machine.
        wait_http(f"http://127.0.0.1:{port}/api/health", timeout=600, process=server)
        yield f"http://127.0.0.1:{port}/api"
    finally:
        stack.stop_all()


def test_a_server_enforcing_csrf_since_it_said_otherwise_gets_its_token(csrf_server):
    """The process learnt that this URL's server had no CSRF protection (its
    server since restarted with it): the first request is refused, the
    client's CSRF support turned back on, and it goes through with a token."""
    prefect_roundtrips._csrf_disabled.add(csrf_server)
    try:
        with SyncPrefectClient(csrf_server) as client:
            assert client._client.enable_csrf_support is False
            flow_id = client.create_flow_from_name("roundtrips-csrf-enforced")
            assert client._client.enable_csrf_support is True and client._client.csrf_token
            assert client.read_flow(flow_id).name == "roundtrips-csrf-enforced"
        assert csrf_server not in prefect_roundtrips._csrf_disabled
        with SyncPrefectClient(csrf_server) as client:
            assert client._client.enable_csrf_support is True
    finally:
        prefect_roundtrips._csrf_disabled.discard(csrf_server)


def test_clients_given_their_own_transport_keep_it():
    own = httpx.HTTPTransport()
    client = SyncPrefectClient("http://127.0.0.1:9/api", httpx_settings={"transport": own})
    assert client._client._transport is own
    assert isinstance(SyncPrefectClient("http://127.0.0.1:9/api")._client._transport, prefect_roundtrips.KnownAnswers)
