"""The Typer application and the options its commands share; commands register on ``app``."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.stopping import UNCOMMITTED, Stopped, committed, if_ended, signalled, signals_seen

if TYPE_CHECKING:
    import pyarrow

    from config.settings import Settings
    from warehouse.lake import Location
    from warehouse.query import Limits

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


def query_limits(settings: Settings) -> Limits:
    """The settings' limits for analyst queries."""
    from warehouse.query import Limits

    return Limits(timeout_s=settings.query_timeout_s, max_temp_directory_size=settings.query_max_temp_directory_size)


@contextmanager
def load_stopped(location: Location) -> Iterator[None]:
    """Turn a signal during a load into exit status 130/143 and a line saying what the warehouse holds:
    the load committed before the signal, or nothing of it (its transaction never committed)."""
    from warehouse.lake import committed_loads

    before = committed_loads(location)
    if_ended(UNCOMMITTED)
    with signals_seen() as seen:
        try:
            yield
            return
        except (Stopped, Exception) as err:
            stop = signalled(err, seen())  # Prefect's own SIGTERM handler may have raised inside DuckDB
            if stop is None:
                raise
    new = sorted(committed_loads(location) - before)
    state = committed(new[-1]) if new else UNCOMMITTED
    console.print(f"{stop}: {state}", style="red", markup=False, highlight=False)
    raise typer.Exit(stop.exit_status) from None
