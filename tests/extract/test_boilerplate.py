"""Page furniture is found as spans and keeps its lines out of the facts, not out of the text."""
from __future__ import annotations

import pytest
from spacy.language import Language

from extract.boilerplate import boilerplate_spans, inside
from extract.pipeline import extract_doc

SCRAPED = """PHOTO: 5,000 displaced Syrians gathered at the Turkish border on Wednesday night


LATEST

SUNDAY FEATURE

About 50,000 civilians have gathered at the border crossing near the town of Azaz.

Displaced Syrians in one of the tents set up on the border:

SYRIA REFUGEES TURKEY BORDER 3

Image of some of the regime casualties:

REGIME EAST GHOUTA DEAD

Share on Facebook | Tweet | Email
Follow Ted Regencia on Twitter: @tedregencia
"""


def _ignored(text: str) -> list[str]:
    return [text[start:end] for start, end in boilerplate_spans(text)]


def test_scraped_page_furniture_is_found_line_by_line() -> None:
    assert set(_ignored(SCRAPED)) == {
        "PHOTO: 5,000 displaced Syrians gathered at the Turkish border on Wednesday night",
        "LATEST", "SUNDAY FEATURE", "SYRIA REFUGEES TURKEY BORDER 3", "REGIME EAST GHOUTA DEAD",
        "Share on Facebook | Tweet | Email", "Follow Ted Regencia on Twitter: @tedregencia",
    }


def test_a_text_that_lost_its_newlines_is_not_ignored_whole() -> None:
    text = "PHOTO: Displaced Syrians at the border " + "About 50,000 civilians have gathered at the crossing. " * 5
    assert _ignored(text) == []


def test_inline_widgets_are_found_alone_in_a_run_on_line() -> None:
    text = "12.03.2019(updated 0915 12.03.2019) Get short URL 3310 At least 8 people died in the fire."
    assert _ignored(text) == ["(updated 0915 12.03.2019)", "Get short URL 3310"]


@pytest.mark.parametrize("line", [
    "The toll was updated to 40 on Monday.",
    "About 50,000 civilians have gathered at the border crossing near the town of Azaz.",
    "AID FOCUSED ON SYRIAN SIDE",                       # a section headline in capitals, no number
    "Video: Rebels Claim Killing of 50 Regime Troops in East Ghouta",
    "The photo showed 300 people waiting at the crossing.",
    "LATEST FIGURES SHOW 3,000 ARRIVALS",
])
def test_article_lines_are_not_boilerplate(line: str) -> None:
    assert _ignored(f"Some intro.\n\n{line}\n\nMore text.") == []


def test_inside_is_half_open() -> None:
    spans = [(0, 6), (10, 20)]
    assert [inside(i, spans) for i in (0, 5, 6, 10, 19, 20)] == [True, True, False, True, True, False]


def test_facts_on_boilerplate_lines_are_dropped_and_the_text_kept(nlp: Language) -> None:
    doc = nlp(SCRAPED)
    rows = extract_doc(doc)
    assert [r["figure"] for r in rows["refugees"]] == [50000]  # not the 5,000 of the photo credit
    assert doc.text == SCRAPED and rows["sections"][0]["char_start"] == 0
