"""The ``crisis-etl`` command line: ``run`` here, the other commands in ``cli_*`` modules."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from config.settings import load_settings
from flows import cli_analyst, cli_explain, cli_schedule  # noqa: F401  (register their commands on app)
from flows.api_server import early_temporary_server, prefect_api
from flows.app import ConfigOpt, WarehouseOpt, app, console, load_stopped
from flows.stopping import Stopped, signalled, stop_on_signals


@app.command()
def run(
    inbox: Annotated[Optional[str], typer.Argument(
        help="Folder of .txt and .html documents, or an s3://bucket/prefix of them (default from settings)")] = None,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
    sources: Annotated[Optional[Path], typer.Option(
        "--sources", help="Feeds and pages to fetch (TOML like config/sources.toml; default: setting paths.sources)",
    )] = None,
    shards: Annotated[Optional[int], typer.Option(
        "--shards", min=1, help="Split the new documents into N shards, each a flow run of the ingest-shard/crisis-etl "
                                "deployment on Prefect workers (needs PREFECT_API_URL; see README, Scale out)",
    )] = None,
) -> None:
    """Load every new document under INBOX, and of the web SOURCES, into the warehouse, as one Prefect flow run.

    Exit status: 0 when everything loaded, 2 when something was rejected, 1 when the run failed,
    130/143 when stopped by SIGINT/SIGTERM.
    """
    settings = load_settings(config)
    inbox = inbox or str(settings.paths_inbox)
    if not inbox.startswith("s3://") and not Path(inbox).is_dir():
        console.print(f"[red]inbox {inbox} is not a folder[/red]")
        raise typer.Exit(1)
    if shards:
        run_sharded(inbox, warehouse or settings.paths_warehouse, config, shards)
    early = early_temporary_server()  # boots while the flow's modules import
    from flows.ingest import ingest_inbox
    from warehouse.lock import WarehouseBusy

    sources = sources or settings.paths_sources
    if sources:
        from flows.sources import read_sources

        try:
            read_sources(sources)  # a bad sources file fails here, not in the middle of a run
        except (OSError, ValueError) as err:
            console.print(f"[red]sources file {sources}: {err}[/red]")
            raise typer.Exit(1) from None
    root = warehouse or settings.paths_warehouse
    try:
        with load_stopped(settings.location(root)), prefect_api(early):
            summary = ingest_inbox(str(inbox), str(root), str(config) if config else None,
                                   str(sources) if sources else None)
    except WarehouseBusy as err:
        console.print(f"[red]{err}[/red]: try again when it finishes")
        raise typer.Exit(1) from None
    for line in summary.lines():
        console.print(line)
    raise typer.Exit(2 if summary.rejected else 0)


def run_sharded(inbox: str, warehouse: Path, config: Optional[Path], shards: int) -> None:
    """``run --shards``: plan here, let the workers run the shards, report each shard's end; exit 1 if one failed."""
    import os

    from flows.shards import plan_shards, run_shards

    if not os.environ.get("PREFECT_API_URL"):
        console.print("[red]--shards needs a Prefect server its workers share: set PREFECT_API_URL[/red]")
        raise typer.Exit(1)
    settings = load_settings(config)
    plan = plan_shards(inbox, settings.location(warehouse), settings, shards)
    console.print(f"{sum(map(len, plan.shards))} files in {len(plan.shards)} shards, {plan.skipped} skipped as already loaded")
    ends = run_shards(plan, inbox, warehouse, config)
    for n, (files, state, runs) in enumerate(ends):
        again = f" (run {runs} times: a worker died)" if runs > 1 else ""
        console.print(f"  shard {n + 1}: {files} files, {state}{again}")
    raise typer.Exit(0 if all(state == "Completed" for _, state, _ in ends) else 1)


def main() -> None:
    """The ``crisis-etl`` command: the Typer app, stopped by SIGINT or SIGTERM with exit status 130 or 143."""
    stop_on_signals()
    try:
        app()
    except (Stopped, Exception) as err:
        stop = signalled(err)
        if stop is None:
            raise
        console.print(f"{stop}", style="red", markup=False, highlight=False)
        sys.exit(stop.exit_status)


if __name__ == "__main__":
    main()
