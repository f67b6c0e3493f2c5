"""The synthetic warehouse of ``bench.views``: valid rows, incidents reported by several documents."""
from __future__ import annotations

from pathlib import Path

import duckdb

from bench.views import build_synthetic, time_views
from warehouse.views import DB_NAME


def test_a_synthetic_warehouse_builds_and_its_incidents_repeat_across_documents(tmp_path: Path) -> None:
    build_synthetic(tmp_path, 200)
    seconds = time_views(tmp_path, 2)
    assert len(seconds) == 2 and all(s > 0 for s in seconds)
    with duckdb.connect(str(tmp_path / DB_NAME), read_only=True) as con:
        docs, rows, incidents, most = con.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM casualties_facts WHERE scope = 'incident'), "
            "(SELECT count(*) FROM casualty_incidents), (SELECT max(sources) FROM casualty_incidents)").fetchone()
    assert docs == 200 and incidents < rows and most >= 2
