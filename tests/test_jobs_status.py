"""GET /v1/jobs/<task_id> when Prefect is slow: the job record answers."""
from __future__ import annotations

import socket
import threading
import uuid

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.jobs import store_for
from tasks.jobstore import new_task_id, now_iso
from tasks.settings import Settings
from webapp import create_app

KEY = "status-key-4f1d2c"


class StalledServer:
    """Accepts connections and never answers (a Prefect server stuck on a
    locked database, as seen from its clients)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.accepted: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/api"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture()
def stalled():
    server = StalledServer()
    yield server
    server.close()


def test_status_answers_from_the_record_while_prefect_does_not_answer(tmp_path, stalled):
    settings = Settings(api_keys=(KEY,), upload_folder=tmp_path / "uploads", reports_folder=tmp_path / "reports")
    client = create_app(settings).test_client()
    task_id = new_task_id()
    store_for(settings).create({"task_id": task_id, "status": "queued", "created_at": now_iso(),
                                "attempts": 0, "flow_run_id": str(uuid.uuid4()),
                                "webhook": {"url": None, "delivered": False, "attempts": 0}})

    with temporary_settings({PREFECT_API_URL: stalled.url}):
        response = client.get(f"/v1/jobs/{task_id}", headers={"X-API-Key": KEY})

    assert stalled.accepted, "the status read did not ask Prefect"
    assert response.status_code == 200
    body = response.get_json()
    assert body["task_id"] == task_id and body["status"] == "queued"
