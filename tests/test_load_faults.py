"""Load and faults, pass/fail: the benches of bench/ run smaller, each in a
process of its own (its own Prefect server on a throw-away PostgreSQL
database, its own ports). Their exit code says whether every request was
answered without error and every job reached the database exactly once;
timings are printed by `make bench`, never asserted here."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.php_server import php_available

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def run_bench(module: str, *args: str, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}  # not the session's server
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_concurrent_sync_clients_all_get_an_answer(tmp_path):
    out = tmp_path / "load.md"
    done = run_bench("bench.bench_load", "--clients", "8", "--seconds", "20", "--out", str(out), timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "| Errors | 0 |" in out.read_text(encoding="utf-8")


@pytest.mark.timeout(1800)
@pytest.mark.skipif(not php_available(), reason="php-cli is not installed")
def test_jobs_survive_killed_workers_a_receiver_outage_and_a_prefect_restart(tmp_path):
    out = tmp_path / "faults.md"
    done = run_bench("bench.bench_faults", "--jobs", "10", "--out", str(out), timeout=1700)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Every job succeeded and reached the database exactly once." in out.read_text(encoding="utf-8")
