"""`refugees`: displacement figures (guide: Table `refugees`)."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas._figures import FigureColumns
from schemas.vocab import REFUGEE_CATEGORIES


class Refugees(FigureColumns):
    """One row per displacement figure per section."""

    category: Series[str] = pa.Field(isin=REFUGEE_CATEGORIES, description="Kind of displacement")
    population: Series[str] = pa.Field(nullable=True, description="The counted group as written")

    class Config:
        strict = "filter"
        coerce = True
