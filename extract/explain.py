"""Why each number and quotation of a document became a row or did not: ``crisis-etl explain``.

Candidates are every quantity the number grammar finds and every quotation the
mark pairing finds; each is shown with the rule events (``extract.rules``) that
touch its characters and the rows that came out of it. This is the debugging
tool for the rules: read it instead of adding prints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from extract.boilerplate import boilerplate_spans, inside
from extract.numbers import find_quantities
from extract.pipeline import extract_doc
from extract.quotes import find_quotes
from extract.rules import Event, tracing
from schemas.contract import Rows

_SHOWN = {
    "refugees": ("figure", "figure_high", "qualifier", "category", "population", "location", "attributed_to"),
    "casualties": ("figure", "figure_high", "qualifier", "outcome", "victims", "victim_type", "perpetrator",
                   "location", "attributed_to"),
    "statements": ("speaker", "speaker_title", "quote_type", "verb"),
}
"""The columns a row is summed up by (every other column is provenance)."""


@dataclass
class Candidate:
    """A number or quotation of the text, what the rules said of it, and its rows."""

    kind: str
    start: int
    end: int
    text: str
    events: list[Event] = field(default_factory=list)
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    furniture: bool = False

    def touches(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps the candidate (an empty span counts at its offset)."""
        return start < self.end and max(end, start + 1) > self.start


def summary(table: str, row: dict[str, Any]) -> str:
    """One line for a row: its table and the columns that carry its meaning."""
    return table + ": " + ", ".join(f"{k}={row[k]!r}" for k in _SHOWN[table] if row.get(k) is not None)


def _candidates(doc: Doc, text: str) -> list[Candidate]:
    numbers = [Candidate("number", q.char_start, q.char_end, text[q.char_start:q.char_end])
               for q in find_quantities(list(doc))]
    quotes = [Candidate("quotation", q.start, q.end, text[q.start:q.end]) for q in find_quotes(text)]
    return sorted(numbers + quotes, key=lambda c: (c.start, c.kind))


def explain(doc: Doc) -> tuple[Rows, list[Candidate], list[Event]]:
    """Extract ``doc`` under a trace; returns its rows, the candidates with their events and rows,
    and the events that touch no candidate (field decisions such as a victim noun's type)."""
    text = doc.text
    furniture = boilerplate_spans(text)
    with tracing() as events:
        rows = extract_doc(doc)
    candidates = _candidates(doc, text)
    loose = []
    for event in events:
        owners = [c for c in candidates if c.touches(event.start, event.end)]
        for owner in owners:
            owner.events.append(event)
        if not owners:
            loose.append(event)
    for table in _SHOWN:
        for row in rows[table]:
            for owner in (c for c in candidates if c.touches(row["char_start"], row["char_end"])):
                owner.rows.append((table, row))
    for candidate in candidates:
        candidate.furniture = inside(candidate.start, furniture)
    return rows, candidates, loose
