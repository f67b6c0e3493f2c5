"""Turn a batch of documents and their extracted rows into validated table frames.

Every row is stamped with its document, load and extractor version, then
validated against its table's pandera model. A row that fails is not
dropped: it becomes a ``rejects`` row naming the failed checks and carrying
the row itself, and its document still loads.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

import schemas
from schemas.contract import Document, Rejection, Rows
from schemas.validate import validate_rows


@dataclass
class Batch:
    """Rows of one batch, by table, before validation."""

    load_id: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in schemas.TABLES})

    def reject(self, source_uri: str, doc_id: str | None, stage: str, reason: str,
               detail: str | None = None, table_name: str | None = None, content_sha256: str | None = None) -> None:
        """Record why something was not loaded."""
        self.rows["rejects"].append(dict(
            load_id=self.load_id, source_uri=source_uri, doc_id=doc_id, content_sha256=content_sha256,
            stage=stage, table_name=table_name, reason=reason, detail=detail))

    def add_rejection(self, rejection: Rejection) -> None:
        """A file or URL that is not a document."""
        stage = rejection.stage or ("decode" if rejection.content_sha256 else "read")
        self.reject(rejection.source_uri, None, stage, rejection.reason, rejection.detail,
                    content_sha256=rejection.content_sha256)

    def add_document(self, doc: Document, ingested_at: datetime) -> None:
        """A newly loaded document: its text is kept whatever its extraction gives."""
        self.rows["documents"].append(dict(
            doc_id=doc.doc_id, source_uri=doc.source_uri, title=doc.title, published_date=doc.published_date,
            author=doc.author, canonical_url=doc.canonical_url, text=doc.text, n_chars=len(doc.text),
            ingested_at=ingested_at, load_id=self.load_id))

    def add_extraction(self, doc: Document, result: Rows | str, extractor_version: str) -> None:
        """A document's sections and facts, stamped; an extraction error becomes a reject."""
        if isinstance(result, str):
            self.reject(doc.source_uri, doc.doc_id, "extract", "extraction failed", result)
            return
        stamp = {"doc_id": doc.doc_id, "load_id": self.load_id, "extractor_version": extractor_version}
        for table, rows in result.items():
            if table == "documents":
                self._fill_document(doc.doc_id, rows)
            else:
                self.rows[table].extend({**row, **stamp} for row in rows)

    def _fill_document(self, doc_id: str, said: list[dict[str, Any]]) -> None:
        """Fill the empty fields of this batch's row for ``doc_id`` from what its text says: what the
        source said wins. The flow adds a document's row before its extraction (see ``add_document``)."""
        row = next((r for r in reversed(self.rows["documents"]) if r["doc_id"] == doc_id), None)
        if row is not None:
            for fields in said:
                row.update({k: v for k, v in fields.items() if row.get(k) is None})

    def validated(self, sources: dict[str, str]) -> dict[str, pd.DataFrame]:
        """Validate every table; failing rows move to ``rejects`` (stage ``validate``)."""
        frames = {}
        for table, model in schemas.TABLES.items():
            if table in ("rejects", "loads"):
                continue
            frames[table], invalid = validate_rows(model, self.rows[table])
            for bad in invalid:
                doc_id = bad.row.get("doc_id")
                self.reject(sources.get(doc_id, ""), doc_id, "validate", "row failed its schema: " + "; ".join(bad.checks),
                            json.dumps(bad.row, default=str, ensure_ascii=False), table_name=table)
        frames["rejects"], invalid = validate_rows(schemas.Rejects, self.rows["rejects"])
        if invalid:  # a reject that cannot be recorded is a bug, not data
            raise ValueError(f"invalid rejects rows: {invalid}")
        return frames



def document_sources(docs: Sequence[Document]) -> dict[str, str]:
    """doc_id -> source_uri, to name the file of a rejected fact row."""
    return {d.doc_id: d.source_uri for d in docs}
