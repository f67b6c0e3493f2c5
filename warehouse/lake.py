"""The warehouse's tables in a DuckLake: Parquet data files plus a catalog database.

Where they live is a setting (see ``Location``): embedded by default, a SQLite
catalog ``catalog.sqlite`` and data files under ``data/`` in the warehouse
folder, no server; or shared, a PostgreSQL catalog and data on object storage.
The same code serves both.

A load is one DuckLake transaction over all its tables (``Load``): DuckLake
writes data files as rows arrive and makes them visible only at the commit,
which records a snapshot. A killed run leaves at worst data files no
snapshot names, which no reader ever sees; nothing of ours needs to recover.

The embedded catalog is SQLite rather than a DuckDB file because DuckDB lets a
file be written only while no other process has it open, so an analyst
holding the catalog open would make a run fail. SQLite in WAL mode lets
readers keep their snapshot while a run commits, and a run never waits for them.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pandas as pd

import schemas
from warehouse import duck
from warehouse.types import duckdb_columns, to_arrow

LOADS = "loads"
CATALOG_FILE = "catalog.sqlite"
DATA_DIR = "data"
ALIAS = "lake"
REPLACED_BY_REPROCESS = ("sections", *schemas.FACT_TABLES)
"""Tables whose rows of a document a re-extraction replaces (its text and rejects stay)."""
FIRST_USE_RACES = ("Failed to initialize DuckLake", "has been created by another transaction")
"""What a writer sees when another run, started at the same moment, is making the same new
shared catalog or table: the other run wins, and opening again finds what it made."""
RACE_WAITS_S = (0.2, 0.5, 1.0, 2.0, 4.0)
FIRST_STORED = "QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY load_id) = 1"
"""Keeps each document's first stored row: two runs started at once on a shared catalog may both store a text."""


def quote(value: object) -> str:
    """``value`` as a SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True)
class S3:
    """Object storage options; each empty one falls back to the usual AWS environment variable."""

    endpoint: str = ""
    """``http(s)://host:port`` of an S3-compatible server (path-style URLs); empty: AWS."""
    region: str = ""
    key_id: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)

    def secret_sql(self) -> str:
        """The DuckDB statement creating this process's S3 secret."""
        env = os.environ.get
        endpoint = self.endpoint or env("AWS_ENDPOINT_URL_S3") or env("AWS_ENDPOINT_URL") or ""
        options: dict[str, str | bool] = {
            "KEY_ID": self.key_id or env("AWS_ACCESS_KEY_ID", ""),
            "SECRET": self.secret or env("AWS_SECRET_ACCESS_KEY", ""),
            "SESSION_TOKEN": env("AWS_SESSION_TOKEN", ""),
            "REGION": self.region or env("AWS_REGION") or env("AWS_DEFAULT_REGION") or "us-east-1"}
        if endpoint:
            url = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
            options |= {"ENDPOINT": url.netloc, "USE_SSL": url.scheme == "https", "URL_STYLE": "path"}
        listed = ", ".join(f"{k} {quote(v) if isinstance(v, str) else str(v).lower()}"
                           for k, v in options.items() if v != "")
        return f"CREATE OR REPLACE SECRET crisis_s3 (TYPE s3, {listed})"


@dataclass(frozen=True)
class Location:
    """Where a warehouse's catalog and data files are.

    ``catalog``: ``sqlite:<file>`` (embedded) or ``postgres:<libpq connection string>``;
    ``data``: a folder, or an ``s3://bucket/prefix``, ending in ``/``.
    """

    root: Path
    catalog: str
    data: str
    s3: S3 = field(default_factory=S3)

    @classmethod
    def of(cls, root: Path | str, catalog: str = "", data: str = "", s3: S3 | None = None) -> Location:
        """The warehouse at ``root``; an empty ``catalog``/``data`` means the embedded default under ``root``."""
        root = Path(root).resolve()
        data = data or str(root / DATA_DIR)
        return cls(root, catalog or f"sqlite:{root / CATALOG_FILE}", data.rstrip("/") + "/", s3 or S3())

    @property
    def on_s3(self) -> bool:
        """Data files on object storage."""
        return self.data.startswith("s3://")

    def connect(self, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
        """A DuckDB connection that can reach this location: its extensions loaded, its S3 secret made."""
        con = duck.connect(self.extensions(), database)
        if self.on_s3:
            con.execute(self.s3.secret_sql())
        return con

    @property
    def self_contained(self) -> bool:
        """Catalog and data files both in the warehouse folder (the embedded default): the folder may
        be moved, copied or restored elsewhere, as the catalog keeps the files' paths relative."""
        return self.catalog == f"sqlite:{self.root / CATALOG_FILE}" and self.data == f"{self.root / DATA_DIR}/"

    @property
    def embedded(self) -> bool:
        """A catalog file in the warehouse folder: one writer at a time (the run holds the file lock)."""
        return self.catalog.startswith("sqlite:")

    def extensions(self) -> tuple[str, ...]:
        """The DuckDB extensions this location needs."""
        scanner = "sqlite_scanner" if self.embedded else "postgres_scanner"
        return (scanner, "ducklake") + (("httpfs",) if self.on_s3 else ())


class Lake:
    """A connection to the DuckLake of one warehouse, attached as ``lake``."""

    def __init__(self, location: Location, read_only: bool = True, snapshot: int | None = None) -> None:
        self.location = location
        self._keeper: sqlite3.Connection | None = None
        if location.embedded and not read_only:
            self._keeper = _open_wal_catalog(Path(location.catalog.removeprefix("sqlite:")))
        elif location.embedded and not Path(location.catalog.removeprefix("sqlite:")).exists():
            raise FileNotFoundError(f"no warehouse at {location.root}: run `crisis-etl run` first "
                                    "(or `crisis-etl migrate` for one of the earlier lake/ layout)")
        options = [f"DATA_PATH {quote(location.data)}", "DATA_INLINING_ROW_LIMIT 0"]
        options += ["OVERRIDE_DATA_PATH TRUE"] if location.self_contained else []  # the folder may have moved
        options += ["READ_ONLY"] if read_only else []
        options += [f"SNAPSHOT_VERSION {int(snapshot)}"] if snapshot is not None else []
        try:
            self._attach(options, read_only)
        except BaseException:
            if self._keeper is not None:
                self._keeper.close()
            raise

    def _attach(self, options: list[str], read_only: bool) -> None:
        """Open ``self.con`` on the lake, waiting out the races of first use on a shared catalog."""
        location = self.location
        for wait_s in (*RACE_WAITS_S, None):
            self.con = location.connect()
            try:
                self._open(options, read_only)
                return
            except duckdb.Error as err:
                self.con.close()
                if "creating a new DuckLake is explicitly disabled" in str(err):
                    raise FileNotFoundError(f"no warehouse in catalog {location.catalog}: "
                                            "run `crisis-etl run` first") from None
                if wait_s is None or not any(race in str(err) for race in FIRST_USE_RACES):
                    raise
                time.sleep(wait_s)

    def _open(self, options: list[str], read_only: bool) -> None:
        """Attach the lake and, for a writer, create its missing tables and columns."""
        self.con.execute(f"ATTACH {quote('ducklake:' + self.location.catalog)} AS {ALIAS} ({', '.join(options)})")
        self.con.execute(f"USE {ALIAS}")
        if not read_only:
            self._create_tables()

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back)."""
        self.con.close()
        if self._keeper is not None:
            self._keeper.close()

    def __enter__(self) -> Lake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _create_tables(self) -> None:
        """Create missing tables and add missing columns, from the pandera models."""
        for table, model in schemas.TABLES.items():
            columns = duckdb_columns(model)
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{n} {k}' for n, k in columns)})")
            have = {row[0] for row in self.con.execute(f"DESCRIBE {table}").fetchall()}
            for name, kind in columns:
                if name not in have:
                    self.con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")

    def current_snapshot(self) -> int:
        """The snapshot this connection reads."""
        return self.con.execute(f"SELECT id FROM {ALIAS}.current_snapshot()").fetchone()[0]

    def snapshot_of(self, as_of: str) -> int:
        """The snapshot named by ``as_of``: a snapshot number, or the load id whose commit made it."""
        if as_of.isdigit():
            found = self.con.execute(f"SELECT snapshot_id FROM ducklake_snapshots('{ALIAS}') WHERE snapshot_id = ?",
                                     [int(as_of)]).fetchone()
        else:
            found = self.con.execute(f"SELECT snapshot_id FROM ducklake_snapshots('{ALIAS}') WHERE commit_message = ?",
                                     [as_of]).fetchone()
        if found is None:
            raise LookupError(f"no snapshot or load {as_of!r} in the warehouse")
        return found[0]

    def files(self, table: str, snapshot: int) -> list[tuple[str, str | None]]:
        """(data file, its delete file or None) of ``table`` at ``snapshot``."""
        return self.con.execute(
            f"SELECT data_file, delete_file FROM ducklake_list_files('{ALIAS}', ?, snapshot_version => ?) "
            "ORDER BY data_file", [table, snapshot]).fetchall()

    def column_values(self, table: str, column: str) -> set[str]:
        """Distinct non-null values of a column (e.g. known doc_ids)."""
        rows = self.con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
        return {value for (value,) in rows}

    def documents(self, where: str | None = None, doc_ids: list[str] | None = None,
                  columns: str = "*") -> list[dict[str, Any]]:
        """Stored documents matching an SQL condition over their columns, or the given ids; each once.

        Once: two runs started at once on a shared catalog may both have stored a text.
        """
        sql = f"SELECT {columns} FROM documents WHERE ({where or 'true'})"
        params: list[Any] = []
        if doc_ids is not None:
            sql += " AND doc_id IN (SELECT unnest(?))"
            params.append(doc_ids)
        sql += " " + FIRST_STORED
        cursor = self.con.execute(sql + " ORDER BY doc_id", params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _open_wal_catalog(path: Path) -> sqlite3.Connection:
    """Open (creating it if need be) the SQLite catalog in WAL mode, and keep this connection for the writer's life.

    In WAL mode a reader's open transaction never blocks a writer's commit, and
    the writer never blocks the reader: the analyst promise of the warehouse.
    WAL mode is a property of the file, kept by every later connection. The
    connection is kept open because SQLite checkpoints and drops the WAL index
    whenever its last connection closes: analysts' queries open and close the
    catalog all the time, and one that rebuilt the index while the writer
    committed made either fail with "locking protocol" (SQLITE_PROTOCOL).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        con.execute("PRAGMA journal_mode = WAL")
    return con


class Load(Lake):
    """One load: every insert and replacement goes into a single DuckLake transaction."""

    def __init__(self, location: Location, load_id: str) -> None:
        super().__init__(location, read_only=False)
        self.load_id = load_id
        self.con.execute("BEGIN TRANSACTION")

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        """Add validated rows of ``table`` to the load."""
        if len(frame):
            rows = to_arrow(schemas.TABLES[table], frame)  # noqa: F841  (read by DuckDB by name)
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM rows")

    def date_documents(self, dates: dict[str, dt.date]) -> None:
        """Fill ``published_date`` of stored documents their source left undated (``dates``: doc_id ->
        the date stamped on its text), so a reprocess dates what an earlier extractor could not."""
        if dates:
            self.con.execute("UPDATE documents SET published_date = m.day FROM (SELECT unnest(?) AS doc_id, "
                             "unnest(?) AS day) AS m WHERE documents.doc_id = m.doc_id AND documents.published_date IS NULL",
                             [list(dates), list(dates.values())])

    def replace_extractions(self, doc_ids: list[str]) -> None:
        """Delete the sections and facts of ``doc_ids``: their new extraction is inserted in this load."""
        for table in REPLACED_BY_REPROCESS:
            self.con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?))", [doc_ids])

    def commit(self, load_row: pd.DataFrame) -> int:
        """Add the ``loads`` row and commit: the whole load becomes visible at once. Returns its snapshot."""
        self.insert(LOADS, load_row)
        self.con.execute(f"CALL {ALIAS}.set_commit_message('crisis-etl', ?)", [self.load_id])
        self.con.execute("COMMIT")
        return self.current_snapshot()


def committed_loads(location: Location) -> set[str]:
    """The load ids the lake has committed; none when the warehouse is not made yet, nor while
    another run is making it (its catalog is there, its tables not yet: a run that overlaps the
    first one asks before it waits for the lock)."""
    try:
        with Lake(location) as lake:
            return lake.column_values(LOADS, "load_id")
    except (FileNotFoundError, duckdb.CatalogException):
        return set()


def connect_lake(location: Location, as_of: str | None = None) -> Lake:
    """A read-only connection to the lake, at the snapshot ``as_of`` names (default: the latest)."""
    if as_of is None:
        return Lake(location)
    with Lake(location) as lake:
        snapshot = lake.snapshot_of(as_of)
    return Lake(location, snapshot=snapshot)

