"""The row contract between reading, extraction and storage: what a document is, why a file is not
one, and what an extraction returns. ``extract/``, ``flows/`` and ``warehouse/`` all import it from
here, so none of them depends on another for these types (and storage never imports extraction).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

Rows = dict[str, list[dict[str, Any]]]
"""One document's extraction: rows by table (sections, refugees, casualties, statements), keyed by
the table's columns minus ``doc_id``, ``extractor_version`` and ``load_id``, which the flow adds;
and under ``documents`` at most one row of what the text says of its document (``published_date``,
the date it is stamped with), which fills the document row only where its source gave none."""


@dataclass(frozen=True)
class Document:
    """A decoded, normalised document ready for extraction."""

    doc_id: str
    source_uri: str
    title: str | None
    published_date: dt.date | None
    text: str
    author: str | None = None
    canonical_url: str | None = None


@dataclass(frozen=True)
class Rejection:
    """Why a file or URL is not a document."""

    source_uri: str
    reason: str
    detail: str | None = None
    content_sha256: str | None = None
    """The key that keeps an unchanged bad file from being rejected again: the hash of its raw bytes
    (and its sidecar's), or, for a file that could not be read, of its path and reason (see ``flows.inbox``)."""
    stage: str | None = None
    """``fetch`` for a URL that could not be fetched (no hash: tried again next run);
    else ``decode`` when the bytes were read, ``read`` when not."""
