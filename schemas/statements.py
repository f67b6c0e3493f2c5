"""`statements`: quotations attributed to a speaker (guide: Table `statements`)."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._figures import FactColumns
from schemas.vocab import QUOTE_TYPES

PRONOUNS = ("he", "she", "they", "it", "we", "i", "you", "him", "her", "them")


class Statements(FactColumns):
    """One row per quotation; a quote interrupted by its attribution is two rows."""

    speaker: Series[str] = pa.Field(str_length={"min_value": 2}, description="Fullest name the document gives; never a pronoun")
    speaker_title: Series[str] = pa.Field(nullable=True, description="Title as written, e.g. 'Turkish Foreign Minister'")
    quote: Series[str] = pa.Field(str_length={"min_value": 1}, description="Quoted words, marks and attribution excluded")
    quote_type: Series[str] = pa.Field(isin=QUOTE_TYPES, description="direct, partial or block")
    verb: Series[str] = pa.Field(nullable=True, description="Attribution verb as written")

    @pa.dataframe_check(description="speaker is a name, not a pronoun")
    def speaker_not_pronoun(cls, df: pd.DataFrame) -> pd.Series:
        return ~df["speaker"].str.lower().str.strip().isin(PRONOUNS)

    class Config:
        strict = "filter"
        coerce = True
