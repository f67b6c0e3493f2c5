"""Parquet per table per load, committed atomically.

Layout under the warehouse folder::

    lake/<table>/<load_id>.parquet     committed files, one per table per load
    staging/<load_id>/<table>/part-*.parquet   parts a running load writes
    crisis.duckdb                      views over lake/ (see ``views``)

A load writes its parts to ``staging/``, then ``commit`` merges each table's
parts into one file under ``lake/`` (written to a temporary name and renamed,
so no reader sees half a file) and writes ``lake/loads/<load_id>.parquet``
last. That file is the commit point: views show only rows whose ``load_id``
is in ``loads``, and ``recover`` deletes any other file a killed run left.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq

import schemas
from warehouse.files import atomic_path
from warehouse.types import arrow_schema, to_arrow

LOADS = "loads"


class Lake:
    """The Parquet side of a warehouse folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.lake = self.root / "lake"
        self.staging = self.root / "staging"

    def table_dir(self, table: str) -> Path:
        """Folder of a table's committed files."""
        return self.lake / table

    def files(self, table: str) -> list[Path]:
        """Committed Parquet files of ``table``, oldest load first."""
        return sorted(self.table_dir(table).glob("*.parquet"))

    def committed_loads(self) -> set[str]:
        """Load ids that reached their commit point."""
        return {p.stem for p in self.files(LOADS)}

    def recover(self) -> list[Path]:
        """Delete what a killed run left: staging parts, temporary files, files of uncommitted loads."""
        shutil.rmtree(self.staging, ignore_errors=True)
        committed = self.committed_loads()
        removed = [p for p in self.lake.glob("*/*") if p.suffix != ".parquet" or p.stem not in committed]
        for path in removed:
            path.unlink()
        return removed

    def stage(self, load_id: str, table: str, part: int, frame: pd.DataFrame) -> None:
        """Write one batch's validated rows of ``table`` as a staging part."""
        folder = self.staging / load_id / table
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(to_arrow(schemas.TABLES[table], frame), folder / f"part-{part:06d}.parquet")

    def commit(self, load_id: str, load_row: pd.DataFrame) -> None:
        """Publish every staged table of ``load_id``, then its ``loads`` row: the commit point.

        Idempotent, so a retried commit cannot replace published files with empty ones.
        """
        if load_id in self.committed_loads():
            return
        for table in schemas.TABLES:
            if table != LOADS:
                self._merge_parts(load_id, table)
        self._write_atomic(LOADS, load_id, [to_arrow(schemas.Loads, load_row)])
        shutil.rmtree(self.staging / load_id, ignore_errors=True)

    def _merge_parts(self, load_id: str, table: str) -> None:
        parts = sorted((self.staging / load_id / table).glob("part-*.parquet"))
        self._write_atomic(table, load_id, (pq.read_table(p) for p in parts))

    def _write_atomic(self, table: str, load_id: str, pieces) -> None:
        """Stream ``pieces`` into ``lake/<table>/<load_id>.parquet`` via a temporary name."""
        with atomic_path(self.table_dir(table) / f"{load_id}.parquet") as tmp:
            with pq.ParquetWriter(tmp, arrow_schema(schemas.TABLES[table])) as writer:
                for piece in pieces:
                    writer.write_table(piece)

    def _committed_files(self, table: str) -> list[str]:
        committed = self.committed_loads()
        return [str(p) for p in self.files(table) if p.stem in committed]

    def column_values(self, table: str, column: str) -> set[str]:
        """Distinct non-null values of a column over committed loads (e.g. known doc_ids)."""
        files = self._committed_files(table)
        if not files:
            return set()
        rows = duckdb.sql(f"SELECT DISTINCT {column} FROM read_parquet({files!r}, union_by_name = true) "
                          f"WHERE {column} IS NOT NULL")
        return {value for (value,) in rows.fetchall()}

    def documents(self, where: str | None = None, doc_ids: list[str] | None = None,
                  columns: str = "*") -> list[dict[str, Any]]:
        """Committed documents matching an SQL condition over their columns, or the given ids."""
        files = self._committed_files("documents")
        if not files:
            return []
        sql = f"SELECT {columns} FROM read_parquet({files!r}, union_by_name = true) WHERE ({where or 'true'})"
        params: list[Any] = []
        if doc_ids is not None:
            sql += " AND doc_id IN (SELECT unnest(?))"
            params.append(doc_ids)
        cursor = duckdb.connect().execute(sql + " ORDER BY doc_id", params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
