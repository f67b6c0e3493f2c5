"""Cutting a long text into pieces the parser can take: at sections, then paragraphs, then lines."""
from __future__ import annotations

import pytest

from extract.pieces import cut_points
from extract.sections import split_sections

SECTIONED = "Headline one\nFirst item text.\n\n\nHeadline two\nSecond item, longer text here.\n\n\nHeadline three\nThird."


def _pieces(text: str, limit: int) -> list[str]:
    bounds = cut_points(text, split_sections(text), limit)
    assert bounds[0] == 0 and bounds[-1] == len(text)
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def test_a_text_within_the_limit_is_one_piece() -> None:
    assert _pieces(SECTIONED, len(SECTIONED)) == [SECTIONED]


def test_pieces_end_at_section_starts_when_sections_fit() -> None:
    pieces = _pieces(SECTIONED, 60)
    assert "".join(pieces) == SECTIONED
    assert [p.split("\n", 1)[0] for p in pieces] == ["Headline one", "Headline two", "Headline three"]


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("aaa aaa.\n\nbbb bbb.\n\nccc ccc.", 12, ["aaa aaa.\n\n", "bbb bbb.\n\n", "ccc ccc."]),  # paragraphs
    ("aaa aaa.\nbbb bbb.\nccc ccc.", 12, ["aaa aaa.\n", "bbb bbb.\n", "ccc ccc."]),  # lines
    ("Aaa aa. Bbb bb. Ccc cc.", 10, ["Aaa aa. ", "Bbb bb. ", "Ccc cc."]),  # sentences
    ("aaaa bbbb cccc", 6, ["aaaa ", "bbbb ", "cccc"]),  # words
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # nothing to cut at: at the limit
])
def test_a_long_section_is_cut_at_the_widest_break_that_fits(text: str, limit: int, expected: list[str]) -> None:
    assert _pieces(text, limit) == expected


def test_every_piece_fits_the_limit_on_a_large_text() -> None:
    text = ("Short line.\n" * 5000) + ("word " * 20000) + "\n\n" + "x" * 30000
    pieces = _pieces(text, 7000)
    assert "".join(pieces) == text and max(map(len, pieces)) <= 7000
