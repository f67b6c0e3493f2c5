"""Import a warehouse of the earlier layout (``lake/<table>/<load_id>.parquet``) into its DuckLake, once.

In that layout a load was committed when ``lake/loads/<load_id>.parquet``
existed, and a document's visible extraction was that of its newest load of
sections. Each committed load is replayed, oldest first, as one lake
transaction that replaces the extraction of the documents it re-extracted;
its snapshot carries the load id, so ``--as-of`` reaches the old loads too.
Files of loads that never committed were never visible and are not imported.
The old folder is then renamed ``lake.imported/``: nothing is deleted.
"""
from __future__ import annotations

from pathlib import Path

import schemas
from warehouse.lake import ALIAS, LOADS, Load, Location, quote

LEGACY_DIR = "lake"
IMPORTED_DIR = "lake.imported"


def legacy_loads(root: Path) -> list[str]:
    """Committed load ids of the earlier layout under ``root``, oldest first (none when there is none)."""
    return sorted(p.stem for p in (root / LEGACY_DIR / LOADS).glob("*.parquet"))


def _import_load(location: Location, load_id: str) -> None:
    legacy = location.root / LEGACY_DIR
    with Load(location, load_id) as load:
        if load_id in load.column_values(LOADS, "load_id"):
            return  # imported before a crash between the last import and the rename
        sections = legacy / "sections" / f"{load_id}.parquet"
        if sections.exists():
            doc_ids = [r[0] for r in load.con.execute(
                f"SELECT DISTINCT doc_id FROM read_parquet({quote(sections)})").fetchall()]
            load.replace_extractions(doc_ids)
        for table in schemas.TABLES:
            path = legacy / table / f"{load_id}.parquet"
            if path.exists():
                load.con.execute(f"INSERT INTO {ALIAS}.{table} BY NAME SELECT * FROM read_parquet({quote(path)})")
        load.con.execute(f"CALL {ALIAS}.set_commit_message('crisis-etl migrate', ?)", [load_id])
        load.con.execute("COMMIT")


def migrate(location: Location) -> list[str]:
    """Import the earlier layout under the warehouse folder, if there is one; returns the imported load ids.

    Call under the warehouse lock (a run does, on opening the warehouse).
    """
    load_ids = legacy_loads(location.root)
    for load_id in load_ids:
        _import_load(location, load_id)
    if (location.root / LEGACY_DIR).exists():
        (location.root / LEGACY_DIR).rename(location.root / IMPORTED_DIR)
    return load_ids
