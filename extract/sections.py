"""Split a document into sections: the items of a live blog or digest.

A plain article is one section. A live blog (such as a "Syria Daily") starts
a new item with a headline line standing alone after a gap of two or more
blank lines; facts are counted once per section, so the split decides what
"the same fact" means.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extract.documents import first_line

_GAP_THEN_LINE = re.compile(r"\n[ \t]*\n([ \t]*\n)+(?P<line>[^\n]+)")
_MAX_HEADLINE_CHARS = 160


@dataclass(frozen=True)
class Section:
    """A span of the document text; ``char_end`` is exclusive."""

    section_id: int
    headline: str | None
    char_start: int
    char_end: int


def is_headline(line: str) -> bool:
    """A headline is a short line that does not end like a prose sentence."""
    line = line.strip()
    if not line or len(line) > _MAX_HEADLINE_CHARS:
        return False
    return not line.endswith((".", ",", ";", ":")) or line.endswith("...")


def _has_prose(chunk: str) -> bool:
    return any(line.strip() and not is_headline(line) for line in chunk.splitlines())


def split_sections(text: str) -> list[Section]:
    """Cut ``text`` before every headline line that follows a multi-blank-line gap.

    A chunk with no prose line (a photo caption, a "LATEST" banner) is not an
    item of its own: it is merged into the item that follows it.
    """
    starts = [0]
    for match in _GAP_THEN_LINE.finditer(text):
        if is_headline(match.group("line")):
            starts.append(match.start("line"))
    kept = [starts[0]]
    for start in starts[1:]:
        if _has_prose(text[kept[-1]:start]):
            kept.append(start)
    bounds = list(zip(kept, kept[1:] + [len(text)]))
    return [
        Section(i, first_line(text[start:end]), start, end)
        for i, (start, end) in enumerate(bounds)
    ]


def section_at(sections: list[Section], offset: int) -> Section:
    """The section holding character ``offset`` (sections are contiguous and sorted)."""
    for section in sections:
        if section.char_start <= offset < section.char_end:
            return section
    return sections[-1]
