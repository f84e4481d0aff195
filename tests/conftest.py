"""Shared fixtures. Prefect is pointed at a real server that the session
starts on a free port (only when a test asks for it), never at an ephemeral
one, and keeps its state in a temporary folder."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deployments.processes import point_prefect_at_temporary_server, temporary_prefect_server

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "dev"
SCHEMA_PATH = ROOT / "docs" / "contract" / "analysis.schema.json"


# Set before Prefect is imported anywhere: its settings are read at import.
point_prefect_at_temporary_server()
os.environ.update({
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "ENV_FILE": os.devnull,  # tests never read a developer's .env
})


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect server on PostgreSQL for the whole session; yields its API URL."""
    from tests.databases import prefect_server_database

    # A start-up limit, not a speed check: migrations take minutes on a loaded machine.
    with prefect_server_database() as database_url, \
            temporary_prefect_server(timeout=600, database_url=database_url) as api_url:
        yield api_url


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
