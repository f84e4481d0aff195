"""public/client_example.php run with php-cli against a local HTTP server that
answers with the contract's shapes (the real API needs the whole pipeline;
this checks what the client sends and does with the answers: repeated
`files` parts, X-API-Key, Idempotency-Key, sha256 checks, saved PDFs)."""
from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tests.php_server import PhpServer, php_available

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "dev"
CLIENT = ROOT / "public" / "client_example.php"
KEY = "client-test-key"
REPORT = (CORPUS / "dev-002.pdf").read_bytes()
ANON_REPORT = (CORPUS / "dev-007.pdf").read_bytes()

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not php_available(), reason="php-cli is not installed")]


def _php_has_curl() -> bool:
    return php_available() and "curl" in subprocess.run(["php", "-m"], capture_output=True, text=True).stdout


def _result(ids: dict, *, corrupt: bool = False) -> dict:
    return {
        "non_anonymous_report_base64": base64.b64encode(REPORT).decode(),
        "anonymous_report_base64": base64.b64encode(ANON_REPORT).decode(),
        "highlights": ["Économie estimée : 1 234,56 € par an", "Votre prix est 9 % au-dessus du marché",
                       "Option tarifaire à revoir"],
        **ids,
        "non_anonymous_sha256": ("0" * 64) if corrupt else hashlib.sha256(REPORT).hexdigest(),
        "anonymous_sha256": hashlib.sha256(ANON_REPORT).hexdigest(),
        "non_anonymous_size": len(REPORT),
        "anonymous_size": len(ANON_REPORT),
        "analysis": {"warnings": ["Index de fin estimé."]},
    }


class ContractServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, corrupt: bool = False):
        self.corrupt = corrupt
        self.calls: list[dict] = []
        self.jobs: dict[str, dict] = {}
        self.keys: dict[str, str] = {}
        super().__init__(("127.0.0.1", 0), ContractHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ContractHandler(BaseHTTPRequestHandler):
    def _send(self, status: int, body: dict, content_type="application/json"):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("X-API-Key") != KEY:
            self._send(401, {"type": "about:blank", "title": "Unauthorized", "status": 401, "code": "unauthorized",
                             "detail": "Clé d'API absente ou invalide."}, "application/problem+json")
            return False
        return True

    def do_POST(self):
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + raw)
        parts = [(p.get_param("name", header="content-disposition"), p.get_filename(), p.get_content_type(),
                  p.get_payload(decode=True)) for p in message.iter_parts()]
        self.server.calls.append({"path": self.path, "headers": dict(self.headers), "parts": parts})
        if not self._authorised():
            return
        fields = {name: payload.decode() for name, filename, _, payload in parts if filename is None}
        ids = {"user_id": int(fields["user_id"]) if "user_id" in fields else None, "invoice_id": None,
               "external_ref": fields.get("external_ref")}
        if self.path.startswith("/v1/invoices/"):
            self._send(200, _result(ids, corrupt=self.server.corrupt))
            return
        key = self.headers.get("Idempotency-Key", "")
        task_id = self.server.keys.get(key) or f"job{len(self.server.jobs) + 1}"
        self.server.keys[key] = task_id
        self.server.jobs.setdefault(task_id, {"polls": 0, "ids": ids, "webhook_url": fields.get("webhook_url")})
        self._send(202, {"task_id": task_id, "status": "queued", "status_url": f"/v1/jobs/{task_id}"})

    def do_GET(self):
        self.server.calls.append({"path": self.path, "headers": dict(self.headers), "parts": []})
        if not self._authorised():
            return
        job = self.server.jobs.get(self.path.rsplit("/", 1)[-1])
        if job is None:
            self._send(404, {"status": 404, "code": "not_found", "detail": "Job inconnu."}, "application/problem+json")
            return
        job["polls"] += 1
        body = {"task_id": self.path.rsplit("/", 1)[-1], "created_at": "2026-03-01T10:00:00+00:00",
                "completed_at": None, "status": "running" if job["polls"] < 2 else "succeeded",
                "webhook": {"url": job["webhook_url"], "delivered": job["polls"] >= 2, "attempts": 1}}
        if body["status"] == "succeeded":
            body["completed_at"] = "2026-03-01T10:00:30+00:00"
            body["result"] = _result(job["ids"])
        self._send(200, body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    servers = []

    def start(**kwargs) -> ContractServer:
        server = ContractServer(**kwargs)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def run_client(server: ContractServer, *args: str, key: str = KEY, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "API_URL": server.url, "API_KEY": key}
    done = subprocess.run(["php", "-d", "error_reporting=-1", "-d", "display_errors=stderr", str(CLIENT), *args],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    for level in ("Warning", "Notice", "Deprecated", "Fatal error"):
        assert f"PHP {level}" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


needs_curl = pytest.mark.skipif(not _php_has_curl(), reason="the PHP curl extension is not installed")


@needs_curl
def test_sync_pdf_saves_both_checked_reports_and_prints_highlights(api, tmp_path):
    server = api()
    done = run_client(server, "pdf", str(CORPUS / "dev-010.pdf"), "--type=electricite", "--user-id=12",
                      "--external-ref=réf 42", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Économie estimée : 1 234,56 € par an" in done.stdout
    assert (tmp_path / "rapports" / "dev-010-rapport.pdf").read_bytes() == REPORT
    assert (tmp_path / "rapports" / "dev-010-rapport-anonyme.pdf").read_bytes() == ANON_REPORT
    (call,) = server.calls
    assert call["path"] == "/v1/invoices/pdf" and call["headers"]["X-API-Key"] == KEY
    by_name = {name: (filename, ctype, payload) for name, filename, ctype, payload in call["parts"]}
    assert by_name["file"] == ("dev-010.pdf", "application/pdf", (CORPUS / "dev-010.pdf").read_bytes())
    assert by_name["type"][2] == b"electricite" and by_name["user_id"][2] == b"12"
    assert by_name["external_ref"][2].decode() == "réf 42"


@needs_curl
def test_sync_images_sends_one_files_part_per_page_in_order(api, tmp_path):
    server = api()
    pages = [CORPUS / "dev-001_p1.jpg", CORPUS / "dev-001_p2.jpg"]
    done = run_client(server, "images", *map(str, pages), "--out=out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (call,) = server.calls
    files = [(filename, ctype, payload) for name, filename, ctype, payload in call["parts"] if name == "files"]
    assert files == [(p.name, "image/jpeg", p.read_bytes()) for p in pages]
    assert (tmp_path / "out" / "dev-001_p1-rapport.pdf").exists()


@needs_curl
def test_a_report_whose_sha256_does_not_match_is_not_saved(api, tmp_path):
    server = api(corrupt=True)
    done = run_client(server, "pdf", str(CORPUS / "dev-010.pdf"), cwd=tmp_path)
    assert done.returncode == 1 and "sha256" in done.stderr
    assert not (tmp_path / "rapports").exists()


@needs_curl
def test_job_submission_is_idempotent_and_polled_to_the_end(api, tmp_path):
    server = api()
    args = ["job", str(CORPUS / "dev-010.pdf"), "--webhook-url=https://php.example.org/invoice_ready.php",
            "--invoice-id=77"]
    first = run_client(server, *args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "task_id=job1" in first.stdout and "Webhook : livré=oui" in first.stdout
    assert (tmp_path / "rapports" / "job1-rapport.pdf").read_bytes() == REPORT
    again = run_client(server, *args, "--no-wait", cwd=tmp_path)
    assert "task_id=job1" in again.stdout  # same files and options, same key, same job
    posts = [c for c in server.calls if c["path"] == "/v1/jobs/pdf"]
    assert posts[0]["headers"]["Idempotency-Key"] == posts[1]["headers"]["Idempotency-Key"]
    fields = {name: payload for name, filename, _, payload in posts[0]["parts"] if filename is None}
    assert fields["webhook_url"] == b"https://php.example.org/invoice_ready.php"
    status = run_client(server, "status", "job1", cwd=tmp_path)
    assert status.returncode == 0 and "terminé" in status.stdout


@needs_curl
def test_api_errors_are_reported_with_code_and_detail(api, tmp_path):
    server = api()
    done = run_client(server, "pdf", str(CORPUS / "dev-010.pdf"), key="wrong", cwd=tmp_path)
    assert done.returncode == 1 and "401" in done.stderr and "unauthorized" in done.stderr
    usage = run_client(server, "images", cwd=tmp_path)
    assert usage.returncode == 2


def test_the_client_never_runs_from_the_web(tmp_path):
    with PhpServer({"API_URL": "http://127.0.0.1:9", "API_KEY": KEY}) as server:
        response = requests.get(server.url("client_example.php"), timeout=10)
    assert response.status_code == 404 and KEY not in response.text
