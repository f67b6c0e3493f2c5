"""Rows that fail their schema are quarantined in rejects with the failed check, never dropped."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

from extract.days import dated
from schemas.contract import Document
from warehouse.batch import Batch, document_sources

DOC = Document("d" * 64, "/inbox/a.txt", "Title", None, "Ten people were killed.")


def _casualty(**overrides: object) -> dict:
    row = dict(section_id=0, figure=10, figure_high=None, qualifier="exact", outcome="killed", victims="people",
               victim_type="unknown", perpetrator=None, location=None, attributed_to=None,
               scope="incident", event_date_text=None, event_date=None,
               sentence="Ten people were killed.", char_start=0, char_end=3)
    return {**row, **overrides}


def test_invalid_fact_row_goes_to_rejects_with_its_check() -> None:
    batch = Batch("L1")
    rows = {"sections": [dict(section_id=0, headline="Title", char_start=0, char_end=23)], "refugees": [],
            "statements": [], "casualties": [_casualty(), _casualty(outcome="exploded", figure_high=12)]}
    batch.add_document(DOC, datetime.now(UTC))
    batch.add_extraction(DOC, rows, "test")
    frames = batch.validated(document_sources([DOC]))
    assert len(frames["casualties"]) == 1 and len(frames["documents"]) == 1
    (reject,) = frames["rejects"].to_dict("records")
    assert reject["stage"] == "validate" and reject["table_name"] == "casualties"
    assert "outcome" in reject["reason"] and "range_bounds" in reject["reason"]
    assert reject["source_uri"] == "/inbox/a.txt"
    assert json.loads(reject["detail"])["outcome"] == "exploded"


def test_extraction_error_keeps_the_document_and_records_the_error() -> None:
    batch = Batch("L1")
    batch.add_document(DOC, datetime.now(UTC))
    batch.add_extraction(DOC, "Traceback: ValueError: boom", "test")
    frames = batch.validated(document_sources([DOC]))
    assert len(frames["documents"]) == 1
    assert frames["rejects"]["stage"].tolist() == ["extract"]
    assert "boom" in frames["rejects"]["detail"].iloc[0]


def test_the_event_day_is_resolved_against_the_published_date() -> None:
    """Extraction gives "on Monday" as weekday:0; the flow, which knows the paper came out on Thursday 14 March,
    resolves it (``extract.days.dated``) before the batch validates it."""
    paper = Document("e" * 64, "/inbox/b.txt", "Title", date(2024, 3, 14), "Ten people were killed on Monday.")
    batch = Batch("L1")
    rows = {"sections": [dict(section_id=0, headline="Title", char_start=0, char_end=33)], "refugees": [],
            "statements": [], "casualties": [_casualty(event_date_text="on Monday", event_when="weekday:0")]}
    rows["casualties"][0].pop("event_date")
    for doc in (paper, DOC):
        batch.add_document(doc, datetime.now(UTC))
        batch.add_extraction(doc, dated(rows, doc.published_date), "test")
    frames = batch.validated(document_sources([paper, DOC]))
    days = frames["casualties"]["event_date"]
    assert days.iloc[0] == date(2024, 3, 11) and days.isna().iloc[1]  # undated paper: no day for "Monday"
    assert frames["casualties"]["event_date_text"].tolist() == ["on Monday", "on Monday"]
    assert "event_when" not in frames["casualties"]


def test_a_text_stamp_dates_a_document_its_source_left_undated() -> None:
    """The date stamped at a text's head fills ``published_date`` and resolves its relative days; a date
    from the source (sidecar, page metadata) wins over it."""
    sourced = Document("f" * 64, "/inbox/c.txt", "Title", date(2024, 3, 14), "Ten people were killed on Monday.")
    rows = {"sections": [], "refugees": [], "statements": [], "documents": [{"published_date": date(2024, 3, 21)}],
            "casualties": [_casualty(event_date_text="on Monday", event_when="weekday:0")]}
    rows["casualties"][0].pop("event_date")
    batch = Batch("L1")
    for doc in (DOC, sourced):
        batch.add_document(doc, datetime.now(UTC))
        batch.add_extraction(doc, dated(rows, doc.published_date), "test")
    frames = batch.validated(document_sources([DOC, sourced]))
    assert frames["documents"]["published_date"].tolist() == [date(2024, 3, 21), date(2024, 3, 14)]
    assert frames["casualties"]["event_date"].tolist() == [date(2024, 3, 18), date(2024, 3, 11)]
