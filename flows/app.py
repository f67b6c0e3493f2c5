"""The Typer application and the options its commands share; commands register on ``app``."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

app = typer.Typer(help="Conflict and humanitarian news to validated fact tables in DuckDB.", no_args_is_help=True)
console = Console()

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Settings file (default: config/settings.toml)")]
WarehouseOpt = Annotated[Optional[Path], typer.Option("--warehouse", help="Warehouse folder (default from settings)")]


@app.callback()
def main() -> None:
    """crisis-etl: refugees, casualties and statements from news text."""
