"""`rejects`: what was not loaded, and why: nothing is dropped silently."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas.vocab import REJECT_STAGES


class Rejects(pa.DataFrameModel):
    """A rejected file (doc_id null when unreadable) or a fact row that failed its schema."""

    load_id: Series[str] = pa.Field(description="The load that rejected it")
    source_uri: Series[str] = pa.Field(description="The file or URL concerned")
    doc_id: Series[str] = pa.Field(nullable=True, description="Document, when the text could be read")
    content_sha256: Series[str] = pa.Field(nullable=True, description="Key of the bad input, so it is recorded once: SHA-256 of the file and its sidecar, of the first max_bytes+1 bytes of an oversized file, or of the path and reason of an unreadable one")
    stage: Series[str] = pa.Field(isin=REJECT_STAGES, description="fetch (a URL), read, decode, extract or validate")
    table_name: Series[str] = pa.Field(nullable=True, description="Fact table of a rejected row")
    reason: Series[str] = pa.Field(description="What was wrong, for a person")
    detail: Series[str] = pa.Field(nullable=True, description="The failed check, the row, or the error")

    class Config:
        strict = "filter"
        coerce = True
