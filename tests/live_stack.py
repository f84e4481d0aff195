"""The real stack for end-to-end tests: the session's Prefect server, the
work pool and deployments, process workers, and the API under gunicorn."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import requests

from deployments import deploy
from deployments.processes import OFFLINE_ENV, Stack, free_port, gunicorn_argv, wait_http
from tasks.settings import Settings

API_KEY = "e2e-key-5b0c1f9d"
WEBHOOK_SECRET = "whsec_ZTJlLXNlY3JldC1mb3Itd2ViaG9vay1zaWduYXR1cmVz"
WEBHOOK_TOKEN = "e2e-bearer-1c2d"


class LiveStack:
    def __init__(self, folder: Path, **overrides: str):
        self.folder = folder
        self.port = free_port()
        self.env = {**os.environ, **OFFLINE_ENV,
                    "API_KEY": API_KEY, "HOST": "127.0.0.1", "PORT": str(self.port),
                    "UPLOAD_FOLDER": str(folder / "uploads"), "REPORTS_FOLDER": str(folder / "reports"),
                    "WEBHOOK_SECRET": WEBHOOK_SECRET, "WEBHOOK_TOKEN": WEBHOOK_TOKEN,
                    "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "WEBHOOK_RETRY_DELAYS": "2,3,5,10,20",
                    "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "8",
                    # Workers poll every second instead of ten: tests wait less.
                    "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "1",
                    **overrides}
        self.settings = Settings.from_env(self.env)
        self.stack = Stack(env=self.env, log_dir=folder / "log")
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> "LiveStack":
        deploy.ensure_work_pool(self.settings.work_pool)
        deploy.deploy_all(self.settings, self.env)
        deploy.ensure_zombie_automation()
        self.start_worker()
        api = self.stack.start("api", gunicorn_argv())
        wait_http(f"{self.base}/health", timeout=60, headers={"X-API-Key": API_KEY}, process=api)
        return self

    def start_worker(self, name: str = "worker") -> None:
        self.stack.start(name, deploy.worker_argv(self.settings, self.settings.worker_limit),
                         env=deploy.worker_env(self.env))

    def worker_pid(self, name: str = "worker") -> int:
        """The worker's first process: its fork server (deployments/forkserver.py)."""
        return next(process.pid for candidate, process in self.stack.processes if candidate == name)

    def kill_worker(self, name: str = "worker") -> None:
        """SIGKILL the worker and every process it spawned (its flow runs may
        live in sessions of their own), as a machine crash would."""
        for index, (candidate, process) in enumerate(self.stack.processes):
            if candidate == name:
                for pid in [process.pid, *descendants(process.pid)]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                process.wait(timeout=10)
                del self.stack.processes[index]
                return

    def stop(self) -> None:
        self.stack.stop_all()

    # --- HTTP ---------------------------------------------------------------
    def post(self, path: str, files, data=None, headers=None) -> requests.Response:
        return requests.post(self.base + path, files=files, data=data or {},
                             headers={"X-API-Key": API_KEY, **(headers or {})}, timeout=60)

    def job_record(self, task_id: str) -> dict:
        from flows.jobs import store_for

        return store_for(self.settings).get(task_id)

    def job(self, task_id: str) -> dict:
        response = requests.get(f"{self.base}/v1/jobs/{task_id}", headers={"X-API-Key": API_KEY}, timeout=30)
        response.raise_for_status()
        return response.json()


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (children, theirs…), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MiB; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
