"""The warehouse on DuckLake: one transaction per load, snapshots, and the promises to analysts.

The promises are tested with real second processes: an analyst holding the
warehouse open never makes a run fail or wait, and never sees half a load.
"""
from __future__ import annotations

import multiprocessing
import os
import datetime as dt
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import schemas
from tests.services import Postgres
from tests.warehouse.small_warehouse import A, C, L1, L2, LOADS, _frame, _load_row, _stamp, build_small_warehouse
from warehouse.lake import ALIAS, Lake, Load, Location, committed_loads, quote
from warehouse.migrate import IMPORTED_DIR, migrate
from warehouse.query import QueryError, connect, execute, run_query
from warehouse.read import export_parquet, read_table
from warehouse.types import to_arrow
from warehouse.views import build_views

SPAWN = multiprocessing.get_context("spawn")
DOCS_PER_LOAD = 40


def _doc_rows(load_id: str, n: int) -> pd.DataFrame:
    now = datetime.now(UTC)
    rows = [dict(doc_id=f"{load_id}-{i:04d}".ljust(64, "0"), source_uri=f"{i}.txt", title=None, published_date=None,
                 text="text", n_chars=4, ingested_at=now, load_id=load_id) for i in range(n)]
    return schemas.Documents.validate(pd.DataFrame(rows))


def _section_rows(load_id: str, n: int) -> pd.DataFrame:
    rows = [dict(doc_id=f"{load_id}-{i:04d}".ljust(64, "0"), section_id=0, headline=None, char_start=0, char_end=4,
                 load_id=load_id) for i in range(n)]
    return schemas.Sections.validate(pd.DataFrame(rows))


def _counted_load_row(load_id: str, n: int) -> pd.DataFrame:
    now = datetime.now(UTC)
    return schemas.Loads.validate(pd.DataFrame([dict(
        load_id=load_id, flow_run_id=None, started_at=now, finished_at=now, status="completed",
        extractor_version="test", documents=n, skipped=0, reprocessed=0, sections=n, refugees=0, casualties=0,
        statements=0, rejects=0)]))


def _write_loads(root: Path, count: int, pause_s: float = 0.0) -> None:
    """A run in another process: ``count`` loads, each documents, then (after a pause) sections, then commit.

    Its documents are its own (the process id is in their ids): a text stored twice would show once.
    """
    location = Location.of(root)
    for n in range(count):
        load_id = f"L{n:03d}-{os.getpid()}"
        with Load(location, load_id) as load:
            load.insert("documents", _doc_rows(load_id, DOCS_PER_LOAD))
            time.sleep(pause_s)
            load.insert("sections", _section_rows(load_id, DOCS_PER_LOAD))
            load.commit(_counted_load_row(load_id, DOCS_PER_LOAD))
            build_views(load)


def _hold_open(root: Path, ready, release) -> None:
    """An analyst in another process: the views file and the lake both open, mid-transaction."""
    views = duckdb.connect(str(root / "crisis.duckdb"), read_only=True)
    lake = Lake(Location.of(root))
    lake.con.execute("BEGIN TRANSACTION")
    seen = lake.con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert views.execute("SELECT count(*) FROM documents").fetchone()[0] == seen
    ready.set()
    release.wait(60)
    lake.con.execute("SELECT count(*) FROM documents").fetchone()  # its snapshot still reads
    lake.close()
    views.close()


def _counts(root: Path) -> tuple[int, int, int]:
    """(documents, sections, documents the committed loads claim), as an analyst reads them."""
    row = run_query(root, "SELECT (SELECT count(*) FROM documents) AS d, (SELECT count(*) FROM sections) AS s, "
                          "(SELECT coalesce(sum(documents), 0)::BIGINT FROM loads) AS l").to_pylist()[0]
    return row["d"], row["s"], row["l"]


def test_empty_warehouse_has_typed_empty_views(tmp_path: Path) -> None:
    with Lake(Location.of(tmp_path), read_only=False) as lake:
        build_views(lake)
    with duckdb.connect(str(tmp_path / "crisis.duckdb"), read_only=True) as con:
        kinds = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'refugees'").fetchall())
        assert con.execute("SELECT count(*) FROM refugees").fetchall() == [(0,)]
    assert kinds["figure"] == "BIGINT" and kinds["qualifier"] == "VARCHAR"


def test_an_uncommitted_load_is_never_seen(tmp_path: Path) -> None:
    location = Location.of(tmp_path)
    with Load(location, "L1") as load:
        load.insert("documents", _doc_rows("L1", 3))
        assert load.column_values("documents", "load_id") == {"L1"}  # the load sees its own rows
        assert list((tmp_path / "data").glob("main/documents/*.parquet")), "the data file is written"
    with Lake(location) as lake:
        assert lake.column_values("documents", "doc_id") == set()
        build_views(lake)
    assert _counts(tmp_path) == (0, 0, 0)


def test_a_lake_another_run_is_still_making_has_committed_no_load(tmp_path: Path) -> None:
    """A run that overlaps the first asks which loads are committed before it waits for the lock:
    the catalog is there, its tables not yet."""
    location = Location.of(tmp_path)
    con = location.connect()
    con.execute(f"ATTACH {quote('ducklake:' + location.catalog)} AS {ALIAS} (DATA_PATH {quote(location.data)})")
    con.close()
    with pytest.raises(duckdb.CatalogException):
        with Lake(location) as lake:
            lake.column_values("loads", "load_id")
    assert committed_loads(location) == set()


def test_a_run_never_waits_for_nor_fails_on_an_analyst_holding_the_warehouse_open(tmp_path: Path) -> None:
    _write_loads(tmp_path, 1)
    ready, release = SPAWN.Event(), SPAWN.Event()
    analyst = SPAWN.Process(target=_hold_open, args=(tmp_path, ready, release))
    analyst.start()
    try:
        assert ready.wait(60), "the analyst never opened the warehouse"
        started = time.monotonic()
        with Load(Location.of(tmp_path), "L2") as load:
            load.insert("documents", _doc_rows("L2", 5))
            load.commit(_counted_load_row("L2", 5))
            build_views(load)
        assert time.monotonic() - started < 5, "the run waited for the analyst"
    finally:
        release.set()
        analyst.join(60)
    assert analyst.exitcode == 0
    assert _counts(tmp_path)[0] == DOCS_PER_LOAD + 5


def test_an_analyst_never_sees_half_a_load(tmp_path: Path) -> None:
    _write_loads(tmp_path, 1)
    writer = SPAWN.Process(target=_write_loads, args=(tmp_path, 6, 0.2))
    writer.start()
    seen = set()
    try:
        while writer.is_alive():
            documents, sections, claimed = _counts(tmp_path)
            assert documents == sections == claimed, "a load was visible in part"
            seen.add(documents)
            with duckdb.connect(str(tmp_path / "crisis.duckdb"), read_only=True) as views:
                documents, sections = views.execute(
                    "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM sections)").fetchone()
            assert documents == sections
    finally:
        writer.join(120)
    assert writer.exitcode == 0
    assert len(seen) > 2, "the reader never overlapped the writer's loads"


def test_reprocess_replaces_a_documents_rows_and_as_of_reads_the_old_ones(tmp_path: Path) -> None:
    root = build_small_warehouse(tmp_path / "wh")
    sql = f"SELECT figure, extractor_version FROM casualties WHERE doc_id = '{A}'"
    assert run_query(root, sql).to_pylist() == [{"figure": 3, "extractor_version": "0.10.0"}]
    assert run_query(root, sql, as_of=L1).to_pylist() == [{"figure": 50, "extractor_version": "0.9.0"}]
    with Lake(Location.of(root)) as lake:
        snapshot = lake.snapshot_of(L1)
    assert run_query(root, sql, as_of=str(snapshot)) == run_query(root, sql, as_of=L1)
    assert run_query(root, "SELECT count(*) AS n FROM refugees_facts", as_of=L1).to_pylist() == [{"n": 4}]
    with pytest.raises(QueryError, match="no snapshot or load 'nope'"):
        run_query(root, "SELECT 1", as_of="nope")


def test_a_warehouse_folder_moved_elsewhere_still_opens_and_takes_loads(tmp_path: Path) -> None:
    """A warehouse folder is self-contained: renamed, restored from a backup or copied to another
    machine, its catalog finds its data files in its own ``data/`` (relative paths), not at the
    absolute path it was made at."""
    made = build_small_warehouse(tmp_path / "made")
    sql = "SELECT count(*) AS n FROM casualties"
    before = run_query(made, sql).to_pylist()
    moved = made.rename(tmp_path / "moved")
    assert run_query(moved, sql).to_pylist() == before
    location = Location.of(moved)
    with Load(location, "L-moved") as load:
        load.insert("documents", _doc_rows("L-moved", 2))
        load.commit(_counted_load_row("L-moved", 2))
    assert "L-moved" in committed_loads(location)
    assert not (tmp_path / "made").exists()  # nothing was written at the old path


def test_a_moved_warehouse_shows_no_row_it_had_deleted(tmp_path: Path) -> None:
    """DuckLake's delete files name the data file they delete from by its path when written: moved,
    the folder's views still leave out the rows deleted before (here a document dated after its load
    and facts replaced by a reprocess)."""
    made = build_small_warehouse(tmp_path / "made")
    with Load(Location.of(made), "L-dated") as load:
        load.date_documents({C: dt.date(2016, 1, 2)})
        load.commit(_counted_load_row("L-dated", 0))
        build_views(load)
    sql = {t: f"SELECT * EXCLUDE (ingested_at) FROM {t} ORDER BY ALL" if t == "documents" else f"SELECT * FROM {t} ORDER BY ALL"
           for t in ("documents", "casualties", "refugees", "sections")}
    before = {t: run_query(made, q).to_pylist() for t, q in sql.items()}
    moved = made.rename(tmp_path / "moved")
    with Lake(Location.of(moved), read_only=False) as lake:
        build_views(lake)
    assert {t: run_query(moved, q).to_pylist() for t, q in sql.items()} == before


def test_export_writes_one_parquet_per_table_of_one_snapshot(tmp_path: Path) -> None:
    root = build_small_warehouse(tmp_path / "wh")
    files = export_parquet(root, tmp_path / "out", as_of=L1)
    assert sorted(f.name for f in files) == sorted(f"{t}.parquet" for t in schemas.TABLES)
    assert pq.read_table(tmp_path / "out" / "loads.parquet").column("load_id").to_pylist() == [L1]
    assert pq.read_table(tmp_path / "out" / "casualties.parquet").num_rows == 4
    export_parquet(root, tmp_path / "now")
    casualties = pq.read_table(tmp_path / "now" / "casualties.parquet")
    assert casualties.num_rows == 4 and 3 in casualties.column("figure").to_pylist()  # A's figure replaced


def test_read_table_gives_a_view_as_a_data_frame(tmp_path: Path) -> None:
    root = build_small_warehouse(tmp_path / "wh")
    facts = read_table("casualties_facts", warehouse=root)
    assert {"estimate_low", "title"} <= set(facts.columns) and len(facts) == 4
    with pytest.raises(QueryError, match="no table or view 'lake'"):
        read_table("lake", warehouse=root)


def _legacy_warehouse(root: Path) -> None:
    """The earlier layout: a Parquet file per table per committed load, and a file of a load never committed."""
    for load_id, tables in LOADS.items():
        for table, rows in {**tables, "loads": None}.items():
            frame = _load_row(load_id) if rows is None else _frame(
                schemas.TABLES[table], [_stamp(table, load_id, r) for r in rows])
            (root / "lake" / table).mkdir(parents=True, exist_ok=True)
            pq.write_table(to_arrow(schemas.TABLES[table], frame), root / "lake" / table / f"{load_id}.parquet")
    pq.write_table(to_arrow(schemas.Documents, _doc_rows("L9", 2)), root / "lake" / "documents" / "L9.parquet")


def test_migrate_imports_the_earlier_layout_once_losing_nothing(tmp_path: Path) -> None:
    legacy, fresh = tmp_path / "legacy", build_small_warehouse(tmp_path / "fresh")
    _legacy_warehouse(legacy)
    location = Location.of(legacy)
    assert migrate(location) == [L1, L2]
    assert migrate(location) == []
    assert (legacy / IMPORTED_DIR / "documents" / "L9.parquet").exists(), "the old files are kept"
    with Lake(location) as lake:
        build_views(lake)
    for as_of in (None, L1):
        with connect(legacy, as_of=as_of) as imported, connect(fresh, as_of=as_of) as expected:
            for table in schemas.TABLES:
                columns = {"documents": "* EXCLUDE (ingested_at)", "loads": "load_id"}.get(table, "*")
                sql = f"SELECT {columns} FROM {table} ORDER BY ALL"
                assert execute(imported, sql) == execute(expected, sql), (table, as_of)
    assert run_query(legacy, "SELECT count(*) AS n FROM documents WHERE load_id = 'L9'").to_pylist() == [{"n": 0}]
    assert L2 in {r["load_id"] for r in read_table("loads", warehouse=legacy).to_dict("records")}


def _open_writer(catalog: str, data: str, start, errors) -> None:
    """A run in another process opening the lake to write, at the moment ``start`` lets it."""
    start.wait(60)
    try:
        with Lake(Location.of(Path(data), catalog=catalog, data=data), read_only=False) as lake:
            lake.con.execute("SELECT count(*) FROM documents").fetchone()
    except Exception as err:  # reported to the test, which names it
        errors.put(f"{type(err).__name__}: {err}")


@pytest.mark.services
def test_two_runs_making_a_new_shared_catalog_at_once_both_open_it(tmp_path: Path, postgres: Postgres) -> None:
    """Both race to create DuckLake's metadata and our tables; the loser opens what the winner made."""
    catalog = postgres.new_database("first_use_race")
    start, errors = SPAWN.Barrier(2), SPAWN.Queue()
    writers = [SPAWN.Process(target=_open_writer, args=(catalog, str(tmp_path / "data"), start, errors))
               for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
    assert [w.exitcode for w in writers] == [0, 0]
    assert errors.empty(), errors.get()


@pytest.mark.services
def test_reading_a_shared_catalog_no_run_has_made_says_so(postgres: Postgres, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run `crisis-etl run` first"):
        Lake(Location.of(tmp_path, catalog=postgres.new_database("never_loaded"), data=str(tmp_path / "data")))
