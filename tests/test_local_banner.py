"""What `make run` prints: where the API key is, never the key, and a curl
whose header reads it back; and the settings it refuses to start with."""
import base64
import re
import subprocess

from deployments.local import banner, setting_problems
from tasks.settings import Settings

KEY = "k3y-Only_The-Caller-Knows"


def _header_value(text: str, environ: dict) -> str:
    """The X-API-Key header of the banner's curl, as bash expands it."""
    header = re.search(r'-H "(X-API-Key: [^"]*)"', text).group(1)
    return subprocess.run(["bash", "-c", f'printf %s "{header}"'], env=environ, capture_output=True,
                          text=True, check=True).stdout.removeprefix("X-API-Key: ")


def test_a_key_from_the_environment_is_named_not_printed():
    environ = {"API_KEY": KEY, "PATH": "/usr/bin:/bin"}
    text = banner("http://127.0.0.1:8000", "http://127.0.0.1:4200/api", environ)
    assert KEY not in text
    assert "API_KEY in the environment" in text
    assert "Prefect UI  : http://127.0.0.1:4200\n" in text
    assert _header_value(text, environ) == KEY


def test_a_key_from_the_env_file_is_read_back_by_the_curl(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"PORT=8000\nAPI_KEY={KEY},second-key\nWEBHOOK_TOKEN=t\n")
    environ = {"ENV_FILE": str(env_file), "PATH": "/usr/bin:/bin"}
    text = banner("http://127.0.0.1:8000", "http://127.0.0.1:4200/api", environ)
    assert KEY not in text and "second-key" not in text
    assert str(env_file) in text
    assert _header_value(text, environ) == KEY


def test_make_run_names_what_would_stop_every_call_or_every_delivery(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("")
    broken = Settings.from_env({"API_KEY": "", "WEBHOOK_SECRET": "whsec_not*base64"}, env_file=env_file)
    problems = setting_problems(broken)
    assert any("API_KEY" in problem for problem in problems)
    assert any("WEBHOOK_SECRET" in problem for problem in problems)
    assert not any("not*base64" in problem for problem in problems)

    for secret in ("", "whsec_" + base64.b64encode(b"0123456789abcdef").decode(), "any plain string"):
        fine = Settings.from_env({"API_KEY": KEY, "WEBHOOK_SECRET": secret}, env_file=env_file)
        assert setting_problems(fine) == []
