"""Golden cases for the figure extractor: a passage in, the expected rows out.

Cases live in ``golden/figures.jsonl``, one JSON object per line:
``text`` plus the expected ``refugees`` and ``casualties`` rows (only the key
fields are compared). A table left out of a case is not checked; an empty list
means no row may come out.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from extract.figures import extract_figures
from extract.sections import split_sections

GOLDEN = Path(__file__).parent / "golden" / "figures.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
KEYS = {
    "refugees": ("figure", "figure_high", "qualifier", "category"),
    "casualties": ("figure", "figure_high", "qualifier", "outcome", "victim_type"),
}
WHEN_COLUMNS = {"scope", "event_date_text", "event_when"}  # event_when: resolved into event_date by the batch
REFUGEE_COLUMNS = {"section_id", "figure", "figure_high", "qualifier", "category", "population",
                   "location", "attributed_to", "sentence", "char_start", "char_end"} | WHEN_COLUMNS
CASUALTY_COLUMNS = {"section_id", "figure", "figure_high", "qualifier", "outcome", "victims",
                    "victim_type", "perpetrator", "location", "attributed_to", "sentence",
                    "char_start", "char_end"} | WHEN_COLUMNS


def _run(nlp, text: str) -> dict[str, list[dict]]:
    refugees, casualties = extract_figures(nlp(text), split_sections(text))
    return {"refugees": refugees, "casualties": casualties}


def _keyed(rows: list[dict], table: str) -> Counter:
    return Counter(tuple(row.get(k) for k in KEYS[table]) for row in rows)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_golden(nlp, case: dict) -> None:
    got = _run(nlp, case["text"])
    for table in KEYS:
        if table in case:
            assert _keyed(got[table], table) == _keyed(case[table], table), table


@pytest.mark.parametrize("case", [c for c in CASES if any("span" in r for r in c.get("casualties", []))])
def test_offsets_point_at_the_body_mention(nlp, case: dict) -> None:
    got = _run(nlp, case["text"])["casualties"]
    for want in case["casualties"]:
        row = next(r for r in got if r["figure"] == want["figure"])
        assert case["text"][row["char_start"]:row["char_end"]] == want["span"]
        assert row["char_start"] == want["char_start"]


def test_rows_carry_exactly_the_table_columns(nlp) -> None:
    text = "At least 13 people were killed in Homs and 2,000 fled to Lebanon, the monitor said."
    got = _run(nlp, text)
    assert got["refugees"] and got["casualties"]
    assert all(set(r) == REFUGEE_COLUMNS for r in got["refugees"])
    assert all(set(r) == CASUALTY_COLUMNS for r in got["casualties"])
    for row in got["refugees"] + got["casualties"]:
        assert text[row["char_start"]:row["char_end"]] in ("13", "2,000")
        assert row["sentence"] == text


def test_context_fields(nlp) -> None:
    text = "Government airstrikes killed at least 21 civilians in Douma, according to the Syrian Observatory for Human Rights."
    (row,) = _run(nlp, text)["casualties"]
    assert row["victims"] == "civilians"
    assert row["location"] == "Douma"
    assert row["perpetrator"] == "Government airstrikes"
    assert "Observatory" in row["attributed_to"]


def test_a_place_the_tagger_ends_on_a_line_break_is_given_without_it(nlp) -> None:
    (row,) = _run(nlp, "Some 300 refugees arrived at the port of Pireaus\n\nThey were taken to camps.\n")["refugees"]
    assert row["location"] == "port of Pireaus"


def test_same_figure_in_two_sections_is_two_rows(nlp) -> None:
    text = ("Town shelled\n\nShelling killed 4 people in the town.\n\n\n"
            "Second item here\n\nA later strike killed 4 people in the port.\n")
    rows = _run(nlp, text)["casualties"]
    assert sorted(r["section_id"] for r in rows) == [0, 1]


def test_text_without_numbers_gives_nothing(nlp) -> None:
    assert _run(nlp, "The talks ended without agreement.") == {"refugees": [], "casualties": []}

