"""The Prefect server's defaults (deployments/processes.SERVER_DEFAULTS): real
settings of the installed Prefect, which a name it does not know would not
be, and under what the environment sets."""
from __future__ import annotations

from datetime import timedelta

from prefect.settings import Settings

from deployments.processes import SERVER_DEFAULTS, prefect_server_env


def test_the_defaults_are_prefect_settings_the_server_takes(monkeypatch):
    for name, value in prefect_server_env({}).items():
        monkeypatch.setenv(name, value)
    recorder = Settings().server.services.task_run_recorder
    assert (recorder.batch_size, recorder.read_batch_size) == (100, 100)
    assert recorder.flush_interval in (1, timedelta(seconds=1))
    assert Settings().server.services.late_runs.after_seconds in (600, timedelta(minutes=10))


def test_the_environment_overrides_a_default():
    name = next(iter(SERVER_DEFAULTS))
    env = prefect_server_env({name: "7", "PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert env[name] == "7" and env["PREFECT_API_URL"] == "http://127.0.0.1:9/api"
    assert set(SERVER_DEFAULTS) <= set(env)


def test_the_compose_file_gives_its_prefect_server_the_same_defaults():
    """docker-compose.yml starts `prefect server start` itself, without
    deployments/processes.py: it carries SERVER_DEFAULTS as they are."""
    import yaml

    from tasks.settings import ROOT

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    environment = compose["services"]["prefect-server"]["environment"]
    assert {name: str(environment.get(name)) for name in SERVER_DEFAULTS} == SERVER_DEFAULTS
