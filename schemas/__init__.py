"""One pandera model per table: the single source of column names, types and allowed values.

``TABLES`` maps each warehouse table name to its model, in load order; the
warehouse derives Parquet (Arrow) and DuckDB types from these models, and the
data dictionary is generated from them.

The models (and ``TABLES``) are imported on first use, not with the package: a process that
needs only the row contract (``schemas.contract``: the extraction workers) never loads pandera
and pandas, about 80 MB a process.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandera.pandas as pa

    from schemas.casualties import Casualties
    from schemas.documents import Documents
    from schemas.loads import Loads
    from schemas.refugees import Refugees
    from schemas.rejects import Rejects
    from schemas.sections import Sections
    from schemas.statements import Statements

    TABLES: dict[str, type[pa.DataFrameModel]]

_MODELS = {"documents": "Documents", "sections": "Sections", "refugees": "Refugees", "casualties": "Casualties",
           "statements": "Statements", "rejects": "Rejects", "loads": "Loads"}
"""Each table's module and model, in load order."""


def __getattr__(name: str) -> Any:
    """``TABLES`` and the models, imported when first asked for and kept."""
    if name == "TABLES":
        value: Any = {table: getattr(importlib.import_module(f"schemas.{table}"), model) for table, model in _MODELS.items()}
    elif name in _MODELS.values():
        value = getattr(importlib.import_module(f"schemas.{name.lower()}"), name)
    else:
        raise AttributeError(f"module 'schemas' has no attribute {name!r}")
    globals()[name] = value
    return value


FACT_TABLES = ("refugees", "casualties", "statements")
"""Tables of extracted facts: validated row by row, one row per fact."""

TRAILING = ("sentence", "char_start", "char_end", "extractor_version", "load_id")
"""Provenance columns, listed last in every table so the facts read first."""


def columns(model: type[pa.DataFrameModel]) -> list[str]:
    """The model's column names in table order: its key, its own fields, then provenance."""
    key, *rest = model.to_schema().columns
    return [key] + [n for n in rest if n not in TRAILING] + [n for n in TRAILING if n in rest]
