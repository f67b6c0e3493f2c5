"""The Typer application and the options its commands share; commands register on ``app``."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    import pyarrow

app = typer.Typer(help="Conflict and humanitarian news to validated fact tables in DuckDB.", no_args_is_help=True)
console = Console()

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Settings file (default: config/settings.toml)")]
WarehouseOpt = Annotated[Optional[Path], typer.Option("--warehouse", help="Warehouse folder (default from settings)")]


@app.callback()
def main() -> None:
    """crisis-etl: refugees, casualties and statements from news text."""


def print_table(result: pyarrow.Table, out: Console) -> None:
    """A query result as a table for people; values are shown as text, never as markup."""
    table = Table(*result.column_names, show_lines=False)
    for row in zip(*(column.to_pylist() for column in result.columns)):  # names may repeat
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    out.print(table)
