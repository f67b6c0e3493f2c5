"""All extractors over one parsed document: the unit a worker process runs.

Returns rows for every fact table plus the document's sections, keyed by
table name, and what the text says of its document (its stamped date); the
flow adds ``doc_id``, ``extractor_version`` and ``load_id``.
Facts that start on a line of page furniture (see ``boilerplate``) are dropped.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from spacy.tokens import Doc

from extract.boilerplate import Span, boilerplate_spans, inside
from extract.doccache import doc_text, forget
from extract.figures import extract_figures
from extract.sections import split_sections
from extract.statements import extract_statements
from extract.when import text_date
from schemas.contract import Rows


def _stamped(doc: Doc) -> list[dict[str, Any]]:
    """The text's own date for its document row (filled only where the source gave none)."""
    day = text_date(doc)
    return [{"published_date": day}] if day is not None else []


def _outside(rows: list[dict[str, Any]], spans: list[Span]) -> list[dict[str, Any]]:
    return [row for row in rows if not inside(row["char_start"], spans)]


def extract_doc(doc: Doc) -> Rows:
    """Sections, refugees, casualties and statements of one parsed document, none from boilerplate."""
    try:
        text = doc_text(doc)
        sections = split_sections(text)
        refugees, casualties = extract_figures(doc, sections)
        spans = boilerplate_spans(text)
        return {
            "sections": [asdict(s) for s in sections],
            "refugees": _outside(refugees, spans),
            "casualties": _outside(casualties, spans),
            "statements": _outside(extract_statements(doc, sections), spans),
            "documents": _stamped(doc),
        }
    finally:
        forget(doc)
