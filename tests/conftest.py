"""Shared fixtures. Prefect is pointed at a real server that the session
starts on a free port (only when a test asks for it), never at an ephemeral
one, and keeps its state in a temporary folder."""
from __future__ import annotations

import json
import os
import socket
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "dev"
SCHEMA_PATH = ROOT / "docs" / "contract" / "analysis.schema.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Set before Prefect is imported anywhere: its settings are read at import.
_PREFECT_HOME = tempfile.mkdtemp(prefix="prefect-test-")
_PREFECT_PORT = free_port()
os.environ.update({
    "PREFECT_HOME": _PREFECT_HOME,
    "PREFECT_API_URL": f"http://127.0.0.1:{_PREFECT_PORT}/api",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "OMP_THREAD_LIMIT": "1",
    "ENV_FILE": os.devnull,  # tests never read a developer's .env
})


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect server (SQLite) for the whole session; yields its API URL."""
    from deployments.processes import OFFLINE_ENV, Stack, prefect_server_argv, wait_http

    stack = Stack(env={**os.environ, **OFFLINE_ENV}, log_dir=Path(_PREFECT_HOME) / "log")
    server = stack.start("prefect-server", prefect_server_argv("127.0.0.1", _PREFECT_PORT))
    api_url = os.environ["PREFECT_API_URL"]
    try:
        wait_http(f"{api_url}/health", timeout=180, process=server)
        yield api_url
    finally:
        stack.stop_all()


@pytest.fixture(scope="session")
def analysis_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def validate_analysis(analysis_schema):
    import jsonschema

    validator = jsonschema.Draft202012Validator(analysis_schema)

    def validate(analysis: dict) -> None:
        errors = sorted(validator.iter_errors(analysis), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])

    return validate


def corpus_documents() -> list[dict]:
    """The dev corpus' ground truths, each with absolute `paths` to its files."""
    docs = []
    for path in sorted(CORPUS.glob("dev-*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        truth["paths"] = [CORPUS / name for name in truth["files"]]
        truth["kind"] = "pdf" if truth["files"][0].endswith(".pdf") else "images"
        docs.append(truth)
    return docs
