"""`sections`: the items of a live blog or digest (a plain article is one section)."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class Sections(pa.DataFrameModel):
    """Contiguous spans of documents.text; facts name the section they fall in."""

    doc_id: Series[str] = pa.Field(description="Document of the section")
    section_id: Series[int] = pa.Field(ge=0, description="Position in the document, from 0")
    headline: Series[str] = pa.Field(nullable=True, description="The item's headline line")
    char_start: Series[int] = pa.Field(ge=0, description="Start offset in documents.text")
    char_end: Series[int] = pa.Field(ge=1, description="End offset (exclusive) in documents.text")
    load_id: Series[str] = pa.Field(description="The load that wrote the row")

    @pa.dataframe_check(description="char_end is after char_start")
    def span_not_empty(cls, df: pd.DataFrame) -> pd.Series:
        return df["char_end"] > df["char_start"]

    class Config:
        strict = "filter"
        coerce = True
