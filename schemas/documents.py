"""`documents`: every loaded document with its normalised text."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.typing import Series


class Documents(pa.DataFrameModel):
    """One row per distinct text: doc_id is the SHA-256 of the NFC text with \\n newlines."""

    doc_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 64, "max_value": 64},
                                   description="SHA-256 of the normalised text")
    source_uri: Series[str] = pa.Field(description="Where the text came from (file path or URL)")
    title: Series[str] = pa.Field(nullable=True, description="Sidecar or web page title, else the first line")
    published_date: Series[pandas_engine.Date] = pa.Field(
        nullable=True, description="Sidecar or web page published date, else a dateline's date (HTML), else the date stamped at the head of the text, else null")
    author: Series[str] = pa.Field(nullable=True, description="Author named by a web page's metadata")
    canonical_url: Series[str] = pa.Field(nullable=True, description="Canonical URL named by a web page's metadata")
    text: Series[str] = pa.Field(str_length={"min_value": 1}, description="Normalised text; fact offsets point into it")
    n_chars: Series[int] = pa.Field(ge=1, description="Length of text in characters")
    ingested_at: Series[pd.DatetimeTZDtype("ns", "UTC")] = pa.Field(description="When the load read the file")
    load_id: Series[str] = pa.Field(description="The load that wrote the row")

    class Config:
        strict = "filter"
        coerce = True
        add_missing_columns = True  # rows built before author/canonical_url existed get nulls
