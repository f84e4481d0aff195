"""A Prefect process worker whose flow runs go to forked processes that
have imported everything already, and run one flow run after another.

    python -m deployments.forkserver python -m deployments.worker worker start --pool invoice-pool --type process --limit 4

A stock process worker starts `python -m prefect.engine` for every flow run,
which pays 2–3 s of imports (Prefect, the flows, WeasyPrint, pypdfium2…)
before the run does anything. This process imports all of that once, then
starts the worker command given on its command line as its own child and
serves it on a Unix socket (FORKSERVER_SOCKET in the worker's environment):
the deployments' command (deployments/launcher.py) connects, sends its
environment and standard fds, and the run goes to a runner, a fork of this
process that runs what `python -m prefect.engine` would run, with the
launcher standing in for it towards the worker (signals relayed, same exit
status). A runner that ran a run to its end (exit status 0, no signal)
waits for the next one, up to RUNS_PER_PROCESS: a new process would copy
again the pages that the runs write to (~18 000 page faults) and open its
Prefect clients again, about a sixth of a digital bill's run.

Rules that keep a fork safe and a dead worker's runs dead:
- before forking, only imports: no thread, no event loop, no Prefect client
  (checked at start-up), so a runner starts from a consistent state;
- a runner closes the listening socket and every launcher's connection,
  and dies with SIGKILL when this process dies (PR_SET_PDEATHSIG); this
  process kills it when the launcher of its run hangs up (a killed launcher
  or worker), so no run goes on alone after its worker was killed: the
  zombie automation marks it Crashed and the job is run again, once;
- a run whose process stops otherwise than by returning ends that process:
  only a run that ended cleanly leaves its process for the next one;
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
import itertools
import json
import os
import resource
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
from deployments.launcher import SOCKET_ENV, send_framed, socket_address

PR_SET_PDEATHSIG = 1
REQUEST_TIMEOUT = 10  # seconds a launcher has to send its request once connected


# Runs one process runs before it leaves its place to a new fork: a bound on
# what a run could leave behind (memory, a stray thread) for the next ones.
RUNS_PER_PROCESS = 50
DRAIN_SECONDS = 30  # for a run's last logs and events to reach the server


@dataclass
class Request:
    """A run as a launcher asks for it: its standard fds, environment,
    working directory and `prefect.engine` arguments."""
    fds: list[int]
    env: dict[str, str]
    cwd: str
    argv: list[str]


@dataclass
class Runner:
    """A forked process that runs flow runs, one at a time."""
    pid: int
    control: socket.socket | None  # this process's end of their socket pair; None once it hung up
    connection: socket.socket | None = None  # the launcher of the run it is running
    signalled: bool = False  # a signal was relayed to its run: not used again
    cpu_reported: float = 0.0  # CPU seconds of its runs it reported
    said: bytes = b""


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

    The collector is off meanwhile: a runner's collections skip the frozen
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
    # in a runner. Counted by the kernel, to see C libraries' threads too.
    threads = os.listdir("/proc/self/task")
    if len(threads) > 1 or threading.active_count() > 1:
        raise RuntimeError(f"importing started threads ({len(threads)} in this process), refusing to fork")
    return len(sys.modules)


class ForkServer:
    def __init__(self, listener: socket.socket):
        self.listener = listener
        self.wakeup_read, self.wakeup_write = socket.socketpair()
        self.runners: dict[int, Runner] = {}
        self.idle: list[Runner] = []
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

    def serve(self) -> socket.socket | None:
        """Serve until the worker exits (returns None), except in a forked
        runner, where it returns the runner's end of its control socket."""
        self._reap()  # the worker may have exited before SIGCHLD was handled
        while self.worker_code is None:
            watched = [self.listener, self.wakeup_read]
            for runner in self.runners.values():
                watched += [end for end in (runner.control, runner.connection) if end is not None]
            ready, _, _ = select.select(watched, [], [])
            if self.wakeup_read in ready:
                self._drain_wakeup()
                self._reap()
            for runner in list(self.runners.values()):
                if runner.connection is not None and runner.connection in ready:
                    self._hear_launcher(runner)
                if runner.control is not None and runner.control in ready and runner.pid in self.runners:
                    self._hear_runner(runner)
            if self.listener in ready and self.worker_code is None:
                accepted = self._accept()
                if accepted is not None and (control := self._start_run(*accepted)) is not None:
                    return control
        return None

    def close(self) -> None:
        """After the worker exited: kill what is left of its runs."""
        for pid in self.runners:
            kill_quietly(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while self.runners and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        self.listener.close()

    # --- the server side ---------------------------------------------------
    def _accept(self) -> tuple[Request, socket.socket] | None:
        """A launcher's request and its connection; None for a bad one (answered)."""
        connection, _ = self.listener.accept()
        try:
            _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                  struct.calcsize("3i")))
            if uid != os.getuid():  # a run gets this user's rights: nobody else may start one
                raise ValueError(f"connection from uid {uid} refused")
            connection.settimeout(REQUEST_TIMEOUT)
            request = receive_request(connection)
            if request is None:
                raise ValueError("the launcher hung up")
            connection.settimeout(None)
            return request, connection
        except (OSError, ValueError) as error:
            print(f"fork server: bad request: {error}", file=sys.stderr, flush=True)
            _send(connection, f"error {error}")
            connection.close()
            return None

    def _start_run(self, request: Request, connection: socket.socket) -> socket.socket | None:
        """Give the run to an idle runner, else to a new one; None here, the
        new runner's control socket in the new runner."""
        try:
            payload = json.dumps({"env": request.env, "cwd": request.cwd, "argv": request.argv}).encode()
            for _ in range(2):  # an idle runner may have died meanwhile
                runner = self.idle.pop() if self.idle else self._fork_runner()
                if isinstance(runner, socket.socket):  # in the new runner: nothing of this run
                    connection.close()
                    return runner
                try:
                    send_framed(runner.control, payload, request.fds)
                except OSError:
                    kill_quietly(runner.pid, signal.SIGKILL)  # reaped with the others
                    continue
                runner.connection = connection
                _send(connection, f"pid {runner.pid}")
                return None
            _send(connection, "error no process could take the run")
            connection.close()
            return None
        finally:
            for fd in request.fds:  # passed on: the runner has its own copies
                os.close(fd)

    def _fork_runner(self) -> Runner | socket.socket:
        """A new runner; in the new runner itself, its end of the control socket."""
        ours, theirs = socket.socketpair()
        sys.stdout.flush()
        sys.stderr.flush()
        # Held until the runner has dropped the server's handlers: a SIGTERM
        # relayed at once must not run them (forwarding it to the worker); it
        # is delivered, with the default action, just after.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        pid = os.fork()
        if pid == 0:
            ours.close()
            self._become_runner()
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            return theirs
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        theirs.close()
        self.runners[pid] = runner = Runner(pid, ours)
        return runner

    def _hear_runner(self, runner: Runner) -> None:
        """`done STATUS PEAK_RSS_MIB CPU_S`: its run ended and it waits for
        the next. End of file: it is exiting (reaped with its status)."""
        data = _receive(runner.control)
        if not data:
            runner.control.close()
            runner.control = None
            if runner in self.idle:
                self.idle.remove(runner)
            return
        runner.said += data
        while b"\n" in runner.said:
            line, runner.said = runner.said.split(b"\n", 1)
            _, code, rss, cpu = line.decode().split()
            runner.cpu_reported += float(cpu)
            self._run_ended(runner, int(code), float(rss), float(cpu))
            if runner.signalled:
                runner.control.shutdown(socket.SHUT_WR)  # it exits at its next read
            else:
                self.idle.append(runner)

    def _hear_launcher(self, runner: Runner) -> None:
        """`signal N` to relay to the run; end of file: the launcher is dead,
        and the run must stop now."""
        data = _receive(runner.connection)
        if not data:
            kill_quietly(runner.pid, signal.SIGKILL)
            runner.connection.close()
            runner.connection = None
            return
        for line in data.decode(errors="replace").splitlines():
            word, _, value = line.partition(" ")
            if word == "signal" and value.isdigit():
                runner.signalled = True
                kill_quietly(runner.pid, int(value))

    def _run_ended(self, runner: Runner, code: int, rss_mib: float, cpu_s: float) -> None:
        # The run's peak RSS and its CPU time, read by bench/bench_jobs.py.
        print(f"fork server: run in process {runner.pid} ended with {code}, peak RSS {rss_mib:.0f} MiB, "
              f"CPU {cpu_s:.2f} s", file=sys.stderr, flush=True)
        if runner.connection is not None:
            _send(runner.connection, f"exit {code}")
            runner.connection.close()
            runner.connection = None

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
            elif (runner := self.runners.pop(pid, None)) is not None:
                if runner in self.idle:
                    self.idle.remove(runner)
                if runner.control is not None:
                    runner.control.close()
                if runner.connection is not None:  # it ended during a run: the run's end
                    # ru_maxrss is in KiB on Linux.
                    self._run_ended(runner, code, usage.ru_maxrss / 1024,
                                    usage.ru_utime + usage.ru_stime - runner.cpu_reported)

    def _drain_wakeup(self) -> None:
        try:
            while self.wakeup_read.recv(512):
                pass
        except BlockingIOError:
            pass

    def _signal_worker(self, signum: int) -> None:
        if self.worker_pid is not None and self.worker_code is None:
            kill_quietly(self.worker_pid, signum)

    # --- the runner side ---------------------------------------------------
    def _become_runner(self) -> None:
        """Drop everything of the server and tie this process's life to the
        server's."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for runner in self.runners.values():
            runner.control.close()
            if runner.connection is not None:
                runner.connection.close()
        for held in (self.listener, self.wakeup_read, self.wakeup_write):
            held.close()
        self.runners.clear()
        self.idle.clear()
        gc.enable()  # off in the server, see preload()
        die_with_parent(self.pid)


def receive_request(connection: socket.socket) -> Request | None:
    """A request framed as deployments/launcher.send_framed sends it; None
    at end of file. Raises ValueError for anything else than a request, or
    OSError."""
    fds: list[int] = []
    try:
        header, ancillary, _, _ = connection.recvmsg(4, socket.CMSG_SPACE(3 * array.array("i").itemsize))
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.extend(array.array("i", data[: len(data) - len(data) % 4]))
        if not header and not fds:
            return None
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
        try:
            return Request(fds, dict(body["env"]), str(body["cwd"]), list(body["argv"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a run's request: {error!r}") from error
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        raise


def serve_runs(control: socket.socket) -> NoReturn:
    """A runner's life: run the runs the fork server sends, one at a time,
    reporting each one's end, until it closes the control socket, a run ends
    otherwise than cleanly, or RUNS_PER_PROCESS runs were run."""
    setup = PrefectSetup()
    before = _cpu_seconds()
    for runs in itertools.count(1):
        request = receive_request(control)
        if request is None:
            exit_without_teardown(0)
        take_request(request)
        code = run_status(lambda: run_engine(request.argv, setup))
        if code != 0 or runs >= RUNS_PER_PROCESS:
            exit_without_teardown(code)  # the fork server reports the run's end when it reaps this process
        release_standard_fds()
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        now = _cpu_seconds()
        control.sendall(f"done {code} {peak_mib:.0f} {now - before:.3f}\n".encode())
        # Reported ended, the run frees its worker's slot; what it left in
        # Prefect's queues is sent before this process takes the next run
        # (whose CPU time counts it).
        before = now
        drain_prefect_services()
    raise AssertionError("not reached")


def take_request(request: Request) -> None:
    """The launcher's fds, environment and working directory for this run."""
    for target, fd in enumerate(request.fds):
        os.dup2(fd, target)
        if fd > 2:
            os.close(fd)
    os.environ.clear()
    os.environ.update(request.env)
    os.chdir(request.cwd)


def drain_prefect_services() -> None:
    """Send what the run left in Prefect's log and event queues, as the exit
    hooks of the engine's process would."""
    from prefect._internal.concurrency.services import _QueueServiceBase

    _QueueServiceBase.drain_all(timeout=DRAIN_SECONDS, at_exit=False)


def release_standard_fds() -> None:
    """Let go of the launcher's pipes: the worker reads the run's output
    until their last writer closes them."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    os.close(null)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def logging_environment() -> dict[str, str]:
    """The variables that Prefect's logging set-up reads besides its settings."""
    return {name: value for name, value in os.environ.items() if name.startswith("PREFECT_LOGGING_")}


# Where Prefect reads settings from in the working directory (each run's is
# a new temporary folder the worker made, empty as a rule).
SETTINGS_FILES = (".env", "prefect.toml", "pyproject.toml")


class PrefectSetup:
    """Prefect's settings and logging in a runner, read again from a run's
    environment only when what they are read from changed: the settings
    from PREFECT_ variables (`PREFECT__…` ones are a run's own, not
    settings) and SETTINGS_FILES (~18 ms of CPU), logging from its settings
    and variables (~0.06 s). A runner starts with the fork server's."""

    def __init__(self):
        self.settings_from: tuple | None = None
        self.logging_from = self._logging_in_effect()

    def refresh(self) -> None:
        import prefect.context
        import prefect.logging.configuration

        settings_from = (_settings_files(), sorted((name, value) for name, value in os.environ.items()
                                                   if name.startswith("PREFECT_") and not name.startswith("PREFECT__")))
        if settings_from != self.settings_from:
            prefect.context.refresh_global_settings_context()
            self.settings_from = settings_from
        if self._logging_in_effect() != self.logging_from:
            prefect.logging.configuration.setup_logging()
            self.logging_from = self._logging_in_effect()

    @staticmethod
    def _logging_in_effect() -> tuple:
        import prefect.context

        return prefect.context.get_settings_context().settings.logging, logging_environment()


def _settings_files() -> list[tuple[str, int, int]]:
    """The settings files in the working directory: name, size, mtime."""
    found = []
    for name in SETTINGS_FILES:
        try:
            stat = os.stat(name)
        except OSError:
            continue
        found.append((name, stat.st_size, stat.st_mtime_ns))
    return found


def run_engine(argv: list[str], setup: PrefectSetup) -> None:
    """What `python -m prefect.engine` runs, in this process whose Prefect
    was imported with the server's environment: settings and logging set up
    for the run's environment (`setup`), and the server's version checked by
    an API client before the run's websocket clients would each check it
    their own dearer way (flows/prefect_tls.py; once per process)."""
    from flows.prefect_tls import check_server_version_first
    from tasks.settings import get_settings

    setup.refresh()
    get_settings.cache_clear()
    check_server_version_first()
    # prefect.flow_engine imports prefect.engine, so it is loaded already; running
    # it again as __main__ is what we want, and what runpy warns about.
    warnings.filterwarnings("ignore", message="'prefect.engine' found in sys.modules", category=RuntimeWarning)
    sys.argv = ["prefect.engine", *argv]
    runpy.run_module("prefect.engine", run_name="__main__", alter_sys=True)


def run_status(run: Callable[[], object]) -> int:
    """Call `run`; the exit status the interpreter would give it as a
    program (a traceback printed for an uncaught exception)."""
    try:
        run()
        return 0
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - reported as the interpreter would, then exit 1
        sys.excepthook(*sys.exc_info())
        return 1


def exit_without_teardown(code: int) -> NoReturn:
    """End this process as the interpreter ends one, with status `code`, but
    without its teardown. The interpreter would free every object it holds,
    writing to every page the runner still shares with the fork server,
    which copies them (~0.1 s of CPU), and run the finalisers of objects
    that are the fork server's: WeasyPrint's font configuration, for one,
    deletes its font folder. What finalisation runs before that teardown
    still runs: the threading module's exit hooks (Prefect drains its log
    and event queues there), then atexit's."""
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
    server.start_worker(argv, {**os.environ, SOCKET_ENV: name})
    print(f"fork server: {modules} modules imported in {time.monotonic() - started:.1f} s, "
          f"serving worker {server.worker_pid} on {name}", file=sys.stderr, flush=True)
    control = server.serve()
    if control is not None:  # a forked runner
        serve_runs(control)
    server.close()
    return server.worker_code or 0


def kill_quietly(pid: int, signum: int) -> None:
    """Signal `pid`, which may have exited already."""
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _receive(connection: socket.socket) -> bytes:
    """What came on `connection`; b"" at its end, or when it broke."""
    try:
        return connection.recv(256)
    except OSError:
        return b""


def _send(connection: socket.socket, line: str) -> None:
    try:
        connection.sendall(line.encode() + b"\n")
    except OSError:
        pass  # the launcher is gone; the fork server kills its run on hearing it hang up


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
