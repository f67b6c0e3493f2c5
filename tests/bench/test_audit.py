"""Audit samples: stable under changed rows, judgements carried only to unchanged rows, tallies."""
from __future__ import annotations

from pathlib import Path

from bench.audit import carried, draw, tally, warehouse_rows
from bench.views import build_synthetic


def test_rows_come_with_their_document_stem_and_the_text_around_them(tmp_path: Path) -> None:
    build_synthetic(tmp_path, 20)
    rows = warehouse_rows(tmp_path, "casualties")
    assert rows and all(r["doc"] and "/" not in r["doc"] and not r["doc"].endswith(".txt") for r in rows)
    assert all(r["sentence"] and r["context"] for r in rows)


def _row(doc: str, start: int, figure: int) -> dict:
    return {"doc": doc, "char_start": start, "figure": figure, "figure_high": None,
            "category": "displaced", "sentence": f"{figure} people fled."}


def test_a_row_keeps_its_place_when_other_rows_go() -> None:
    rows = [_row(f"d{i}", i * 10, i) for i in range(50)]
    first = draw("refugees", [dict(r) for r in rows], "s", 10, {})
    kept = {(r["doc"], r["char_start"]) for r in first}
    fewer = [dict(r) for r in rows if (r["doc"], r["char_start"]) != sorted(kept)[0]]
    second = {(r["doc"], r["char_start"]) for r in draw("refugees", fewer, "s", 10, {})}
    assert len(kept & second) == 9
    assert {(r["doc"], r["char_start"]) for r in draw("refugees", [dict(r) for r in rows], "t", 10, {})} != kept


def test_judgements_carry_only_to_rows_judged_on_the_same_values() -> None:
    judged = [dict(_row("a", 0, 5), verdict="real", note=""), dict(_row("b", 0, 7), verdict="wrong", note="x")]
    changed = dict(_row("b", 0, 7), category="hosted")
    sample = draw("refugees", [_row("a", 0, 5), changed], "s", 5, carried("refugees", judged))
    by_doc = {r["doc"]: r for r in sample}
    assert by_doc["a"]["verdict"] == "real" and by_doc["a"]["carried"]
    assert by_doc["b"]["verdict"] is None and not by_doc["b"]["carried"]


def test_tally_counts_real_rows_and_right_speakers_among_them() -> None:
    rows = [{"real_quote": "yes", "speaker_right": True}, {"real_quote": "yes", "speaker_right": False},
            {"real_quote": "optional", "speaker_right": True}, {"real_quote": None, "speaker_right": None}]
    assert tally(rows) == {"rows": 4, "judged": 3, "real": 2, "real_share": 0.667,
                           "speaker_right": 1, "speaker_right_share": 0.5}
