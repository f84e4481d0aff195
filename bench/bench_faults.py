"""Jobs through faults: N bills queued at once on two workers while a worker
is killed twice, the webhook receiver is down for a minute and the Prefect
server is restarted once. Every job must end succeeded, delivered and in the
database exactly once. Prints the timeline and the outcome, writes them to
bench/faults-results.md; exits 1 if a job was lost or delivered twice.

    python -m bench.bench_faults [--jobs 200]

Recovery is the service's own: crashed runs are marked by the zombie
automation and resubmitted by `reprocess_failed` (on a one-minute schedule
here instead of fifteen), undelivered outcomes are redelivered by it too.
Needs php-cli, MariaDB and PostgreSQL on loopback, as `make test` does.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deployments.processes import point_prefect_at_temporary_server  # noqa: E402

point_prefect_at_temporary_server()  # before Prefect is imported

from bench.bench_jobs import delivered, queue_all, wait_delivered  # noqa: E402
from deployments.processes import LocalPrefectServer  # noqa: E402
from tests.databases import mysql_database, prefect_server_database  # noqa: E402
from tests.delivery_check import delivery_problems  # noqa: E402
from tests.live_stack import WEBHOOK_SECRET, WEBHOOK_TOKEN, LiveStack  # noqa: E402
from tests.php_server import PhpServer  # noqa: E402

RESULTS = ROOT / "bench" / "faults-results.md"


class Timeline:
    def __init__(self):
        self.started = time.monotonic()
        self.events: list[tuple[float, str]] = []

    def note(self, what: str) -> None:
        at = time.monotonic() - self.started
        self.events.append((at, what))
        print(f"{at:7.1f} s  {what}", flush=True)


def run(folder: Path, jobs: int) -> tuple[Timeline, list[str], int]:
    timeline = Timeline()
    with ExitStack() as cleanup, prefect_server_database() as database_url:
        if database_url is None:
            raise SystemExit("PostgreSQL is needed: the Prefect server restarts on the same database")
        server = LocalPrefectServer(folder / "log", database_url)
        server.start()
        cleanup.callback(server.stop)
        database = cleanup.enter_context(contextmanager(mysql_database)())
        storage = folder / "receiver"
        storage.mkdir()
        receiver = cleanup.enter_context(PhpServer(
            {"WEBHOOK_SECRET": WEBHOOK_SECRET, "WEBHOOK_TOKEN": WEBHOOK_TOKEN, "INVOICE_STORAGE_DIR": str(storage),
             **database.env()}, workers=4))
        stack = LiveStack(folder / "stack", WORKER_LIMIT="2", REPROCESS_CRON="* * * * *").start()
        cleanup.callback(stack.stop)
        stack.start_worker("worker-2")
        timeline.note("stack up: Prefect server on PostgreSQL, 2 workers, API, PHP receiver on MariaDB")

        task_ids = queue_all(stack, jobs, receiver.url())
        timeline.note(f"{jobs} jobs queued")
        deadline = time.monotonic() + 60 * 60

        def at(fraction: float) -> list[dict]:
            records = wait_delivered(stack, task_ids, deadline, target=int(jobs * fraction))
            timeline.note(f"{sum(map(delivered, records))} delivered")
            return records

        at(0.1)
        stack.kill_worker("worker")
        timeline.note("worker 1 killed (SIGKILL, with its runs)")
        stack.start_worker("worker")
        timeline.note("worker 1 started again")
        at(0.3)
        receiver.stop()
        timeline.note("receiver down")
        time.sleep(60)
        receiver.start()
        timeline.note("receiver back after 60 s")
        at(0.5)
        server.stop()
        timeline.note("Prefect server stopped")
        server.start()
        timeline.note("Prefect server started again")
        at(0.7)
        stack.kill_worker("worker-2")
        timeline.note("worker 2 killed (SIGKILL, with its runs)")
        stack.start_worker("worker-2")
        timeline.note("worker 2 started again")
        records = at(1.0)
        problems = delivery_problems(database, storage, records, stack.settings)
        attempts = sum(r["attempts"] for r in records if r)
        timeline.note(f"done: {len(problems)} problems, {attempts} processing attempts for {jobs} jobs")
        return timeline, problems, attempts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the figures are written")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        try:
            timeline, problems, attempts = run(Path(tmp), args.jobs)
        finally:
            shutil.rmtree(os.environ["PREFECT_HOME"], ignore_errors=True)
    lines = [f"# Faults bench — {datetime.now():%Y-%m-%d %H:%M}", "",
             f"`python -m bench.bench_faults --jobs {args.jobs}`: copies of a digital two-page bill queued at once, "
             "two process workers (`WORKER_LIMIT=2`), `reprocess_failed` every minute, the Prefect server on "
             f"PostgreSQL, the PHP receiver writing into MariaDB; {os.cpu_count()} cores.", "",
             "| at | event |", "|---|---|", *[f"| {at:.0f} s | {what} |" for at, what in timeline.events], "",
             f"Processing attempts: {attempts} for {args.jobs} jobs. "
             + ("Every job succeeded and reached the database exactly once." if not problems else
                "Problems: " + "; ".join(problems[:20]))]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
