"""``crisis.duckdb``: views over the lake, rebuilt in a new file and renamed into place.

DuckDB lets one process write a database file, and an analyst may hold
``crisis.duckdb`` open at any time; building the views in a fresh file and
``os.replace``-ing it means a run never waits for, nor breaks, that reader
(the reader keeps the old file until it reconnects). The views only read
Parquet, so the file holds no data and is cheap to rebuild.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

import schemas
from warehouse.lake import LOADS, Lake
from warehouse.types import duckdb_columns

DB_NAME = "crisis.duckdb"


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _empty_select(table: str) -> str:
    cols = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in duckdb_columns(schemas.TABLES[table]))
    return f"SELECT {cols} WHERE false"


def view_sql(lake: Lake, table: str) -> str:
    """The view of one table: its committed Parquet files, or a typed empty relation."""
    if not lake.files(table):
        return f"CREATE VIEW {table} AS {_empty_select(table)}"
    source = f"read_parquet({_quote(lake.table_dir(table) / '*.parquet')}, union_by_name = true)"
    names = ", ".join(name for name, _ in duckdb_columns(schemas.TABLES[table]))
    if table == LOADS:
        return f"CREATE VIEW {table} AS SELECT {names} FROM {source}"
    return (f"CREATE VIEW {table} AS SELECT {names} FROM {source} "
            f"WHERE load_id IN (SELECT load_id FROM {LOADS} WHERE status = 'completed')")


def build_views(root: Path) -> Path:
    """(Re)create ``<root>/crisis.duckdb`` with one view per table; idempotent."""
    lake = Lake(root)
    final = lake.root / DB_NAME
    for stale in lake.root.glob(f".{DB_NAME}.*.tmp"):  # left by a killed run; we hold the lock
        stale.unlink()
    tmp = lake.root / f".{DB_NAME}.{os.getpid()}.tmp"
    with duckdb.connect(str(tmp)) as con:
        for table in sorted(schemas.TABLES, key=lambda t: t != LOADS):  # the others filter on loads
            con.execute(view_sql(lake, table))
    os.replace(tmp, final)
    return final
