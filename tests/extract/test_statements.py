"""Golden cases for the statements extractor: a passage in, the expected rows out.

Each line of golden/statements.jsonl holds ``text``, the ``rows`` that must come
out (only the fields given are compared; ``quote`` must match exactly) and, with
``"exact": true``, no other rows.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.quotes import find_quotes
from extract.sections import split_sections
from extract.statements import extract_statements

GOLDEN = Path(__file__).parent / "golden" / "statements.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
COLUMNS = {"section_id", "speaker", "speaker_title", "quote", "quote_type", "verb", "char_start", "char_end"}


def _extract(nlp, text: str) -> list[dict]:
    return extract_statements(nlp(text), split_sections(text))


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_golden(nlp, case: dict) -> None:
    rows = _extract(nlp, case["text"])
    for want in case["rows"]:
        got = [r for r in rows if r["quote"] == want["quote"]]
        assert got, f"missing {want['quote']!r}; got {[r['quote'] for r in rows]}"
        for key, value in want.items():
            assert got[0][key] == value, f"{key}: {got[0][key]!r} != {value!r}"
    if case.get("exact"):
        assert [r["quote"] for r in rows] == [w["quote"] for w in case["rows"]]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_rows_are_well_formed(nlp, case: dict) -> None:
    text = case["text"]
    for row in _extract(nlp, text):
        assert set(row) == COLUMNS
        assert row["quote_type"] in {"direct", "partial", "block"}
        assert row["speaker"] and row["speaker"].lower() not in {"he", "she", "it", "they"}
        located = text[row["char_start"] : row["char_end"]]
        assert located.split() == row["quote"].split() or row["quote"].split()[0] in located


def test_empty_document(nlp) -> None:
    assert _extract(nlp, "") == []


def test_quote_marks_roles() -> None:
    text = "The sides' talks, 'Terrifying' they said, and \u201cwe won\u2019t go\u201d."
    assert [q.text(text) for q in find_quotes(text)] == ["Terrifying", "we won\u2019t go"]
