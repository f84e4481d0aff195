"""How the fork server (deployments/forkserver.py) hands runs to its runners,
with the real fork server and launcher, a small stand-in worker that starts
launchers one after the other, and an engine that only reports what it sees
(Prefect's own is what tests/test_worker.py runs)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tasks.settings import ROOT

FORK_SERVER = """
import json, os, sys, time
from deployments import forkserver

def drain():
    # Held until the worker opens DRAIN_GATE, as long as the launcher waits on it.
    gate = os.environ.get("DRAIN_GATE")
    if gate:
        deadline = time.monotonic() + 10
        while not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.05)
        open(gate + ".drained", "w").close()

def engine(argv, setup):
    print(json.dumps({"pid": os.getpid(), "run": os.environ.get("RUN_NAME"),
                      "first_only": os.environ.get("FIRST_ONLY"), "cwd": os.getcwd()}), flush=True)
    if argv[0] == "fail":
        sys.exit(3)
    if argv[0] == "hang":
        time.sleep(120)

forkserver.preload = lambda root: 0  # Prefect and the flows are not needed here
forkserver.PrefectSetup = lambda: None
forkserver.drain_prefect_services = drain
forkserver.run_engine = engine
sys.exit(forkserver.main(sys.argv[1:]))
"""

# Runs launchers as a Prefect process worker does, one after the other,
# and prints what each run printed and how its launcher ended.
WORKER = """
import json, os, signal, subprocess, sys, time
LAUNCHER = [sys.executable, "-S", os.path.join(os.getcwd(), "deployments", "launcher.py")]

def environment(**extra):
    env = {name: value for name, value in os.environ.items() if name != "FIRST_ONLY"}
    return {**env, **extra}

def report(name, output, code):
    print(json.dumps({"name": name, "seen": json.loads(output) if output.strip() else None, "code": code}),
          flush=True)

def run(name, *argv, cwd=None, **env):
    done = subprocess.run(LAUNCHER + list(argv), env=environment(RUN_NAME=name, **env), cwd=cwd,
                          capture_output=True, text=True, timeout=60)
    report(name, done.stdout, done.returncode)

def drained_after(name, gate):
    run(name, "ok", DRAIN_GATE=gate)
    print(json.dumps({"name": name + " drained before its end", "value": os.path.exists(gate + ".drained")}),
          flush=True)
    open(gate, "w").close()

def running(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False

def interrupted(name, signum):
    launcher = subprocess.Popen(LAUNCHER + ["hang"], env=environment(RUN_NAME=name), stdout=subprocess.PIPE, text=True)
    seen = launcher.stdout.readline()
    os.kill(launcher.pid, signum)
    code = launcher.wait(timeout=60)
    pid = json.loads(seen)["pid"]
    deadline = time.monotonic() + 30
    while running(pid):
        assert time.monotonic() < deadline, "the run's process is still running"
        time.sleep(0.05)
    report(name, seen, code)

def refused(name, payload):
    sys.path.insert(0, os.path.join(os.getcwd(), "deployments"))
    import socket
    from launcher import SOCKET_ENV, send_framed, socket_address
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(socket_address(os.environ[SOCKET_ENV]))
    send_framed(connection, payload, [0, 1, 2])
    print(json.dumps({"name": name, "answer": connection.recv(256).decode(), "code": None}), flush=True)

for step in sys.argv[1:]:
    eval(step)
"""


def serve(tmp_path, *steps: str) -> dict[str, dict]:
    """Run the fork server with the stand-in worker doing `steps`; what
    each named run saw and how its launcher ended."""
    worker = tmp_path / "worker.py"
    worker.write_text(WORKER, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", FORK_SERVER, sys.executable, str(worker), *steps], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {report["name"]: report for report in reports}


@pytest.mark.slow
def test_a_run_that_ended_cleanly_leaves_its_process_to_the_next_and_nothing_else(tmp_path):
    runs = serve(tmp_path, 'run("one", "ok", FIRST_ONLY="x")', f'run("two", "ok", cwd="{tmp_path}")')
    one, two = runs["one"], runs["two"]
    assert one["code"] == two["code"] == 0
    assert one["seen"]["pid"] == two["seen"]["pid"]  # the same process ran both
    # Each run has its own environment, working directory and output: the
    # second saw nothing of the first's, and its launcher read its output to
    # the end (the runner let go of the first launcher's pipes).
    assert one["seen"]["first_only"] == "x" and two["seen"]["first_only"] is None
    assert two["seen"]["run"] == "two" and two["seen"]["cwd"] == str(tmp_path)


@pytest.mark.slow
def test_a_run_is_reported_ended_before_its_logs_and_events_are_drained(tmp_path):
    """The worker's slot is free as the run ends; its process sends what the
    run left in Prefect's queues before it takes the next run."""
    gate = tmp_path / "gate"
    runs = serve(tmp_path, f'drained_after("one", "{gate}")', 'run("two", "ok")')
    assert runs["one"]["code"] == runs["two"]["code"] == 0
    assert runs["one drained before its end"]["value"] is False
    assert (tmp_path / "gate.drained").exists()
    assert runs["two"]["seen"]["pid"] == runs["one"]["seen"]["pid"]


@pytest.mark.slow
def test_a_run_that_failed_ends_its_process_with_its_status(tmp_path):
    runs = serve(tmp_path, 'run("one", "ok")', 'run("failed", "fail")', 'run("after", "ok")')
    assert runs["failed"]["code"] == 3
    assert runs["failed"]["seen"]["pid"] == runs["one"]["seen"]["pid"]
    assert runs["after"]["code"] == 0
    assert runs["after"]["seen"]["pid"] != runs["failed"]["seen"]["pid"]  # a new process


@pytest.mark.slow
@pytest.mark.parametrize(("signal_name", "code"), [("SIGTERM", -15), ("SIGKILL", -9)])
def test_a_signalled_or_killed_launcher_stops_its_run_and_its_process(tmp_path, signal_name, code):
    """SIGTERM (Prefect's cancellation) is relayed to the run through the fork
    server; SIGKILL leaves the run without its launcher, and the fork server
    kills it. Either way its process runs nothing more."""
    runs = serve(tmp_path, 'run("one", "ok")', f'interrupted("stopped", signal.{signal_name})', 'run("after", "ok")')
    assert runs["stopped"]["code"] == code
    assert runs["stopped"]["seen"]["pid"] == runs["one"]["seen"]["pid"]
    assert runs["after"]["code"] == 0
    assert runs["after"]["seen"]["pid"] != runs["stopped"]["seen"]["pid"]


@pytest.mark.slow
def test_a_request_that_is_not_a_run_is_answered_and_the_next_run_served(tmp_path):
    runs = serve(tmp_path, 'refused("junk", b"not json")', 'refused("keys", b"{}")', 'run("after", "ok")')
    assert runs["junk"]["answer"].startswith("error ")
    assert runs["keys"]["answer"].startswith("error not a run's request")
    assert runs["after"]["code"] == 0 and runs["after"]["seen"]["run"] == "after"
