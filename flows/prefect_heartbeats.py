"""A run's first heartbeat after one heartbeat interval, not at its start.

Prefect's flow engine sends a heartbeat event as a run starts, then one per
interval (PREFECT_FLOWS_HEARTBEAT_FREQUENCY, 30 s for worker runs). The one
at the start says nothing the run's `Running` state has not just said, and
a job run is over in seconds: per job, an event for the server to receive,
store and hold against the zombie automation (a bucket read and written),
for nothing. The zombie automation (deployments/deploy.py) starts its watch
at `Running` as well, and expects the next sign of life within ZOMBIE_AFTER,
three intervals: the first heartbeat, one interval in, comes well within it.

And a run ends without waiting for its heartbeat thread: the thread sleeps in
steps of a second, and the sync engine joined it at the run's end, holding a
worker's slot up to a second idle per job. Prefect's async engine does not
join it either: once stopped, the thread sends nothing more and is a daemon.
"""
from __future__ import annotations

import time

import prefect.flow_engine
from prefect.flow_engine import BaseFlowRunEngine

_send_now = BaseFlowRunEngine._emit_flow_run_heartbeat
_heartbeat_thread = prefect.flow_engine._send_heartbeats


def _after_first_interval(engine, resource=None, related=None) -> None:
    now = time.monotonic()
    first_due = engine.__dict__.setdefault("_first_heartbeat_due", now + (engine.heartbeat_seconds or 0))
    if now >= first_due:
        _send_now(engine, resource, related)


def _unjoined(engine, join_on_exit: bool = True):
    return _heartbeat_thread(engine, join_on_exit=False)


def lighten_heartbeats() -> None:
    """From now on, runs of this process send their first heartbeat one
    interval after their start, and end without waiting for their heartbeat
    thread. Idempotent."""
    BaseFlowRunEngine._emit_flow_run_heartbeat = _after_first_interval
    prefect.flow_engine._send_heartbeats = _unjoined
