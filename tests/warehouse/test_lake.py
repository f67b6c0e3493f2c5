"""The lake's commit protocol and the DuckDB views over it."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

import schemas
from warehouse.lake import Lake
from warehouse.views import build_views


def _doc(load_id: str, doc_id: str = "a" * 64) -> pd.DataFrame:
    row = dict(doc_id=doc_id, source_uri="x.txt", title="t", published_date=None, text="text", n_chars=4,
               ingested_at=datetime.now(UTC), load_id=load_id)
    return schemas.Documents.validate(pd.DataFrame([row]))


def _load_row(load_id: str) -> pd.DataFrame:
    now = datetime.now(UTC)
    row = dict(load_id=load_id, flow_run_id=None, started_at=now, finished_at=now, status="completed",
               extractor_version="test", documents=1, skipped=0, reprocessed=0, sections=0, refugees=0, casualties=0,
               statements=0, rejects=0)
    return schemas.Loads.validate(pd.DataFrame([row]))


def _count(root: Path, table: str) -> int:
    with duckdb.connect(str(root / "crisis.duckdb"), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_empty_warehouse_has_typed_empty_views(tmp_path: Path) -> None:
    build_views(tmp_path)
    with duckdb.connect(str(tmp_path / "crisis.duckdb"), read_only=True) as con:
        kinds = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'refugees'").fetchall())
    assert kinds["figure"] == "BIGINT" and kinds["qualifier"] == "VARCHAR"
    assert _count(tmp_path, "refugees") == 0


def test_files_of_an_uncommitted_load_are_invisible_then_removed(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.stage("L1", "documents", 1, _doc("L1"))
    lake._merge_parts("L1", "documents")  # killed here: table published, loads row never written
    build_views(tmp_path)
    assert _count(tmp_path, "documents") == 0
    assert lake.recover() == [tmp_path / "lake" / "documents" / "L1.parquet"]


def test_commit_is_idempotent(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.stage("L1", "documents", 1, _doc("L1"))
    lake.commit("L1", _load_row("L1"))
    lake.commit("L1", _load_row("L1"))  # a retried commit must not replace the data with nothing
    build_views(tmp_path)
    assert _count(tmp_path, "documents") == 1
    assert lake.column_values("documents", "doc_id") == {"a" * 64}


def test_views_rebuild_while_an_analyst_holds_the_database_open(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.stage("L1", "documents", 1, _doc("L1"))
    lake.commit("L1", _load_row("L1"))
    build_views(tmp_path)
    analyst = duckdb.connect(str(tmp_path / "crisis.duckdb"), read_only=True)
    try:
        lake.stage("L2", "documents", 1, _doc("L2", "b" * 64))
        lake.commit("L2", _load_row("L2"))
        build_views(tmp_path)  # must neither wait for nor break the open reader
        assert analyst.execute("SELECT count(*) FROM documents").fetchall() == [(2,)]
    finally:
        analyst.close()
    assert _count(tmp_path, "documents") == 2
