"""An inbox on object storage (``s3://bucket/prefix``) loads like the same files in a folder.

Real services on 127.0.0.1: SeaweedFS's S3 gateway holds the inbox; the warehouse is the embedded default.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL

from tests.conftest import REPO, SAMPLES
from tests.services import S3Server
from warehouse.query import run_query

pytestmark = pytest.mark.services
BIN = Path(sys.executable).parent
FACTS = ("SELECT d.title, d.published_date, c.figure, c.outcome, c.char_start FROM casualties c "
         "JOIN documents d USING (doc_id) ORDER BY ALL")


def _run(inbox: str, warehouse: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "crisis-etl"), "run", inbox, "--warehouse", str(warehouse)], cwd=REPO,
                          env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), **env},
                          capture_output=True, text=True, timeout=600)


def _upload(s3: S3Server, prefix: str, folder: Path) -> None:
    for path in sorted(folder.glob("*")):
        if path.is_file() and not path.name.endswith(".md"):
            s3.put(f"{prefix}/{path.name}", path.read_bytes())


def test_an_s3_inbox_loads_what_the_same_folder_loads_and_rejects_what_it_rejects(
        s3: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for path in SAMPLES.glob("*"):
        if not path.name.endswith(".md"):
            (folder / path.name).write_bytes(path.read_bytes())
    (folder / "big.txt").write_bytes(b"x " * 150_000)
    (folder / "dated.txt").write_text("Ten people were killed in Aleppo on Monday.\n")
    (folder / "dated.meta.json").write_text(json.dumps({"title": "Dated", "published_date": "2016-02-10"}))
    (folder / "bad.txt").write_text("Five people were killed.\n")
    (folder / "bad.meta.json").write_text("{not json")
    bucket = s3.new_bucket("objects-inbox")
    _upload(s3, f"{bucket}/news", folder)
    env = {**s3.env(), "CRISIS_ETL_INGEST_MAX_BYTES": "200000"}

    from_folder = _run(str(folder), tmp_path / "from-folder", env)
    from_objects = _run(f"{bucket}/news/", tmp_path / "from-objects", env)
    assert from_folder.returncode == from_objects.returncode == 2, from_objects.stdout + from_objects.stderr
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reasons = "SELECT regexp_replace(source_uri, '^.*/', '') AS name, reason FROM rejects ORDER BY ALL"
    assert run_query(tmp_path / "from-objects", reasons).to_pylist() == \
        run_query(tmp_path / "from-folder", reasons).to_pylist()
    assert {r["name"] for r in run_query(tmp_path / "from-objects", reasons).to_pylist()} >= {"big.txt", "bad.txt"}
    assert run_query(tmp_path / "from-objects", FACTS).to_pylist() == run_query(tmp_path / "from-folder", FACTS).to_pylist()
    uris = run_query(tmp_path / "from-objects", "SELECT source_uri FROM documents").column("source_uri").to_pylist()
    assert uris and all(u.startswith(f"{bucket}/news/") for u in uris)

    again = _run(f"{bucket}/news", tmp_path / "from-objects", env)
    assert again.returncode == 0, again.stdout + again.stderr  # loaded texts and unchanged bad objects are skipped
    assert run_query(tmp_path / "from-objects", "SELECT count(*) AS n FROM loads").to_pylist() == [{"n": 2}]
