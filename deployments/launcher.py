"""The flow run command of the process work pool: hands the run to the
worker's fork server instead of starting a new interpreter.

Prefect's process worker runs this (the `command` job variable of the
deployments, see prefect.yaml) where it would run `python -m prefect.engine`.
It runs with `python -S` and imports only the standard library, so it starts
in milliseconds. It connects to the fork server named by FORKSERVER_SOCKET,
sends its environment and working directory and passes its stdin, stdout and
stderr (SCM_RIGHTS), then stands in for the run: SIGTERM (Prefect's
cancellation) and SIGINT are relayed to it through the fork server (SIGINT
only when it did not reach the run's process group already), and it exits
the way the run ended. The worker still sees an ordinary subprocess; when
this process dies, the fork server kills the run.

Without a fork server (FORKSERVER_SOCKET unset or nobody listening) it
becomes `python -m prefect.engine` itself, as a stock worker would run it.
"""
import array
import json
import os
import signal
import socket
import struct
import sys

SOCKET_ENV = "FORKSERVER_SOCKET"
# How often the launcher checks that the worker that started it is alive.
PARENT_CHECK_SECONDS = 1.0


def main() -> int:
    path = os.environ.get(SOCKET_ENV)
    if not path:
        return engine_in_this_process("no fork server configured")
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(socket_address(path))
    except OSError as error:
        return engine_in_this_process(f"fork server unreachable at {path}: {error}")
    send_request(connection)
    return wait_for_run(connection)


def engine_in_this_process(reason: str) -> int:
    """What a stock process worker runs: a fresh interpreter with the site
    packages (this one was started with -S)."""
    print(f"launcher: {reason}; running python -m prefect.engine", file=sys.stderr, flush=True)
    # The deployments name their flow as a module of the project (prefect.yaml).
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    os.execv(sys.executable, [sys.executable, "-m", "prefect.engine", *sys.argv[1:]])
    return 1  # not reached


def send_request(connection: socket.socket) -> None:
    """This process's environment, working directory, arguments and standard
    fds (a closed one is replaced by /dev/null)."""
    payload = json.dumps({"env": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv[1:]}).encode()
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))
    send_framed(connection, payload, fds)


def send_framed(connection: socket.socket, payload: bytes, fds: list[int]) -> None:
    """A length-prefixed payload, the fds riding on its first bytes
    (SCM_RIGHTS). Shared with the fork server, which passes a run on to the
    process that runs it the same way."""
    connection.sendmsg([struct.pack("!I", len(payload))],
                       [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    connection.sendall(payload)


def wait_for_run(connection: socket.socket) -> int:
    """Relay signals to the run through the fork server until it reports how
    the run ended; end if the worker that started this launcher is gone
    (the fork server then kills the run: its launcher hung up)."""
    runner = None  # the pid of the process running the run
    pending = []
    parent = os.getppid()

    def relay(signum, frame):
        # Through the fork server, which knows whether the process still runs
        # this run: it may have gone on to another one since.
        if runner is None:
            pending.append(signum)
        elif not (signum == signal.SIGINT and _same_group(runner)):
            try:
                connection.sendall(f"signal {signum}\n".encode())
            except OSError:
                pass  # the fork server is gone, and the run with it

    signal.signal(signal.SIGTERM, relay)
    signal.signal(signal.SIGINT, relay)
    connection.settimeout(PARENT_CHECK_SECONDS)
    buffer = b""
    while True:
        try:
            data = connection.recv(256)
        except socket.timeout:
            if os.getppid() != parent:  # the worker died: its runs must not go on alone
                return 1
            continue
        if not data:
            print("launcher: the fork server closed the connection", file=sys.stderr, flush=True)
            return 1
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            word, _, value = line.decode().partition(" ")
            if word == "pid":
                runner = int(value)
                for signum in pending:
                    relay(signum, None)
                pending.clear()
            elif word == "exit":
                return exit_like(int(value))
            else:
                print(f"launcher: fork server error: {value}", file=sys.stderr, flush=True)
                return 1


def exit_like(code: int) -> int:
    """Exit as the run did: a run killed by a signal kills the launcher
    with the same signal, so the worker reports, e.g., -9 as it would have."""
    if code < 0:
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code
    return code


def _same_group(pid: int) -> bool:
    """The run's process is in this process group (the worker's): a SIGINT
    here came from a terminal or a group-wide stop and reached it already;
    relaying it would interrupt the run's own handling of it."""
    try:
        return os.getpgid(pid) == os.getpgrp()
    except ProcessLookupError:
        return True


def socket_address(name: str) -> str:
    """`@name` is the abstract socket `name` (as ss(8) writes it), else a
    path. Shared with deployments/forkserver.py, which imports it from here:
    this file must stay importable without the site packages."""
    return "\0" + name[1:] if name.startswith("@") else name


if __name__ == "__main__":
    sys.exit(main())
