"""The worker's fork server (deployments/forkserver.py), all real: the
session's Prefect server, a worker under its fork server, the API under
gunicorn, and a webhook receiver that holds each request until the test
releases it, so that a job's run stays alive in its notify stage while the
test looks at its process in /proc."""
from __future__ import annotations

import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.live_stack import LiveStack

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BILL = CORPUS / "dev-010.pdf"
WAIT = 180  # seconds: a limit for a loaded machine, not a speed check


class HeldReceiver:
    """A webhook receiver on loopback that answers nothing until released;
    it notes the client port of each request (the run's connection)."""

    def __init__(self):
        self.release_event = threading.Event()
        self.ports: list[int] = []
        arrived = self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.ports.append(self.client_address[1])
                arrived.set()
                receiver.release_event.wait(WAIT)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_request(self) -> int:
        assert self.arrived.wait(WAIT), "the run never called the webhook"
        return self.ports[-1]

    def close(self) -> None:
        self.release_event.set()
        self.server.shutdown()
        self.server.server_close()


# --- /proc ------------------------------------------------------------------
def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has stopped running)."""
    try:
        return _stat(pid)[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def parent_of(pid: int) -> int:
    return int(_stat(pid)[1])


def cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def pid_with_local_port(port: int) -> int:
    """The process holding the TCP socket bound to 127.0.0.1:`port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
            except OSError:
                continue
            if any(f"socket:[{inode}]" in links for inode in inodes):
                return int(entry.name)
    raise AssertionError(f"no process holds a socket on local port {port}")


def wait_until(condition, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not {what} after {timeout} s"
        time.sleep(0.2)


# --- the stack ----------------------------------------------------------------
@pytest.fixture(scope="module")
def stack(prefect_server, tmp_path_factory):
    # One try of the webhook, held as long as the test needs.
    # Runs log at INFO, as in production, for their logs to be checked on the server.
    live = LiveStack(tmp_path_factory.mktemp("worker"), WEBHOOK_TIMEOUT="600", WEBHOOK_RETRY_DELAYS="1",
                     WORKER_LIMIT="2", PREFECT_LOGGING_LEVEL="INFO").start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def receiver():
    held = HeldReceiver()
    try:
        yield held
    finally:
        held.close()


def held_run(stack, receiver) -> dict:
    """Submit a job whose run then blocks on the held webhook; its processes."""
    with open(BILL, "rb") as handle:
        response = stack.post("/v1/jobs/pdf", files={"file": (BILL.name, handle, "application/pdf")},
                              data={"webhook_url": receiver.url})
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    run_process = pid_with_local_port(receiver.wait_request())
    flow_run_id = stack.job_record(task_id)["flow_run_id"]
    return {"task_id": task_id, "flow_run_id": flow_run_id, "run": run_process,
            "launcher": int(str(flow_run(flow_run_id).infrastructure_pid).rsplit(":", 1)[-1])}


def flow_run(flow_run_id: str):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id)


def heartbeats(flow_run_id: str) -> int:
    """The heartbeat events the server received from the flow run."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventResourceFilter

    with get_client(sync_client=True) as client:
        page = client.read_events(EventFilter(event=EventNameFilter(name=["prefect.flow-run.heartbeat"]),
                                              resource=EventResourceFilter(id=[f"prefect.flow-run.{flow_run_id}"])),
                                   limit=10)  # the server refuses the client's default, 100
    return len(page.events)


def run_logs(flow_run_id: str) -> list[tuple[str, str]]:
    """The flow run's logs on the server: (logger, message)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    with get_client(sync_client=True) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), limit=200)
    return [(log.name, log.message) for log in logs]


def restart_worker(stack) -> None:
    stack.kill_worker()
    stack.start_worker()


# --- the tests ----------------------------------------------------------------
def test_a_job_run_is_a_fork_of_the_fork_server_sends_heartbeats_and_leaves_it_to_the_next(stack, receiver):
    run = held_run(stack, receiver)
    server = stack.worker_pid()
    # The process that called the webhook is a child of the fork server and
    # carries its command line: a fork, not a new `python -m prefect.engine`.
    assert parent_of(run["run"]) == server
    assert cmdline(run["run"]) == cmdline(server)
    assert "prefect.engine" not in " ".join(cmdline(run["run"]))
    # What the Prefect worker started (the run's infrastructure pid) is the
    # launcher, under python -S.
    launcher = cmdline(run["launcher"])
    assert launcher[1] == "-S" and launcher[2].endswith("deployments/launcher.py")
    assert parent_of(parent_of(run["launcher"])) == server  # launcher → Prefect worker → fork server
    # The forked run sends its heartbeats (every 30 s, the first at its start):
    # two of them while it is held, what the zombie automation watches.
    wait_until(lambda: heartbeats(run["flow_run_id"]) >= 2, "two heartbeats received")

    receiver.release_event.set()
    wait_until(lambda: stack.job(run["task_id"])["webhook"]["delivered"], "delivered")
    assert stack.job(run["task_id"])["status"] == "succeeded"
    wait_until(lambda: not alive(run["launcher"]), "the launcher gone")
    assert flow_run(run["flow_run_id"]).state.is_completed()
    # Its logs reached the server, the last one too: the run's process
    # drained Prefect's log queue before reporting the run's end.
    last = ("prefect.flow_runs", "Finished in state Completed()")
    wait_until(lambda: last in run_logs(run["flow_run_id"]), "the run's last log on the server", timeout=30)
    assert run_logs(run["flow_run_id"]).count(("prefect.task_runs", "Finished in state Completed()")) == 5
    # The process stays for the next run, holding nothing of the launcher's.
    assert alive(run["run"])
    assert {os.readlink(f"/proc/{run['run']}/fd/{fd}") for fd in (0, 1, 2)} == {os.devnull}
    receiver.release_event.clear()
    receiver.arrived.clear()
    after = held_run(stack, receiver)
    assert after["run"] == run["run"] and after["launcher"] != run["launcher"]
    receiver.release_event.set()
    wait_until(lambda: stack.job(after["task_id"])["webhook"]["delivered"], "the next one delivered")
    assert stack.job(after["task_id"])["status"] == "succeeded"


def test_a_cancelled_run_leaves_no_process(stack, receiver):
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelling

    run = held_run(stack, receiver)
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run["flow_run_id"], Cancelling())
    wait_until(lambda: not alive(run["run"]), "the run's process gone")
    wait_until(lambda: not alive(run["launcher"]), "the launcher gone")
    wait_until(lambda: flow_run(run["flow_run_id"]).state.is_cancelled(), "cancelled")
    assert alive(stack.worker_pid())


@pytest.mark.parametrize("target", ["process group", "fork server", "prefect worker", "launcher"])
def test_a_killed_worker_leaves_no_run_process(stack, receiver, target):
    """SIGKILL on the worker's process group (as the faults bench does), or on
    one of its processes alone: the forked run dies with it, wherever the
    kill lands, so it cannot go on beside the run the zombie automation
    will start again."""
    run = held_run(stack, receiver)
    server = stack.worker_pid()
    prefect_worker = parent_of(run["launcher"])
    victim = {"fork server": server, "prefect worker": prefect_worker, "launcher": run["launcher"]}.get(target)
    if victim is None:
        os.killpg(server, signal.SIGKILL)
    else:
        os.kill(victim, signal.SIGKILL)
    try:
        wait_until(lambda: not alive(run["run"]), "the run's process gone", timeout=30)
        if target != "launcher":  # the whole worker goes: none of its processes is left
            wait_until(lambda: not any(alive(pid) for pid in (server, prefect_worker, run["launcher"])),
                       "the worker's processes gone", timeout=30)
        else:  # the worker lives on and records the run as crashed
            assert alive(server) and alive(prefect_worker)
            wait_until(lambda: flow_run(run["flow_run_id"]).state.is_crashed(), "crashed")
    finally:
        restart_worker(stack)


def test_without_a_fork_server_the_launcher_runs_the_engine_itself(stack):
    """A plain `prefect worker start` (no fork server) runs the same
    deployments: the launcher falls back to `python -m prefect.engine`."""
    from deployments import deploy

    stack.kill_worker()
    argv = deploy.worker_argv(stack.settings, 1)
    plain = argv[argv.index("deployments.forkserver") + 1:]
    stack.stack.start("plain-worker", plain, env=deploy.worker_env(stack.env))
    try:
        with open(BILL, "rb") as handle:
            response = stack.post("/v1/jobs/pdf", files={"file": (BILL.name, handle, "application/pdf")})
        task_id = response.json()["task_id"]
        wait_until(lambda: stack.job(task_id)["status"] in ("succeeded", "failed"), "finished")
        assert stack.job(task_id)["status"] == "succeeded"
        assert "launcher: no fork server configured" in (stack.folder / "log" / "plain-worker.log").read_text()
    finally:
        stack.stack.stop("plain-worker")
        stack.start_worker()
