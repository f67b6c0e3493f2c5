"""A small hand-written warehouse for the analyst views, the report and the notebook.

Two loads: L1 (extractor 0.9.0) loads documents A, B and C; L2 (extractor 0.10.0,
newer although '0.10.0' < '0.9.0' as strings) reprocesses A, whose new extraction
replaces the old one and finds a different casualty figure and no refugees. C's casualty figure is a
war-wide toll (scope total): no incident. Every qualifier of the guide
appears once among the figures, so the estimate columns can be checked exactly.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

import schemas
from warehouse.lake import Lake, Load, Location
from warehouse.views import build_views

A, B, C = "a" * 64, "b" * 64, "c" * 64
L1, L2, L3 = "20240301T000000Z-00000001", "20240302T000000Z-00000002", "20240303T000000Z-00000003"
VERSIONS = {L1: "0.9.0", L2: "0.10.0", L3: "0.9.0"}
TEXT = "Fifty thousand people gathered at the border. Officials spoke."

DOCUMENTS = [
    dict(doc_id=A, source_uri="https://example.org/azaz", title="Thousands stranded near Azaz",
         published_date=date(2024, 2, 10)),
    dict(doc_id=B, source_uri="/inbox/jordan.txt", title="Camps in Jordan", published_date=date(2024, 2, 12)),
    dict(doc_id=C, source_uri="/inbox/undated.txt", title=None, published_date=None),
]


def _fill(model: type[pa.DataFrameModel], row: dict[str, Any]) -> dict[str, Any]:
    """Complete ``row`` with the columns a test does not care about: null, or 0 for counts."""
    cols = model.to_schema().columns
    return {name: row.get(name, None if cols[name].nullable else 0) for name in schemas.columns(model)}


def _frame(model: type[pa.DataFrameModel], rows: list[dict[str, Any]]) -> pd.DataFrame:
    return model.validate(pd.DataFrame([_fill(model, r) for r in rows], columns=schemas.columns(model)))


def _figure(doc_id: str, figure: int, qualifier: str, high: int | None = None, **rest: Any) -> dict[str, Any]:
    return dict(doc_id=doc_id, section_id=1, figure=figure, figure_high=high, qualifier=qualifier,
                sentence=TEXT[:46], char_start=0, char_end=14, **{"scope": "incident", **rest})


def _statement(doc_id: str, speaker: str, quote: str) -> dict[str, Any]:
    return dict(doc_id=doc_id, section_id=1, speaker=speaker, quote=quote, quote_type="direct", verb="said",
                sentence=TEXT[47:], char_start=47, char_end=63)


def _sections(doc_id: str) -> list[dict[str, Any]]:
    return [dict(doc_id=doc_id, section_id=0, headline=None, char_start=0, char_end=46),
            dict(doc_id=doc_id, section_id=1, headline=f"Update on {doc_id[0]}", char_start=46, char_end=len(TEXT))]


LOADS: dict[str, dict[str, list[dict[str, Any]]]] = {
    L1: {
        "documents": DOCUMENTS,
        "sections": _sections(A) + _sections(B) + _sections(C),
        "refugees": [
            _figure(A, 50000, "approximate", category="stranded", location="Azaz"),
            _figure(B, 660000, "at_least", category="hosted", location="Jordan"),
            _figure(B, 50000, "range", 55000, category="expected", location="Turkey"),
            _figure(B, 70000, "at_most", category="displaced", location="Idlib"),
        ],
        "casualties": [
            _figure(A, 50, "exact", outcome="killed", victim_type="combatant"),
            _figure(B, 12, "vague", outcome="killed", victim_type="civilian", event_date=date(2024, 2, 11)),
            _figure(B, 10, "range", 15, outcome="wounded", victim_type="civilian", event_date=date(2024, 2, 11)),
            _figure(C, 200, "approximate", outcome="killed", victim_type="unknown", scope="total"),
        ],
        "statements": [
            _statement(A, "Suleyman Tapsiz", "Our doors are not closed"),
            _statement(B, "Melissa Fleming", "The camps are full"),
            _statement(B, "Melissa Fleming", "We need more funding"),
        ],
    },
    L2: {
        "sections": _sections(A),
        "casualties": [_figure(A, 3, "exact", outcome="killed", victim_type="civilian", event_date=date(2024, 2, 9))],
        "statements": [_statement(A, "Suleyman Tapsiz", "Our doors remain open")],
    },
}


def _stamp(table: str, load_id: str, row: dict[str, Any]) -> dict[str, Any]:
    if table == "documents":
        return dict(row, text=TEXT, n_chars=len(TEXT), ingested_at=datetime.now(UTC), load_id=load_id)
    if table in schemas.FACT_TABLES:
        return dict(row, extractor_version=VERSIONS[load_id], load_id=load_id)
    return dict(row, load_id=load_id)


def _load_row(load_id: str) -> pd.DataFrame:
    now = datetime.now(UTC)
    return _frame(schemas.Loads, [dict(load_id=load_id, started_at=now, finished_at=now, status="completed",
                                       extractor_version=VERSIONS[load_id])])


def _commit(location: Location, load_id: str, tables: dict[str, list[dict[str, Any]]], replace: bool) -> None:
    with Load(location, load_id) as load:
        if replace:
            load.replace_extractions(sorted({row["doc_id"] for row in tables["sections"]}))
        for table, rows in tables.items():
            load.insert(table, _frame(schemas.TABLES[table], [_stamp(table, load_id, r) for r in rows]))
        load.commit(_load_row(load_id))
        build_views(load)


def build_small_warehouse(root: Path) -> Path:
    """Commit the two loads under ``root`` (L2 replacing A's extraction) and build ``crisis.duckdb``; returns ``root``."""
    for load_id, tables in LOADS.items():
        _commit(Location.of(root), load_id, tables, replace=True)
    return root


def store_again(root: Path, doc_id: str) -> None:
    """Commit load L3 holding ``doc_id`` exactly as L1 stored it, as a second run started at once would."""
    tables = {t: [r for r in rows if r["doc_id"] == doc_id] for t, rows in LOADS[L1].items()}
    _commit(Location.of(root), L3, tables, replace=False)


def empty_warehouse(root: Path) -> Path:
    """A warehouse with its tables and views but no load yet; returns ``root``."""
    with Lake(Location.of(root), read_only=False) as lake:
        build_views(lake)
    return root
