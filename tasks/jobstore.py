"""Job records, uploads and results of async jobs, as files.

Files on storage that the API and every worker reach (UPLOAD_FOLDER,
REPORTS_FOLDER) are the one source of truth for a job: what was sent, where
it stands, its result and whether its outcome was delivered. Writes are atomic
(temporary file + rename) and read-modify-write cycles hold a lock, so the API
and workers can update the same record.

Layout:
    UPLOAD_FOLDER/<task_id>/page-01.pdf …       what the user sent
    REPORTS_FOLDER/jobs/<task_id>/job.json      the job record
    REPORTS_FOLDER/jobs/<task_id>/result.json   the sync response body, once succeeded
    REPORTS_FOLDER/idempotency/<hash>           Idempotency-Key → task_id
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

STATUSES = ("queued", "running", "succeeded", "failed")
# uuid4().hex; also the pattern of job URLs and of their OpenAPI parameter.
TASK_ID_PATTERN = "[0-9a-f]{32}"
_TASK_ID = re.compile(f"^{TASK_ID_PATTERN}$")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def new_task_id() -> str:
    return uuid.uuid4().hex


def is_task_id(value: str) -> bool:
    return bool(_TASK_ID.match(value))


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class JobStore:
    def __init__(self, reports_folder: Path, upload_folder: Path):
        self.jobs = Path(reports_folder) / "jobs"
        self.keys = Path(reports_folder) / "idempotency"
        self.uploads = Path(upload_folder)

    # --- paths -----------------------------------------------------------------
    def job_dir(self, task_id: str) -> Path:
        if not is_task_id(task_id):
            raise KeyError(task_id)
        return self.jobs / task_id

    def upload_dir(self, task_id: str) -> Path:
        if not is_task_id(task_id):
            raise KeyError(task_id)
        return self.uploads / task_id

    # --- records ----------------------------------------------------------------
    def create(self, record: dict) -> dict:
        folder = self.job_dir(record["task_id"])
        folder.mkdir(parents=True, exist_ok=False)
        _write_json(folder / "job.json", record)
        return record

    def get(self, task_id: str) -> dict | None:
        try:
            path = self.job_dir(task_id) / "job.json"
            return json.loads(path.read_text(encoding="utf-8"))
        except (KeyError, FileNotFoundError):
            return None

    @contextmanager
    def _locked(self, task_id: str):
        folder = self.job_dir(task_id)
        with open(folder / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield folder
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def mutate(self, task_id: str, change) -> dict:
        """Read the record, let `change(record)` modify it, write it back: all under the lock."""
        with self._locked(task_id) as folder:
            record = json.loads((folder / "job.json").read_text(encoding="utf-8"))
            change(record)
            record["updated_at"] = now_iso()
            _write_json(folder / "job.json", record)
            return record

    def update(self, task_id: str, **changes) -> dict:
        """Set fields; a dict value is merged into the dict already there."""
        def merge(record):
            for key, value in changes.items():
                if isinstance(value, dict) and isinstance(record.get(key), dict):
                    record[key] = {**record[key], **value}
                else:
                    record[key] = value
        return self.mutate(task_id, merge)

    def all(self) -> list[dict]:
        records = []
        if self.jobs.is_dir():
            for folder in self.jobs.iterdir():
                record = self.get(folder.name) if is_task_id(folder.name) else None
                if record:
                    records.append(record)
        return records

    def delete(self, task_id: str) -> None:
        shutil.rmtree(self.job_dir(task_id), ignore_errors=True)
        shutil.rmtree(self.upload_dir(task_id), ignore_errors=True)

    # --- results and uploads -------------------------------------------------------
    def save_result(self, task_id: str, result: dict) -> None:
        _write_json(self.job_dir(task_id) / "result.json", result)

    def load_result(self, task_id: str) -> dict | None:
        try:
            return json.loads((self.job_dir(task_id) / "result.json").read_text(encoding="utf-8"))
        except (KeyError, FileNotFoundError):
            return None

    def upload_files(self, task_id: str) -> list[Path]:
        folder = self.upload_dir(task_id)
        return sorted(folder.glob("page-*")) if folder.is_dir() else []

    def remove_upload(self, task_id: str) -> None:
        shutil.rmtree(self.upload_dir(task_id), ignore_errors=True)

    # --- idempotency ----------------------------------------------------------------
    def claim_key(self, key_hash: str, task_id: str) -> str | None:
        """Bind an idempotency key to `task_id`; if it was already bound, return
        the first task_id instead (the first writer wins, atomically)."""
        self.keys.mkdir(parents=True, exist_ok=True)
        path = self.keys / key_hash
        fd, tmp = tempfile.mkstemp(dir=self.keys, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(task_id)
            # link() creates the name with its content in one step, or fails.
            os.link(tmp, path)
            return None
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        finally:
            os.unlink(tmp)

    def release_key(self, key_hash: str) -> None:
        (self.keys / key_hash).unlink(missing_ok=True)

    def expired_keys(self, older_than: float) -> list[Path]:
        if not self.keys.is_dir():
            return []
        return [p for p in self.keys.iterdir() if p.stat().st_mtime < older_than]


def record_attempt(store: JobStore, task_id: str, *, ok: bool, status_code: int | None, error: str | None) -> dict:
    """Count one webhook delivery attempt on the job record. A delivered
    outcome's upload goes first: whoever sees `delivered` sees it gone."""
    if ok:
        store.remove_upload(task_id)

    def count(record):
        webhook = record.setdefault("webhook", {})
        webhook.update(attempts=int(webhook.get("attempts") or 0) + 1, delivered=ok,
                       last_status=status_code, last_error=None if ok else error)
        if ok:
            webhook["delivered_at"] = now_iso()
    return store.mutate(task_id, count)
