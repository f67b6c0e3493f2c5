"""Commands for analysts: queries over the warehouse."""
from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from config.settings import load_settings
from flows.app import ConfigOpt, WarehouseOpt, app, console


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
