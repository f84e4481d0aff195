"""Jobs through the whole stack: N bills queued at once, processed by one and
then two Prefect process workers, delivered to the PHP receiver writing into
MariaDB. Prints the time from the first POST to the last delivery and the
jobs per minute, and checks that every job reached the database exactly once
(one `invoice_jobs` row, one report, the result's hashes, one webhook-id).
Then, in the same run and on the same Prefect server, the sync throughput
that jobs are measured against (bench/bench_sync.py's: two clients, two
gunicorn workers), measured before and after the jobs: the mean of the two
is the reference, so that a change in the machine's speed during the run
(other work, another tenant) shows as their difference rather than as a
change of the ratio. Also the peak RSS of each worker's processes: its fork
server, the Prefect worker, and the largest forked run (the fork server
logs each run's). Writes
the figures to bench/jobs-results.md; exits 1 if a job was lost or delivered
twice.

    python -m bench.bench_jobs [--jobs 100] [--workers 1 2]

Needs what `make test` needs: php-cli, MariaDB on 127.0.0.1:3306 and
PostgreSQL on 127.0.0.1:5432 (the Prefect server's database; SQLite locks
under this many concurrent runs).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deployments.processes import point_prefect_at_temporary_server  # noqa: E402

point_prefect_at_temporary_server()  # before Prefect is imported

from deployments.processes import temporary_prefect_server  # noqa: E402
from tasks.settings import Settings  # noqa: E402
from tests.databases import mysql_database, prefect_server_database  # noqa: E402
from tests.delivery_check import delivery_problems  # noqa: E402
from tests.live_stack import WEBHOOK_SECRET, WEBHOOK_TOKEN, LiveStack, descendants, peak_rss_mib  # noqa: E402
from tests.php_server import PhpServer  # noqa: E402

from bench.bench_sync import api_server, post_bill, throughput  # noqa: E402

BILL = ROOT / "tests" / "corpus" / "dev" / "dev-010.pdf"  # a digital two-page bill
RESULTS = ROOT / "bench" / "jobs-results.md"


def queue_all(stack: LiveStack, count: int, webhook_url: str) -> list[str]:
    """POST `count` jobs at once (16 clients in parallel); their task ids."""
    payload = BILL.read_bytes()

    def post(_):
        response = stack.post("/v1/jobs/pdf", files={"file": (BILL.name, payload, "application/pdf")},
                              data={"webhook_url": webhook_url})
        response.raise_for_status()
        return response.json()["task_id"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(post, range(count)))


def delivered(record: dict | None) -> bool:
    """The job is over and its outcome reached the webhook."""
    return bool(record) and record["status"] in ("succeeded", "failed") and record["webhook"]["delivered"]


def wait_delivered(stack: LiveStack, task_ids: list[str], deadline: float, target: int | None = None) -> list[dict]:
    """The jobs' records once `target` of them (all by default) are
    delivered, or at `deadline` (time.monotonic())."""
    target = len(task_ids) if target is None else target
    while True:
        records = [stack.job_record(task_id) for task_id in task_ids]
        if sum(map(delivered, records)) >= target or time.monotonic() > deadline:
            return records
        time.sleep(1)


def worker_figures(stack: LiveStack, names: list[str]) -> dict:
    """Peak RSS over the workers: fork servers, Prefect workers (with their
    launchers), and runs (from the fork servers' log lines: the peak of the
    runner that ran it, counting the pages it shares with its fork server),
    and the median CPU time of a run."""
    servers = [stack.worker_pid(name) for name in names]
    runs = [(float(mib), float(cpu)) for name in names for mib, cpu in re.findall(
        r"run in process \d+ ended with -?\d+, peak RSS (\d+) MiB, CPU ([\d.]+) s",
        (stack.folder / "log" / f"{name}.log").read_text())]
    return {"fork_server_mib": max(map(peak_rss_mib, servers)),
            "prefect_worker_mib": max(peak_rss_mib(child) for pid in servers for child in descendants(pid)
                                      if not _is_runner(child)),
            "run_mib": max((mib for mib, _ in runs), default=0.0), "runs_logged": len(runs),
            "run_cpu_s": statistics.median(cpu for _, cpu in runs) if runs else 0.0}


def _is_runner(pid: int) -> bool:
    """A fork server's fork (it carries the fork server's command line)."""
    try:
        return b"deployments.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def run_once(folder: Path, jobs: int, workers: int) -> dict:
    with ExitStack() as stack_of:
        database = stack_of.enter_context(contextmanager(mysql_database)())
        storage = folder / "receiver"
        storage.mkdir(parents=True)
        receiver = stack_of.enter_context(PhpServer(
            {"WEBHOOK_SECRET": WEBHOOK_SECRET, "WEBHOOK_TOKEN": WEBHOOK_TOKEN, "INVOICE_STORAGE_DIR": str(storage),
             **database.env()}, workers=4))
        # Workers on one machine share its cores: each takes its share of the
        # machine's slots, as an operator adding a worker beside the first
        # would split WORKER_LIMIT (a worker on a machine of its own keeps them all).
        machine_limit = Settings.from_env().worker_limit
        limit = max(1, machine_limit // workers)
        stack = LiveStack(folder / "stack", WORKER_LIMIT=str(limit)).start()
        stack_of.callback(stack.stop)
        names = ["worker"]
        for extra in range(2, workers + 1):
            names.append(f"worker-{extra}")
            stack.start_worker(names[-1])

        started = time.monotonic()
        task_ids = queue_all(stack, jobs, receiver.url())
        queued = time.monotonic() - started
        records = wait_delivered(stack, task_ids, deadline=started + 60 * max(10, jobs))
        elapsed = time.monotonic() - started
        problems = delivery_problems(database, storage, records, stack.settings)
        return {"workers": workers, "jobs": jobs, "limit": limit, "machine_limit": machine_limit,
                "queued_s": queued, "elapsed_s": elapsed, "per_minute": jobs / elapsed * 60,
                "webhook_attempts": sum(r["webhook"]["attempts"] for r in records if r),
                "problems": problems, **worker_figures(stack, names)}


def sync_throughput(folder: Path, count: int) -> float:
    """Sync bills per minute, as bench/bench_sync.py measures them, here on
    this run's Prefect server and machine state."""
    with api_server(folder, workers=2, threads=2) as (base, _):
        post_bill(base)
        return throughput(base, count, clients=2)


def render(rows: list[dict], sync_runs: list[float]) -> str:
    sync_per_minute = statistics.mean(sync_runs)
    lines = [f"# Jobs bench — {datetime.now():%Y-%m-%d %H:%M}", "",
             f"`python -m bench.bench_jobs`: {rows[0]['jobs']} copies of a digital two-page bill queued at once "
             f"over HTTP (16 clients), process workers sharing the machine's "
             f"`WORKER_LIMIT={rows[0]['machine_limit']}` "
             "(the default: two runs per core; two workers on this machine take half each) "
             "under their fork server "
             "(runs in forks of a process that imported the flows once, each fork running one run after "
             "another), polling every "
             "`PREFECT_WORKER_QUERY_SECONDS` (1 s), the PHP receiver (php -S, "
             "4 workers) writing into MariaDB, the Prefect server on PostgreSQL; "
             f"this machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end "
             "(other work on the machine slows the runs down).", "",
             "Peak RSS per worker: its fork server, the Prefect worker, and the largest runner "
             "(which counts the pages it shares with the fork server). CPU of a run: its median CPU time "
             "(user + system), from the fork server's log; the Prefect server and worker spend more per job.", "",
             f"Sync throughput in the same run, on the same Prefect server (two clients, two gunicorn workers, "
             f"as in bench/bench_sync.py): {sync_runs[0]:.1f} bills/min before the jobs, {sync_runs[1]:.1f} after, "
             f"{sync_per_minute:.1f} on average, the reference; jobs ÷ sync target ≥ 0.7.", "",
             "| workers | runs at once per worker | jobs | all queued after | all delivered after | jobs/min "
             "| jobs ÷ sync | webhook attempts | exactly once | CPU of a run "
             "| peak RSS: fork server / Prefect worker / a run |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['workers']} | {row['limit']} | {row['jobs']} | {row['queued_s']:.1f} s | "
                     f"{row['elapsed_s']:.1f} s | {row['per_minute']:.1f} | "
                     f"{row['per_minute'] / sync_per_minute:.2f} | {row['webhook_attempts']} | "
                     f"{'yes' if not row['problems'] else 'NO: ' + '; '.join(row['problems'][:3])} | "
                     f"{row['run_cpu_s']:.2f} s | {row['fork_server_mib']:.0f} / "
                     f"{row['prefect_worker_mib']:.0f} / {row['run_mib']:.0f} MiB |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp, prefect_server_database() as database_url, \
            temporary_prefect_server(Path(tmp) / "prefect-log", timeout=600, database_url=database_url):
        sync_runs = [sync_throughput(Path(tmp) / "sync-before", 40)]
        print(f"sync throughput before the jobs: {sync_runs[0]:.1f} bills/min", flush=True)
        for workers in args.workers:
            row = run_once(Path(tmp) / f"workers-{workers}", args.jobs, workers)
            rows.append(row)
            print(f"{workers} worker(s): {args.jobs} jobs delivered in {row['elapsed_s']:.1f} s "
                  f"({row['per_minute']:.1f} jobs/min), {row['webhook_attempts']} webhook attempts, "
                  f"{'exactly once' if not row['problems'] else 'PROBLEMS: ' + '; '.join(row['problems'])}; "
                  f"peak RSS: fork server {row['fork_server_mib']:.0f} MiB, Prefect worker "
                  f"{row['prefect_worker_mib']:.0f} MiB, largest of {row['runs_logged']} runs {row['run_mib']:.0f} MiB; "
                  f"CPU of a run (median) {row['run_cpu_s']:.2f} s",
                  flush=True)
        sync_runs.append(sync_throughput(Path(tmp) / "sync-after", 40))
    sync_per_minute = statistics.mean(sync_runs)
    print(f"sync throughput after the jobs: {sync_runs[1]:.1f} bills/min, {sync_per_minute:.1f} on average; "
          "jobs ÷ sync: "
          + ", ".join(f"{row['workers']} worker(s) {row['per_minute'] / sync_per_minute:.2f}" for row in rows))
    RESULTS.write_text(render(rows, sync_runs), encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 1 if any(row["problems"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
