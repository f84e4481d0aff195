"""Which final outcomes the scheduled sweep delivers again (flows/reprocess_failed.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from flows.reprocess_failed import undelivered


class RunStates:
    """The one thing the sweep asks the Prefect API here: a run's state."""

    def __init__(self, **states: str | None):
        self.states = states

    def read_flow_run(self, flow_run_id: str):
        if flow_run_id not in self.states:
            raise LookupError(flow_run_id)
        state = self.states[flow_run_id]
        return SimpleNamespace(state=SimpleNamespace(type=SimpleNamespace(value=state)) if state else None)


def record(attempts: int, delivered: bool = False, url: str | None = "http://127.0.0.1:9/hook") -> dict:
    return {"task_id": "t", "status": "succeeded", "flow_run_id": "run",
            "webhook": {"url": url, "delivered": delivered, "attempts": attempts}}


@pytest.mark.parametrize("state, owed", [
    ("CRASHED", True), ("FAILED", True), ("CANCELLED", True),  # killed before its first attempt
    ("RUNNING", False), ("PENDING", False),  # its run is about to deliver it
])
def test_an_outcome_never_attempted_is_owed_once_its_run_is_dead(state, owed):
    assert undelivered(record(attempts=0), RunStates(run=state)) is owed


def test_an_outcome_is_owed_after_a_failed_attempt_and_never_once_delivered_or_without_webhook():
    assert undelivered(record(attempts=2), RunStates(run="RUNNING"))
    assert undelivered(record(attempts=0), RunStates())  # a run the server no longer knows is dead
    assert not undelivered(record(attempts=1, delivered=True), RunStates(run="CRASHED"))
    assert not undelivered(record(attempts=0, url=None), RunStates(run="CRASHED"))
