"""The `prefect` command, whose process worker asks the server for no more
runs than it has free slots, and spares the CPU it spent on every run it
started.

    python -m deployments.worker worker start --pool invoice-pool --type process --limit 4

A stock worker asks at every poll (every PREFECT_WORKER_QUERY_SECONDS) for
every run scheduled in its queues, up to 200, though it starts only as many
as it has free slots: during a burst of jobs each poll has the server read
and serialise the whole queue, and the worker validate it, to take one run
or none. This one asks for as many runs as it has free slots; with none
free it asks for nothing, except every FULL_POLL_SECONDS for one run (a
poll keeps its work queue Ready in the UI). And a stock worker's slot freed
by a run's end stays idle until its next poll, up to a second later, after
every run: this one polls as soon as a run is over. Without `--limit` it
polls as the stock worker does.

For every run it starts, a stock worker reads the run's deployment twice
(once to check that it still exists, once for its job variables) and its
flow once; this one keeps each answer for READ_SECONDS, during which every
run of the burst gets the same one (a deployment deleted or changed is seen
at most that late). Nor does it propose the `Submitting` state, a named
Pending between the stock worker's Pending and the run's Running that only
the UI shows: a state change is the server's dearest request, and each
emits an event that its event services process in turn.

For every run, a stock process worker also sets up, and tears down after
it, what Prefect's own Runner sets up once for all its runs: an API client
(whose first request asks for a CSRF token), an event emitter and a
cancellation observer (a websocket each, the observer's a subscription the
server then matches every event against). This one's runs share one set,
made at its first run and closed after its last.

For every run it starts, a stock worker also serialises the whole of its
Prefect settings into the run's environment twice (its job configuration's
and its engine starter's), though they change only when the worker
restarts (half of its CPU per run), and builds a new TLS
context for the client that watches the run for cancellation (another
quarter, flows/prefect_tls.py). This one serialises them once per settings
object and shares one TLS context between its clients.
"""
from __future__ import annotations

import asyncio
import sys
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import prefect.runner._starter_engine
import prefect.workers.process
from prefect.client.schemas.responses import WorkerFlowRunResponse
from prefect.runner._flow_run_executor import FlowRunExecutorContext
from prefect.settings import get_current_settings
from prefect.workers.process import ProcessJobConfiguration, ProcessWorker

from flows.prefect_settings import once_per_settings
from flows.prefect_tls import share_tls_context

FULL_POLL_SECONDS = 30.0  # under the 60 s after which the server takes a work queue for unpolled
READ_SECONDS = 10.0


class ProcessJobConfigurationOncePerSettings(ProcessJobConfiguration):
    """Prefect's job configuration serialises the whole of its settings into
    every run's environment; they change only with the settings object."""

    @classmethod
    def _base_environment(cls) -> dict[str, str]:
        return dict(_stock_base_environment())


# Prefect's own, which reads the settings that once_per_settings passes.
_stock_base_environment = once_per_settings(lambda settings: ProcessJobConfiguration._base_environment())


class EngineStarterSettings:
    """What Prefect's engine starter reads of the current settings (their
    environment, to pass to the run's process), serialised once per
    settings object as well."""

    @staticmethod
    def to_environment_variables(exclude_unset: bool = False) -> dict[str, str]:
        if exclude_unset:  # what the job configuration's base environment is too
            return dict(_stock_base_environment())
        return get_current_settings().to_environment_variables()


prefect.runner._starter_engine.get_current_settings = EngineStarterSettings


# Same type as the stock process worker: it takes its place in Prefect's
# registry of worker types, which `prefect worker start --type process` reads.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*matches existing registered type.*")

    class SlotLimitedProcessWorker(ProcessWorker):
        job_configuration = ProcessJobConfigurationOncePerSettings
        _polled_at = float("-inf")  # time.monotonic() of the last poll that reached the server
        _poll_lock: asyncio.Lock | None = None
        _executor_context: asyncio.Future | None = None  # the shared FlowRunExecutorContext, once entered
        _executor_context_owner: asyncio.Task | None = None
        _executor_context_done: asyncio.Event | None = None

        async def setup(self):
            await super().setup()
            for name in ("read_deployment", "read_flow"):
                setattr(self._client, name, remembered(getattr(self._client, name), READ_SECONDS))

        async def _propose_submitting_state(self, flow_run):
            pass  # see the module's docstring

        async def teardown(self, *exc_info):
            try:
                await super().teardown(*exc_info)  # waits for the runs
            finally:
                if self._executor_context_owner is not None:
                    self._executor_context_done.set()
                    await self._executor_context_owner

        async def run(self, flow_run, configuration, task_status=None):
            token = _running_worker.set(self)
            try:
                return await super().run(flow_run, configuration, task_status)
            finally:
                _running_worker.reset(token)

        @asynccontextmanager
        async def shared_executor_context(self) -> AsyncIterator[FlowRunExecutorContext]:
            """The runs' one FlowRunExecutorContext, entered at the first run
            by a task of its own (its task group must be left by the task
            that entered it), left once the worker's runs are over."""
            if self._executor_context is None:  # no await before it is set: one owner per worker
                self._executor_context = asyncio.get_running_loop().create_future()
                self._executor_context_done = asyncio.Event()
                self._executor_context_owner = asyncio.create_task(self._hold_executor_context())
            yield await asyncio.shield(self._executor_context)

        async def _hold_executor_context(self) -> None:
            entered = self._executor_context
            try:
                async with FlowRunExecutorContext() as context:
                    entered.set_result(context)
                    await self._executor_context_done.wait()
            except BaseException as error:
                if entered.done():
                    raise
                self._executor_context = None  # the next run tries again
                entered.set_exception(error)

        async def get_and_submit_flow_runs(self):
            # One poll at a time: a freed slot's poll may meet the periodic one.
            if self._poll_lock is None:
                self._poll_lock = asyncio.Lock()
            async with self._poll_lock:
                return await super().get_and_submit_flow_runs()

        async def _submit_run_and_capture_errors(self, flow_run, task_status=None):
            result = await super()._submit_run_and_capture_errors(flow_run, task_status)
            # Its slot is free: take the next run now, unless the worker is
            # stopping (it waits for its runs with is_setup already False).
            if self._limiter is not None and self.is_setup:
                try:
                    await self.get_and_submit_flow_runs()
                except Exception:  # noqa: BLE001 - the periodic poll reports and backs off on its own
                    self._logger.debug("Poll after a run's end failed", exc_info=True)
            return result

        async def _get_scheduled_flow_runs(self) -> list[WorkerFlowRunResponse]:
            if self._limiter is None:
                return await super()._get_scheduled_flow_runs()
            free = int(self._limiter.available_tokens)
            if free == 0 and time.monotonic() - self._polled_at < FULL_POLL_SECONDS:
                return []
            # The stock method's request, with the `limit` the server takes
            # and Prefect's client method does not pass.
            scheduled_before = datetime.now(timezone.utc) + timedelta(seconds=int(self._prefetch_seconds))
            body = {"work_queue_names": list(self._work_queues), "scheduled_before": str(scheduled_before),
                    "limit": max(1, free)}
            self._polled_at = time.monotonic()
            try:
                response = await self.client.request(
                    "POST", "/work_pools/{name}/get_scheduled_flow_runs",
                    path_params={"name": self._work_pool_name}, json=body)
            except httpx.HTTPStatusError as error:
                if error.response.status_code == 404:
                    return []  # the pool is created again at the worker's next heartbeat
                raise
            return WorkerFlowRunResponse.model_validate_list(response.json())


_running_worker: ContextVar[SlotLimitedProcessWorker] = ContextVar("running_worker")


def _executor_context():
    """What ProcessWorker.run enters for a run: its worker's shared context."""
    worker = _running_worker.get(None)
    return FlowRunExecutorContext() if worker is None else worker.shared_executor_context()


prefect.workers.process.FlowRunExecutorContext = _executor_context


def remembered(read: Callable[[Any], Awaitable[Any]], seconds: float) -> Callable[[Any], Awaitable[Any]]:
    """`read(id)`, whose answer for an id is kept `seconds` (failures are not kept)."""
    answers: dict[Any, tuple[float, Any]] = {}

    async def read_remembered(key):
        now = time.monotonic()
        known = answers.get(key)
        if known is not None and now - known[0] < seconds:
            return known[1]
        answer = await read(key)
        if len(answers) > 100:  # a worker's deployments and flows are few: only stale ones would pile up
            answers.clear()
        answers[key] = (now, answer)
        return answer

    return read_remembered


def main(argv: list[str]) -> int:
    from prefect.cli import app

    share_tls_context()
    sys.argv = ["prefect", *argv]
    return app()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
