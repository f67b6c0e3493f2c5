"""Commands for analysts: queries over the warehouse and the HTML report."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer
from rich.console import Console

from config.settings import load_settings
from flows.app import ConfigOpt, WarehouseOpt, app, console, print_table

if TYPE_CHECKING:
    import pyarrow as pyarrow


AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", help="Read the warehouse as a load left it: a load id (see the loads table) or a snapshot number")]


class Format(str, Enum):
    """How ``sql`` writes its result: a table for people, files for other tools."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def _fail(err: Exception) -> NoReturn:
    """Report a refused or failed query (its text may hold brackets: no markup) and exit 1."""
    console.print(str(err), style="red", markup=False, highlight=False)
    raise typer.Exit(1)


def _write(result: pyarrow.Table, fmt: Format, output: Path | None) -> None:
    """Print ``result`` to the terminal or save it to ``output``."""
    from warehouse.query import encode

    if fmt is Format.table:
        if output is None:
            print_table(result, console)
            return
        with output.open("w", encoding="utf-8") as handle:
            print_table(result, Console(file=handle, width=200))
    elif output is not None:
        output.write_bytes(encode(result, fmt.value))
    else:
        sys.stdout.buffer.write(encode(result, fmt.value))


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A DuckDB SQL query over the warehouse views")],
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
    fmt: Annotated[Format, typer.Option("--format", help="table prints; csv, json and parquet suit other tools")] = Format.table,
    output: Annotated[Optional[Path], typer.Option("--output", help="Write the result to FILE instead of the terminal")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Run QUERY on a locked-down, read-only connection to the warehouse and print or save the result.

    The connection reads the warehouse's views and Parquet and nothing else: other files,
    COPY, ATTACH, INSTALL, LOAD and SET are refused (exit status 1).
    """
    from warehouse.query import QueryError, run_query

    if fmt is Format.parquet and output is None:
        raise typer.BadParameter("parquet is binary: give --output FILE", param_hint="--format")
    settings = load_settings(config)
    try:
        result = run_query(warehouse or settings.paths_warehouse, query, as_of)
    except QueryError as err:
        _fail(err)
    _write(result, fmt, output)


@app.command()
def report(
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
    output: Annotated[Path, typer.Option("--output", help="HTML file to write")] = Path("report.html"),
) -> None:
    """Write a self-contained HTML report of the warehouse: headline numbers, charts, latest statements."""
    from warehouse.query import QueryError
    from warehouse.report import build_report

    settings = load_settings(config)
    try:
        page = build_report(warehouse or settings.paths_warehouse)
    except QueryError as err:
        _fail(err)
    output.write_text(page, encoding="utf-8")
    console.print(f"wrote {output}")


class ExportFormat(str, Enum):
    """File formats ``export`` writes."""

    parquet = "parquet"


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="Folder to write <table>.parquet files into")],
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format")] = ExportFormat.parquet,
    as_of: AsOfOpt = None,
) -> None:
    """Write one Parquet file per table into OUT, all of one snapshot (the latest, or --as-of)."""
    from warehouse.query import QueryError
    from warehouse.read import export_parquet

    settings = load_settings(config)
    try:
        files = export_parquet(settings.paths_warehouse if warehouse is None else warehouse, out, as_of)
    except QueryError as err:
        _fail(err)
    console.print(f"wrote {len(files)} {fmt.value} files to {out}")


@app.command()
def migrate(warehouse: WarehouseOpt = None, config: ConfigOpt = None) -> None:
    """Import a warehouse of the earlier layout (lake/<table>/<load_id>.parquet) into its DuckLake, once.

    Runs also do it on their own when they first open such a warehouse.
    """
    from warehouse.lake import Lake
    from warehouse.lock import WarehouseBusy, writer_lock
    from warehouse.migrate import migrate as import_legacy
    from warehouse.views import build_views

    settings = load_settings(config)
    location = settings.location(warehouse)
    try:
        with writer_lock(location, "crisis-etl migrate", settings.ingest_lock_timeout_s):
            imported = import_legacy(location)
            with Lake(location, read_only=False) as lake:
                build_views(lake)
    except WarehouseBusy as err:
        _fail(err)
    console.print(f"imported {len(imported)} loads" if imported else "nothing to import: no lake/ folder of the earlier layout")
