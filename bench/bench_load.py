"""Sync load: C concurrent clients for D seconds against the API under
gunicorn, the Prefect server on PostgreSQL. Prints throughput, p50/p95 and
the errors, writes them to bench/load-results.md; exits 1 on any error.

    python -m bench.bench_load [--clients 20] [--seconds 120] [--workers 2] [--threads 4]

Each client posts the dev corpus' digital bills in turn (most supplier
bills are digital PDFs) and waits for the answer before the next one.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deployments.processes import point_prefect_at_temporary_server  # noqa: E402

point_prefect_at_temporary_server()  # before Prefect is imported

from bench.bench_sync import api_server, percentile, post_bill  # noqa: E402
from deployments.processes import temporary_prefect_server  # noqa: E402
from tests.databases import prefect_server_database  # noqa: E402

RESULTS = ROOT / "bench" / "load-results.md"
CORPUS = ROOT / "tests" / "corpus" / "dev"


def digital_bills() -> list[Path]:
    truths = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(CORPUS.glob("dev-*.json"))]
    return [CORPUS / truth["files"][0] for truth in truths if truth.get("format") == "digital"]


def load(base: str, bills: list[Path], clients: int, seconds: float) -> tuple[list[float], list[str]]:
    """Latencies of the answered requests and the errors, from `clients`
    threads posting back to back until `seconds` have passed."""
    latencies, errors, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        turn = index
        while time.monotonic() < stop_at:
            bill = bills[turn % len(bills)]
            turn += 1
            try:
                elapsed, _ = post_bill(base, bill)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(f"{bill.name}: {error}")
                continue
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the figures are written")
    args = parser.parse_args(argv)
    os.environ["ENV_FILE"] = os.devnull
    bills = digital_bills()

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, prefect_server_database() as database_url, \
            temporary_prefect_server(Path(tmp) / "prefect-log", timeout=600, database_url=database_url):
        with api_server(Path(tmp), workers=args.workers, threads=args.threads) as (base, _):
            post_bill(base, bills[0])  # warm-up
            started = time.monotonic()
            latencies, errors = load(base, bills, args.clients, args.seconds)
            wall = time.monotonic() - started

    answered = len(latencies)
    figures = [
        ("Requests answered", f"{answered}"),
        ("Errors", f"{len(errors)}"),
        ("Throughput", f"{answered / wall * 60:.1f} bills/min ({answered / wall:.2f}/s)"),
        ("Latency p50 / p95", f"{statistics.median(latencies):.2f} s / {percentile(latencies, 0.95):.2f} s"
         if latencies else "–"),
    ]
    for name, value in figures:
        print(f"{name}: {value}")
    for error in errors[:10]:
        print(f"error: {error}")
    lines = [f"# Sync load — {datetime.now():%Y-%m-%d %H:%M}", "",
             f"`python -m bench.bench_load --clients {args.clients} --seconds {args.seconds:.0f} "
             f"--workers {args.workers} --threads {args.threads}`: each client posts the {len(bills)} digital "
             "bills of the dev corpus in turn, back to back, to gunicorn; the Prefect server on PostgreSQL; "
             f"{os.cpu_count()} cores.", "",
             "| figure | value |", "|---|---|", *[f"| {name} | {value} |" for name, value in figures]]
    lines += [f"- {error}" for error in errors[:10]]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 1 if errors or not latencies else 0


if __name__ == "__main__":
    sys.exit(main())
