"""Where a figure happened: the place its event word ties to it, never the seat of who reports it.

Passages are our own. Each test reads the ``location`` of the rows the figure extractor gives,
so the place is checked where it is used; the rule-by-rule golden cases are in
``golden/rules/figure.location.jsonl``, ``figure.place-not-seat.jsonl`` and
``figure.place-context.jsonl``.
"""
from __future__ import annotations

import pytest
from spacy.tokens import Span

from extract.figures import extract_figures
from extract.places import located
from extract.sections import split_sections


def _locations(nlp, text: str) -> list[str | None]:
    doc = nlp(text)
    refugees, casualties = extract_figures(doc, split_sections(text))
    return [row["location"] for row in sorted(refugees + casualties, key=lambda r: r["char_start"])]


@pytest.mark.parametrize(("text", "place"), [
    ("Shelling killed five people in Idlib, Syria.", "Idlib"),  # a town over its country
    ("About 2,000 people crossed into Turkey at the Oncupinar crossing on Friday.", "Oncupinar crossing"),
    ("Warplanes struck the village of Kafr Nabl, killing seven civilians.", "Kafr Nabl"),
    ("Three people were wounded in the northern province of Aleppo.", "Aleppo"),
    ("Nearly 80 migrants were rescued at sea on Sunday.", "sea"),
    ("Jordan has registered 650,000 Syrian refugees.", "Jordan"),
])
def test_the_place_the_event_word_ties_to(nlp, text: str, place: str) -> None:
    assert _locations(nlp, text) == [place]


@pytest.mark.parametrize("text", [
    "A US-led coalition air strike killed 15 civilians, Moscow said.",
    "The Britain-based monitor said 12 fighters were killed.",
    "Syrian officials said 30 soldiers died.",  # a nationality is no place
])
def test_seats_of_reporters_and_forces_are_no_location(nlp, text: str) -> None:
    assert _locations(nlp, text) == [None]


def test_a_sentence_without_a_place_takes_the_nearest_earlier_one(nlp) -> None:
    text = ("Fighting spread to Jisr al-Shughour on Monday.\n"
            "Rebels entered the town of Saraqeb overnight.\n"
            "At least nine people were killed, the monitor said.")
    assert _locations(nlp, text) == ["Saraqeb"]


def test_the_town_stands_for_the_town_named_before(nlp) -> None:
    text = "Rebels captured Saraqeb on Monday. Shelling later killed four people in the town."
    assert _locations(nlp, text) == ["Saraqeb"]


def test_a_place_of_another_section_is_not_borrowed(nlp) -> None:
    text = ("Clashes in Homs\n\nFighting went on in Homs all day.\n\n\n"
            "Aid update\n\nAbout 300 people were evacuated on Tuesday.\n")
    assert _locations(nlp, text) == [None]


def test_a_lost_apostrophe_is_read_as_a_possessive(nlp) -> None:
    assert _locations(nlp, "An air raid on Syrias Idlib province killed six civilians.") == ["Idlib province"]


def test_a_person_of_the_document_is_no_place(nlp) -> None:
    """"Kerblat said" after "Bernard Kerblat": the tagger's GPE on the surname is no place."""
    doc = nlp("Bernard Kerblat met officials . Kerblat said 300 people fled from Aleppo .")
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 5, 6, "GPE"), Span(doc, 11, 12, "GPE")]
    fled = next(t for t in doc if t.text == "fled")
    (section,) = split_sections(doc.text)
    assert located(doc, fled.sent, fled, section).text == "Aleppo"


@pytest.mark.parametrize(("text", "tagged", "place"), [
    ("Posted Jul 262016 . Nine people were killed .", (1, 3), None),  # a month and a number: a date
    ("Shells hit Jayrud 60 kilometres away . Nine people were killed .", (2, 5), "Jayrud"),
])
def test_a_tagged_place_ends_before_its_first_number(nlp, text: str, tagged: tuple[int, int], place: str | None) -> None:
    """The tagger runs names into distances and dates: the place is what comes before the number."""
    doc = nlp(text)
    doc.ents = [Span(doc, *tagged, "GPE")]
    killed = next(t for t in doc if t.text == "killed")
    (section,) = split_sections(doc.text)
    assert located(doc, killed.sent, killed, section).text == place


def test_a_war_is_fought_in_the_country_of_the_towns_named() -> None:
    """The gazetteer puts a town in the country of its most populous namesake."""
    from extract.places import _TOWN_COUNTRY
    assert (_TOWN_COUNTRY["Aleppo"], _TOWN_COUNTRY["Mytilini"]) == ("Syria", "Greece")
