"""`crisis-etl sql`: queries read the warehouse, and nothing else gets through."""
from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.warehouse.small_warehouse import build_small_warehouse
from tests.conftest import REPO
from warehouse.query import MEMORY_LIMIT, TEMP_PREFIX, Limits, QueryError, _Watch, connect, run_query

ISSUE_QUERY = "SELECT victim_type, sum(estimate_low) AS low FROM casualties_facts GROUP BY 1 ORDER BY 1"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_warehouse(tmp_path_factory.mktemp("wh"))


def _sql(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["sql", *args])
    return result.exit_code, result.output


def test_queries_over_the_views_work(warehouse: Path) -> None:
    assert run_query(warehouse, ISSUE_QUERY).to_pylist() == [
        {"victim_type": "civilian", "low": 25}, {"victim_type": "unknown", "low": 200}]
    assert run_query(warehouse, "SELECT count(*) AS n FROM documents").to_pylist() == [{"n": 3}]
    described = run_query(warehouse, "DESCRIBE refugees_facts").column("column_name").to_pylist()
    assert {"estimate_low", "estimate_high", "title", "headline"} <= set(described)


def test_the_issue_query_prints_a_table(warehouse: Path) -> None:
    code, out = _sql("--warehouse", str(warehouse), ISSUE_QUERY)
    assert code == 0 and "civilian" in out and "200" in out and "┃" in out


def test_the_connection_itself_is_locked_down(warehouse: Path) -> None:
    """Even a statement that got past the refusal list stays inside DuckDB's own limits."""
    with connect(warehouse) as con:
        for setting in ("enable_external_access = true", "allowed_directories = ['/']", "memory_limit = '100GB'"):
            with pytest.raises(duckdb.InvalidInputException, match="configuration has been locked"):
                con.execute(f"SET {setting}")
        with pytest.raises(duckdb.PermissionException):
            con.execute("COPY (SELECT 1) TO '/tmp/stolen.csv'")
        with pytest.raises(duckdb.PermissionException):
            con.execute("LOAD httpfs")
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    with duckdb.connect() as plain:
        plain.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        assert limit == plain.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_locking_our_connection_leaves_an_analysts_connection_alone(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse / "crisis.duckdb"), read_only=True) as analyst, connect(warehouse):
        assert analyst.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is True


def test_a_refusal_exits_1_with_its_reason(warehouse: Path) -> None:
    code, out = _sql("--warehouse", str(warehouse), "SELECT * FROM read_parquet('/etc/passwd')")
    assert code == 1 and "refused" in out and "/etc/passwd" in out and "root:" not in out


def test_missing_warehouse_and_bad_sql_are_errors(tmp_path: Path, warehouse: Path) -> None:
    with pytest.raises(QueryError, match="no warehouse"):
        run_query(tmp_path, "SELECT 1")
    with pytest.raises(QueryError, match="syntax error"):
        run_query(warehouse, "SELEC 1")


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "table"])
def test_results_are_saved_by_python_in_each_format(warehouse: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"result.{fmt}"
    code, _ = _sql("--warehouse", str(warehouse), "--format", fmt, "--output", str(out),
                   "SELECT speaker, published_date FROM statements_facts ORDER BY speaker, quote")
    assert code == 0
    if fmt == "parquet":
        assert pq.read_table(out).column("speaker").to_pylist()[0] == "Melissa Fleming"
    elif fmt == "json":
        assert json.loads(out.read_text())[0] == {"speaker": "Melissa Fleming", "published_date": "2024-02-12"}
    else:
        assert "Melissa Fleming" in out.read_text()
    assert out.read_text(errors="replace").startswith("speaker,published_date") == (fmt == "csv")


def test_csv_goes_to_stdout_and_parquet_needs_a_file(warehouse: Path) -> None:
    code, out = _sql("--warehouse", str(warehouse), "--format", "csv", "SELECT 1 AS one")
    assert code == 0 and out == "one\n1\n"
    code, out = _sql("--warehouse", str(warehouse), "--format", "parquet", "SELECT 1")
    assert code == 2 and "--output" in out


NEVER_ENDS = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"
MANY_ROWS = "SELECT i, i * 2 AS twice, 'row ' || i AS label FROM range(3000000) t(i)"


def test_a_query_past_the_time_limit_stops_with_a_clear_message(warehouse: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISIS_ETL_QUERY_TIMEOUT_S", "1")
    started = time.monotonic()
    code, out = _sql("--warehouse", str(warehouse), NEVER_ENDS)
    assert code == 1 and "ran longer than 1 s" in out and "query.timeout_s" in out
    assert time.monotonic() - started < 10


def _temp_dirs() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}{os.getpid()}-*"))


def test_spill_goes_to_a_private_capped_directory_removed_even_after_an_error(warehouse: Path) -> None:
    killed = Path(tempfile.gettempdir()) / f"{TEMP_PREFIX}999999999-left"  # of a query process that was killed
    killed.mkdir(exist_ok=True)
    with connect(warehouse, Limits(max_temp_directory_size="1MB", memory_limit="30MB")) as con:
        temp, cap = con.execute("SELECT current_setting('temp_directory'), "
                                "current_setting('max_temp_directory_size')").fetchall()[0]
    assert Path(temp) in _temp_dirs() and cap == "976.5 KiB" and not killed.exists()
    del con
    gc.collect()
    assert not _temp_dirs()
    with pytest.raises(QueryError, match="max_temp_directory_size"):
        run_query(warehouse, "SELECT * FROM range(10000000) t(i) ORDER BY hash(i)",
                  Limits(max_temp_directory_size="1MB", memory_limit="30MB"))
    gc.collect()
    assert not _temp_dirs()


def _measured(*args: str) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run ``crisis-etl ARGS`` in a child; its result, seconds and peak memory in MB."""
    measure = ("import resource, subprocess, sys, time; t = time.monotonic(); "
               "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(r.returncode, time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
               "print(r.stdout[-400:]); print(r.stderr[-2000:], file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "flows.cli", *args],
                          cwd=REPO, capture_output=True, text=True)
    code, seconds, peak_kb = done.stdout.split("\n", 1)[0].split()
    done.returncode = int(code)
    return done, float(seconds), int(peak_kb) // 1024


def test_a_big_result_prints_a_capped_table_at_once(warehouse: Path) -> None:
    done, seconds, peak_mb = _measured("sql", "--warehouse", str(warehouse), MANY_ROWS)
    assert done.returncode == 0, done.stderr
    assert "only the first 1,000 rows are shown" in done.stdout and "--format csv|parquet --output" in done.stdout
    assert seconds < 20 and peak_mb < 400


def test_a_big_result_streams_to_a_file(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    done, seconds, peak_mb = _measured("sql", "--warehouse", str(warehouse), "--format", "csv", "--output", str(out),
                                       MANY_ROWS)
    assert done.returncode == 0, done.stderr
    with out.open() as handle:
        assert sum(1 for _ in handle) == 3_000_001
    assert seconds < 30 and peak_mb < 400


def test_a_failed_query_leaves_no_partial_output(warehouse: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISIS_ETL_QUERY_TIMEOUT_S", "1")
    out = tmp_path / "result.csv"
    out.write_text("an older result\n")
    code, _ = _sql("--warehouse", str(warehouse), "--format", "csv", "--output", str(out), NEVER_ENDS)
    assert code == 1 and out.read_text() == "an older result\n" and os.listdir(tmp_path) == ["result.csv"]


def test_a_warehouse_held_open_for_writing_by_another_process_is_still_queried(warehouse: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; "
                               f"con = duckdb.connect({str(warehouse / 'crisis.duckdb')!r}); "
                               "print('holding', flush=True); sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "holding\n"
        with pytest.raises(duckdb.IOException, match="lock"):  # what `sql` used to die of
            duckdb.connect(str(warehouse / "crisis.duckdb"), read_only=True)
        code, out = _sql("--warehouse", str(warehouse), "--format", "csv", "SELECT count(*) AS n FROM documents")
        assert (code, out) == (0, "n\n3\n")
    finally:
        holder.communicate("")


def test_a_signal_during_a_query_is_passed_on_to_the_wakeup_fd_it_replaced() -> None:
    """The command's stop watchdog (flows.stopping) listens on the wakeup fd a query's watch replaces."""
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    handler = signal.signal(signal.SIGUSR1, lambda *_: None)
    previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    try:
        with _Watch(duckdb.connect(), 0):
            os.kill(os.getpid(), signal.SIGUSR1)
            time.sleep(0.5)  # the watch's thread takes the signal and interrupts the (idle) connection
        assert os.read(read, 16) == bytes([signal.SIGUSR1])
    finally:
        signal.set_wakeup_fd(previous)
        signal.signal(signal.SIGUSR1, handler)
        os.close(read)
        os.close(write)
