"""Flow tests run real Prefect flow runs against a temporary Prefect server."""
from __future__ import annotations

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
