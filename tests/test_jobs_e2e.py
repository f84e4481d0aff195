"""Async jobs end to end, all real: the session's Prefect server, the
deployments, a process worker, the API under gunicorn, php-cli serving
public/invoice_ready.php, MariaDB and PostgreSQL on loopback."""
from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import CORPUS
from tests.databases import mysql_database, pgsql_database
from tests.delivery_check import delivery_problems
from tests.live_stack import WEBHOOK_SECRET, WEBHOOK_TOKEN, LiveStack
from tests.php_server import PhpServer, php_available

pytestmark = [pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(not php_available(), reason="php-cli is not installed")]

DIGITAL = CORPUS / "dev-010.pdf"
SCANNED = CORPUS / "dev-014.pdf"


@pytest.fixture(scope="module")
def stack(prefect_server, tmp_path_factory):
    live = LiveStack(tmp_path_factory.mktemp("stack")).start()
    try:
        yield live
    finally:
        live.stop()


def submit(stack, path=DIGITAL, webhook_url=None, key=None, **data):
    headers = {"Idempotency-Key": key} if key else {}
    if webhook_url:
        data["webhook_url"] = webhook_url
    with open(path, "rb") as handle:
        response = stack.post("/v1/jobs/pdf", files={"file": (path.name, handle, "application/pdf")},
                              data=data, headers=headers)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and body["status_url"] == f"/v1/jobs/{body['task_id']}"
    return body["task_id"]


def wait_for(stack, task_id, done, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = stack.job(task_id)
        if done(job):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {task_id} still {job} after {timeout} s")


def delivered(job):
    return job["status"] in ("succeeded", "failed") and job["webhook"]["delivered"]


def receiver_for(database):
    return PhpServer({"WEBHOOK_SECRET": WEBHOOK_SECRET, "WEBHOOK_TOKEN": WEBHOOK_TOKEN, **database.env()})


def test_job_reaches_the_php_receiver_in_mariadb_and_postgresql(stack):
    mysql_gen, pgsql_gen = mysql_database(), pgsql_database()
    databases = [next(mysql_gen), next(pgsql_gen)]
    receivers = [receiver_for(db).start() for db in databases]
    try:
        tasks = [submit(stack, webhook_url=r.url(), user_id="12", invoice_id=str(900 + i), external_ref=f"REF-{i}")
                 for i, r in enumerate(receivers)]
        for task_id, database in zip(tasks, databases):
            job = wait_for(stack, task_id, delivered)
            assert job["status"] == "succeeded" and job["webhook"]["attempts"] == 1
            result = job["result"]
            assert result["external_ref"] and result["analysis"]["energy"] == "electricite"
            rows = database.query("SELECT status, non_anonymous_sha256, anonymous_sha256, non_anonymous_size, "
                                  "anonymous_size, non_anonymous_pdf FROM invoice_jobs WHERE task_id = ?",
                                  (task_id,))
            assert len(rows) == 1
            status, sha_non, sha_anon, size_non, size_anon, pdf = rows[0]
            assert status == "succeeded"
            assert (sha_non, sha_anon) == (result["non_anonymous_sha256"], result["anonymous_sha256"])
            assert (size_non, size_anon) == (result["non_anonymous_size"], result["anonymous_size"])
            assert hashlib.sha256(pdf).hexdigest() == sha_non
            assert database.count("reports") == 1
    finally:
        for receiver in receivers:
            receiver.stop()
        for generator in (mysql_gen, pgsql_gen):
            generator.close()


def test_jobs_queued_at_once_each_reach_the_database_exactly_once(stack, tmp_path):
    database_gen = mysql_database()
    database = next(database_gen)
    receiver = PhpServer({"WEBHOOK_SECRET": WEBHOOK_SECRET, "WEBHOOK_TOKEN": WEBHOOK_TOKEN,
                          "INVOICE_STORAGE_DIR": str(tmp_path), **database.env()}, workers=2).start()
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            tasks = list(pool.map(lambda _: submit(stack, webhook_url=receiver.url()), range(6)))
        assert len(set(tasks)) == 6
        for task_id in tasks:
            wait_for(stack, task_id, delivered)
        assert delivery_problems(database, tmp_path, [stack.job_record(t) for t in tasks], stack.settings) == []
    finally:
        receiver.stop()
        database_gen.close()


def test_same_idempotency_key_gives_one_job(stack):
    first = submit(stack, key="order-42-upload-1")
    assert submit(stack, key="order-42-upload-1") == first
    assert submit(stack, key="order-42-upload-2") != first
    with open(SCANNED, "rb") as handle:  # the same key for another upload is refused
        response = stack.post("/v1/jobs/pdf", files={"file": ("other.pdf", handle)},
                              headers={"Idempotency-Key": "order-42-upload-1"})
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    job = wait_for(stack, first, lambda j: j["status"] == "succeeded")
    assert job["webhook"] == {"url": None, "delivered": False, "attempts": 0}
    # Without a webhook, the upload goes as soon as the result is stored.
    assert not list((stack.settings.upload_folder / first).glob("*"))


def test_receiver_down_for_a_while_then_back_gets_the_outcome(stack, tmp_path):
    receiver = PhpServer({"WEBHOOK_SECRET": WEBHOOK_SECRET, "WEBHOOK_TOKEN": WEBHOOK_TOKEN,
                          "INVOICE_STORAGE_DIR": str(tmp_path)})
    task_id = submit(stack, webhook_url=receiver.url())  # nobody listens yet
    wait_for(stack, task_id, lambda j: j["webhook"]["attempts"] >= 2)
    assert (stack.settings.upload_folder / task_id).is_dir()  # kept until delivered
    receiver.start()
    try:
        job = wait_for(stack, task_id, delivered, timeout=120)
    finally:
        receiver.stop()
    assert job["webhook"]["attempts"] >= 3
    assert (tmp_path / f"{task_id}_anonymous.pdf").read_bytes()[:5] == b"%PDF-"
    assert not (stack.settings.upload_folder / task_id).exists()


def test_worker_killed_mid_run_and_the_job_still_completes(stack):
    from prefect.client.orchestration import get_client

    task_id = submit(stack, SCANNED)
    # Killed once the run has counted its attempt: Prefect shows the run
    # Running a moment before the flow's code counts it.
    wait_for(stack, task_id, lambda j: j["status"] == "running" and j["attempts"] == 1, timeout=120)
    stack.kill_worker()
    # The zombie automation marks the silent run Crashed; reprocess_failed
    # (run here from its deployment rather than waiting for its schedule)
    # submits the job again, and a new worker processes it.
    stack.start_worker("worker-2")
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("reprocess_failed/reprocess-failed")
        deadline = time.monotonic() + 240
        while stack.job(task_id)["status"] not in ("succeeded",) and time.monotonic() < deadline:
            run = client.read_flow_run(stack.job_record(task_id)["flow_run_id"])
            if run.state and run.state.is_crashed():
                client.create_flow_run_from_deployment(deployment.id)
                break
            time.sleep(2)
    job = wait_for(stack, task_id, lambda j: j["status"] == "succeeded", timeout=240)
    assert job["attempts"] == 2


def test_the_server_refuses_a_job_run_whose_parameters_do_not_fit_the_flow(stack):
    """The flow does not validate its parameters again (validate_parameters
    off, flows/analyse_invoice.py): the server checks a deployment run's
    parameters against the deployment's schema, and must refuse one that does
    not fit (an operator's run from the UI, a hand-made API call)."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import PrefectHTTPStatusError

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("analyse_invoice/analyse-invoice")
        assert deployment.enforce_parameter_schema
        with pytest.raises(PrefectHTTPStatusError) as refused:
            client.create_flow_run_from_deployment(
                deployment.id, parameters={"files": "not-a-list", "task_id": "0" * 32, "user_id": "abc"})
    assert refused.value.response.status_code in (409, 422), refused.value.response.text


def test_a_run_left_pending_by_a_dead_worker_is_marked_crashed(stack):
    """A worker killed between picking a run up and the run's start leaves it
    Pending: the zombie automation must crash it, as it does Running ones,
    so that reprocess_failed resubmits the job."""
    from datetime import datetime, timedelta, timezone

    from prefect.client.orchestration import get_client
    from prefect.states import Pending, Scheduled

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("analyse_invoice/analyse-invoice")
        later = datetime.now(timezone.utc) + timedelta(days=1)  # no worker picks it up meanwhile
        run = client.create_flow_run_from_deployment(
            deployment.id, parameters={"files": [], "task_id": "0" * 32}, state=Scheduled(scheduled_time=later))
        client.set_flow_run_state(run.id, Pending(), force=True)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            state = client.read_flow_run(run.id).state
            if not state.is_pending():
                break
            time.sleep(3)
    assert state.is_crashed(), state


def test_a_resubmission_is_a_new_run_even_when_no_attempt_was_counted(stack):
    """A job whose run died before it started counts no attempt: its
    resubmission must still be a new run, not the dead one again, while the
    same submission repeated stays one run."""
    from flows.jobs import store_for, submit
    from tasks.jobstore import new_task_id

    record = {"task_id": new_task_id(), "source_kind": "pdf", "type": "auto", "confidence_min": 0.5,
              "strict": True, "attempts": 0, "flow_run_id": None, "webhook": {"url": None}}
    store = store_for(stack.settings)  # no record in it: the runs find nothing to do
    first = submit(record, store)
    assert submit(record, store) == first
    record["flow_run_id"] = first
    assert submit(record, store) != first



def test_a_job_run_goes_from_scheduled_to_completed_without_a_submitting_state(stack):
    """The worker proposes no `Submitting` sub-state (deployments/worker.py):
    a run's history in the UI is Scheduled, Pending, Running, Completed."""
    from prefect.client.orchestration import get_client

    task_id = submit(stack)
    wait_for(stack, task_id, lambda j: j["status"] == "succeeded")
    run_id = stack.job_record(task_id)["flow_run_id"]
    with get_client(sync_client=True) as client:
        deadline = time.monotonic() + 60
        while not client.read_flow_run(run_id).state.is_final() and time.monotonic() < deadline:
            time.sleep(0.5)
        names = [state.name for state in client.read_flow_run_states(run_id)]
    assert names == ["Scheduled", "Pending", "Running", "Completed"]


def test_jobs_still_queue_once_the_deployment_was_created_again(stack):
    """submit() remembers the deployment's id: once the deployment was
    deleted and deployed again (a new id), a job goes to the new one."""
    from prefect.client.orchestration import get_client

    from deployments import deploy
    from flows.jobs import store_for
    from flows.jobs import submit as queue_run
    from tasks.jobstore import new_task_id

    def record():
        return {"task_id": new_task_id(), "source_kind": "pdf", "type": "auto", "confidence_min": 0.5,
                "strict": True, "attempts": 0, "flow_run_id": None, "webhook": {"url": None}}

    store = store_for(stack.settings)  # no record in it: the runs find nothing to do
    with get_client(sync_client=True) as client:
        old = client.read_flow_run(queue_run(record(), store)).deployment_id
        client.delete_deployment(old)
        deploy.deploy_all(stack.settings, stack.env)
        new = client.read_deployment_by_name("analyse_invoice/analyse-invoice").id
        assert new != old
        assert client.read_flow_run(queue_run(record(), store)).deployment_id == new
    assert stack.job(submit(stack))["status"] in ("queued", "running", "succeeded")  # the API's workers too
