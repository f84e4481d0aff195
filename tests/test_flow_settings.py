"""Inline (sync) runs switch flow heartbeats off, on top of whatever Prefect
settings are current at the time of the call."""
from __future__ import annotations

from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from flows.analyse_invoice import _without_heartbeats


def test_heartbeats_are_off_inside_and_back_after():
    before = PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value()
    with _without_heartbeats():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
    assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == before


def test_settings_changed_since_the_last_call_are_kept():
    with _without_heartbeats():
        pass  # the copy of the session's settings is now cached
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        with _without_heartbeats():
            assert PREFECT_API_URL.value() == "http://127.0.0.1:9/api"
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
