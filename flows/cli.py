"""The ``crisis-etl`` command line."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from config.settings import load_settings

app = typer.Typer(help="Conflict and humanitarian news to validated fact tables in DuckDB.", no_args_is_help=True)
console = Console()

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Settings file (default: config/settings.toml)")]
WarehouseOpt = Annotated[Optional[Path], typer.Option("--warehouse", help="Warehouse folder (default from settings)")]


@app.callback()
def main() -> None:
    """crisis-etl: refugees, casualties and statements from news text."""


@app.command()
def run(
    inbox: Annotated[Optional[Path], typer.Argument(help="Folder of .txt documents (default from settings)")] = None,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Load every new document under INBOX into the warehouse, as one Prefect flow run.

    Exit status: 0 when everything loaded, 2 when something was rejected, 1 when the run failed.
    """
    from flows.ingest import ingest_inbox
    from warehouse.lock import WarehouseBusy

    settings = load_settings(config)
    inbox = inbox or settings.paths_inbox
    if not inbox.is_dir():
        console.print(f"[red]inbox {inbox} is not a folder[/red]")
        raise typer.Exit(1)
    try:
        summary = ingest_inbox(str(inbox), str(warehouse or settings.paths_warehouse), str(config) if config else None)
    except WarehouseBusy as err:
        console.print(f"[red]{err}[/red]: try again when it finishes")
        raise typer.Exit(1) from None
    for line in summary.lines():
        console.print(line)
    raise typer.Exit(2 if summary.rejected else 0)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A DuckDB SQL query over the warehouse views")],
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Run QUERY on a read-only connection to the warehouse and print the result as a table."""
    from warehouse.query import QueryError, run_query

    settings = load_settings(config)
    try:
        columns, rows = run_query(warehouse or settings.paths_warehouse, query)
    except QueryError as err:
        console.print(f"[red]{err}[/red]")
        raise typer.Exit(1) from None
    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


if __name__ == "__main__":
    app()
