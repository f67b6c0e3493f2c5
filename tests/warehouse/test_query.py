"""`crisis-etl sql`: queries read the warehouse, and nothing else gets through."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.warehouse.small_warehouse import build_small_warehouse
from warehouse.query import MEMORY_LIMIT, QueryError, QueryRefused, connect, run_query

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


@pytest.mark.parametrize(("query", "reason"), [
    ("SELECT * FROM read_text('/etc/passwd')", "Cannot access file \"/etc/passwd\""),
    ("SELECT * FROM read_text('{lake}/../../secret.txt')", "Cannot access file"),
    ("SELECT * FROM read_text('{lake}2/secret.txt')", "Cannot access file"),
    ("SELECT * FROM read_blob('{lake}/../catalog.sqlite')", "Cannot access file"),
    ("SELECT * FROM glob('/etc/*')", "Cannot access file"),
    ("COPY (SELECT 1) TO '{lake}/stolen.csv'", "COPY statements are not allowed"),
    ("COPY (SELECT 1) TO '/tmp/stolen.csv'", "COPY statements are not allowed"),
    ("EXPORT DATABASE '{lake}/dump'", "EXPORT statements are not allowed"),
    ("EXPLAIN ANALYZE COPY (SELECT 1) TO '{lake}/stolen.csv'", "EXPLAIN statements are not allowed"),
    ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH statements are not allowed"),
    ("INSTALL httpfs", "INSTALL statements are not allowed"),
    ("LOAD httpfs", "LOAD statements are not allowed"),
    ("SET enable_external_access = true", "SET statements are not allowed"),
    ("SELECT 1; SET memory_limit = '100GB'", "SET statements are not allowed"),
])
def test_everything_but_reading_the_warehouse_is_refused(warehouse: Path, query: str, reason: str) -> None:
    (warehouse.parent / "secret.txt").write_text("secret")
    (warehouse / "data2").mkdir(exist_ok=True)
    (warehouse / "data2" / "secret.txt").write_text("secret")
    with pytest.raises(QueryRefused, match="^refused: ") as refused:
        run_query(warehouse, query.format(lake=warehouse / "data"))
    assert reason in str(refused.value)
    assert not list((warehouse / "data").glob("stolen*")) and not Path("/tmp/stolen.csv").exists()


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
    code, out = _sql("--warehouse", str(warehouse), "SELECT * FROM read_text('/etc/passwd')")
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
