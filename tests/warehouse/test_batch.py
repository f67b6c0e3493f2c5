"""Rows that fail their schema are quarantined in rejects with the failed check, never dropped."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from contract import Document
from warehouse.batch import Batch, document_sources

DOC = Document("d" * 64, "/inbox/a.txt", "Title", None, "Ten people were killed.")


def _casualty(**overrides: object) -> dict:
    row = dict(section_id=0, figure=10, figure_high=None, qualifier="exact", outcome="killed", victims="people",
               victim_type="unknown", perpetrator=None, location=None, attributed_to=None,
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
