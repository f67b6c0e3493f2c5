"""Arrow and DuckDB types derived from the pandera models, so no column is declared twice."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow

import schemas

_ARROW_BY_DTYPE = {
    "string[pyarrow]": pyarrow.string(),
    "str": pyarrow.string(),
    "int64": pyarrow.int64(),
    "Int64": pyarrow.int64(),
    "date": pyarrow.date32(),
    "datetime64[ns, UTC]": pyarrow.timestamp("us", tz="UTC"),
}
_DUCKDB_BY_ARROW = {
    pyarrow.string(): "VARCHAR",
    pyarrow.int64(): "BIGINT",
    pyarrow.date32(): "DATE",
    pyarrow.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
}


def arrow_schema(model: type[pa.DataFrameModel]) -> pyarrow.Schema:
    """The Parquet schema of a table, in table column order."""
    cols = model.to_schema().columns
    return pyarrow.schema(
        [pyarrow.field(name, _ARROW_BY_DTYPE[str(cols[name].dtype)], nullable=cols[name].nullable)
         for name in schemas.columns(model)]
    )


def duckdb_columns(model: type[pa.DataFrameModel]) -> list[tuple[str, str]]:
    """(name, DuckDB type) pairs: used to type the view of a table with no file yet."""
    return [(f.name, _DUCKDB_BY_ARROW[f.type]) for f in arrow_schema(model)]


def to_arrow(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> pyarrow.Table:
    """A validated frame as an Arrow table with the model's exact schema."""
    schema = arrow_schema(model)
    return pyarrow.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
