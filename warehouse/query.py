"""Read-only queries over the warehouse, for the command line, the report and notebooks.

A query is whatever an analyst typed, so it runs on a connection that can read
the warehouse's data and nothing else, following DuckDB's "Securing DuckDB"
guide: external access off except for the lake's data files (which the views
read), configuration locked, memory and temporary disk capped. The rest is
checked before DuckDB sees the query, since DuckDB cannot tell reading the
data files from writing into them, and allows a few files of its own whatever
the settings (its temporary directory):

- statements other than queries (COPY, ATTACH, INSTALL, LOAD, SET, ...) are refused;
- table functions are allowed from a list (``TABLE_FUNCTIONS``): generators, Parquet
  readers, catalog listings; not ``read_text``/``read_blob`` (which would read the
  temporary directory), ``checkpoint``, ``query`` (SQL in a string) and the like;
- spill goes to a private, empty temporary directory, removed when the connection goes;
- a query runs for at most a time limit, and stops on SIGINT/SIGTERM: both interrupt
  DuckDB from a watcher thread, since a signal handler cannot run while DuckDB works.

Results stream out in record batches (``open_result``) and are written to files by
Python (``write_result``), never by DuckDB.
"""
from __future__ import annotations

import csv
import io
import json
import os
import select
import shutil
import signal
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import pyarrow as pyarrow
import pyarrow.csv
import pyarrow.parquet as pq

from config.settings import load_settings
from warehouse.incidents import INCIDENT_TABLES, build_incidents
from warehouse.lake import Location, connect_lake
from warehouse.views import snapshot_sql, sql_literal

MEMORY_LIMIT = "2GB"
BATCH_ROWS = 65_536
"""Rows per record batch a result streams in."""
FILE_FORMATS = ("csv", "json", "parquet")
"""Formats ``write_result`` writes; the command line adds ``table`` for the terminal."""
_QUERIES = {duckdb.StatementType.SELECT}
"""SELECT also covers WITH, FROM-first, VALUES, DESCRIBE, SHOW and SUMMARIZE."""
TABLE_FUNCTIONS = frozenset({
    "range", "generate_series", "unnest", "repeat", "repeat_row", "json_each", "json_tree",
    "read_parquet", "parquet_scan", "parquet_metadata", "parquet_schema", "parquet_file_metadata",
    "parquet_kv_metadata", "duckdb_columns", "duckdb_constraints", "duckdb_functions", "duckdb_keywords",
    "duckdb_schemas", "duckdb_tables", "duckdb_types", "duckdb_views", "pragma_table_info", "pragma_version",
})
"""Table functions a query may call: everything else may touch files, settings or the database itself."""
TEMP_PREFIX = "crisis-etl-query-"


class QueryError(RuntimeError):
    """A query that could not run: no warehouse yet, or DuckDB failed it."""


class QueryRefused(QueryError):
    """A statement or file access the locked-down connection does not allow."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was interrupted."""


class QueryInterrupted(QueryError):
    """A signal interrupted the query. DuckDB may have run the signal's Python handler itself
    (and dropped what it raised): the caller asks whoever handles signals which one it was."""


@dataclass(frozen=True)
class Limits:
    """What one connection's queries may use (settings ``query.*``)."""

    timeout_s: float = 60.0
    max_temp_directory_size: str = "4GB"
    memory_limit: str = MEMORY_LIMIT


def _remove_stale_temp_dirs(parent: Path) -> None:
    """Remove the temporary directories of query processes that were killed (their pid is in the name)."""
    for folder in parent.glob(f"{TEMP_PREFIX}*-*"):
        pid = folder.name.removeprefix(TEMP_PREFIX).split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def private_temp_dir() -> Path:
    """A new empty directory only this process uses, for DuckDB's spill (DuckDB lets queries read it)."""
    parent = Path(tempfile.gettempdir())
    _remove_stale_temp_dirs(parent)
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=parent))


def reads_incidents(query: str) -> bool:
    """Whether ``query`` may read an incident table (names one, or lists the tables)."""
    text = query.lower()
    return any(word in text for word in (*INCIDENT_TABLES, "show", "describe", "duckdb_tables", "information_schema"))


def locate(where: Path | Location) -> Location:
    """A warehouse folder's location from the settings (catalog and data may be elsewhere), or ``where`` itself."""
    return where if isinstance(where, Location) else load_settings().location(where)


def connect(where: Path | Location, limits: Limits = Limits(), as_of: str | None = None,
            incidents: bool = False) -> duckdb.DuckDBPyConnection:
    """A locked-down connection whose views show one lake snapshot: ``as_of`` (a load id or snapshot), else the latest.

    ``where``: a warehouse folder (its location from the settings) or a location. The
    views live in a private in-memory instance, built from the snapshot's file list:
    DuckDB shares one instance, settings included, between a process's connections to
    the same file, so locking a connection to ``crisis.duckdb`` would also lock an
    analyst's own one. The incident tables cost a grouping pass over the facts, so they
    are computed only when asked (``incidents``, see ``reads_incidents``). Its temporary
    directory is removed when the connection is garbage-collected or the process exits.
    """
    location = locate(where)
    try:
        with connect_lake(location, as_of) as lake:
            statements = snapshot_sql(lake, lake.current_snapshot())
    except (FileNotFoundError, LookupError) as err:
        raise QueryError(str(err)) from None
    temp_dir = private_temp_dir()
    con = location.connect()
    weakref.finalize(con, shutil.rmtree, temp_dir, ignore_errors=True)
    for statement in statements:
        con.execute(statement)
    if incidents:
        build_incidents(con)
    for statement in (
        f"SET temp_directory = {sql_literal(temp_dir)}",
        f"SET max_temp_directory_size = {sql_literal(limits.max_temp_directory_size)}",
        f"SET allowed_directories = [{sql_literal(location.data)}]",
        "SET enable_external_access = false",
        f"SET memory_limit = {sql_literal(limits.memory_limit)}",
        "SET lock_configuration = true",
    ):
        con.execute(statement)
    return con


_REFUSED = ("refused: {what} not allowed; the warehouse connection only runs read-only queries "
            "(SELECT, WITH, DESCRIBE, SUMMARIZE) over its views and Parquet; to save a result "
            "use --format csv|json|parquet --output FILE")


def _first_words(query: str) -> Iterator[str]:
    """The first word of each statement of ``query``, from DuckDB's tokenizer (comments skipped)."""
    start = True
    for offset, kind in duckdb.tokenize(query):
        word = query[offset:].split(None, 1)[0] if query[offset:].strip() else ""
        if start:
            yield word.rstrip(";").upper()
        start = kind == duckdb.token_type.operator and word.startswith(";")


def _refuse_statements(query: str) -> None:
    """Raise QueryRefused unless every statement of ``query`` is a query.

    IMPORT is refused by its first word: DuckDB reads the files it names while merely
    splitting the text into statements. A PIVOT expands to several statements (DuckDB 1.5
    gives them without text), so it is named by its first word too.
    """
    words = list(_first_words(query))
    if "IMPORT" in words:
        raise QueryRefused(_REFUSED.format(what="IMPORT statements are"))
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as err:
        raise QueryError(str(err)) from None
    if not statements:
        raise QueryError("empty query")
    for statement in statements:
        if statement.type not in _QUERIES:
            multi = statement.type == duckdb.StatementType.MULTI or not statement.query.strip()
            verb = "PIVOT and other multi-step" if multi else statement.query.split()[0].upper()
            raise QueryRefused(_REFUSED.format(what=f"{verb} statements are"))


def _table_functions(node: Any) -> Iterator[str]:
    """Names of the table functions anywhere in a parse tree from ``json_serialize_sql``."""
    if isinstance(node, dict):
        if node.get("type") == "TABLE_FUNCTION":
            yield node["function"]["function_name"].lower()
        for value in node.values():
            yield from _table_functions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _table_functions(value)


def _refuse_functions(query: str) -> None:
    """Raise QueryRefused when ``query`` calls a table function outside ``TABLE_FUNCTIONS``.

    The query is parsed on a plain connection of its own, as a parameter: it is never run there.
    """
    with duckdb.connect() as parser:
        tree = json.loads(parser.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0])
    if tree.get("error"):
        raise QueryError(tree.get("error_message", "the query cannot be parsed"))
    refused = sorted(set(_table_functions(tree)) - TABLE_FUNCTIONS)
    if refused:
        raise QueryRefused(_REFUSED.format(what=f"the table function {', '.join(refused)} is"))


def check_query(query: str) -> None:
    """Raise QueryRefused for anything but a read-only query of allowed table functions."""
    _refuse_statements(query)
    _refuse_functions(query)


class _Watch:
    """Interrupts a connection's query after ``timeout_s``, or when the process receives a signal.

    A signal handler runs only once DuckDB returns to Python, and a runaway query
    never does; but the C-level handler writes the signal number to the wakeup
    fd, which this thread watches. The handler (e.g. ``flows.stopping``) then
    runs as soon as DuckDB returns, interrupted. The signals are passed on to the
    wakeup fd this one replaced, whose watcher (``flows.stopping``'s) must hear them too.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, timeout_s: float) -> None:
        self.con, self.timeout_s = con, timeout_s
        self.timed_out = False
        self._signals, self._wakeup = os.pipe()
        self._stop_r, self._stop_w = os.pipe()
        os.set_blocking(self._wakeup, False)
        os.set_blocking(self._signals, False)
        self._previous_wakeup: int | None = None
        self._thread = threading.Thread(target=self._watch, name="query-watch", daemon=True)

    def __enter__(self) -> _Watch:
        if threading.current_thread() is threading.main_thread():
            self._previous_wakeup = signal.set_wakeup_fd(self._wakeup, warn_on_full_buffer=False)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None:  # e.g. a signal's exception raised in Python between two batches: a query
            self.con.interrupt()  # left running would make closing the connection wait for it, for ever
        os.write(self._stop_w, b"x")
        self._thread.join()
        if self._previous_wakeup is not None:
            signal.set_wakeup_fd(self._previous_wakeup)
        self._pass_on()
        for fd in (self._signals, self._wakeup, self._stop_r, self._stop_w):
            os.close(fd)

    def _watch(self) -> None:
        timeout = self.timeout_s if self.timeout_s > 0 else None
        ready, _, _ = select.select([self._signals, self._stop_r], [], [], timeout)
        if self._stop_r in ready:
            return
        self.timed_out = not ready
        self.con.interrupt()
        self._pass_on()

    def _pass_on(self) -> None:
        """Write the signals this watch has taken on to the wakeup fd it replaced, if any."""
        try:
            taken = os.read(self._signals, 4096)
        except BlockingIOError:
            return
        if self._previous_wakeup is not None and self._previous_wakeup >= 0:
            try:
                os.write(self._previous_wakeup, taken)
            except OSError:  # full or closed: its watcher is gone or has heard enough
                pass


@contextmanager
def open_result(con: duckdb.DuckDBPyConnection, query: str, timeout_s: float,
                stopped: Callable[[], bool] = lambda: False) -> Iterator[pyarrow.RecordBatchReader]:
    """The result of ``query`` as record batches, read within the block; refused, failed or
    timed out with a clear message (also while the block reads).

    ``stopped`` says whether a signal came before the watch began: one that lands inside a
    DuckDB call (building the views, parsing the query) may have had its handler's exception
    dropped by DuckDB, and the query would then run as if nothing had happened.
    """
    check_query(query)
    with _Watch(con, timeout_s) as watch:
        if stopped():
            raise QueryInterrupted("the query was interrupted before it began")
        try:
            yield con.sql(query).to_arrow_reader(BATCH_ROWS)
        except (duckdb.InterruptException, RuntimeError) as err:
            if not isinstance(err, duckdb.InterruptException) and str(err) != "Query interrupted":
                raise
            if watch.timed_out:
                raise QueryTimeout(f"stopped: the query ran longer than {timeout_s:g} s (setting query.timeout_s; "
                                   "e.g. CRISIS_ETL_QUERY_TIMEOUT_S=600 for more)") from None
            raise QueryInterrupted("the query was interrupted") from None
        except duckdb.PermissionException as err:
            raise QueryRefused(f"refused: queries may read only the warehouse's own data files: {err}") from None
        except duckdb.OutOfMemoryException as err:  # DuckDB's advice that follows (SET ...) does not apply here
            raise QueryError("the query needs more memory or temporary disk than allowed (setting "
                             f"query.max_temp_directory_size): {str(err).splitlines()[0]}") from None
        except duckdb.Error as err:
            raise QueryError(str(err)) from None


def execute(con: duckdb.DuckDBPyConnection, query: str, timeout_s: float = Limits.timeout_s) -> pyarrow.Table:
    """The whole result of ``query`` on a connection from ``connect``."""
    with open_result(con, query, timeout_s) as reader:
        return reader.read_all()


def run_query(where: Path | Location, query: str, limits: Limits = Limits(), as_of: str | None = None) -> pyarrow.Table:
    """The result of ``query`` on a locked-down, read-only connection to the warehouse (see ``connect``)."""
    with connect(where, limits, as_of, reads_incidents(query)) as con:
        return execute(con, query, limits.timeout_s)


def _json_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _write_csv(reader: pyarrow.RecordBatchReader, out: BinaryIO) -> None:
    """A header line, then the rows; nested values (lists, structs), which Arrow's CSV writer refuses, as text."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(reader.schema.names)
    out.write(header.getvalue().encode("utf-8"))
    nested = [i for i, f in enumerate(reader.schema) if pyarrow.types.is_nested(f.type)]
    schema = reader.schema
    for i in nested:
        schema = schema.set(i, pyarrow.field(schema.field(i).name, pyarrow.string()))
    options = pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed")
    with pyarrow.csv.CSVWriter(out, schema, write_options=options) as writer:
        for batch in reader:
            columns = [pyarrow.array([None if v is None else json.dumps(v, default=_json_value)
                                      for v in column.to_pylist()], pyarrow.string()) if i in nested else column
                       for i, column in enumerate(batch.columns)]
            writer.write_batch(pyarrow.RecordBatch.from_arrays(columns, schema=schema))


def _write_json(reader: pyarrow.RecordBatchReader, out: BinaryIO) -> None:
    """A JSON array of objects, one per line."""
    separator = b"[\n"
    for batch in reader:
        for row in batch.to_pylist():
            out.write(separator + json.dumps(row, default=_json_value, ensure_ascii=False).encode("utf-8"))
            separator = b",\n"
    out.write(b"[]\n" if separator == b"[\n" else b"\n]\n")


def _write_parquet(reader: pyarrow.RecordBatchReader, out: BinaryIO) -> None:
    with pq.ParquetWriter(out, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)


_WRITERS = {"csv": _write_csv, "json": _write_json, "parquet": _write_parquet}


def write_result(reader: pyarrow.RecordBatchReader, fmt: str, out: BinaryIO) -> None:
    """Stream ``reader`` to ``out`` as CSV (with header), JSON (array of objects) or Parquet, batch by batch."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FILE_FORMATS)}")
    _WRITERS[fmt](reader, out)
