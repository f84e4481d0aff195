"""How a forked run ends (deployments/forkserver.exit_without_teardown): the
exit status the interpreter would give, after the exit hooks it would run."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tasks.settings import ROOT

PROGRAM = """
import atexit, sys, threading
from deployments.forkserver import exit_without_teardown, run_status
atexit.register(lambda: print("atexit hook", flush=True))
threading._register_atexit(lambda: print("threading hook", flush=True))
def run():
{body}
exit_without_teardown(run_status(run))
print("not reached")
"""


def ends(body: str) -> subprocess.CompletedProcess:
    program = PROGRAM.format(body=textwrap.indent(textwrap.dedent(body), "    "))
    return subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("body", "status"), [
    ("print('ran')", 0),
    ("sys.exit()", 0),
    ("sys.exit(3)", 3),
    ("sys.exit('refused: bad flow run id')", 1),
    ("raise RuntimeError('the engine broke')", 1),
])
def test_exit_status_is_the_interpreters(body, status):
    result = ends(body)
    assert result.returncode == status
    assert "not reached" not in result.stdout


def test_exit_hooks_run_threading_ones_first_then_atexit():
    result = ends("print('ran', flush=True)")
    assert result.stdout.splitlines() == ["ran", "threading hook", "atexit hook"]


def test_an_uncaught_exception_is_reported_and_a_string_exit_printed():
    crashed = ends("raise RuntimeError('the engine broke')")
    assert "Traceback" in crashed.stderr and "RuntimeError: the engine broke" in crashed.stderr
    assert crashed.stdout.splitlines() == ["threading hook", "atexit hook"]
    refused = ends("sys.exit('refused: bad flow run id')")
    assert refused.stderr.strip() == "refused: bad flow run id"


def test_buffered_output_is_flushed():
    result = ends("sys.stdout.write('no newline, no flush')")
    assert result.stdout.startswith("no newline, no flush")
