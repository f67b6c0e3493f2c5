"""Views of one lake snapshot that any DuckDB reads without the DuckLake extension.

A snapshot's table is its data files minus the rows their delete files name,
so each table view reads exactly those Parquet files with ``read_parquet``.
The same statements serve ``crisis.duckdb`` (the file analysts, notebooks and
the scorer open; rebuilt after every load in a new file renamed into place,
so an analyst holding it open never makes a run wait) and the locked-down
query connection, which builds them in memory for any snapshot (``--as-of``).

After one view per table come the analyst views declared in ``sql/*.sql``
(``<table>_facts`` and their helpers), run in file-name order so a file may
use the views of the files before it. Last come the incident tables
(``casualty_incidents``, ``displacement_incidents``; see ``incidents``),
computed from the facts views: the one thing ``crisis.duckdb`` stores, small
and rebuilt with it; the query connection computes them only for a query that
reads them (``incident_sql``).
"""
from __future__ import annotations

import os
from pathlib import Path

import schemas
from warehouse.incidents import build_incidents
from warehouse.lake import FIRST_STORED, LOADS, REPLACED_BY_REPROCESS, Lake, quote
from warehouse.types import duckdb_columns

DB_NAME = "crisis.duckdb"
SQL_DIR = Path(__file__).with_name("sql")
VIEW_ORDER = (LOADS, "sections")
"""Views the others read from are created first."""
EXTRACTION_LOADS = "extraction_loads"
"""Per document, the load whose extraction the views show (the latest that wrote its sections)."""


def sql_literal(value: Path | str) -> str:
    """``value`` as a SQL string literal (paths go into DuckDB statements this way)."""
    return quote(value)


def analyst_sql() -> list[Path]:
    """The analyst views' SQL files, in the order they must run."""
    return sorted(SQL_DIR.glob("*.sql"))


def _empty_select(table: str) -> str:
    cols = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in duckdb_columns(schemas.TABLES[table]))
    return f"SELECT {cols} WHERE false"


def stored_sql(table: str, files: list[tuple[str, str | None]]) -> str:
    """The rows a snapshot holds of one table, from its (data file, delete file) pairs, or a typed empty relation."""
    if not files:
        return _empty_select(table)
    names = ", ".join(f"d.{name}" for name, _ in duckdb_columns(schemas.TABLES[table]))
    data = "[" + ", ".join(quote(f) for f, _ in files) + "]"
    stored = (f"SELECT {names} FROM read_parquet({data}, union_by_name = true, "
              "filename = true, file_row_number = true) AS d")
    deletes = sorted({d for _, d in files if d})
    if not deletes:
        return stored
    # A delete file names its data file by the path it had when written; the names are unique
    # (DuckLake's UUIDs), so a warehouse folder moved since still matches them.
    return (stored + " ANTI JOIN read_parquet([" + ", ".join(quote(d) for d in deletes) + "]) AS x "
            "ON parse_filename(x.file_path) = parse_filename(d.filename) AND x.pos = d.file_row_number")


def view_sql(table: str, files: list[tuple[str, str | None]]) -> str:
    """The view of one table: its stored rows, each document once.

    Two runs started at once on a shared catalog can both store a text neither
    had seen (DuckLake lets concurrent appends commit). Rather than let a
    figure count twice, the views keep a document's first stored row and only
    the extraction of its latest load (``EXTRACTION_LOADS``), which is also how
    a re-extraction supersedes the old one.
    """
    stored = stored_sql(table, files)
    if table == "documents":
        return f"CREATE VIEW documents AS SELECT * FROM ({stored}) {FIRST_STORED}"
    if table in REPLACED_BY_REPROCESS:
        return (f"CREATE VIEW {table} AS SELECT f.* FROM ({stored}) f SEMI JOIN {EXTRACTION_LOADS} e "
                "ON f.doc_id = e.doc_id AND f.load_id = e.load_id")
    return f"CREATE VIEW {table} AS {stored}"


def extraction_loads_sql(section_files: list[tuple[str, str | None]]) -> str:
    """The ``EXTRACTION_LOADS`` table: every extraction writes its document's sections, so theirs is the latest.

    A table, not a view: one row per document, read by every view of an extraction,
    which would otherwise each read the sections files again.
    """
    return (f"CREATE TABLE {EXTRACTION_LOADS} AS SELECT doc_id, max(load_id) AS load_id "
            f"FROM ({stored_sql('sections', section_files)}) GROUP BY doc_id")


def snapshot_sql(lake: Lake, snapshot: int | None = None) -> list[str]:
    """Statements creating every table view at ``snapshot`` (default: the lake's), then the analyst views."""
    snapshot = lake.current_snapshot() if snapshot is None else snapshot
    files = {t: lake.files(t, snapshot) for t in schemas.TABLES}
    tables = [*VIEW_ORDER, *(t for t in schemas.TABLES if t not in VIEW_ORDER)]
    return [extraction_loads_sql(files["sections"]), *(view_sql(t, files[t]) for t in tables)] + [
        script.read_text(encoding="utf-8") for script in analyst_sql()]


def build_views(lake: Lake) -> Path:
    """(Re)create ``<root>/crisis.duckdb`` over the lake's current snapshot, with the incident tables; idempotent."""
    root = lake.location.root
    root.mkdir(parents=True, exist_ok=True)  # a shared warehouse has nothing else in its local folder
    final = root / DB_NAME
    for stale in root.glob(f".{DB_NAME}.*.tmp"):  # left by a killed run; we hold the lock
        stale.unlink()
    tmp = root / f".{DB_NAME}.{os.getpid()}.tmp"
    with lake.location.connect(str(tmp)) as con:
        for statement in snapshot_sql(lake):
            con.execute(statement)
        build_incidents(con)
    os.replace(tmp, final)
    return final
