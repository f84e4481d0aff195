"""A Prefect process worker whose flow runs are forked, not started.

    python -m deployments.forkserver python -m deployments.worker worker start --pool invoice-pool --type process --limit 4

A stock process worker starts `python -m prefect.engine` for every flow run,
which pays 2–3 s of imports (Prefect, the flows, WeasyPrint, pypdfium2…)
before the run does anything. This process imports all of that once, then
starts the worker command given on its command line as its own child and
serves it on a Unix socket (FORKSERVER_SOCKET in the worker's environment):
the deployments' command (deployments/launcher.py) connects, sends its
environment and standard fds, and gets a fork of this process that runs what
`python -m prefect.engine` would run, with the launcher standing in for it
towards the worker (signals relayed, same exit status).

Rules that keep a fork safe and a dead worker's runs dead:
- before forking, only imports: no thread, no event loop, no Prefect client
  (checked at start-up), so a child starts from a consistent state;
- a child closes the listening socket and every other run's connection,
  dies with SIGKILL when this process dies (PR_SET_PDEATHSIG) or when its
  launcher's connection closes (a killed launcher or worker), so no run goes
  on alone after its worker was killed: the zombie automation marks it
  Crashed and the job is run again, once;
- the worker dies with this process (PR_SET_PDEATHSIG as well).

Code is imported when this process starts, that is when the worker starts:
restart the worker to run changed code. (The entrypoint file itself is read
again by every run, as Prefect loads it; the modules it imports are not.)
"""
from __future__ import annotations

import array
import atexit
import ctypes
import gc
import json
import os
import runpy
import secrets
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from deployments import warmup
from deployments.launcher import SOCKET_ENV, kill_quietly, socket_address

PR_SET_PDEATHSIG = 1
REQUEST_TIMEOUT = 10  # seconds a launcher has to send its request once connected


@dataclass
class Request:
    connection: socket.socket
    fds: list[int]
    env: dict[str, str]
    cwd: str
    argv: list[str]


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent (`parent`, the fork server)
    dies; exit at once if it is already gone (died before the prctl)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:
        os._exit(1)


def entrypoint_modules(root: Path) -> list[str]:
    """The modules of the deployments' entrypoints in prefect.yaml
    (`flows/x.py:flow` → `flows.x`)."""
    import yaml

    config = yaml.safe_load((root / "prefect.yaml").read_text(encoding="utf-8"))
    modules = []
    for deployment in config.get("deployments") or []:
        path = deployment["entrypoint"].split(":", 1)[0]
        modules.append(path.removesuffix(".py").replace("/", "."))
    return modules


def preload(root: Path) -> int:
    """Import what the runs need (the deployments' entrypoints, found in
    prefect.yaml, and what they import lazily), load what they would load
    again, and freeze the heap (deployments/warmup.py); the number of
    modules loaded.

    The collector is off meanwhile: a child's collections skip the frozen
    objects instead of writing to every page they sit on, which would copy
    them (and cost ~0.1 s per full collection).
    """
    # numpy's OpenBLAS would start a thread pool at import; its uses here are
    # tiny (an 8×8 solve), a single thread is as fast.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    gc.disable()
    warmup.warm_up(tuple(entrypoint_modules(root)))
    warmup.tune_gc()
    # A fork copies only the forking thread: a peer's locks could stay held
    # in the child. Counted by the kernel, to see C libraries' threads too.
    threads = os.listdir("/proc/self/task")
    if len(threads) > 1 or threading.active_count() > 1:
        raise RuntimeError(f"importing started threads ({len(threads)} in this process), refusing to fork")
    return len(sys.modules)


class ForkServer:
    def __init__(self, listener: socket.socket):
        self.listener = listener
        self.wakeup_read, self.wakeup_write = socket.socketpair()
        self.children: dict[int, socket.socket] = {}  # forked run → its launcher's connection
        self.worker_pid: int | None = None
        self.worker_code: int | None = None
        self.pid = os.getpid()

    def start_worker(self, argv: list[str], env: dict[str, str]) -> None:
        # SIGCHLD only wakes the loop up; children are reaped there.
        for end in (self.wakeup_read, self.wakeup_write):
            end.setblocking(False)
        signal.set_wakeup_fd(self.wakeup_write.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        # Kept referenced: a dropped Popen may reap the worker behind our back.
        self.worker = subprocess.Popen(argv, env=env, preexec_fn=lambda: die_with_parent(self.pid))
        self.worker_pid = self.worker.pid
        # Set after the worker started, which would otherwise inherit SIG_IGN.
        # SIGINT comes from a terminal or the Stack, to the whole process
        # group: the worker has it already. A SIGTERM may be for this process
        # alone (`docker stop` signals PID 1): the worker gets it too.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda signum, frame: self._signal_worker(signum))

    def serve(self) -> Request | None:
        """Serve until the worker exits (returns None), except in a forked
        child, where it returns the child's request."""
        self._reap()  # the worker may have exited before SIGCHLD was handled
        while self.worker_code is None:
            ready, _, _ = select.select([self.listener, self.wakeup_read], [], [])
            if self.wakeup_read in ready:
                self._drain_wakeup()
                self._reap()
            if self.listener in ready and self.worker_code is None:
                request = self._accept()
                if request is not None and self._fork(request) == 0:
                    return request
        return None

    def close(self) -> None:
        """After the worker exited: kill what is left of its runs."""
        for pid in self.children:
            kill_quietly(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while self.children and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        self.listener.close()

    # --- the server side ---------------------------------------------------
    def _accept(self) -> Request | None:
        connection, _ = self.listener.accept()
        fds: list[int] = []
        try:
            _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                  struct.calcsize("3i")))
            if uid != os.getuid():  # a run gets this user's rights: nobody else may start one
                raise ValueError(f"connection from uid {uid} refused")
            connection.settimeout(REQUEST_TIMEOUT)
            header, ancillary, _, _ = connection.recvmsg(4, socket.CMSG_SPACE(3 * array.array("i").itemsize))
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.extend(array.array("i", data[: len(data) - len(data) % 4]))
            if len(header) != 4 or len(fds) != 3:
                raise ValueError("expected a 4-byte length and three file descriptors")
            size = struct.unpack("!I", header)[0]
            payload = b""
            while len(payload) < size:
                chunk = connection.recv(size - len(payload))
                if not chunk:
                    raise ValueError("the launcher hung up")
                payload += chunk
            body = json.loads(payload)
            return Request(connection, fds, body["env"], body["cwd"], body["argv"])
        except (OSError, ValueError) as error:
            print(f"fork server: bad request: {error}", file=sys.stderr, flush=True)
            for fd in fds:
                os.close(fd)
            _send(connection, f"error {error}")
            connection.close()
            return None

    def _fork(self, request: Request) -> int:
        sys.stdout.flush()
        sys.stderr.flush()
        # Held until the child has dropped the server's handlers: a SIGTERM
        # relayed by its launcher at once must not run them (forwarding it to
        # the worker); it is delivered, with the default action, just after.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        pid = os.fork()
        if pid == 0:
            self._become_child(request)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            return 0
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        for fd in request.fds:
            os.close(fd)
        self.children[pid] = request.connection
        _send(request.connection, f"pid {pid}")
        return pid

    def _reap(self) -> None:
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            if pid == self.worker_pid:
                self.worker_code = code
                print(f"fork server: the worker exited with {code}", file=sys.stderr, flush=True)
            elif pid in self.children:
                connection = self.children.pop(pid)
                # ru_maxrss is in KiB on Linux: the run's peak RSS and its CPU time,
                # read by bench/bench_jobs.py.
                print(f"fork server: run process {pid} exited with {code}, peak RSS {usage.ru_maxrss / 1024:.0f} MiB, "
                      f"CPU {usage.ru_utime + usage.ru_stime:.2f} s", file=sys.stderr, flush=True)
                _send(connection, f"exit {code}")
                connection.close()

    def _drain_wakeup(self) -> None:
        try:
            while self.wakeup_read.recv(512):
                pass
        except BlockingIOError:
            pass

    def _signal_worker(self, signum: int) -> None:
        if self.worker_pid is not None and self.worker_code is None:
            kill_quietly(self.worker_pid, signum)

    # --- the child side ----------------------------------------------------
    def _become_child(self, request: Request) -> None:
        """Drop everything of the server, tie this process's life to the
        server's and the launcher's, and take the launcher's fds,
        environment and working directory."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for held in (self.listener, self.wakeup_read, self.wakeup_write, *self.children.values()):
            held.close()
        self.children.clear()
        gc.enable()  # off in the server, see preload()
        die_with_parent(self.pid)
        for target, fd in enumerate(request.fds):
            os.dup2(fd, target)
            if fd > 2:
                os.close(fd)
        threading.Thread(target=_die_when_closed, args=(request.connection,), name="launcher-watch",
                         daemon=True).start()
        os.environ.clear()
        os.environ.update(request.env)
        os.chdir(request.cwd)


def _die_when_closed(connection: socket.socket) -> None:
    """The launcher never writes after its request: end of file means it is
    dead (killed with its worker, or by the worker's cancellation escalating
    to SIGKILL), and this run must stop now."""
    connection.settimeout(None)
    try:
        while connection.recv(64):
            pass
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGKILL)


def logging_environment() -> dict[str, str]:
    """The variables that Prefect's logging set-up reads besides its settings."""
    return {name: value for name, value in os.environ.items() if name.startswith("PREFECT_LOGGING_")}


def run_engine(argv: list[str], server_logging_environment: dict[str, str]) -> None:
    """What `python -m prefect.engine` runs, in this process whose Prefect
    was imported with the server's environment: settings are read again from
    the run's environment first, and logging set up again if they or the
    logging variables differ from the server's (the same: ~0.06 s of CPU
    saved), and the server's version checked by an API client before the
    run's websocket clients would each check it their own dearer way
    (flows/prefect_tls.py)."""
    import prefect.context
    import prefect.logging.configuration

    from flows.prefect_tls import check_server_version_first
    from tasks.settings import get_settings

    server_logging = prefect.context.get_settings_context().settings.logging
    prefect.context.refresh_global_settings_context()
    if (prefect.context.get_settings_context().settings.logging != server_logging
            or logging_environment() != server_logging_environment):
        prefect.logging.configuration.setup_logging()
    get_settings.cache_clear()
    check_server_version_first()
    # prefect.flow_engine imports prefect.engine, so it is loaded already; running
    # it again as __main__ is what we want, and what runpy warns about.
    warnings.filterwarnings("ignore", message="'prefect.engine' found in sys.modules", category=RuntimeWarning)
    sys.argv = ["prefect.engine", *argv]
    runpy.run_module("prefect.engine", run_name="__main__", alter_sys=True)


def exit_without_teardown(run: Callable[[], object]) -> NoReturn:
    """Call `run`, then end this process as the interpreter ends one, with
    the same exit status, but without its teardown. The interpreter would
    free every object it holds, writing to every page the child still shares
    with the fork server, which copies them (~0.1 s of CPU), and run the
    finalisers of objects that are the fork server's: WeasyPrint's font
    configuration, for one, deletes its font folder. What finalisation runs
    before that teardown still runs: the threading module's exit hooks
    (Prefect drains its log and event queues there), then atexit's."""
    try:
        run()
        code = 0
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - reported as the interpreter would, then exit 1
        sys.excepthook(*sys.exc_info())
        code = 1
    threading._shutdown()  # type: ignore[attr-defined] - what interpreter shutdown calls first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    from tasks.settings import ROOT

    started = time.monotonic()
    modules = preload(ROOT)
    # An abstract socket (Linux): no file to leave behind when this process
    # is killed; who may connect is checked on each connection (same user).
    name = f"@invoice-forkserver-{os.getpid()}-{secrets.token_hex(8)}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_address(name))
    listener.listen(64)
    server = ForkServer(listener)
    server_logging_environment = logging_environment()
    server.start_worker(argv, {**os.environ, SOCKET_ENV: name})
    print(f"fork server: {modules} modules imported in {time.monotonic() - started:.1f} s, "
          f"serving worker {server.worker_pid} on {name}", file=sys.stderr, flush=True)
    request = server.serve()
    if request is not None:  # a forked child: run the flow run, exit as the engine does
        exit_without_teardown(lambda: run_engine(request.argv, server_logging_environment))
    server.close()
    return server.worker_code or 0


def _send(connection: socket.socket, line: str) -> None:
    try:
        connection.sendall(line.encode() + b"\n")
    except OSError:
        pass  # the launcher is gone; its child dies on its own


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
