"""`loads`: one row per flow run; a load's rows are visible once this row exists."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.vocab import LOAD_STATUSES


class Loads(pa.DataFrameModel):
    """The commit record of a load, with its counts."""

    load_id: Series[str] = pa.Field(unique=True, description="Sortable id: start time and a random suffix")
    flow_run_id: Series[str] = pa.Field(nullable=True, description="The Prefect flow run that wrote it")
    started_at: Series[pd.DatetimeTZDtype("ns", "UTC")] = pa.Field(description="Start of the run")
    finished_at: Series[pd.DatetimeTZDtype("ns", "UTC")] = pa.Field(description="Commit time")
    status: Series[str] = pa.Field(isin=LOAD_STATUSES, description="completed or failed")
    extractor_version: Series[str] = pa.Field(description="Extraction rules used")
    documents: Series[int] = pa.Field(ge=0, description="Documents loaded")
    skipped: Series[int] = pa.Field(ge=0, description="Documents skipped as already loaded")
    reprocessed: Series[int] = pa.Field(ge=0, description="Stored documents re-extracted (crisis-etl reprocess)")
    sections: Series[int] = pa.Field(ge=0, description="Rows written to sections")
    refugees: Series[int] = pa.Field(ge=0, description="Rows written to refugees")
    casualties: Series[int] = pa.Field(ge=0, description="Rows written to casualties")
    statements: Series[int] = pa.Field(ge=0, description="Rows written to statements")
    rejects: Series[int] = pa.Field(ge=0, description="Rows written to rejects")

    class Config:
        strict = "filter"
        coerce = True
