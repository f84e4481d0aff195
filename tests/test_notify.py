"""tasks.notify and tasks.ssrf: signing, headers, payload, URL checks, and
one delivery attempt against real local HTTP servers."""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import socket
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tasks.errors import InvalidParameter
from tasks.notify import (
    DeliveryResult,
    build_headers,
    build_payload,
    deliver,
    parse_retry_after,
    sign,
    signing_key,
    webhook_id_for,
)
from tasks.ssrf import UnsafeWebhookUrl, check_webhook_url, is_allowed_host, is_forbidden_address

ROOT = Path(__file__).resolve().parent.parent
API_MD = ROOT / "docs" / "contract" / "API.md"
PDF_A = (ROOT / "tests" / "corpus" / "dev" / "dev-002.pdf").read_bytes()
PDF_B = (ROOT / "tests" / "corpus" / "dev" / "dev-007.pdf").read_bytes()


# --- signing and headers -------------------------------------------------------

def test_sign_matches_the_standard_webhooks_reference_vector():
    # Published by the Standard Webhooks / Svix reference libraries.
    assert sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                b'{"test": 2432232314}') == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_secret_without_prefix_is_used_as_utf8_bytes():
    import hmac

    expected = base64.b64encode(hmac.new("clé-secrète".encode(), b"msg_1.1700000000.{}", hashlib.sha256).digest())
    assert sign("clé-secrète", "msg_1", 1700000000, b"{}") == "v1," + expected.decode()
    assert signing_key("whsec_" + base64.b64encode(b"\x00\x01raw").decode()) == b"\x00\x01raw"


def test_a_prefixed_secret_that_is_not_base64_is_an_error_that_does_not_echo_it():
    with pytest.raises(ValueError) as info:
        signing_key("whsec_not*base64!")
    assert "not*base64" not in str(info.value)
    with pytest.raises(ValueError):
        signing_key("whsec_")


def test_a_malformed_secret_fails_the_delivery_without_sending(http_server):
    server = http_server()
    result = _deliver(server, secret="whsec_%%%")
    assert not result.ok and not result.retryable and "WEBHOOK_SECRET" in result.error
    assert server.requests == []


def test_headers_carry_signature_and_bearer_only_when_configured():
    body = b'{"a":1}'
    bare = build_headers(body, webhook_id="msg_x", timestamp=1700000000)
    assert bare["Content-Type"] == "application/json"
    assert bare["webhook-id"] == "msg_x" and bare["webhook-timestamp"] == "1700000000"
    assert "webhook-signature" not in bare and "Authorization" not in bare

    full = build_headers(body, webhook_id="msg_x", secret="s3cret", token="tok", timestamp=1700000000)
    assert full["webhook-signature"] == sign("s3cret", "msg_x", 1700000000, body)
    assert full["Authorization"] == "Bearer tok"

    now = build_headers(body, webhook_id="msg_x")
    assert abs(int(now["webhook-timestamp"]) - time.time()) < 5


def test_webhook_id_is_stable_per_outcome():
    first = webhook_id_for("task-1", "succeeded", "2026-01-01T00:00:00+00:00")
    assert first == webhook_id_for("task-1", "succeeded", datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert first != webhook_id_for("task-2", "succeeded", "2026-01-01T00:00:00+00:00")
    assert first != webhook_id_for("task-1", "failed", "2026-01-01T00:00:00+00:00")
    assert re.fullmatch(r"msg_[0-9a-f]{32}", first)


# --- payload -----------------------------------------------------------------

def _contract_webhook_keys() -> set[str]:
    text = API_MD.read_text(encoding="utf-8")
    section = text[text.index("### Webhook"):]
    block = section[section.index("```json") + 7:section.index("```", section.index("```json") + 7)]
    return set(re.findall(r'"([a-z_0-9]+)":', block)) - {"code", "detail"}


def _result(non_anonymous=PDF_A, anonymous=PDF_B) -> dict:
    return {
        "non_anonymous_report_base64": base64.b64encode(non_anonymous).decode(),
        "anonymous_report_base64": base64.b64encode(anonymous).decode(),
        "non_anonymous_sha256": hashlib.sha256(non_anonymous).hexdigest(),
        "anonymous_sha256": hashlib.sha256(anonymous).hexdigest(),
        "non_anonymous_size": len(non_anonymous),
        "anonymous_size": len(anonymous),
        "highlights": ["Économie estimée : 1 234,56 € par an"],
        "analysis": {"energy_type": "gaz"},
        "user_id": 999,  # the job's own ids win
    }


def test_succeeded_payload_has_every_contract_key_and_checked_reports():
    body = build_payload(task_id="t-1", status="succeeded", source_kind="pdf", type="gaz",
                         created_at=datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc),
                         completed_at="2026-02-01T08:00:30+00:00", user_id=12, invoice_id=34,
                         external_ref="réf-1", result=_result())
    payload = json.loads(body)
    assert set(payload) == _contract_webhook_keys()
    assert payload["status"] == "succeeded" and payload["error"] is None
    assert (payload["user_id"], payload["invoice_id"], payload["external_ref"]) == (12, 34, "réf-1")
    assert base64.b64decode(payload["non_anonymous_report_base64"]) == PDF_A
    assert payload["anonymous_size"] == len(PDF_B)
    assert payload["anonymous_sha256"] == hashlib.sha256(PDF_B).hexdigest()
    assert payload["created_at"] == "2026-02-01T08:00:00+00:00"
    assert payload["highlights"] == ["Économie estimée : 1 234,56 € par an"]
    # Compact UTF-8 JSON: no spaces between tokens, accents not escaped.
    assert b'"status":"succeeded"' in body and "Économie".encode() in body and b"\\u00c9" not in body


def test_failed_payload_has_nulls_where_nothing_was_produced():
    payload = json.loads(build_payload(task_id="t-2", status="failed", source_kind="images", type="auto",
                                       created_at="2026-02-01T08:00:00Z", completed_at="2026-02-01T08:00:01Z",
                                       error={"code": "invalid_file", "detail": "Image illisible."}))
    assert set(payload) == _contract_webhook_keys()
    assert payload["error"] == {"code": "invalid_file", "detail": "Image illisible."}
    assert payload["analysis"] is None and payload["highlights"] == []
    assert payload["non_anonymous_report_base64"] is None and payload["anonymous_size"] is None


@pytest.mark.parametrize("change", [
    {"status": "done"}, {"source_kind": "zip"}, {"type": "fioul"}, {"task_id": "x" * 65},
    {"result": None}, {"result": {**_result(), "anonymous_sha256": "0" * 64}},
    {"result": {**_result(), "non_anonymous_size": 1}},
])
def test_payload_refuses_what_the_receiver_would_reject(change):
    args = dict(task_id="t-3", status="succeeded", source_kind="pdf", type="auto",
                created_at=None, completed_at=None, result=_result())
    with pytest.raises(ValueError):
        build_payload(**{**args, **change})


def test_retry_after_parsing():
    now = time.time()
    assert parse_retry_after("120") == 120.0
    date = format_datetime(datetime.fromtimestamp(now, timezone.utc) + timedelta(seconds=90), usegmt=True)
    assert 85 <= parse_retry_after(date, now=now) <= 91
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


# --- SSRF ----------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://localhost:8080/hook", "http://127.1/", "http://2130706433/",
    "http://0x7f.0.0.1/", "http://0.0.0.0/", "http://10.0.0.8/", "http://172.16.5.4/", "http://192.168.1.10/",
    "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://224.0.0.1/",
    "http://240.0.0.1/", "http://255.255.255.255/", "http://[::1]/", "http://[::]/", "http://[fe80::1]/",
    "http://[fc00::1]/", "http://[fd12:3456::1]/", "http://[ff02::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.1.2.3]/", "http://[::ffff:169.254.169.254]/", "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/", "http://[::127.0.0.1]/",
])
def test_internal_addresses_are_refused(url):
    with pytest.raises(InvalidParameter) as info:
        check_webhook_url(url, ())
    assert info.value.field == "webhook_url" and info.value.status == 400
    assert "webhook_url" in info.value.detail


@pytest.mark.parametrize("url, fragment", [
    ("ftp://8.8.8.8/", "http"), ("file:///etc/passwd", "http"), ("javascript:alert(1)", "http"),
    ("http://user:pass@8.8.8.8/", "identifiants"), ("http://user@8.8.8.8/", "identifiants"),
    ("http:///nohost", "hôte"), ("http://8.8.8.8:99999/", "mal formée"), ("", "vide"),
    ("http://8.8.8.8/a b", "espaces"), ("http://host.invalid/", "introuvable"),
])
def test_malformed_or_credentialed_urls_are_refused(url, fragment):
    with pytest.raises(UnsafeWebhookUrl) as info:
        check_webhook_url(url, ())
    assert fragment in info.value.detail


@pytest.mark.parametrize("url", ["https://8.8.8.8/hook", "http://1.1.1.1:8443/x?y=1",
                                 "https://[2606:4700:4700::1111]/hook"])
def test_public_addresses_pass(url):
    check_webhook_url(url, ())


@pytest.mark.parametrize("url, allowed, ok", [
    ("http://127.0.0.1:8080/x", ["127.0.0.1"], True),
    ("http://127.0.0.1:8080/x", ["127.0.0.1:8080"], True),
    ("http://127.0.0.1:8080/x", ["127.0.0.1:9090"], False),
    ("http://localhost/x", ["LOCALHOST"], True),
    ("http://localhost/x", ["127.0.0.1"], False),  # names are matched as written, not by address
    ("http://[::1]:8080/x", ["[::1]:8080"], True),
    ("http://[::1]/x", ["::1"], True),
    ("http://10.0.0.8/x", ["10.0.0.9", " ", ""], False),
])
def test_allowed_hosts_let_named_internal_hosts_through(url, allowed, ok):
    if ok:
        check_webhook_url(url, allowed)
    else:
        with pytest.raises(UnsafeWebhookUrl):
            check_webhook_url(url, allowed)


def test_forbidden_address_flags():
    assert not is_forbidden_address("8.8.8.8") and not is_forbidden_address("2606:4700::1111")
    assert is_forbidden_address("fe80::1%eth0")
    assert is_allowed_host("Example.org.", 443, ["example.org"])


# --- delivery against real local servers ---------------------------------------

class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, responses):
        self.responses = list(responses)
        self.requests: list[dict] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        status, headers = self.server.responses.pop(0) if self.server.responses else (200, {})
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    servers = []

    def start(*responses):
        server = _Recorder(responses)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _deliver(server, path="/hook", **kwargs):
    kwargs.setdefault("webhook_id", "msg_test")
    kwargs.setdefault("allowed_hosts", ["127.0.0.1"])
    return deliver(server.url + path, kwargs.pop("body", b'{"ok":true}'), timeout=kwargs.pop("timeout", 5), **kwargs)


def test_delivery_sends_signed_body_and_accepts_any_2xx(http_server):
    server = http_server((202, {}), (204, {}))
    body = b'{"task_id":"t"}'
    first = _deliver(server, body=body, secret="whsec_" + base64.b64encode(b"k" * 24).decode(), token="tok")
    assert first == DeliveryResult(202, True)
    assert _deliver(server, body=body).ok
    sent = server.requests[0]
    assert sent["body"] == body and sent["headers"]["Authorization"] == "Bearer tok"
    ts = int(sent["headers"]["webhook-timestamp"])
    assert sent["headers"]["webhook-signature"] == sign("whsec_" + base64.b64encode(b"k" * 24).decode(),
                                                        "msg_test", ts, body)
    assert "Authorization" not in server.requests[1]["headers"]


def test_redirects_are_not_followed(http_server):
    target = http_server()
    server = http_server((302, {"Location": target.url + "/elsewhere"}), (307, {"Location": target.url + "/x"}))
    result = _deliver(server)
    assert not result.ok and result.status_code == 302 and result.retryable
    assert _deliver(server).status_code == 307
    assert target.requests == []


def test_410_stops_retries_and_retry_after_is_honoured(http_server):
    date = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=120), usegmt=True)
    server = http_server((410, {}), (429, {"Retry-After": "30"}), (503, {"Retry-After": date}),
                         (500, {"Retry-After": "30"}))
    gone = _deliver(server)
    assert (gone.ok, gone.status_code, gone.retryable) == (False, 410, False)
    too_many = _deliver(server)
    assert too_many.retry_after == 30.0 and too_many.retryable
    unavailable = _deliver(server)
    assert 100 <= unavailable.retry_after <= 121
    assert _deliver(server).retry_after is None  # only 429 and 503 carry it


def test_internal_target_is_refused_at_delivery_time(http_server):
    server = http_server()
    result = _deliver(server, allowed_hosts=[])
    assert not result.ok and result.status_code is None and not result.retryable
    assert "webhook_url" in result.error
    assert server.requests == []  # nothing was sent


def test_url_with_credentials_is_refused_at_delivery_time(http_server):
    server = http_server()
    url = server.url.replace("http://", "http://user:pw@")
    result = deliver(url + "/hook", b"{}", webhook_id="m", allowed_hosts=["127.0.0.1"])
    assert not result.ok and not result.retryable and server.requests == []


def test_no_answer_within_the_timeout_is_a_retryable_failure():
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        result = deliver(f"http://127.0.0.1:{port}/", b"{}", webhook_id="m", timeout=0.5,
                         allowed_hosts=["127.0.0.1"])
    assert not result.ok and result.status_code is None and result.retryable
    assert "délai" in result.error


def test_connection_refused_is_a_retryable_failure():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: refused
        result = deliver(f"http://127.0.0.1:{port}/", b"{}", webhook_id="m", timeout=2, allowed_hosts=["127.0.0.1"])
    assert (result.ok, result.status_code, result.retryable) == (False, None, True)


def test_secrets_tokens_and_url_secrets_never_reach_the_logs(http_server, caplog):
    server = http_server((500, {}))
    secret, token = "whsec_" + base64.b64encode(b"super-secret-key-bytes").decode(), "tok-very-secret"
    # Root at DEBUG: urllib3's own request lines are captured too.
    with caplog.at_level(logging.DEBUG):
        result = _deliver(server, path="/hook?sig=url-secret-123", secret=secret, token=token)
        _deliver(server, allowed_hosts=[], secret=secret, token=token)
    assert result.status_code == 500 and "127.0.0.1" in caplog.text
    for value in (secret, token, "url-secret-123", "super-secret"):
        assert value not in caplog.text
        assert value not in (result.error or "")


def test_https_goes_through_the_same_guard(http_server):
    server = http_server()
    https_url = server.url.replace("http://", "https://") + "/hook"
    refused = deliver(https_url, b"{}", webhook_id="m", timeout=5)
    assert not refused.ok and not refused.retryable and server.requests == []
    # Allowed, it connects; the plain-HTTP server cannot complete a TLS handshake.
    tls = deliver(https_url, b"{}", webhook_id="m", timeout=5, allowed_hosts=["127.0.0.1"])
    assert not tls.ok and tls.retryable and "TLS" in tls.error
