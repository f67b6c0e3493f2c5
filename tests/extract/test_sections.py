"""Live blogs split into items at a headline after a blank-line gap; articles stay whole."""
from __future__ import annotations

from extract.sections import section_at, split_sections

BLOG = """Daily Digest

LATEST


Floods Hit the Coast

Rain fell for three days. Roads were closed.


Talks Resume in Vienna

Delegates met on Monday.
"""


def test_live_blog_items_become_sections_and_banners_merge_forward() -> None:
    sections = split_sections(BLOG)
    assert [s.headline for s in sections] == ["Daily Digest", "Talks Resume in Vienna"]
    assert sections[0].char_start == 0 and sections[-1].char_end == len(BLOG)
    assert all(a.char_end == b.char_start for a, b in zip(sections, sections[1:]))


def test_plain_article_is_one_section() -> None:
    text = "Title\n\nFirst paragraph.\n\nSecond paragraph.\n"
    (only,) = split_sections(text)
    assert (only.section_id, only.char_start, only.char_end) == (0, 0, len(text))


def test_prose_after_a_gap_does_not_start_a_section() -> None:
    text = "Title\n\nIntro.\n\n\nA long paragraph that ends like a sentence.\n"
    assert len(split_sections(text)) == 1


def test_section_at_finds_the_enclosing_section() -> None:
    sections = split_sections(BLOG)
    assert section_at(sections, BLOG.index("Delegates")).headline == "Talks Resume in Vienna"
