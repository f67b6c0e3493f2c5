"""Fixtures shared by every test folder: the bundled samples and the spaCy pipeline."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from spacy.language import Language

from extract.nlp import load_nlp

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
