"""Commands for analysts: queries over the warehouse and the HTML report."""
from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO, NoReturn, Optional

import typer
from rich.console import Console

from config.settings import load_settings
from flows import stopping
from flows.app import ConfigOpt, WarehouseOpt, app, console, print_table, query_limits
from flows.stopping import Stopped

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


def _first_rows(reader: pyarrow.RecordBatchReader, limit: int) -> tuple[pyarrow.Table, bool]:
    """Up to ``limit`` rows of the result, and whether it has more (the rest is never read)."""
    import pyarrow

    batches, count = [], 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        if count > limit:
            break
    return pyarrow.Table.from_batches(batches, reader.schema).slice(0, limit), count > limit


def _print_capped(reader: pyarrow.RecordBatchReader, out: Console, limit: int) -> None:
    """The first ``limit`` rows as a table: a table of millions of rows helps no one and takes minutes."""
    rows, more = _first_rows(reader, limit)
    print_table(rows, out)
    if more:
        out.print(f"only the first {limit:,} rows are shown (setting query.table_rows); for every row use "
                  "--format csv|parquet --output FILE", style="yellow", markup=False, highlight=False)


@contextmanager
def _output_file(output: Path) -> Iterator[BinaryIO]:
    """``output`` opened for writing; written under a temporary name and renamed at the end, so a failed
    or interrupted query leaves no partial file (and an older file of that name stays as it was)."""
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("wb") as handle:
            yield handle
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


def _write(reader: pyarrow.RecordBatchReader, fmt: Format, output: Path | None, table_rows: int) -> None:
    """Print the result to the terminal or stream it to ``output`` (or stdout), batch by batch."""
    from warehouse.query import write_result

    if output is None:
        if fmt is Format.table:
            _print_capped(reader, console, table_rows)
        else:
            write_result(reader, fmt.value, sys.stdout.buffer)
        return
    with _output_file(output) as handle:
        if fmt is Format.table:
            _print_capped(reader, Console(file=io.TextIOWrapper(handle, encoding="utf-8"), width=200), table_rows)
        else:
            write_result(reader, fmt.value, handle)


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
    COPY, ATTACH, INSTALL, LOAD, SET and table functions that touch files or the database
    are refused (exit status 1). A query stops after query.timeout_s seconds (exit status 1);
    a table shows at most query.table_rows rows.
    """
    from warehouse.query import QueryError, QueryInterrupted, connect, open_result, reads_incidents

    if fmt is Format.parquet and output is None:
        raise typer.BadParameter("parquet is binary: give --output FILE", param_hint="--format")
    settings = load_settings(config)
    try:
        with connect(settings.location(warehouse), query_limits(settings), as_of, reads_incidents(query)) as con, \
                open_result(con, query, settings.query_timeout_s, lambda: bool(stopping.received)) as reader:
            _write(reader, fmt, output, settings.query_table_rows)
    except QueryInterrupted as err:
        if stopping.received:
            raise Stopped(stopping.received[-1]) from None
        _fail(err)
    except QueryError as err:
        _fail(err)


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
        page = build_report(settings.location(warehouse))
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
        files = export_parquet(settings.location(warehouse), out, as_of)
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
