"""public/invoice_ready.php, end to end: php -S serving it, real MariaDB and
PostgreSQL on loopback (a fresh database per test, loaded from sql/*.sql),
deliveries sent by tasks.notify.deliver."""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from deployments.processes import free_port
from tasks.notify import build_headers, build_payload, deliver, sign, webhook_id_for
from tests.databases import mysql_database, pgsql_database
from tests.php_server import PhpServer, php_available

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "dev"
SECRET = "whsec_" + base64.b64encode(b"receiver-test-secret-32-bytes!!!").decode()
TOKEN = "test-bearer-token-7f3a"

# Two real PDFs stand in for the two reports.
NON_ANONYMOUS_PDF = (CORPUS / "dev-003.pdf").read_bytes()
ANONYMOUS_PDF = (CORPUS / "dev-002.pdf").read_bytes()

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not php_available(), reason="php-cli is not installed")]


@pytest.fixture(params=["mysql", "pgsql"])
def database(request):
    factory = mysql_database if request.param == "mysql" else pgsql_database
    yield from factory()


@pytest.fixture
def receiver(database):
    """invoice_ready.php with a signing secret, a bearer token and the database."""
    server = PhpServer({"WEBHOOK_SECRET": SECRET, "WEBHOOK_TOKEN": TOKEN, **database.env()})
    with server:
        yield server
        assert_no_php_diagnostics(server)


def assert_no_php_diagnostics(server: PhpServer) -> None:
    log = server.log()
    for level in ("Warning", "Notice", "Deprecated", "Fatal error"):
        assert f"PHP {level}" not in log, log


# --- payloads and delivery ---------------------------------------------------

def succeeded_payload(task_id: str, *, invoice_id: int | None = 4242, user_id: int | None = 7,
                      non_anonymous: bytes = NON_ANONYMOUS_PDF, anonymous: bytes = ANONYMOUS_PDF) -> bytes:
    result = {
        "non_anonymous_report_base64": base64.b64encode(non_anonymous).decode(),
        "anonymous_report_base64": base64.b64encode(anonymous).decode(),
        "highlights": ["Économie estimée : 123,45 € par an", "Prix 8 % au-dessus du marché",
                       "Puissance souscrite surdimensionnée"],
        "analysis": {"energy_type": "electricite", "supplier": "Fournisseur Test", "total_ttc_eur": 1234.56},
    }
    return build_payload(task_id=task_id, status="succeeded", source_kind="pdf", type="electricite",
                         created_at="2026-03-01T10:00:00+01:00", completed_at="2026-03-01T10:00:42+01:00",
                         user_id=user_id, invoice_id=invoice_id, external_ref="FACT-2026-03 é", result=result)


def failed_payload(task_id: str, *, invoice_id: int | None = 4242) -> bytes:
    return build_payload(task_id=task_id, status="failed", source_kind="images", type="gaz",
                         created_at="2026-03-01T09:00:00Z", completed_at="2026-03-01T09:00:05Z",
                         user_id=7, invoice_id=invoice_id, external_ref=None,
                         error={"code": "not_an_energy_invoice", "detail": "Aucune facture d'énergie reconnue."})


def send(server: PhpServer, body: bytes, webhook_id: str | None = None, **kwargs):
    kwargs.setdefault("secret", SECRET)
    kwargs.setdefault("token", TOKEN)
    return deliver(server.url(), body, webhook_id=webhook_id or f"msg_{uuid.uuid4().hex}",
                   timeout=20, allowed_hosts=[f"127.0.0.1:{server.port}"], **kwargs)


def raw_post(server: PhpServer, body: bytes, headers: dict) -> requests.Response:
    return requests.post(server.url(), data=body, headers=headers, timeout=20)


def new_task() -> str:
    return f"task-{uuid.uuid4().hex}"


# --- database mode -----------------------------------------------------------

def test_signed_delivery_lands_as_one_row_in_each_table(database, receiver):
    database.query("INSERT INTO users (id, email) VALUES (7, 'client@example.org')")
    task = new_task()
    result = send(receiver, succeeded_payload(task))
    assert result.ok and result.status_code == 200, (result, receiver.log())

    assert database.counts() == {"invoice_jobs": 1, "invoices": 1, "reports": 1}
    (job,) = database.query(
        "SELECT status, user_id, invoice_id, external_ref, source_kind, non_anonymous_pdf, anonymous_pdf, "
        "non_anonymous_size, anonymous_size, non_anonymous_sha256, anonymous_sha256 FROM invoice_jobs "
        "WHERE task_id = ?", (task,))
    assert job[:5] == ("succeeded", 7, 4242, "FACT-2026-03 é", "pdf")
    assert job[5] == NON_ANONYMOUS_PDF and job[6] == ANONYMOUS_PDF
    assert job[7:9] == (len(NON_ANONYMOUS_PDF), len(ANONYMOUS_PDF))
    assert job[9] == hashlib.sha256(NON_ANONYMOUS_PDF).hexdigest()
    assert job[10] == hashlib.sha256(ANONYMOUS_PDF).hexdigest()

    (invoice,) = database.query("SELECT id, user_id, external_ref, source_kind, type FROM invoices")
    assert invoice == (4242, 7, "FACT-2026-03 é", "pdf", "electricite")
    (report,) = database.query(
        "SELECT invoice_id, non_anonymous_pdf, anonymous_pdf, non_anonymous_size, anonymous_size, "
        "non_anonymous_sha256, anonymous_sha256 FROM reports")
    assert report == (4242, NON_ANONYMOUS_PDF, ANONYMOUS_PDF, len(NON_ANONYMOUS_PDF), len(ANONYMOUS_PDF),
                      hashlib.sha256(NON_ANONYMOUS_PDF).hexdigest(), hashlib.sha256(ANONYMOUS_PDF).hexdigest())

    # Times are stored as the instants sent (10:00:42+01:00 is 09:00:42 UTC).
    if database.kind == "pgsql":
        (stamp,) = database.query("SELECT to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
                                  "FROM invoice_jobs")[0]
    else:
        (stamp,) = database.query("SELECT DATE_FORMAT(CONVERT_TZ(completed_at, @@session.time_zone, '+00:00'), "
                                  "'%%Y-%%m-%%d %%H:%%i:%%s') FROM invoice_jobs")[0]
    assert stamp == "2026-03-01 09:00:42"


@pytest.mark.parametrize("invoice_id", [4242, None], ids=["given-invoice-id", "no-invoice-id"])
def test_same_webhook_delivered_twice_leaves_one_row_each(database, receiver, invoice_id):
    task = new_task()
    body = succeeded_payload(task, invoice_id=invoice_id, user_id=None)
    webhook_id = webhook_id_for(task, "succeeded", "2026-03-01T10:00:42+01:00")
    first = send(receiver, body, webhook_id)
    second = send(receiver, body, webhook_id)
    assert first.ok and second.ok, receiver.log()
    assert database.counts() == {"invoice_jobs": 1, "invoices": 1, "reports": 1}
    (job_invoice,) = database.query("SELECT invoice_id FROM invoice_jobs")[0]
    (invoice,) = database.query("SELECT id FROM invoices")[0]
    (report_invoice,) = database.query("SELECT invoice_id FROM reports")[0]
    # Without an invoice_id, the job row remembers the invoice it created.
    assert job_invoice == invoice == report_invoice
    if invoice_id is not None:
        assert invoice == invoice_id


def test_existing_invoice_is_reused_and_a_new_job_adds_a_report(database, receiver):
    database.query("INSERT INTO invoices (id, source_kind, type) VALUES (51, 'pdf', 'auto')")
    assert send(receiver, succeeded_payload(new_task(), invoice_id=51, user_id=None)).ok
    # A second analysis of the same invoice (another job) is another report.
    other = NON_ANONYMOUS_PDF + b"\n%another rendering\n"
    assert send(receiver, succeeded_payload(new_task(), invoice_id=51, user_id=None, non_anonymous=other)).ok
    assert database.counts() == {"invoice_jobs": 2, "invoices": 1, "reports": 2}
    assert database.query("SELECT type FROM invoices") == [("auto",)]  # the PHP side's row is left as it was


def test_redelivery_with_new_reports_replaces_the_jobs_report(database, receiver):
    task = new_task()
    assert send(receiver, succeeded_payload(task, invoice_id=None, user_id=None)).ok
    rerendered = NON_ANONYMOUS_PDF + b"\n%re-rendered\n"
    assert send(receiver, succeeded_payload(task, invoice_id=None, user_id=None, non_anonymous=rerendered)).ok
    assert database.counts() == {"invoice_jobs": 1, "invoices": 1, "reports": 1}
    (size, sha) = database.query("SELECT non_anonymous_size, non_anonymous_sha256 FROM reports")[0]
    assert (size, sha) == (len(rerendered), hashlib.sha256(rerendered).hexdigest())


def test_unknown_user_keeps_the_invoice_without_user(database, receiver):
    assert send(receiver, succeeded_payload(new_task(), user_id=999)).ok, receiver.log()
    assert database.query("SELECT user_id FROM invoices") == [(None,)]
    assert database.query("SELECT user_id FROM invoice_jobs") == [(999,)]


def test_failed_job_gives_a_job_row_with_empty_reports(database, receiver):
    task = new_task()
    assert send(receiver, failed_payload(task)).ok, receiver.log()
    assert database.counts() == {"invoice_jobs": 1, "invoices": 0, "reports": 0}
    (row,) = database.query("SELECT status, source_kind, invoice_id, non_anonymous_pdf, anonymous_pdf, "
                            "non_anonymous_size, anonymous_size, non_anonymous_sha256 FROM invoice_jobs")
    assert row[:3] == ("failed", "images", 4242)
    assert row[3:7] == (b"", b"", 0, 0)
    assert row[7].strip() == ""


def test_late_failure_never_overwrites_a_success(database, receiver):
    task = new_task()
    assert send(receiver, succeeded_payload(task)).ok
    assert send(receiver, failed_payload(task)).ok  # accepted (2xx) so that the sender stops
    assert database.query("SELECT status, non_anonymous_size FROM invoice_jobs") == [
        ("succeeded", len(NON_ANONYMOUS_PDF))]
    assert database.counts() == {"invoice_jobs": 1, "invoices": 1, "reports": 1}


def test_next_invoice_id_moves_past_an_explicit_one(database, receiver):
    assert send(receiver, succeeded_payload(new_task(), invoice_id=4242, user_id=None)).ok
    database.query("INSERT INTO invoices (source_kind, type) VALUES ('pdf', 'gaz')")
    ids = [row[0] for row in database.query("SELECT id FROM invoices ORDER BY id")]
    assert ids[0] == 4242 and ids[1] > 4242


def _signed_headers(body: bytes, **overrides) -> dict:
    headers = build_headers(body, webhook_id=f"msg_{uuid.uuid4().hex}", secret=SECRET, token=TOKEN)
    headers.update(overrides)
    return headers


REFUSAL_CASES = ["bad-signature", "wrong-secret", "stale-timestamp", "future-timestamp", "wrong-bearer",
                 "no-bearer", "no-signature", "body-altered"]


def _refused_status(receiver: PhpServer, case: str) -> int | None:
    body = succeeded_payload(new_task())
    if case == "stale-timestamp":
        return send(receiver, body, timestamp=int(time.time()) - 600).status_code
    if case == "future-timestamp":
        return send(receiver, body, timestamp=int(time.time()) + 600).status_code
    if case == "wrong-secret":
        return send(receiver, body, secret="whsec_" + base64.b64encode(b"another secret").decode()).status_code
    if case == "wrong-bearer":
        return send(receiver, body, token="not-the-token").status_code
    if case == "no-bearer":
        return send(receiver, body, token="").status_code
    if case == "no-signature":
        return send(receiver, body, secret="").status_code
    if case == "bad-signature":
        headers = _signed_headers(body, **{"webhook-signature": "v1," + base64.b64encode(b"x" * 32).decode()})
        return raw_post(receiver, body, headers).status_code
    # body-altered: the signature was computed for another body
    headers = _signed_headers(body)
    return raw_post(receiver, body.replace(b'"electricite"', b'"gaz"', 1), headers).status_code


def test_refused_deliveries_answer_401_and_write_nothing(database, receiver):
    # One database for all cases: creating one per case would dominate the run time.
    statuses = {case: _refused_status(receiver, case) for case in REFUSAL_CASES}
    assert statuses == {case: 401 for case in REFUSAL_CASES}
    assert database.counts() == {"invoice_jobs": 0, "invoices": 0, "reports": 0}


def test_rotation_two_signatures_one_valid_is_accepted(database, receiver):
    body = succeeded_payload(new_task())
    headers = build_headers(body, webhook_id="msg_rotation", secret=SECRET, token=TOKEN)
    old_secret = "whsec_" + base64.b64encode(b"the previous secret").decode()
    old = sign(old_secret, "msg_rotation", int(headers["webhook-timestamp"]), body)
    headers["webhook-signature"] = f"{old} {headers['webhook-signature']}"
    response = raw_post(receiver, body, headers)
    assert response.status_code == 200, response.text
    assert database.count("reports") == 1
    # Only the old secret's signature: refused.
    headers["webhook-signature"] = old
    assert raw_post(receiver, body, headers).status_code == 401


def test_tampered_report_is_refused_before_writing(database, receiver):
    payload = json.loads(succeeded_payload(new_task()))
    payload["anonymous_sha256"] = "0" * 64
    response = send(receiver, json.dumps(payload).encode())
    assert response.status_code == 422
    payload = json.loads(succeeded_payload(new_task()))
    payload["non_anonymous_size"] += 1
    assert send(receiver, json.dumps(payload).encode()).status_code == 422
    assert database.counts() == {"invoice_jobs": 0, "invoices": 0, "reports": 0}


MALFORMED = [
    (b"{not json", 400),
    (b"[]", 400),
    (json.dumps({"task_id": "t1", "status": "done", "source_kind": "pdf", "type": "auto"}).encode(), 400),
    (json.dumps({"task_id": "x" * 65, "status": "failed", "source_kind": "pdf", "type": "auto"}).encode(), 400),
    (json.dumps({"task_id": "t2", "status": "failed", "source_kind": "pdf", "type": "auto",
                 "user_id": "12"}).encode(), 400),
    (json.dumps({"task_id": "t3", "status": "failed", "source_kind": "pdf", "type": "auto",
                 "completed_at": "tomorrow"}).encode(), 400),
]


def test_malformed_payloads_get_4xx(database, receiver):
    assert [send(receiver, body).status_code for body, _ in MALFORMED] == [status for _, status in MALFORMED]
    assert database.count("invoice_jobs") == 0


def test_database_down_answers_5xx_so_the_sender_retries(tmp_path):
    port = free_port()  # nothing listens there
    env = {"WEBHOOK_SECRET": SECRET, "DB_DSN": f"mysql:host=127.0.0.1;port={port};dbname=x", "DB_USER": "root"}
    with PhpServer(env) as server:
        result = send(server, succeeded_payload(new_task()), token="")
        assert "Connection refused" in server.log() and "PHP Warning" not in server.log()
    assert result.status_code == 503 and not result.ok and result.retryable


def test_concurrent_duplicate_deliveries_leave_one_row_each(database):
    """The sender may retry while a slow first attempt is still writing."""
    server = PhpServer({"WEBHOOK_SECRET": SECRET, "WEBHOOK_TOKEN": TOKEN, **database.env()}, workers=4)
    task = new_task()
    body = succeeded_payload(task, invoice_id=None, user_id=None)
    webhook_id = webhook_id_for(task, "succeeded", None)
    results = []
    with server:
        def attempt():
            for _ in range(5):  # a deadlock victim answers 503; the sender retries
                result = send(server, body, webhook_id)
                if result.ok:
                    break
            results.append(result)

        threads = [threading.Thread(target=attempt) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert_no_php_diagnostics(server)
    assert all(r.ok for r in results), (results, server.log())
    assert database.counts() == {"invoice_jobs": 1, "invoices": 1, "reports": 1}


# --- disk mode and receiver availability --------------------------------------

def test_disk_mode_writes_both_pdfs_and_a_sidecar(tmp_path):
    storage = tmp_path / "reports"
    task = new_task()
    body = succeeded_payload(task)
    with PhpServer({"WEBHOOK_TOKEN": TOKEN, "INVOICE_STORAGE_DIR": str(storage)}) as server:
        first = send(server, body, "msg_disk", secret="")
        second = send(server, body, "msg_disk", secret="")
        assert first.ok and second.ok, server.log()
        failed = failed_payload(task)
        assert send(server, failed, secret="").ok  # ignored: the success stays
        assert_no_php_diagnostics(server)
    assert (storage / f"{task}_non_anonymous.pdf").read_bytes() == NON_ANONYMOUS_PDF
    assert (storage / f"{task}_anonymous.pdf").read_bytes() == ANONYMOUS_PDF
    sidecar = json.loads((storage / f"{task}.json").read_text(encoding="utf-8"))
    assert sidecar["status"] == "succeeded" and sidecar["webhook_id"] == "msg_disk"
    assert sidecar["non_anonymous_sha256"] == hashlib.sha256(NON_ANONYMOUS_PDF).hexdigest()
    assert sidecar["external_ref"] == "FACT-2026-03 é"
    assert "non_anonymous_report_base64" not in sidecar and "anonymous_report_base64" not in sidecar
    assert sorted(p.name for p in storage.iterdir()) == sorted(
        [f"{task}.json", f"{task}_anonymous.pdf", f"{task}_non_anonymous.pdf"])  # no temporary file left


def test_disk_mode_failed_job_writes_only_the_sidecar(tmp_path):
    task = new_task()
    with PhpServer({"WEBHOOK_SECRET": SECRET, "INVOICE_STORAGE_DIR": str(tmp_path)}) as server:
        assert send(server, failed_payload(task), token="").ok, server.log()
        assert_no_php_diagnostics(server)
    assert [p.name for p in tmp_path.iterdir()] == [f"{task}.json"]
    sidecar = json.loads((tmp_path / f"{task}.json").read_text(encoding="utf-8"))
    assert sidecar["error"]["code"] == "not_an_energy_invoice"


def test_unconfigured_receiver_refuses_to_store(tmp_path):
    with PhpServer({"INVOICE_STORAGE_DIR": str(tmp_path)}) as server:  # no secret, no token
        result = send(server, succeeded_payload(new_task()), secret="", token="")
        assert result.status_code == 500
        assert requests.get(server.url(), timeout=10).status_code == 405
        assert_no_php_diagnostics(server)
    assert list(tmp_path.iterdir()) == []


def test_receiver_down_then_up(tmp_path):
    server = PhpServer({"WEBHOOK_SECRET": SECRET, "INVOICE_STORAGE_DIR": str(tmp_path)})
    body = succeeded_payload(new_task())
    down = send(server, body, "msg_retry", token="")  # never started
    assert not down.ok and down.status_code is None and down.retryable and down.error
    with server:
        up = send(server, body, "msg_retry", token="")
        assert_no_php_diagnostics(server)
    assert up.ok and up.status_code == 200
    server.stop()
    again_down = send(server, body, "msg_retry", token="")
    assert not again_down.ok and again_down.retryable


def test_configuration_from_a_config_file_with_environment_first(tmp_path):
    storage, other = tmp_path / "from-file", tmp_path / "from-env"
    config = tmp_path / "config.php"
    config.write_text(f"<?php\nreturn ['WEBHOOK_SECRET' => '{SECRET}', 'INVOICE_STORAGE_DIR' => '{storage}'];\n")
    task = new_task()
    with PhpServer({"INVOICE_RECEIVER_CONFIG": str(config)}) as server:
        assert send(server, failed_payload(task), token="").ok, server.log()
    with PhpServer({"INVOICE_RECEIVER_CONFIG": str(config), "INVOICE_STORAGE_DIR": str(other)}) as server:
        assert send(server, failed_payload(task), token="").ok, server.log()
    assert (storage / f"{task}.json").exists() and (other / f"{task}.json").exists()
