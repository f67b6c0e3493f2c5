"""Fixtures shared by every test folder: the bundled samples and the spaCy pipeline."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from extract.nlp import load_nlp
from tests.services import Postgres, S3Server, postgres_cluster, s3_server

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The configured spaCy pipeline, loaded once per test session."""
    return load_nlp()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A private copy of the bundled sample documents (with their sidecars)."""
    target = tmp_path / "inbox"
    shutil.copytree(SAMPLES, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL cluster on 127.0.0.1 for the session (skips the test where PostgreSQL is not installed)."""
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """An S3 server on 127.0.0.1 for the session (skips the test where SeaweedFS is not installed)."""
    with s3_server() as server:
        yield server
