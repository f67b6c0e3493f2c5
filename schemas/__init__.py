"""One pandera model per table: the single source of column names, types and allowed values.

``TABLES`` maps each warehouse table name to its model, in load order; the
warehouse derives Parquet (Arrow) and DuckDB types from these models, and the
data dictionary is generated from them.
"""
from __future__ import annotations

import pandera.pandas as pa

from schemas.casualties import Casualties
from schemas.documents import Documents
from schemas.loads import Loads
from schemas.refugees import Refugees
from schemas.rejects import Rejects
from schemas.sections import Sections
from schemas.statements import Statements

TABLES: dict[str, type[pa.DataFrameModel]] = {
    "documents": Documents,
    "sections": Sections,
    "refugees": Refugees,
    "casualties": Casualties,
    "statements": Statements,
    "rejects": Rejects,
    "loads": Loads,
}
FACT_TABLES = ("refugees", "casualties", "statements")
"""Tables of extracted facts: validated row by row, one row per fact."""

TRAILING = ("sentence", "char_start", "char_end", "extractor_version", "load_id")
"""Provenance columns, listed last in every table so the facts read first."""


def columns(model: type[pa.DataFrameModel]) -> list[str]:
    """The model's column names in table order: its key, its own fields, then provenance."""
    key, *rest = model.to_schema().columns
    return [key] + [n for n in rest if n not in TRAILING] + [n for n in TRAILING if n in rest]
