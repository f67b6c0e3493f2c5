"""Pure text-to-rows extraction: no Prefect, no file or network I/O.

Every extractor takes a parsed spaCy ``Doc`` of a whole document plus its
``Section`` list and returns plain dicts whose keys are the fact table's
columns (minus ``doc_id``, ``extractor_version`` and ``load_id``, which the
flow adds).
"""
from typing import Any

Rows = dict[str, list[dict[str, Any]]]
"""One document's extraction: rows by table (sections, refugees, casualties, statements)."""

EXTRACTOR_VERSION = "1.6.0"
"""Bump whenever a rule or lexicon changes what rows come out: reprocessing keys on it."""
