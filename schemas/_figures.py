"""Columns shared by the two figure tables (refugees, casualties)."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.vocab import QUALIFIERS


class FactColumns(pa.DataFrameModel):
    """Provenance every fact row carries: its document, section, span and extractor."""

    doc_id: Series[str] = pa.Field(str_length={"min_value": 64, "max_value": 64},
                                   description="SHA-256 of the document's normalised text")
    section_id: Series[int] = pa.Field(ge=0, description="Section of the document, 0 for the first")
    char_start: Series[int] = pa.Field(ge=0, description="Offset of the fact's words in documents.text")
    char_end: Series[int] = pa.Field(ge=1, description="End offset (exclusive) in documents.text")
    extractor_version: Series[str] = pa.Field(description="Version of the extraction rules")
    load_id: Series[str] = pa.Field(description="The load that wrote the row")

    @pa.dataframe_check(description="char_end is after char_start")
    def span_not_empty(cls, df: pd.DataFrame) -> pd.Series:
        return df["char_end"] > df["char_start"]


class FigureColumns(FactColumns):
    """A count of people with its hedging, per the guide's numbering table."""

    figure: Series[int] = pa.Field(ge=1, description="Number of people (vague words take the guide's conservative value)")
    figure_high: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, description="Upper bound, ranges only")
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS, description="How the text hedges the figure")
    location: Series[str] = pa.Field(nullable=True, description="Most specific place the figure is about")
    attributed_to: Series[str] = pa.Field(nullable=True, description="Who the text says gave the figure")
    sentence: Series[str] = pa.Field(str_length={"min_value": 1}, description="The sentence stating the figure")

    @pa.dataframe_check(description="figure_high is set exactly for ranges, and above figure")
    def range_bounds(cls, df: pd.DataFrame) -> pd.Series:
        is_range = df["qualifier"] == "range"
        high = df["figure_high"]
        return (is_range & high.notna() & (high > df["figure"])).fillna(False) | (~is_range & high.isna())
