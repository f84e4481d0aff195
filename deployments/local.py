"""`make run`: the whole stack on this machine, in the foreground.

A Prefect server (SQLite under var/prefect) unless PREFECT_API_URL points at
one, the work pool and deployments, a worker, and the API under gunicorn on
HOST:PORT. Ctrl-C stops everything it started (worker before server).
"""
from __future__ import annotations

import os
import signal
import sys
import time

from deployments import deploy
from deployments.processes import (
    OFFLINE_ENV, Stack, gunicorn_argv, prefect_server_argv, prefect_server_env, wait_http)
from tasks.notify import signing_key
from tasks.settings import ROOT, env_file_of, get_settings

VAR = ROOT / "var"


def main() -> int:
    settings = get_settings()
    problems = setting_problems(settings)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    # Before Prefect is first imported (deploy imports it lazily): it reads these once.
    os.environ.update(OFFLINE_ENV, PREFECT_HOME=str(VAR / "prefect"))
    env = dict(os.environ)
    stack = Stack(env=env, log_dir=VAR / "log")
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        api_url = settings.prefect_api_url
        if not api_url:
            api_url = f"http://127.0.0.1:{settings.prefect_port}/api"
            print(f"Starting the Prefect server on 127.0.0.1:{settings.prefect_port} (SQLite)…", flush=True)
            server = stack.start("prefect-server", prefect_server_argv("127.0.0.1", settings.prefect_port),
                                 env=prefect_server_env(env))
            wait_http(f"{api_url}/health", timeout=180, process=server)
        env["PREFECT_API_URL"] = api_url
        os.environ["PREFECT_API_URL"] = api_url

        print(f"Deploying to the work pool '{settings.work_pool}'…", flush=True)
        deploy.ensure_work_pool(settings.work_pool)
        deploy.deploy_all(settings, env)
        deploy.ensure_zombie_automation()
        stack.start("worker", deploy.worker_argv(settings, settings.worker_limit), env=deploy.worker_env(env))

        print(f"Starting the API on {settings.host}:{settings.port}…", flush=True)
        api = stack.start("api", gunicorn_argv())
        base = f"http://{settings.host}:{settings.port}"
        wait_http(f"{base}/health", timeout=120, headers={"X-API-Key": settings.api_keys[0]}, process=api)
        print(banner(base, api_url, os.environ), flush=True)

        while not stopping:
            dead = stack.dead()
            if dead:
                print(f"Stopped unexpectedly: {', '.join(dead)} (logs in {VAR / 'log'})", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        print("Stopping…", flush=True)
        stack.stop_all()


def setting_problems(settings) -> list[str]:
    """Settings that would make the service refuse every call or accept jobs
    whose outcome it could never deliver; better said before it starts."""
    problems = []
    if not settings.api_keys:
        problems.append("API_KEY is empty: set it in the environment or in .env")
    if settings.webhook_secret:
        try:
            signing_key(settings.webhook_secret)
        except ValueError as error:
            problems.append(str(error))
    return problems


def banner(base: str, api_url: str, environ) -> str:
    """What `make run` prints once the API answers. It names where the API key
    is rather than printing it: this output is a log too (a terminal's
    scroll-back, a container's log)."""
    sample = ROOT / "tests" / "corpus" / "dev" / "dev-010.pdf"
    ui = api_url[: -len("/api")] if api_url.endswith("/api") else api_url
    if environ.get("API_KEY"):
        where, key = "API_KEY in the environment that started `make run`", "$API_KEY"
    else:
        env_file = env_file_of(environ)
        where, key = f"API_KEY in {env_file}", f"$(sed -n 's/^API_KEY=//p' {env_file} | cut -d, -f1)"
    return f"""
Invoice OCR API ready on {base}

  API key     : {where} (not shown)
  Prefect UI  : {ui}
  Logs        : {VAR / 'log'}

Try it on a bundled sample bill:

  curl -s -X POST {base}/v1/invoices/pdf \\
    -H "X-API-Key: {key}" \\
    -F file=@{sample} -F type=auto | python3 -m json.tool | head -40

Ctrl-C stops everything.
"""


if __name__ == "__main__":
    sys.exit(main())
