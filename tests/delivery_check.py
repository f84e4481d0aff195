"""Did every job reach the PHP side exactly once? Shared by the end-to-end
test and bench/bench_jobs.py."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from flows.jobs import store_for


def delivery_problems(database, storage: Path, records: list[dict | None], settings) -> list[str]:
    """What is wrong, as sentences; empty when each job succeeded, was
    delivered, and is in the database once (one `invoice_jobs` row with the
    result's hashes, one report) and on disk under one webhook-id of its own."""
    problems = []
    store = store_for(settings)
    expected = {}
    for record in records:
        if record is None:
            problems.append("a job record is missing")
        elif record["status"] != "succeeded" or not record["webhook"]["delivered"]:
            problems.append(f"job {record['task_id']}: {record['status']}, delivered={record['webhook']['delivered']}")
        else:
            result = store.load_result(record["task_id"])
            expected[record["task_id"]] = (result["non_anonymous_sha256"], result["anonymous_sha256"])

    rows = database.query("SELECT task_id, status, non_anonymous_sha256, anonymous_sha256 FROM invoice_jobs")
    per_task = Counter(row[0] for row in rows)
    problems += [f"job {task_id}: {count} invoice_jobs rows" for task_id, count in per_task.items() if count > 1]
    problems += [f"job {task_id}: not in invoice_jobs" for task_id in expected if task_id not in per_task]
    for task_id, status, sha_non, sha_anon in rows:
        if task_id in expected and (status, sha_non.strip(), sha_anon.strip()) != ("succeeded", *expected[task_id]):
            problems.append(f"job {task_id}: the database row does not match the result")
    if database.count("reports") != len(records):
        problems.append(f"{database.count('reports')} reports rows for {len(records)} jobs")

    webhook_ids = Counter()
    for task_id in expected:
        sidecar = storage / f"{task_id}.json"
        if not sidecar.exists():
            problems.append(f"job {task_id}: nothing written on disk")
            continue
        webhook_ids[json.loads(sidecar.read_text(encoding="utf-8"))["webhook_id"]] += 1
    problems += [f"webhook-id {wid} used by {n} jobs" for wid, n in webhook_ids.items() if n > 1]
    return problems
