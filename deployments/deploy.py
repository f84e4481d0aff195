"""Register what the jobs need on a Prefect server: the work pool, both
deployments of prefect.yaml, and the automation that marks zombie runs
Crashed. Idempotent: run it again after an upgrade.

    python -m deployments.deploy
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from deployments.processes import BIN
from tasks.settings import ROOT, Settings, get_settings

ZOMBIE_AUTOMATION = "Crash zombie flow runs"
# Worker runs send a heartbeat every HEARTBEAT_SECONDS (Prefect's minimum is
# 30); a run silent for ZOMBIE_AFTER is taken for dead (worker killed).
HEARTBEAT_SECONDS = 30
ZOMBIE_AFTER = timedelta(seconds=90)
# Prefect's default is 2 s: a run of a few seconds would post its logs in two
# or three requests, its worker one more.
LOG_BATCH_SECONDS = 5


def ensure_work_pool(name: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))
        except ObjectAlreadyExists:
            pass


def deploy_all(settings: Settings, env: dict) -> None:
    # INVOICE_OCR_PYTHON runs the deployments' launcher (deployments/launcher.py);
    # workers on other machines need the code and this interpreter at the same paths.
    env = {**env, "INVOICE_OCR_ROOT": str(ROOT), "INVOICE_OCR_PYTHON": sys.executable,
           "PREFECT_WORK_POOL": settings.work_pool, "REPROCESS_CRON": settings.reprocess_cron}
    subprocess.run([str(BIN / "prefect"), "--no-prompt", "deploy", "--all"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def ensure_zombie_automation() -> None:
    """Prefect's documented cure for runs left Running by a dead worker, with
    three changes: the watch starts at Pending (a worker killed between
    picking a run up and the run's start leaves it Pending for ever) and at
    Running (a run killed before its first heartbeat reached the server would
    be missed otherwise), and only deployment runs are watched (inline sync
    runs send no heartbeats)."""
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    try:  # replaced on every deploy, so that a changed definition takes effect
        Automation.read(name=ZOMBIE_AUTOMATION).delete()
    except ValueError:
        pass
    Automation(
        name=ZOMBIE_AUTOMATION,
        trigger=EventTrigger(
            after={"prefect.flow-run.Pending", "prefect.flow-run.Running", "prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.Running", "prefect.flow-run.heartbeat", "prefect.flow-run.Completed",
                    "prefect.flow-run.Failed", "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification({"prefect.resource.role": "deployment"}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=ZOMBIE_AFTER,
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED,
                                    message=f"No start or heartbeat for {ZOMBIE_AFTER.seconds} s: the worker died.")],
    ).create()


def worker_argv(settings: Settings, limit: int | None = None) -> list[str]:
    """A Prefect process worker that asks for no more runs than it has free
    slots (deployments/worker.py) under its fork server
    (deployments/forkserver.py), which has imported the flows once and runs
    the flow runs in forks of itself, each running one run after another."""
    argv = [sys.executable, "-m", "deployments.forkserver", sys.executable, "-m", "deployments.worker",
            "worker", "start", "--pool", settings.work_pool, "--type", "process"]
    if limit:
        argv += ["--limit", str(limit)]
    return argv


def worker_env(env: dict) -> dict:
    """The worker's environment: heartbeats on (the zombie automation needs
    them), its poll interval from the settings (environment, .env, default),
    and its runs' logs sent to the API every LOG_BATCH_SECONDS unless the
    environment says otherwise (a run sends what is left as it ends)."""
    settings = Settings.from_env(env)
    return {"PREFECT_LOGGING_TO_API_BATCH_INTERVAL": f"{LOG_BATCH_SECONDS:g}", **env,
            "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS),
            "PREFECT_WORKER_QUERY_SECONDS": f"{settings.worker_query_seconds:g}"}


def main() -> int:
    settings = get_settings()
    ensure_work_pool(settings.work_pool)
    deploy_all(settings, dict(os.environ))
    ensure_zombie_automation()
    print(f"Work pool '{settings.work_pool}', deployments and zombie automation are in place.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
