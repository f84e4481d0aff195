"""Runs send their first heartbeat one interval in and end without waiting for
their heartbeat thread (flows/prefect_heartbeats.py), against the session's
real Prefect server."""
from __future__ import annotations

import logging
import threading

import prefect.flow_engine
from prefect import flow
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.objects import StateType
from prefect.flow_engine import run_flow
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

import flows  # noqa: F401 - importing the flows delays the first heartbeat
from flows import prefect_heartbeats


@flow(name="heartbeat-check")
def _add(a: int, b: int) -> int:
    return a + b


def _events(monkeypatch) -> list[str]:
    sent = []
    real = prefect.flow_engine.emit_event

    def recording(event, **kwargs):
        sent.append(event)
        return real(event, **kwargs)

    monkeypatch.setattr(prefect.flow_engine, "emit_event", recording)
    return sent


def test_a_run_shorter_than_an_interval_sends_no_heartbeat(prefect_server, monkeypatch):
    sent = _events(monkeypatch)
    with SyncPrefectClient(prefect_server) as client, temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}):
        flow_id = client.create_flow(_add)
        deployment_id = client.create_deployment(flow_id=flow_id, name="heartbeat-check")
        created = client.create_flow_run_from_deployment(deployment_id, parameters={"a": 2, "b": 3})
        assert run_flow(_add, flow_run=created, parameters={"a": 2, "b": 3}) == 5
        assert client.read_flow_run(created.id).state.type == StateType.COMPLETED
    assert "prefect.flow-run.heartbeat" not in sent


def test_heartbeats_start_one_interval_in(monkeypatch):
    sent, now = [], [1000.0]
    monkeypatch.setattr(prefect_heartbeats, "_send_now", lambda engine, resource, related: sent.append(now[0]))
    monkeypatch.setattr(prefect_heartbeats.time, "monotonic", lambda: now[0])

    class Engine:
        heartbeat_seconds = 30

    engine = Engine()
    for now[0] in (1000.0, 1029.0, 1030.0, 1060.0):  # the engine's calls: at the start, then each interval
        prefect_heartbeats._after_first_interval(engine)
    assert sent == [1030.0, 1060.0]


def test_a_run_ends_without_waiting_for_its_heartbeat_thread():
    class Engine:  # what the heartbeat thread reads of a flow run engine
        heartbeat_seconds = 30
        flow_run = None
        logger = logging.getLogger("heartbeat-check")

        def _build_heartbeat_event_template(self):
            return {}, []

        def _emit_flow_run_heartbeat(self, resource, related):
            pass

    before = set(threading.enumerate())
    with prefect.flow_engine._send_heartbeats(Engine()):  # as the engine enters it around a run
        (thread,) = set(threading.enumerate()) - before
    # Stopped but still in its one-second sleep: the engine joined it there, up to a second per run.
    assert thread.is_alive()
    thread.join(timeout=5)
    assert not thread.is_alive()
