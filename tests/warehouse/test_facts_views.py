"""The `<table>_facts` views: newest extraction per document, estimates, document context."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.warehouse.small_warehouse import A, B, C, L2, L3, build_small_warehouse, empty_warehouse, store_again
from warehouse.lake import Lake, Location
from warehouse.query import run_query


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_warehouse(tmp_path_factory.mktemp("wh"))


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    return [tuple(r.values()) for r in run_query(warehouse, sql).to_pylist()]


def test_a_reprocessed_document_shows_only_its_newest_extraction(warehouse: Path) -> None:
    assert _rows(warehouse, f"SELECT figure, extractor_version, load_id FROM casualties_facts "
                            f"WHERE doc_id = '{A}'") == [(3, "0.10.0", L2)]
    assert _rows(warehouse, f"SELECT count(*) FROM refugees_facts WHERE doc_id = '{A}'") == [(0,)]
    assert _rows(warehouse, f"SELECT quote FROM statements_facts WHERE doc_id = '{A}'") == [("Our doors remain open",)]
    assert _rows(warehouse, f"SELECT count(*) FROM casualties_facts WHERE doc_id IN ('{B}', '{C}')") == [(3,)]


@pytest.mark.parametrize(("qualifier", "low", "high"), [
    ("exact", 5000, 5000),
    ("approximate", 5000, 5000),
    ("range", 5000, 5500),
    ("at_least", 5000, None),
    ("at_most", None, 5000),
    ("vague", 5000, None),
])
def test_estimates_follow_the_qualifier(warehouse: Path, qualifier: str, low: int | None, high: int | None) -> None:
    figure_high = 5500 if qualifier == "range" else "NULL"
    assert _rows(warehouse, f"SELECT estimate_low(5000, '{qualifier}'), "
                            f"estimate_high(5000, {figure_high}, '{qualifier}')") == [(low, high)]


def test_estimates_in_the_views(warehouse: Path) -> None:
    assert sorted(_rows(warehouse, "SELECT qualifier, estimate_low, estimate_high FROM refugees_facts")) == [
        ("at_least", 660000, None), ("at_most", None, 70000), ("range", 50000, 55000)]
    assert ("vague", 12, None) in _rows(warehouse, "SELECT qualifier, estimate_low, estimate_high FROM casualties_facts")


def test_facts_carry_their_document_and_section(warehouse: Path) -> None:
    rows = _rows(warehouse, "SELECT DISTINCT doc_id, title, published_date, source_uri, headline FROM statements_facts "
                            "ORDER BY doc_id")
    assert rows == [(A, "Thousands stranded near Azaz", date(2024, 2, 10), "https://example.org/azaz", "Update on a"),
                    (B, "Camps in Jordan", date(2024, 2, 12), "/inbox/jordan.txt", "Update on b")]
    assert _rows(warehouse, f"SELECT title, published_date FROM casualties_facts WHERE doc_id = '{C}'") == [(None, None)]


def test_facts_views_keep_every_column_of_their_table(warehouse: Path) -> None:
    for table in ("refugees", "casualties", "statements"):
        base = run_query(warehouse, f"SELECT * FROM {table} LIMIT 0").column_names
        facts = run_query(warehouse, f"SELECT * FROM {table}_facts LIMIT 0").column_names
        assert facts[:len(base)] == base


def test_facts_views_exist_and_are_empty_in_an_empty_warehouse(tmp_path: Path) -> None:
    empty_warehouse(tmp_path)
    for table in ("refugees", "casualties", "statements"):
        assert _rows(tmp_path, f"SELECT count(*) FROM {table}_facts") == [(0,)]


def test_a_text_two_runs_stored_at_once_counts_once(tmp_path: Path) -> None:
    """Concurrent appends both commit on a shared catalog; the views still show each document once."""
    build_small_warehouse(tmp_path)
    shown = {"documents": "SELECT * FROM documents ORDER BY ALL",
             "casualty_incidents": "SELECT * EXCLUDE (incident_id) FROM casualty_incidents ORDER BY ALL",
             **{t: f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL"
                for t in ("sections", "refugees_facts", "casualties_facts", "statements_facts")}}
    before = {name: _rows(tmp_path, sql) for name, sql in shown.items()}
    store_again(tmp_path, B)
    with Lake(Location.of(tmp_path)) as lake:
        assert lake.con.execute(f"SELECT count(*) FROM casualties WHERE doc_id = '{B}'").fetchone() == (4,)
    assert {name: _rows(tmp_path, sql) for name, sql in shown.items()} == before
    assert _rows(tmp_path, f"SELECT load_id FROM extraction_loads WHERE doc_id = '{B}'") == [(L3,)]
