"""Row-level validation: valid rows go on, failing rows come back with the checks they failed."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

import schemas


@dataclass(frozen=True)
class Invalid:
    """A row that failed its table's schema, kept whole for the rejects table."""

    row: dict[str, Any]
    checks: list[str]


def _failures_by_row(err: SchemaErrors, n_rows: int) -> dict[int, list[str]]:
    """Map row position to failed checks; a failure with no row (a missing column) fails them all."""
    failed: dict[int, list[str]] = defaultdict(list)
    for case in err.failure_cases.itertuples(index=False):
        whole_row = case.schema_context == "DataFrameSchema"
        label = str(case.check) if whole_row else f"{case.column}: {case.check}"
        rows = [int(case.index)] if pd.notna(case.index) else range(n_rows)
        for i in rows:
            failed[i].append(label)
    return failed


def validate_rows(model: type[pa.DataFrameModel], rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, list[Invalid]]:
    """Validate ``rows`` lazily; return the coerced valid frame and every invalid row with its checks."""
    names = schemas.columns(model)
    frame = pd.DataFrame(rows, columns=names)
    try:
        return model.validate(frame, lazy=True), []
    except SchemaErrors as err:
        failed = _failures_by_row(err, len(frame))
    invalid = [Invalid(rows[i], sorted(set(failed[i]))) for i in sorted(failed)]
    keep = [r for i, r in enumerate(rows) if i not in failed]
    return model.validate(pd.DataFrame(keep, columns=names), lazy=True), invalid
