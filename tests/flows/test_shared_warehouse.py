"""A shared warehouse: PostgreSQL catalog and data on S3, through the same code as the embedded default."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from prefect.settings import PREFECT_API_URL

from flows.ingest import ingest_inbox
from tests.flows.conftest import table_hashes
from tests.services import Postgres, S3Server
from warehouse.query import QueryRefused, run_query
from warehouse.read import export_parquet

pytestmark = pytest.mark.services


def test_postgres_catalog_and_s3_data_hold_the_rows_of_the_embedded_default(
        inbox: Path, tmp_path: Path, postgres: Postgres, s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_inbox(str(inbox), str(tmp_path / "embedded"))
    bucket = s3.new_bucket("shared-lake")
    for name, value in {"CRISIS_ETL_WAREHOUSE_CATALOG": postgres.new_database("shared_lake"),
                        "CRISIS_ETL_WAREHOUSE_DATA": f"{bucket}/crisis", **s3.env()}.items():
        monkeypatch.setenv(name, value)
    shared = tmp_path / "shared"
    summary = ingest_inbox(str(inbox), str(shared))
    assert summary.documents == 5
    assert table_hashes(shared) == table_hashes(tmp_path / "embedded")
    assert not (shared / ".lock").exists() and not (shared / "data").exists()  # no file lock, no local data
    listing = httpx.get(f"{s3.endpoint}/shared-lake", params={"list-type": "2", "prefix": "crisis/"}).text
    assert "crisis/main/casualties/" in listing and ".parquet" in listing
    assert ingest_inbox(str(inbox), str(shared)).skipped == 5
    export_parquet(shared, tmp_path / "out")
    assert (tmp_path / "out" / "casualties.parquet").stat().st_size > 0
    with pytest.raises(QueryRefused):
        run_query(shared, f"SELECT * FROM read_parquet('{bucket}/elsewhere.parquet')")
    assert run_query(shared, "SELECT count(*) AS n FROM casualties_facts").to_pylist()[0]["n"] > 0


def test_two_runs_started_at_once_on_a_shared_catalog_show_each_text_once(
        inbox: Path, tmp_path: Path, postgres: Postgres, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both runs plan before either commits, so both may store the inbox; the views count each text once."""
    ingest_inbox(str(inbox), str(tmp_path / "embedded"))
    shared = {"CRISIS_ETL_WAREHOUSE_CATALOG": postgres.new_database("twin_runs"),
              "CRISIS_ETL_WAREHOUSE_DATA": str(tmp_path / "lake-data")}
    env = {**os.environ, **shared, "PREFECT_API_URL": PREFECT_API_URL.value()}
    runs = [subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(inbox), "--warehouse",
                              str(tmp_path / "shared")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(2)]
    assert [run.wait(300) for run in runs] == [0, 0], [run.stderr.read().decode()[-3000:] for run in runs]
    for name, value in shared.items():
        monkeypatch.setenv(name, value)
    stored = run_query(tmp_path / "shared", "SELECT sum(documents)::BIGINT AS n FROM loads").to_pylist()[0]["n"]
    assert stored in (5, 10)  # 10 when both planned before either committed, as they do here
    assert table_hashes(tmp_path / "shared") == table_hashes(tmp_path / "embedded")
