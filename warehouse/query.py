"""Read-only queries over the warehouse, for the command line and notebooks."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from warehouse.views import DB_NAME


class QueryError(RuntimeError):
    """A query that could not run: no warehouse yet, or DuckDB refused it."""


def run_query(root: Path, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of ``query`` on a read-only connection to ``<root>/crisis.duckdb``."""
    db = Path(root) / DB_NAME
    if not db.exists():
        raise QueryError(f"no warehouse at {db}: run `crisis-etl run` first")
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            cursor = con.execute(query)
            return [d[0] for d in cursor.description or []], cursor.fetchall()
    except duckdb.Error as err:
        raise QueryError(str(err)) from None
