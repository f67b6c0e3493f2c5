"""Golden cases for a figure's scope and event day: a passage and its published date in, the row out.

Cases live in ``golden/when.jsonl``, one JSON object per line: ``text``,
``published`` (or null), the ``figure`` whose row is checked, and its expected
``scope``, ``event_date`` and ``event_date_text``. Extraction gives the words and a
relative form; ``dated`` resolves it against the published date, as a load does.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from extract.pipeline import extract_doc
from extract.days import dated, resolve
from schemas.contract import Document
from warehouse.batch import Batch

GOLDEN = Path(__file__).parent / "golden" / "when.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


def _row(nlp, case: dict) -> dict:
    published = dt.date.fromisoformat(case["published"]) if case["published"] else None
    doc = Document("f" * 64, "/inbox/case.txt", None, published, case["text"])
    batch = Batch("L1")
    batch.add_extraction(doc, dated(extract_doc(nlp(case["text"])), published), "test")
    rows = [r for t in ("refugees", "casualties") for r in batch.rows[t] if r["figure"] == case["figure"]]
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_golden(nlp, case: dict) -> None:
    row = _row(nlp, case)
    want = dt.date.fromisoformat(case["event_date"]) if case["event_date"] else None
    assert (row["scope"], row["event_date"], row["event_date_text"]) == (case["scope"], want, case["event_date_text"])


@pytest.mark.parametrize(("when", "published", "day"), [
    ("weekday:6", "2016-02-10", "2016-02-07"),  # Sunday before a Wednesday
    ("weekday:2", "2016-02-10", "2016-02-10"),  # the Wednesday of publication itself
    ("day:-1", "2016-03-01", "2016-02-29"),  # yesterday across a leap day
    ("monthday:02-29", "2017-03-01", "2016-02-29"),  # last 29 February that came before
    ("monthday:12-31", "2016-12-31", "2016-12-31"),
    ("monthday:01-01", "2015-12-31", "2015-01-01"),
    ("date:2014-06-01", None, "2014-06-01"),
    ("weekday:0", None, None),
    (None, "2016-02-10", None),
])
def test_resolve(when: str | None, published: str | None, day: str | None) -> None:
    base = dt.date.fromisoformat(published) if published else None
    assert resolve(when, base) == (dt.date.fromisoformat(day) if day else None)


def test_an_unknown_form_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown event_when form"):
        resolve("fortnight:1", dt.date(2016, 2, 10))


def test_line_ends_are_the_tokens_a_newline_follows_or_fills(nlp) -> None:
    """Found from the text's newlines, they are the tokens that end a line walking token by token."""
    from extract.when import _line_ends

    doc = nlp("\nTitle line\n\nBody one.\nBody two \n end\n")
    assert _line_ends(doc) == [t.i for t in doc if "\n" in t.whitespace_ or (t.is_space and "\n" in t.text)]
    assert _line_ends(nlp("No break at all.")) == []


@pytest.mark.parametrize(("text", "day"), [
    ("Shelling hits Idlib\n\n19.04.2017 Ten people were killed in Idlib on Monday.", dt.date(2017, 4, 19)),
    ("BEIRUT, Feb 10 2016 (Reuters) - Ten people were killed in Idlib on Monday.", dt.date(2016, 2, 10)),
    ("AYS Daily Digest 16/11/17: Boats reach Chios\n\nTen people were killed in Idlib on Monday.", dt.date(2017, 11, 16)),
    ("Ten people were killed in Idlib on Monday, 14 March 2016.", None),  # an event's date, not a stamp
])
def test_the_text_stamp_is_returned_for_the_document_row(nlp, text: str, day: dt.date | None) -> None:
    rows = extract_doc(nlp(text))
    assert rows["documents"] == ([{"published_date": day}] if day else [])


_LEAD = ("Daily digest 18/05: rescues\n\n140 people saved on rubber boat in the Mediterranean / Returns from Greece\n\n"
         "The crossings go on.\n\n\nMEDITERRANEAN\n\n{}\n")


@pytest.mark.parametrize(("item", "day"), [
    ("At 7am this morning, Aquarius rescued 140 people from a rubber boat.", dt.date(2017, 5, 18)),
    ("At 7am this morning, Aquarius rescued 120 people from a rubber boat.", None),  # another count
    ("This morning 140 people arrived on Lesvos.", None),  # the same figure, another kind of event
])
def test_a_lead_figure_takes_the_day_its_item_gives_in_a_word_of_the_same_kind(nlp, item: str, day) -> None:
    """A digest's lead says "saved", its item, in a section of its own, "rescued" the same 140: one
    incident, the item's day."""
    rows = dated(extract_doc(nlp(_LEAD.format(item))), dt.date(2017, 5, 19))["refugees"]
    lead = min((r for r in rows if r["figure"] == 140), key=lambda r: r["char_start"])
    assert len({r["section_id"] for r in rows}) == 2
    assert lead["event_date"] == day


_CAPTION = ("Daily digest 18/05: rescues\n\nVolunteers this morning rescued 31 women from the sinking dinghy\n\n\n"
            "AEGEAN\n\n90 people rescued from a sinking dinghy\n\nThe boat was spotted by a fishing crew. {}\n")


@pytest.mark.parametrize(("part", "day"), [
    ("Roughly a third (31) of those rescued are women.", dt.date(2017, 5, 18)),
    ("Among those rescued were 31 women.", dt.date(2017, 5, 18)),
    ("Many of those rescued are women.", None),  # no count of the part: nothing ties the caption's 31 to the 90
    ("Roughly a third (31) of those who arrived are women.", None),  # a part named by another event
    ("Roughly a third (30) of those rescued are women.", None),  # another count than the caption's
    ("Among those rescued were 31 girls.", None),  # the caption's 31 are other people
])
def test_a_figure_takes_the_day_another_sentence_gives_a_part_of_its_group(nlp, part: str, day) -> None:
    """An item counts 90 rescued and, in the next sentences, a part of them ("31 of those rescued");
    a caption counts that part rescued "this morning": the same rescue, so the 90 were rescued then too."""
    rows = dated(extract_doc(nlp(_CAPTION.format(part))), dt.date(2017, 5, 19))["refugees"]
    assert next(r for r in rows if r["figure"] == 90)["event_date"] == day
