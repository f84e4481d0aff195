"""Deployment runs without Prefect's suspension observer: these flows never
suspend.

For every deployment run, Prefect's flow engine starts a thread with its own
event loop and Prefect client that subscribes to the server's event stream
for a `Suspended` state of the run (`suspend_flow_run`), reads the run once
more, and holds the flow back until it has subscribed. None of these flows
calls `suspend_flow_run` or `pause_flow_run`, and nothing in the service
suspends a run: the observer would wait for an event that never comes. Per
job it cost the server a CSRF-token request, a read of the run and a
websocket session through whose filter every event of a burst went; the run
a thread, an event loop and a connection (bench/bench_jobs.py). Cancelling
a run is not its business: the worker watches for that and stops the run's
process (deployments/worker.py).
"""
from __future__ import annotations

from contextlib import contextmanager

import prefect.flow_engine


@contextmanager
def _no_observer(flow_run_id, suspension_request, polling_interval: float = 10):
    yield


def skip_suspension_observer() -> None:
    """From now on, deployment runs of this process start no suspension
    observer. Idempotent."""
    prefect.flow_engine.observe_flow_run_suspension = _no_observer
