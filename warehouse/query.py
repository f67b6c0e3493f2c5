"""Read-only queries over the warehouse, for the command line, the report and notebooks.

A query is whatever an analyst typed, so it runs on a connection that can read
the warehouse and nothing else, following DuckDB's "Securing DuckDB" guide:
external access off except for the lake's data files (which the views
read), configuration locked, memory capped. DuckDB cannot tell reading the
data folder from writing into it, so statements other than queries (COPY,
ATTACH, INSTALL, LOAD, SET, ...) are refused before they reach it. Results are
written to files by Python (``encode``), never by DuckDB.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pyarrow
import pyarrow.parquet as pq

from config.settings import load_settings
from warehouse.lake import connect_lake
from warehouse.views import snapshot_sql, sql_literal

MEMORY_LIMIT = "2GB"
FILE_FORMATS = ("csv", "json", "parquet")
"""Formats ``encode`` writes; the command line adds ``table`` for the terminal."""
_QUERIES = {duckdb.StatementType.SELECT}
"""SELECT also covers WITH, FROM-first, VALUES, DESCRIBE, SHOW and SUMMARIZE."""


class QueryError(RuntimeError):
    """A query that could not run: no warehouse yet, or DuckDB failed it."""


class QueryRefused(QueryError):
    """A statement or file access the locked-down connection does not allow."""


def connect(root: Path, memory_limit: str = MEMORY_LIMIT, as_of: str | None = None) -> duckdb.DuckDBPyConnection:
    """A locked-down connection whose views show one lake snapshot: ``as_of`` (a load id or snapshot), else the latest.

    The views live in a private in-memory instance, built from the snapshot's
    file list: DuckDB shares one instance, settings included, between a
    process's connections to the same file, so locking a connection to
    ``crisis.duckdb`` would also lock an analyst's own one.
    """
    location = load_settings().location(root)
    try:
        with connect_lake(location, as_of) as lake:
            statements = snapshot_sql(lake, lake.current_snapshot())
    except (FileNotFoundError, LookupError) as err:
        raise QueryError(str(err)) from None
    con = location.connect()
    for statement in [*statements,
                      f"SET allowed_directories = [{sql_literal(location.data)}]",
                      "SET enable_external_access = false",
                      f"SET memory_limit = {sql_literal(memory_limit)}",
                      "SET lock_configuration = true"]:
        con.execute(statement)
    return con


def _refuse_statements(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Raise QueryRefused unless every statement of ``query`` is a query."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as err:
        raise QueryError(str(err)) from None
    if not statements:
        raise QueryError("empty query")
    for statement in statements:
        if statement.type not in _QUERIES:
            multi = statement.type == duckdb.StatementType.MULTI
            verb = "PIVOT and other multi-step" if multi else statement.query.split()[0].upper()
            raise QueryRefused(f"refused: {verb} statements are not allowed; the warehouse connection only "
                               "runs read-only queries (SELECT, WITH, DESCRIBE, SUMMARIZE); to save a result "
                               "use --format csv|json|parquet --output FILE")


def execute(con: duckdb.DuckDBPyConnection, query: str) -> pyarrow.Table:
    """The result of ``query`` on a connection from ``connect``, refused or failed with a clear message."""
    _refuse_statements(con, query)
    try:
        return con.sql(query).to_arrow_table()
    except duckdb.PermissionException as err:
        raise QueryRefused(f"refused: queries may read only the warehouse's own data files: {err}") from None
    except duckdb.Error as err:
        raise QueryError(str(err)) from None


def run_query(root: Path, query: str, as_of: str | None = None) -> pyarrow.Table:
    """The result of ``query`` on a locked-down, read-only connection to the warehouse at ``root`` (``as_of``: see ``connect``)."""
    with connect(root, as_of=as_of) as con:
        return execute(con, query)


def _json_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def encode(result: pyarrow.Table, fmt: str) -> bytes:
    """``result`` as the bytes of a CSV (with header), JSON (array of objects) or Parquet file."""
    if fmt == "csv":
        return result.to_pandas().to_csv(index=False).encode("utf-8")
    if fmt == "json":
        return json.dumps(result.to_pylist(), default=_json_value, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    if fmt == "parquet":
        buffer = io.BytesIO()
        pq.write_table(result, buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FILE_FORMATS)}")
