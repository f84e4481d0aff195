"""The API under a real gunicorn (deployments/gunicorn.conf.py), spoken to
with raw sockets where a well-behaved client library would not do what an
attacker does: bodies over MAX_CONTENT_LENGTH (announced or chunked),
clients trickling bytes, forwarded headers from an untrusted peer; then the
captured logs are searched for the keys."""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from deployments.processes import OFFLINE_ENV, Stack, free_port, gunicorn_argv, wait_http
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration

KEY = "gk-" + uuid.uuid4().hex  # unique: any occurrence in the logs is a leak
OTHER_KEY = "gk2-" + uuid.uuid4().hex
WRONG_KEY = "wrong-" + uuid.uuid4().hex
WEBHOOK_SECRET = "whsec_" + uuid.uuid4().hex
READ_TIMEOUT = 3
LIMIT = 1024 * 1024


class Server:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        env = {**os.environ, **OFFLINE_ENV,
               "API_KEY": f"{KEY},{OTHER_KEY}", "HOST": "127.0.0.1", "PORT": str(self.port),
               "UPLOAD_FOLDER": str(folder / "uploads"), "REPORTS_FOLDER": str(folder / "reports"),
               "MAX_CONTENT_LENGTH": str(LIMIT), "READ_TIMEOUT": str(READ_TIMEOUT), "SYNC_TIMEOUT": "120",
               "FORCE_HTTPS": "true", "ALLOWED_HOSTS": "api.example.com", "TRUSTED_PROXIES": "10.0.0.0/8",
               "WEBHOOK_SECRET": WEBHOOK_SECRET, "LOG_LEVEL": "DEBUG",
               "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4",
               # An access log format that names the key header: it must come out masked.
               "GUNICORN_CMD_ARGS": "--access-logformat '%(h)s \"%(r)s\" %(s)s key=%({x-api-key}i)s "
                                    "env=%({http_x_api_key}e)s rid=%({x-request-id}o)s'"}
        self.stack = Stack(env=env, log_dir=folder / "log")
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        process = self.stack.start("api", gunicorn_argv())
        wait_http(f"{self.base}/health", timeout=90, headers={"X-API-Key": KEY}, process=process)
        return self

    def log(self) -> str:
        return (self.folder / "log" / "api.log").read_text(encoding="utf-8", errors="replace")

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        return sock


@pytest.fixture(scope="module")
def server(tmp_path_factory, prefect_server):
    server = Server(tmp_path_factory.mktemp("gunicorn")).start()
    yield server
    server.stack.stop_all()


def read_response(sock: socket.socket, timeout: float = 30) -> tuple[int, dict, bytes]:
    """Status, headers and body of one HTTP/1.1 answer (b'' body when the
    server closed without answering: status 0)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        if not head:
            return 0, {}, b""
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", 0))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return int(lines[0].split()[1]), headers, body
    except ConnectionResetError:
        return 0, {}, b""


def multipart_head(length: int, *, key: str = KEY, chunked: bool = False, boundary: str = "b0undary") -> bytes:
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}"
    return (f"POST /v1/invoices/pdf HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {key}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n{framing}\r\n\r\n").encode()


PART = (b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n")


def assert_problem(status, headers, body, expected, code):
    assert status == expected, body[:300]
    assert headers["content-type"].startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["code"] == code and problem["request_id"] == headers["x-request-id"]
    assert headers["x-content-type-options"] == "nosniff"
    return problem


# --- bodies over MAX_CONTENT_LENGTH ------------------------------------------------------

def test_a_huge_announced_body_is_refused_before_it_is_sent(server):
    with server.connect() as sock:
        started = time.perf_counter()
        sock.sendall(multipart_head(10 * 1024 ** 3) + PART + b"0" * 1024)  # 10 GB announced, 1 KB sent
        status, headers, body = read_response(sock)
        elapsed = time.perf_counter() - started
    problem = assert_problem(status, headers, body, 413, "file_too_large")
    assert "1 Mo" in problem["detail"]
    print(f"413 for a 10 GB Content-Length after {elapsed * 1000:.0f} ms, 1 KB sent")


def test_the_key_is_checked_before_any_body(server):
    with server.connect() as sock:
        sock.sendall(multipart_head(10 * 1024 ** 3, key=WRONG_KEY) + PART)
        status, headers, body = read_response(sock)
    assert_problem(status, headers, body, 401, "unauthorized")


def test_a_chunked_body_over_the_limit_is_cut_at_the_limit(server):
    chunk = b"0" * 65536
    sent = 0
    with server.connect() as sock:
        sock.sendall(multipart_head(0, chunked=True) + b"%x\r\n%s\r\n" % (len(PART), PART))
        try:
            for _ in range(64):  # up to 4 MB, four times the limit
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, headers, body = read_response(sock)
    assert_problem(status, headers, body, 413, "file_too_large")
    print(f"chunked: 413 after {sent // 1024} KB sent of 4096 KB")


# --- slow clients -------------------------------------------------------------------------

def trickle(sock: socket.socket, payload: bytes, *, every: float, give_up_after: float) -> tuple[bool, float]:
    """Send `payload` a byte at a time; (server cut us off, seconds)."""
    started = time.monotonic()
    sock.settimeout(every)
    for byte in payload:
        if time.monotonic() - started > give_up_after:
            return False, time.monotonic() - started
        try:
            sock.sendall(bytes([byte]))
            if sock.recv(65536, socket.MSG_PEEK) is not None:
                return True, time.monotonic() - started  # an answer, or the end of the connection
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            return True, time.monotonic() - started
    return False, time.monotonic() - started


def test_a_client_trickling_its_body_is_answered_408_at_the_deadline(server):
    with server.connect() as sock:
        sock.sendall(multipart_head(100_000) + PART)
        cut, elapsed = trickle(sock, b"0" * 100_000, every=0.5, give_up_after=10 * READ_TIMEOUT)
        status, headers, body = read_response(sock, timeout=5)
        sock.settimeout(10)
        try:
            rest = sock.recv(65536)
        except ConnectionResetError:
            rest = b""
    assert cut, "the server kept reading a trickling client"
    assert_problem(status, headers, body, 408, "request_timeout")
    assert rest == b""  # and the connection is closed: where the next request starts is unknown
    print(f"trickled body: 408 after {elapsed:.1f} s (READ_TIMEOUT={READ_TIMEOUT})")


def test_a_client_trickling_its_headers_is_dropped(server):
    request = f"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {KEY}\r\n".encode() + b"X-Pad: " + b"a" * 4000
    with server.connect() as sock:
        cut, elapsed = trickle(sock, request, every=0.5, give_up_after=10 * READ_TIMEOUT)
        status, _, _ = read_response(sock, timeout=5)
    assert cut and status == 0  # closed without an answer: it never finished a request
    print(f"trickled headers: connection closed after {elapsed:.1f} s")


def test_slow_clients_do_not_block_the_others(server):
    # More trickling clients than the worker has threads (4).
    sockets = [server.connect() for _ in range(6)]
    try:
        for sock in sockets:
            sock.sendall(multipart_head(100_000) + PART)
        threads = [threading.Thread(target=trickle, args=(s, b"0" * 1000), kwargs={"every": 0.3, "give_up_after": 8})
                   for s in sockets]
        for t in threads:
            t.start()
        time.sleep(1)
        started = time.perf_counter()
        response = requests.get(f"{server.base}/health", headers={"X-API-Key": KEY}, timeout=60)
        print(f"/health with 6 trickling clients: {time.perf_counter() - started:.2f} s")
        assert response.status_code == 200
        for t in threads:
            t.join()
    finally:
        for sock in sockets:
            sock.close()


# --- transport ----------------------------------------------------------------------------

def test_gunicorn_does_not_believe_forwarded_headers_from_an_untrusted_peer(server):
    response = requests.get(f"{server.base}/health", allow_redirects=False, timeout=30,
                            headers={"X-API-Key": KEY, "Host": "api.example.com", "X-Forwarded-Proto": "https",
                                     "X-Forwarded-For": "198.51.100.3", "X-Forwarded-Ssl": "on",
                                     "X-Forwarded-Protocol": "ssl"})
    assert response.status_code == 301
    assert response.headers["Location"] == "https://api.example.com/health"
    bad_host = requests.get(f"{server.base}/health", headers={"X-API-Key": KEY, "Host": "evil.example"}, timeout=30)
    assert bad_host.status_code == 400 and bad_host.json()["field"] == "Host"


# --- logs, and the service afterwards ---------------------------------------------------------

def test_keys_never_reach_the_logs_and_the_service_still_works(server, validate_analysis):
    base, ok = server.base, {"X-API-Key": KEY}
    calls = [
        requests.get(f"{base}/health", headers={"X-API-Key": OTHER_KEY}),
        requests.get(f"{base}/health?api_key={KEY}", headers=ok),  # a key pasted into a URL
        requests.get(f"{base}/v1/jobs/{OTHER_KEY}", headers=ok),  # and into a path
        requests.get(f"{base}/health", headers={"X-API-Key": WRONG_KEY}),  # a wrong key: 401
        requests.post(f"{base}/v1/invoices/pdf", headers=ok, data={"external_ref": KEY},
                      files={"file": ("x.pdf", b"%PDF-1.7\nnot really")}),  # 400 from the reading stage
        requests.post(f"{base}/v1/invoices/pdf", headers=ok, files={"file": ("big.pdf", b"%PDF-" + b"0" * LIMIT)}),
        requests.post(f"{base}/v1/jobs/pdf", headers={**ok, "Idempotency-Key": "x" * 300},
                      files={"file": ("x.pdf", b"%PDF-1.7\n")}),
    ]
    assert [c.status_code for c in calls] == [200, 200, 404, 401, 400, 413, 400]
    # A good analysis, with a key in a field that is echoed back.
    response = requests.post(f"{base}/v1/invoices/pdf", headers={**ok, "X-Request-ID": "trace-log-check-01"},
                             data={"external_ref": OTHER_KEY, "type": "electricite"},
                             files={"file": ("bill.pdf", (CORPUS / "dev-010.pdf").read_bytes())}, timeout=120)
    assert response.status_code == 200, response.text[:300]
    assert response.json()["external_ref"] == OTHER_KEY
    validate_analysis(response.json()["analysis"])
    assert requests.get(f"{base}/health", headers=ok).json()["status"] == "ok"

    log = server.log()
    for secret in (KEY, OTHER_KEY, WRONG_KEY, WEBHOOK_SECRET):
        assert secret not in log
    assert "key=***" in log and "env=***" in log  # the access lines were written, masked
    assert "/health?api_key=*** " in log and "/v1/jobs/*** " in log
    assert "rid=trace-log-check-01" in log  # the request id in the access line…
    assert "[trace-log-check-01]" in log  # …and in the application's lines
    # No 5xx: neither gunicorn nor the application logged a request error.
    assert "Error handling request" not in log and "unexpected error" not in log
    assert '" 50' not in log
    print(f"{len(log.splitlines())} log lines searched")
