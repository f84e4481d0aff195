"""Deployment runs start no suspension observer (flows/prefect_suspension.py),
against the session's real Prefect server."""
from __future__ import annotations

from prefect import flow
from prefect._internal import observers
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.objects import StateType
from prefect.flow_engine import run_flow

import flows  # noqa: F401 - importing the flows turns the observer off


@flow(name="suspension-check")
def _add(a: int, b: int) -> int:
    return a + b


def test_a_deployment_run_completes_without_watching_for_a_suspension(prefect_server, monkeypatch):
    watched = []
    monkeypatch.setattr(observers.FlowRunSuspendingObserver, "watch_flow_run_id",
                        lambda self, flow_run_id: watched.append(flow_run_id))
    with SyncPrefectClient(prefect_server) as client:
        flow_id = client.create_flow(_add)
        deployment_id = client.create_deployment(flow_id=flow_id, name="suspension-check")
        created = client.create_flow_run_from_deployment(deployment_id, parameters={"a": 2, "b": 3})
        assert created.deployment_id == deployment_id  # the case Prefect watches
        assert run_flow(_add, flow_run=created, parameters={"a": 2, "b": 3}) == 5
        assert client.read_flow_run(created.id).state.type == StateType.COMPLETED
    assert watched == []
