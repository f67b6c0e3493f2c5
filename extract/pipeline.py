"""All extractors over one parsed document: the unit a worker process runs.

Returns rows for every fact table plus the document's sections, keyed by
table name; the flow adds ``doc_id``, ``extractor_version`` and ``load_id``.
Facts that start on a line of page furniture (see ``boilerplate``) are dropped.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extract.boilerplate import Span, boilerplate_spans, inside
from extract.figures import extract_figures
from extract.sections import split_sections
from extract.statements import extract_statements

Rows = dict[str, list[dict[str, Any]]]


def _outside(rows: list[dict[str, Any]], spans: list[Span]) -> list[dict[str, Any]]:
    return [row for row in rows if not inside(row["char_start"], spans)]


def extract_doc(doc: Doc) -> Rows:
    """Sections, refugees, casualties and statements of one parsed document, none from boilerplate."""
    sections = split_sections(doc.text)
    refugees, casualties = extract_figures(doc, sections)
    spans = boilerplate_spans(doc.text)
    return {
        "sections": [asdict(s) for s in sections],
        "refugees": _outside(refugees, spans),
        "casualties": _outside(casualties, spans),
        "statements": _outside(extract_statements(doc, sections), spans),
    }


def extract_texts(nlp: Language, texts: Iterable[str], batch_size: int = 16) -> Iterator[Rows | BaseException]:
    """Parse and extract each text in order; a failing document yields its exception, not a crash."""
    for doc in nlp.pipe(texts, batch_size=batch_size):
        try:
            yield extract_doc(doc)
        except Exception as err:  # one bad document must not stop the batch
            yield err
