"""Run PHP's built-in web server on `public/` for tests.

    with PhpServer({"WEBHOOK_SECRET": "…", "DB_DSN": "…"}) as server:
        requests.post(server.url("invoice_ready.php"), …)

The server gets only the environment given (plus PATH), so a developer's
shell variables cannot change what a test sees. `stop()` and `start()` may
be called again on the same port (receiver down, then up).
"""
from __future__ import annotations

import os
import shutil
import socket
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from deployments.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ROOT / "public"

# A report pair is a few hundred KiB of base64; php-cli's default
# post_max_size (8M) is too small for big scanned bills.
DEFAULT_INI = {"post_max_size": "64M", "memory_limit": "512M", "display_errors": "stderr", "log_errors": "1",
               "error_reporting": "-1"}


def php_available() -> bool:
    return shutil.which("php") is not None


class PhpServer:
    def __init__(self, env: dict[str, str] | None = None, *, docroot: Path = PUBLIC, port: int | None = None,
                 ini: dict[str, str] | None = None, workers: int = 1, log_path: Path | None = None):
        self.env = dict(env or {})
        self.docroot = Path(docroot)
        self.port = port or free_port()
        self.ini = {**DEFAULT_INI, **(ini or {})}
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self._own_log = log_path is None
        if log_path is None:
            handle, name = tempfile.mkstemp(prefix="php-server-", suffix=".log")
            os.close(handle)
            log_path = Path(name)
        self.log_path = Path(log_path)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, script: str = "invoice_ready.php") -> str:
        return f"{self.base_url}/{script.lstrip('/')}"

    def start(self, timeout: float = 10.0) -> "PhpServer":
        if self.process is not None:
            return self
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **self.env}
        if self.workers > 1:
            env["PHP_CLI_SERVER_WORKERS"] = str(self.workers)
        args = ["php"]
        for key, value in self.ini.items():
            args += ["-d", f"{key}={value}"]
        args += ["-S", f"127.0.0.1:{self.port}", "-t", str(self.docroot)]
        with open(self.log_path, "ab") as log:
            # Own process group: with PHP_CLI_SERVER_WORKERS the workers are
            # children, and stop() must end them too.
            self.process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"php -S exited with {self.process.returncode} (port {self.port} taken?)")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"php -S did not listen on port {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.process = None

    def log(self) -> str:
        """What PHP wrote (error_log lines, warnings, access log)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "PhpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        if self._own_log:
            self.log_path.unlink(missing_ok=True)
