"""The `prefect` command, whose process worker asks the server for no more
runs than it has free slots, and spares the CPU it spent on every run it
started.

    python -m deployments.worker worker start --pool invoice-pool --type process --limit 2

A stock worker asks at every poll (every PREFECT_WORKER_QUERY_SECONDS) for
every run scheduled in its queues, up to 200, though it starts only as many
as it has free slots: during a burst of jobs each poll has the server read
and serialise the whole queue, and the worker validate it, to take one run
or none. This one asks for as many runs as it has free slots, and for one
when it has none (a poll also keeps its work queue Ready in the UI). Without
`--limit` it polls as the stock worker does.

For every run it starts, a stock worker also serialises the whole of its
Prefect settings into the run's environment, though they change only when
the worker restarts (a third of its CPU per run), and builds a new TLS
context for the client that watches the run for cancellation (another
quarter, flows/prefect_tls.py). This one serialises them once per settings
object and shares one TLS context between its clients.
"""
from __future__ import annotations

import sys
import warnings
from datetime import datetime, timedelta, timezone

import httpx
from prefect.client.schemas.responses import WorkerFlowRunResponse
from prefect.settings import get_current_settings
from prefect.workers.process import ProcessJobConfiguration, ProcessWorker

from flows.prefect_tls import share_tls_context

_environment: tuple = (None, {})  # (the settings it was made from, their environment variables)


class ProcessJobConfigurationOncePerSettings(ProcessJobConfiguration):
    @classmethod
    def _base_environment(cls) -> dict[str, str]:
        global _environment
        settings = get_current_settings()
        base, variables = _environment
        if base is not settings:
            variables = super()._base_environment()
            _environment = (settings, variables)
        return dict(variables)


# Same type as the stock process worker: it takes its place in Prefect's
# registry of worker types, which `prefect worker start --type process` reads.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*matches existing registered type.*")

    class SlotLimitedProcessWorker(ProcessWorker):
        job_configuration = ProcessJobConfigurationOncePerSettings

        async def _get_scheduled_flow_runs(self) -> list[WorkerFlowRunResponse]:
            if self._limiter is None:
                return await super()._get_scheduled_flow_runs()
            # The stock method's request, with the `limit` the server takes
            # and Prefect's client method does not pass.
            scheduled_before = datetime.now(timezone.utc) + timedelta(seconds=int(self._prefetch_seconds))
            body = {"work_queue_names": list(self._work_queues), "scheduled_before": str(scheduled_before),
                    "limit": max(1, int(self._limiter.available_tokens))}
            try:
                response = await self.client.request(
                    "POST", "/work_pools/{name}/get_scheduled_flow_runs",
                    path_params={"name": self._work_pool_name}, json=body)
            except httpx.HTTPStatusError as error:
                if error.response.status_code == 404:
                    return []  # the pool is created again at the worker's next heartbeat
                raise
            return WorkerFlowRunResponse.model_validate_list(response.json())


def main(argv: list[str]) -> int:
    from prefect.cli import app

    share_tls_context()
    sys.argv = ["prefect", *argv]
    return app()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
