"""Flow tests run real Prefect flow runs against a temporary Prefect server."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    """One temporary Prefect server and database for the whole session (~9 s to start)."""
    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(autouse=True)
def one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extract in-process by default: worker start-up would dominate these tiny inboxes."""
    monkeypatch.setenv("CRISIS_ETL_INGEST_WORKERS", "1")


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Run ``sql`` on the warehouse's DuckDB file, as an analyst would."""
    with duckdb.connect(str(warehouse / "crisis.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def table_hashes(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Per table, its row count and a hash of its sorted rows, without what differs between runs
    (load ids, times, flow run ids): two warehouses loaded from one inbox must agree."""
    from warehouse.query import connect, execute

    out = {}
    with connect(warehouse) as con:
        for table in ("documents", "sections", "refugees", "casualties", "statements", "rejects"):
            names = execute(con, f"SELECT * FROM {table} LIMIT 0").column_names
            columns = [n for n in names if n not in ("load_id", "ingested_at", "detail")]
            if "detail" in names:  # a rejected row's JSON carries its load id
                columns.append("regexp_replace(detail, '\"load_id\": \"[^\"]*\"', '') AS detail")
            rows = execute(con, f"SELECT {', '.join(columns)} FROM {table}").to_pylist()
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            out[table] = (len(rows), digest)
    return out
