"""The `prefect` command, whose process worker asks the server for no more
runs than it has free slots.

    python -m deployments.worker worker start --pool invoice-pool --type process --limit 2

A stock worker asks at every poll (every PREFECT_WORKER_QUERY_SECONDS) for
every run scheduled in its queues, up to 200, though it starts only as many
as it has free slots: during a burst of jobs each poll has the server read
and serialise the whole queue, and the worker validate it, to take one run
or none. This one asks for as many runs as it has free slots, and for one
when it has none (a poll also keeps its work queue Ready in the UI). Without
`--limit` it polls as the stock worker does.
"""
from __future__ import annotations

import sys
import warnings
from datetime import datetime, timedelta, timezone

import httpx
from prefect.client.schemas.responses import WorkerFlowRunResponse
from prefect.workers.process import ProcessWorker


# Same type as the stock process worker: it takes its place in Prefect's
# registry of worker types, which `prefect worker start --type process` reads.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*matches existing registered type.*")

    class SlotLimitedProcessWorker(ProcessWorker):
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

    sys.argv = ["prefect", *argv]
    return app()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
