"""Sharded runs on Prefect workers into a shared warehouse (PostgreSQL catalog, S3 data), end to end.

Real services on 127.0.0.1: the session's Prefect server, two `prefect worker start`
processes of a process work pool, PostgreSQL and SeaweedFS.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from prefect.settings import PREFECT_API_URL

from bench.corpus import build_corpus
from flows.ingest import ingest_inbox
from tests.conftest import REPO, SAMPLES
from tests.flows.conftest import table_hashes
from tests.services import Postgres, S3Server, deploy_shards, kill_worker, prefect_workers
from warehouse.query import run_query

pytestmark = pytest.mark.services
DOCS, SHARDS, POOL = 200, 4, "crisis-etl-test"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 varied documents, and one more file repeating a text under another name."""
    inbox = tmp_path_factory.mktemp("corpus")
    build_corpus(SAMPLES, inbox, DOCS)
    first = sorted(inbox.glob("*.txt"))[0]
    (inbox / "zz-repeat.txt").write_bytes(first.read_bytes())
    return inbox


@pytest.fixture(scope="module")
def deployment() -> str:
    """The process work pool and the ``ingest-shard/crisis-etl`` deployment its workers run."""
    deploy_shards(POOL, PREFECT_API_URL.value())
    return POOL


def _shared_env(postgres: Postgres, s3: S3Server, name: str) -> dict[str, str]:
    return {"CRISIS_ETL_WAREHOUSE_CATALOG": postgres.new_database(name),
            "CRISIS_ETL_WAREHOUSE_DATA": f"{s3.new_bucket(name.replace('_', '-'))}/lake",
            "PREFECT_API_URL": PREFECT_API_URL.value(), "CRISIS_ETL_INGEST_WORKERS": "1",
            "CRISIS_ETL_INGEST_BATCH_SIZE": "5", **s3.env()}


def workers(count: int, env: dict[str, str]):
    return prefect_workers(count, POOL, env, LOGS)


LOGS = Path(os.environ.get("CRISIS_ETL_TEST_LOGS", "/tmp")) / "crisis-etl-test-workers.log"
"""Where the workers write (their flow runs' logs too): read it when a shard fails."""


def sharded_run(inbox: Path, warehouse: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "crisis-etl"), "run", str(inbox), "--warehouse", str(warehouse),
                             "--shards", str(SHARDS)], env={**os.environ, **env}, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_shards_on_two_workers_give_the_rows_of_one_run_even_when_a_worker_dies_mid_shard(
        corpus: Path, deployment: str, tmp_path: Path, postgres: Postgres, s3: S3Server,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_inbox(str(corpus), str(tmp_path / "single"))
    expected = table_hashes(tmp_path / "single")
    assert expected["documents"][0] == DOCS

    env = _shared_env(postgres, s3, "sharded_lake")
    with workers(2, env):
        run = sharded_run(corpus, tmp_path / "sharded", env)
        output = run.communicate(timeout=600)[0]
    assert run.returncode == 0, output + LOGS.read_text(errors="replace")[-3000:]
    assert f"in {SHARDS} shards" in output and output.count("Completed") == SHARDS
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert table_hashes(tmp_path / "sharded") == expected

    env = _shared_env(postgres, s3, "killed_lake")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    crashed = tmp_path / "crashed"
    with workers(2, env) as (victim, survivor):
        run = sharded_run(corpus, crashed, env)
        _until(lambda: psutil.Process(victim.pid).children(recursive=True), 300, "a shard on the first worker")
        time.sleep(8)  # the shard's process imports, loads the model and extracts its first batches
        assert psutil.Process(victim.pid).children(recursive=True), "the shard ended before the kill"
        kill_worker(victim)
        # its run falls silent, the server marks it Crashed, and the shard is dealt to the survivor
        output = run.communicate(timeout=900)[0]
    assert run.returncode == 0, output + LOGS.read_text(errors="replace")[-3000:]
    assert output.count("Completed") == SHARDS and "a worker died" in output, output
    assert table_hashes(crashed) == expected
    with workers(1, env):
        rerun = sharded_run(corpus, crashed, env)
        output = rerun.communicate(timeout=600)[0]
    assert rerun.returncode == 0 and "0 files in 0 shards" in output, output
    assert table_hashes(crashed) == expected
    duplicates = run_query(crashed, "SELECT count(*) - count(DISTINCT doc_id) AS n FROM documents").to_pylist()
    assert duplicates == [{"n": 0}]
