"""``crisis.duckdb``: views over the lake, rebuilt in a new file and renamed into place.

DuckDB lets one process write a database file, and an analyst may hold
``crisis.duckdb`` open at any time; building the views in a fresh file and
``os.replace``-ing it means a run never waits for, nor breaks, that reader
(the reader keeps the old file until it reconnects). The views only read
Parquet, so the file holds no data and is cheap to rebuild.

After one view per table come the analyst views declared in ``sql/*.sql``
(``<table>_facts`` and their helpers), run in file-name order so a file may
use the views of the files before it. Last, the incident tables
(``casualty_incidents``, ``displacement_incidents``; see ``incidents``) are
computed from the facts views: the one thing the file stores, small and
rebuilt with it.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

import schemas
from warehouse.incidents import build_incidents
from warehouse.lake import LOADS, Lake
from warehouse.types import duckdb_columns

DB_NAME = "crisis.duckdb"
SQL_DIR = Path(__file__).with_name("sql")


def sql_literal(value: Path | str) -> str:
    """``value`` as a SQL string literal (paths go into DuckDB statements this way)."""
    return "'" + str(value).replace("'", "''") + "'"


def analyst_sql() -> list[Path]:
    """The analyst views' SQL files, in the order they must run."""
    return sorted(SQL_DIR.glob("*.sql"))


def _empty_select(table: str) -> str:
    cols = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in duckdb_columns(schemas.TABLES[table]))
    return f"SELECT {cols} WHERE false"


_COMMITTED = f"load_id IN (SELECT load_id FROM {LOADS} WHERE status = 'completed')"
_NEWEST_EXTRACTION = {
    # A document's newest extraction is its newest committed load of sections:
    # reprocessing writes new sections and facts, and old facts drop out of view.
    "sections": f"{_COMMITTED} QUALIFY load_id = max(load_id) OVER (PARTITION BY doc_id)",
    **{t: "(doc_id, load_id) IN (SELECT DISTINCT doc_id, load_id FROM sections)" for t in schemas.FACT_TABLES},
}
VIEW_ORDER = (LOADS, "sections")
"""Views the others read from are created first."""


def view_sql(lake: Lake, table: str) -> str:
    """The view of one table: committed rows of its Parquet files, or a typed empty relation."""
    if not lake.files(table):
        return f"CREATE VIEW {table} AS {_empty_select(table)}"
    source = f"read_parquet({sql_literal(lake.table_dir(table) / '*.parquet')}, union_by_name = true)"
    names = ", ".join(name for name, _ in duckdb_columns(schemas.TABLES[table]))
    where = "true" if table == LOADS else _NEWEST_EXTRACTION.get(table, _COMMITTED)
    return f"CREATE VIEW {table} AS SELECT {names} FROM {source} WHERE {where}"


def build_views(root: Path) -> Path:
    """(Re)create ``<root>/crisis.duckdb`` with one view per table, the analyst views and the incident
    tables; idempotent."""
    lake = Lake(root)
    final = lake.root / DB_NAME
    for stale in lake.root.glob(f".{DB_NAME}.*.tmp"):  # left by a killed run; we hold the lock
        stale.unlink()
    tmp = lake.root / f".{DB_NAME}.{os.getpid()}.tmp"
    with duckdb.connect(str(tmp)) as con:
        for table in [*VIEW_ORDER, *(t for t in schemas.TABLES if t not in VIEW_ORDER)]:
            con.execute(view_sql(lake, table))
        for script in analyst_sql():
            con.execute(script.read_text(encoding="utf-8"))
        build_incidents(con)
    os.replace(tmp, final)
    return final
