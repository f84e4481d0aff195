"""The process worker asks the server for no more runs than it has free
slots (deployments/worker.py), against the session's real Prefect server."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.settings import PREFECT_API_URL, Settings, get_current_settings, temporary_settings
from prefect.workers.process import ProcessWorker

from deployments.worker import FULL_POLL_SECONDS, SlotLimitedProcessWorker
from tasks.settings import ROOT

QUEUED = 5


async def queue_runs(pool: str) -> None:
    """A work pool with a deployment and QUEUED runs scheduled now."""
    async with get_client() as client:
        await client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        flow_id = await client.create_flow_from_name(f"slots-{pool}")
        deployment = await client.create_deployment(flow_id, "queued", work_pool_name=pool,
                                                    entrypoint="flows/analyse_invoice.py:analyse_invoice")
        for _ in range(QUEUED):
            await client.create_flow_run_from_deployment(deployment)


async def polled(worker_class, pool: str, *, limit: int | None, busy: int = 0) -> int:
    """How many runs one poll of a worker with `busy` of its `limit` slots taken brings back."""
    async with worker_class(work_pool_name=pool, limit=limit) as worker:
        for _ in range(busy):
            worker.limiter.acquire_on_behalf_of_nowait(uuid.uuid4())
        return len(await worker._get_scheduled_flow_runs())


def test_a_worker_asks_for_its_free_slots_only(prefect_server):
    pool = f"slots-{uuid.uuid4().hex[:8]}"
    asyncio.run(queue_runs(pool))
    assert asyncio.run(polled(ProcessWorker, pool, limit=2)) == QUEUED  # the stock worker: the whole queue
    assert asyncio.run(polled(SlotLimitedProcessWorker, pool, limit=2)) == 2
    assert asyncio.run(polled(SlotLimitedProcessWorker, pool, limit=3, busy=1)) == 2
    # No slot free: one run, so that its queue stays polled (Ready in the UI).
    assert asyncio.run(polled(SlotLimitedProcessWorker, pool, limit=2, busy=2)) == 1
    assert asyncio.run(polled(SlotLimitedProcessWorker, pool, limit=None)) == QUEUED


def test_a_full_worker_polls_only_to_keep_its_queue_ready(prefect_server):
    pool = f"slots-{uuid.uuid4().hex[:8]}"
    asyncio.run(queue_runs(pool))

    async def polls() -> list[int]:
        async with SlotLimitedProcessWorker(work_pool_name=pool, limit=2) as worker:
            for _ in range(2):
                worker.limiter.acquire_on_behalf_of_nowait(uuid.uuid4())
            brought = [len(await worker._get_scheduled_flow_runs()) for _ in range(2)]
            worker._polled_at -= FULL_POLL_SECONDS
            return brought + [len(await worker._get_scheduled_flow_runs())]

    assert asyncio.run(polls()) == [1, 0, 1]


def test_a_worker_polls_as_soon_as_a_run_is_over(prefect_server, monkeypatch):
    pool = f"slots-{uuid.uuid4().hex[:8]}"
    asyncio.run(queue_runs(pool))
    brought = []

    async def submit(self, flow_run_response):  # what the poll brought, instead of running it
        brought.append(len(flow_run_response))
        return []

    async def run(self, flow_run, task_status=None):  # a run that is over
        return "its result"

    monkeypatch.setattr(SlotLimitedProcessWorker, "_submit_scheduled_flow_runs", submit)
    monkeypatch.setattr(ProcessWorker, "_submit_run_and_capture_errors", run)

    async def scenario():
        async with SlotLimitedProcessWorker(work_pool_name=pool, limit=2) as worker:
            await worker.sync_with_backend()
            worker.limiter.acquire_on_behalf_of_nowait(uuid.uuid4())  # another run still going
            result = await worker._submit_run_and_capture_errors(None)
            worker.is_setup = False  # stopping: it waits for its runs and takes no new one
            await worker._submit_run_and_capture_errors(None)
            return result

    assert asyncio.run(scenario()) == "its result"
    assert brought == [1]


def test_an_unknown_pool_brings_no_run(prefect_server):
    assert asyncio.run(polled(SlotLimitedProcessWorker, f"missing-{uuid.uuid4().hex[:8]}", limit=2)) == 0


def test_prefect_worker_start_takes_this_worker_for_the_process_type():
    script = ("import deployments.worker\n"
              "from prefect.cli._worker_utils import _load_worker_class\n"
              "print(_load_worker_class('process').__name__)")
    result = subprocess.run([sys.executable, "-W", "error::UserWarning", "-c", script], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip().splitlines()[-1] == "SlotLimitedProcessWorker"


def test_a_runs_environment_is_serialised_once_per_settings(monkeypatch):
    from prefect.workers.process import ProcessJobConfiguration

    from deployments.worker import ProcessJobConfigurationOncePerSettings as Configuration

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        stock = ProcessJobConfiguration._base_environment()
        calls = []
        original = Settings.to_environment_variables
        monkeypatch.setattr(Settings, "to_environment_variables",
                            lambda self, *args, **kwargs: calls.append(self) or original(self, *args, **kwargs))
        first = Configuration._base_environment()
        first["PREFECT_API_URL"] = "changed by a run's job variables"
        assert Configuration._base_environment() == stock
        assert calls == [get_current_settings()]
        with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:10/api"}):
            assert Configuration._base_environment()["PREFECT_API_URL"] == "http://127.0.0.1:10/api"
    assert len(calls) == 2


def test_the_engine_starters_environment_is_serialised_once_per_settings(monkeypatch):
    from prefect.runner import _starter_engine

    from deployments import worker

    assert _starter_engine.get_current_settings is worker.EngineStarterSettings
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        stock = get_current_settings().to_environment_variables(exclude_unset=True)
        calls = []
        original = Settings.to_environment_variables
        monkeypatch.setattr(Settings, "to_environment_variables",
                            lambda self, *args, **kwargs: calls.append(kwargs) or original(self, *args, **kwargs))
        starter = _starter_engine.get_current_settings()
        first = starter.to_environment_variables(exclude_unset=True)
        first["PREFECT_API_URL"] = "changed by a run's environment"
        assert starter.to_environment_variables(exclude_unset=True) == stock
        assert worker.ProcessJobConfigurationOncePerSettings._base_environment() == stock
        assert calls == [{"exclude_unset": True}]
        assert starter.to_environment_variables()["PREFECT_API_URL"] == "http://127.0.0.1:9/api"


def test_the_workers_clients_share_one_tls_context():
    script = ("from prefect.client.orchestration import PrefectClient\n"
              "from deployments.worker import main\n"
              "try:\n    main(['version'])\nexcept SystemExit:\n    pass\n"
              "print(getattr(PrefectClient.__init__, 'shares_tls_context', False))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_a_workers_reads_are_remembered_for_a_while_and_failures_not_at_all(monkeypatch):
    from deployments import worker

    calls = []

    async def read(key):
        calls.append(key)
        if key == "gone":
            raise LookupError(key)
        return f"answer {key} #{len(calls)}"

    clock = [100.0]
    monkeypatch.setattr(worker.time, "monotonic", lambda: clock[0])
    read_remembered = worker.remembered(read, 10.0)

    async def scenario():
        assert await read_remembered("a") == "answer a #1"
        clock[0] += 9.0
        assert await read_remembered("a") == "answer a #1"
        assert await read_remembered("b") == "answer b #2"
        clock[0] += 1.5
        assert await read_remembered("a") == "answer a #3"
        for _ in range(2):
            try:
                await read_remembered("gone")
            except LookupError:
                pass

    asyncio.run(scenario())
    assert calls == ["a", "b", "a", "gone", "gone"]


def test_the_worker_reads_through_remembered_clients_after_setup(prefect_server):
    async def reads_are_remembered():
        async with SlotLimitedProcessWorker(work_pool_name=f"remembered-{uuid.uuid4().hex[:8]}") as worker:
            return [getattr(worker.client, name).__name__ for name in ("read_deployment", "read_flow")]

    assert asyncio.run(reads_are_remembered()) == ["read_remembered", "read_remembered"]


def test_a_workers_runs_share_one_executor_context_that_ends_with_the_worker(prefect_server):
    import prefect.workers.process

    from deployments import worker as worker_module

    async def contexts_of_two_runs():
        async with SlotLimitedProcessWorker(work_pool_name=f"shared-{uuid.uuid4().hex[:8]}") as worker:
            token = worker_module._running_worker.set(worker)
            try:
                entered = []
                for _ in range(2):  # what ProcessWorker.run enters for each run
                    async with prefect.workers.process.FlowRunExecutorContext() as context:
                        entered.append(context)
                assert not entered[0].client._closed
            finally:
                worker_module._running_worker.reset(token)
        return entered

    first, second = asyncio.run(contexts_of_two_runs())
    assert first is second
    assert first.client._closed
