"""Long texts in pieces the parser can take: cut at sections, then paragraphs, lines, sentences, words.

spaCy refuses a text over ``nlp.max_length`` (E088), and one parse's memory grows with
its length (900,000 characters in one parse: 2.9 GB, 94 s). A long text is parsed
and extracted piece by piece instead, each piece a whole document to the extractors; the
rows are then moved back to offsets in the whole text and to its sections. Pieces end at
a section start when sections fit, else at the widest break that fits, so a fact is
rarely cut in two; a text within the limit is one piece and extracts exactly as before.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict

from extract.sections import Section, section_at, split_sections
from schemas.contract import Rows

PIECE_CHARS = 50_000
"""The longest piece parsed at once (or ``nlp.max_length`` if lower): three times the longest article
of the corpus, and a parse of about 200 MB (a worker peaks near 360 MB; at 100,000 characters, 520 MB)."""
WHOLE_BATCH = 16
"""Texts that fit are parsed this many at a time (spaCy's batches)."""
_BREAKS = tuple(re.compile(p) for p in (r"\n[ \t]*\n\s*", r"\n", r"[.!?]\s+", r"\s+"))
"""Paragraph break, line break, sentence end, space: the widest first."""
FACT_TABLES = ("refugees", "casualties", "statements")


def _cut(text: str, start: int, stop: int, section_starts: list[int]) -> int:
    """Where the piece starting at ``start`` ends, at most at ``stop``."""
    fitting = [s for s in section_starts if start < s <= stop]
    if fitting:
        return fitting[-1]
    for brk in _BREAKS:
        last = None
        for last in brk.finditer(text, start, stop):
            pass
        if last is not None:
            return last.end()
    return stop


def cut_points(text: str, sections: list[Section], limit: int) -> list[int]:
    """Offsets ``[0, ..., len(text)]`` cutting ``text`` into pieces of at most ``limit`` characters."""
    bounds, starts = [0], [s.char_start for s in sections[1:]]
    while len(text) - bounds[-1] > limit:
        bounds.append(_cut(text, bounds[-1], bounds[-1] + limit, starts))
    return bounds + [len(text)]


def piece_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each piece of ``text``; one span when it fits ``limit``."""
    if len(text) <= limit:
        return [(0, len(text))]
    bounds = cut_points(text, split_sections(text), limit)
    return list(zip(bounds, bounds[1:]))


def join_pieces(text: str, pieces: list[tuple[int, Rows]]) -> Rows:
    """One text's rows from its pieces' rows: offsets into ``text``, sections of ``text``."""
    sections = split_sections(text)
    joined: Rows = {"sections": [asdict(s) for s in sections], **{t: [] for t in FACT_TABLES},
                    "documents": min(pieces, key=lambda p: p[0])[1].get("documents", []) if pieces else []}  # the head's stamp
    for offset, rows in pieces:
        for table in FACT_TABLES:
            for row in rows[table]:
                start, end = row["char_start"] + offset, row["char_end"] + offset
                section_id = section_at(sections, start).section_id
                joined[table].append({**row, "char_start": start, "char_end": end, "section_id": section_id})
    return joined


def extract_texts(texts: list[str], limit: int, parse: Callable[[Iterable[str], int], Iterator],
                  extract: Callable[[object], Rows | str]) -> list[Rows | str]:
    """Rows (or an error) per text: ``parse(texts, batch_size)`` streams parsed texts, ``extract`` gives
    one parsed text's rows.

    Texts that fit share parse batches, as before; a long text's pieces are parsed one at a time,
    so memory stays that of one piece. An error in any piece is the text's error.
    """
    spans = [piece_spans(text, limit) for text in texts]
    whole = parse((text for text, pieces in zip(texts, spans) if len(pieces) == 1), WHOLE_BATCH)
    results: list[Rows | str] = []
    for text, pieces in zip(texts, spans):
        if len(pieces) == 1:
            results.append(extract(next(whole)))
            continue
        docs = parse((text[a:b] for a, b in pieces), 1)
        rows = [(start, extract(doc)) for (start, _), doc in zip(pieces, docs)]
        errors = [r for _, r in rows if isinstance(r, str)]
        results.append(errors[0] if errors else join_pieces(text, rows))
    return results
