"""The warehouse for notebooks and plain files: ``read_table`` and ``export_parquet``.

Both read one lake snapshot through the locked-down query connection, so a
notebook sees whole loads only, the rows of the newest extraction, and the
same analyst views as ``crisis-etl sql``::

    from warehouse.read import read_table
    casualties = read_table("casualties_facts", warehouse="warehouse")
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

import schemas
from config.settings import load_settings
from warehouse.incidents import INCIDENT_TABLES
from warehouse.lake import Location
from warehouse.query import QueryError, connect, execute


def _view_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables and views an analyst may read (the incident tables are tables, the rest views)."""
    return {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                            "UNION SELECT table_name FROM duckdb_tables()").fetchall()}


def read_table(name: str, warehouse: Path | str | None = None, as_of: str | None = None) -> pd.DataFrame:
    """Every row of a table or analyst view (``casualties_facts``, ``documents``, ...) as a DataFrame.

    ``warehouse`` defaults to the setting ``paths.warehouse``; ``as_of`` names a
    load id or snapshot number, for an analysis that cites the data it used.
    """
    location = load_settings().location(warehouse)
    with connect(location, as_of=as_of, incidents=name in INCIDENT_TABLES) as con:
        if name not in _view_names(con):
            raise QueryError(f"no table or view {name!r}: expected one of {', '.join(sorted(_view_names(con)))}")
        return execute(con, f'SELECT * FROM "{name}"').to_pandas()


def export_parquet(warehouse: Path | Location, out: Path, as_of: str | None = None) -> list[Path]:
    """Write ``OUT/<table>.parquet`` for every table, all of one snapshot; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(warehouse, as_of=as_of) as con:
        for table in schemas.TABLES:
            written.append(out / f"{table}.parquet")
            pq.write_table(execute(con, f"SELECT * FROM {table}"), written[-1])
    return written
