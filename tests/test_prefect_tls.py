"""Prefect clients share one TLS context per process (flows/prefect_tls.py)
instead of parsing the CA bundle again for each client."""
from __future__ import annotations

import ssl

import pytest
from prefect.client.orchestration import PrefectClient, SyncPrefectClient
from prefect.settings import PREFECT_API_TLS_INSECURE_SKIP_VERIFY, temporary_settings

import flows  # noqa: F401 - importing the flows shares the context
from flows.prefect_tls import shared_tls_context

API = "http://127.0.0.1:9/api"  # never reached: a client connects on first request


def context_of(client) -> ssl.SSLContext:
    """The SSL context of the client's connection pool (httpx → httpcore),
    under flows/prefect_roundtrips.py's transport if there is one."""
    transport = client._client._transport
    return getattr(transport, "inner", transport)._pool._ssl_context


@pytest.fixture
def contexts_built(monkeypatch):
    """How many TLS contexts `ssl.create_default_context` built meanwhile."""
    built = []
    original = ssl.create_default_context

    def counting(*args, **kwargs):
        built.append(args or kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    return built


def test_clients_share_one_verified_context(contexts_built):
    shared = shared_tls_context()
    contexts_built.clear()  # the first call may have built it
    clients = [PrefectClient(API), SyncPrefectClient(API), PrefectClient(API, httpx_settings={"timeout": 5})]
    assert all(context_of(client) is shared for client in clients)
    assert contexts_built == []
    assert shared.verify_mode == ssl.CERT_REQUIRED and shared.check_hostname
    assert shared.cert_store_stats()["x509_ca"] > 50  # a CA bundle, as Prefect loads it


def test_insecure_setting_gets_its_own_unverified_context():
    verified = shared_tls_context()
    with temporary_settings({PREFECT_API_TLS_INSECURE_SKIP_VERIFY: True}):
        insecure = context_of(SyncPrefectClient(API))
    assert insecure is not verified
    assert insecure.verify_mode == ssl.CERT_NONE and not insecure.check_hostname
    assert context_of(SyncPrefectClient(API)) is verified


def test_a_callers_own_verify_is_kept():
    own = ssl.create_default_context()
    assert context_of(PrefectClient(API, httpx_settings={"verify": own})) is own


def test_an_inline_flow_run_builds_no_context(prefect_server, contexts_built):
    """Only the server's version check, once per process, builds one of its own."""
    from flows.analyse_invoice import run_analysis
    from tests.conftest import CORPUS

    run_analysis([CORPUS / "dev-010.pdf"], "pdf")
    contexts_built.clear()
    result = run_analysis([CORPUS / "dev-010.pdf"], "pdf")
    assert result["analysis"]["energy"]
    assert contexts_built == []


def test_a_run_checks_the_servers_version_once_with_its_api_client(prefect_server, contexts_built):
    """Checked first by an API client, the server's version is not checked
    again by the websocket clients' dearer way (a context of their own)."""
    import asyncio
    import logging

    from prefect._internal import version_checking

    from flows.prefect_tls import check_server_version_first

    def websocket_check():
        asyncio.run(version_checking.check_server_version(prefect_server, logging.getLogger("test"),
                                                          raise_on_error=False))

    version_checking._clear_api_version_check_cache()
    websocket_check()
    assert len(contexts_built) == 1  # what a run's first events client pays without the check first

    version_checking._clear_api_version_check_cache()
    shared_tls_context()
    contexts_built.clear()  # the first call may have built it
    check_server_version_first()
    websocket_check()
    assert contexts_built == []
