"""`casualties`: people killed, wounded or missing (guide: Table `casualties`)."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas._figures import FigureColumns
from schemas.vocab import OUTCOMES, VICTIM_TYPES


class Casualties(FigureColumns):
    """One row per casualty figure per section; subgroups and rival tolls are rows too."""

    outcome: Series[str] = pa.Field(isin=OUTCOMES, description="killed, wounded or missing")
    victims: Series[str] = pa.Field(nullable=True, description="The victims as written")
    victim_type: Series[str] = pa.Field(isin=VICTIM_TYPES, description="civilian, combatant or unknown")
    perpetrator: Series[str] = pa.Field(nullable=True, description="Who or what caused it, as written")

    class Config:
        strict = "filter"
        coerce = True
