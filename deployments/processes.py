"""Start, watch and stop the processes of the stack (Prefect server, worker,
gunicorn), for `make run` and for the integration tests alike."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tasks.settings import ROOT

BIN = Path(sys.executable).parent

# Prefect runs offline here: no telemetry, no update checks.
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_UI_ENABLED": "true",
    # Tesseract thrashes with OpenMP threads; pages are parallelised instead.
    "OMP_THREAD_LIMIT": "1",
}


# The Prefect server's defaults here, under what the environment sets. Task
# run states reach the server as events, which its recorder writes one at a
# time by default (a compiled bulk insert per state, up to six tasks a bill,
# three states a task); in batches flushed every second they cost it about a
# fifth less CPU per bill, sync or job (bench/bench_jobs.py), and show in
# the UI a second later at most.
# A job run waiting its turn is marked Late after 15 s by default: in a burst
# of jobs every run but the first few, each a state transition more for the
# server to orchestrate, record and evaluate automations on (a tenth of its
# CPU during bench/bench_jobs.py's burst). Late here means still waiting
# after ten minutes, which deserves an operator's look.
SERVER_DEFAULTS = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS": "600",
}


def prefect_server_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of a Prefect server started from `env`."""
    return {**SERVER_DEFAULTS, **env}


def wait_http(url: str, *, timeout: float, headers: dict | None = None, process=None) -> None:
    """Wait until `url` answers 2xx, failing fast if `process` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with code {process.returncode}")
        try:
            if requests.get(url, headers=headers, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Stack:
    """Processes started in order and stopped in reverse order."""

    env: dict
    log_dir: Path
    processes: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def start(self, name: str, argv: list[str], **kwargs) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(argv, env=kwargs.pop("env", self.env), cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
        self.processes.append((name, process))
        return process

    def stop(self, name: str, timeout: float = 20) -> None:
        for index, (candidate, process) in enumerate(self.processes):
            if candidate == name:
                _terminate(process, timeout)
                del self.processes[index]
                return

    def stop_all(self, timeout: float = 20) -> None:
        while self.processes:
            _, process = self.processes.pop()
            _terminate(process, timeout)

    def dead(self) -> list[str]:
        return [name for name, process in self.processes if process.poll() is not None]


def _terminate(process: subprocess.Popen, timeout: float) -> None:
    if process.poll() is not None:
        return
    # A Prefect worker may need a second SIGINT; then the whole process group goes.
    for sig in (signal.SIGINT, signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout / 4)
            return
        except subprocess.TimeoutExpired:
            continue


def prefect_server_argv(host: str, port: int) -> list[str]:
    return [str(BIN / "prefect"), "server", "start", "--host", host, "--port", str(port)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_THROWAWAY_HOMES: set[str] = set()


def point_prefect_at_temporary_server() -> None:
    """Point this process's Prefect at a server on a free loopback port, with
    its state in a throw-away folder. To be called
    before Prefect is imported (it reads its settings at import); start the
    server itself with `temporary_prefect_server`. Once per process: a
    second call (a script importing another) keeps the first setting."""
    if os.environ.get("PREFECT_HOME") in _THROWAWAY_HOMES:
        return
    home = tempfile.mkdtemp(prefix="prefect-")
    _THROWAWAY_HOMES.add(home)
    os.environ.update({"PREFECT_HOME": home, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api",
                       **OFFLINE_ENV})


class LocalPrefectServer:
    """The Prefect server of PREFECT_API_URL (a loopback port), started and
    stopped here, on SQLite in PREFECT_HOME unless `database_url`
    (postgresql+asyncpg://…) names another database, which then outlives
    a restart."""

    def __init__(self, log_dir: Path, database_url: str | None = None):
        self.api_url = os.environ["PREFECT_API_URL"]
        self.port = int(self.api_url.rsplit(":", 1)[1].split("/", 1)[0])
        self.log_dir = log_dir
        env = prefect_server_env({**os.environ, **OFFLINE_ENV})
        if database_url:
            env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = database_url
        self.stack = Stack(env=env, log_dir=log_dir)

    def start(self, timeout: float = 600) -> None:
        """Start it and wait for /health; the error carries its log's tail."""
        server = self.stack.start("prefect-server", prefect_server_argv("127.0.0.1", self.port))
        try:
            wait_http(f"{self.api_url}/health", timeout=timeout, process=server)
        except (RuntimeError, TimeoutError) as error:
            log = (self.log_dir / "prefect-server.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the Prefect server did not start: {error}\n{log}") from error

    def stop(self) -> None:
        self.stack.stop_all()


@contextmanager
def temporary_prefect_server(log_dir: Path | None = None, timeout: float = 240,
                             database_url: str | None = None) -> Iterator[str]:
    """A real Prefect server for a test session, the evaluation or the
    samples, rather than Prefect's ephemeral one, whose 20 s start-up limit a
    loaded machine exceeds (see `LocalPrefectServer` for its database). Uses
    PREFECT_API_URL and PREFECT_HOME as `point_prefect_at_temporary_server`
    set them (pointing them first if unset); yields the API URL and removes
    the state folder at the end, unless the server failed to start."""
    if not os.environ.get("PREFECT_API_URL", "").startswith("http://127.0.0.1:"):
        point_prefect_at_temporary_server()
    home = os.environ["PREFECT_HOME"]
    server = LocalPrefectServer(log_dir or Path(home) / "log", database_url)
    started = False
    try:
        server.start(timeout)
        started = True
        yield server.api_url
    finally:
        if "prefect.logging.handlers" in sys.modules:
            # Run logs still queued would be sent after the server is gone.
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=5)
        server.stop()
        if started and home in _THROWAWAY_HOMES:
            shutil.rmtree(home, ignore_errors=True)


def gunicorn_argv() -> list[str]:
    return [str(BIN / "gunicorn"), "-c", str(ROOT / "deployments" / "gunicorn.conf.py"), "webapp.wsgi:app"]
