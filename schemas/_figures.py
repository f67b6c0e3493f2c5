"""Columns shared by the two figure tables (refugees, casualties)."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.typing import Series

from schemas.vocab import QUALIFIERS, SCOPES


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
    scope: Series[str] = pa.Field(isin=SCOPES, description=(
        "Span the figure covers: one event or episode (incident), a stated bounded period (period), "
        "or since the start of the war or crisis, or a standing stock (total)"))
    event_date: Series[pandas_engine.Date] = pa.Field(nullable=True, description=(
        "Day the incident happened, from the text's date, weekday or relative day resolved against "
        "the day the text says it is about (a digest's dated title or day line), else its date stamp "
        "or documents.published_date (a weekday is the latest such day on or before it); null for "
        "period and total rows, vague days and relative days of undated documents"))
    event_date_text: Series[str] = pa.Field(nullable=True, description=(
        "The words event_date was read from (\"on Monday\", \"yesterday\"); vague words keep a null date"))
    sentence: Series[str] = pa.Field(str_length={"min_value": 1}, description="The sentence stating the figure")

    @pa.dataframe_check(description="figure_high is set exactly for ranges, and above figure")
    def range_bounds(cls, df: pd.DataFrame) -> pd.Series:
        is_range = df["qualifier"] == "range"
        high = df["figure_high"]
        return (is_range & high.notna() & (high > df["figure"])).fillna(False) | (~is_range & high.isna())

    @pa.dataframe_check(description="only incident rows carry an event date")
    def dated_incidents(cls, df: pd.DataFrame) -> pd.Series:
        return (df["scope"] == "incident") | df["event_date"].isna()
