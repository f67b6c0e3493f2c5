"""Commands for scheduled operation: serve, status, reprocess."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from config.settings import load_settings
from flows.api_server import early_temporary_server, prefect_api
from flows.app import ConfigOpt, WarehouseOpt, app, console, load_stopped, print_table, query_limits
from flows.stopping import Stopped, allow


@app.command()
def serve(
    inbox: Annotated[Optional[Path], typer.Argument(help="Folder to watch (default from settings)")] = None,
    warehouse: WarehouseOpt = None,
    cron: Annotated[Optional[str], typer.Option("--cron", help="Cron schedule (default from settings)")] = None,
    config: ConfigOpt = None,
) -> None:
    """Serve the ingest flow on a cron schedule until Ctrl-C (or SIGTERM), starting a Prefect server if none is set.

    Exit status: 130 after SIGINT (Ctrl-C), 143 after SIGTERM, 1 when it could not start.
    """
    from flows.serve import STOP_GRACE_S, prefect_server, serve_ingest

    allow(STOP_GRACE_S)
    settings = load_settings(config)
    inbox = inbox or settings.paths_inbox
    inbox.mkdir(parents=True, exist_ok=True)
    with prefect_server(settings.schedule_port) as api_url:
        console.print(f"Prefect UI: {api_url.removesuffix('/api')}  schedule: {cron or settings.schedule_cron}  "
                      f"inbox: {inbox}")
        signum = serve_ingest(inbox, warehouse or settings.paths_warehouse, cron or settings.schedule_cron, config)
    stop = Stopped(signum)
    console.print(f"{stop}: no more scheduled runs")
    raise typer.Exit(stop.exit_status)


@app.command()
def reprocess(
    warehouse: WarehouseOpt = None,
    where: Annotated[Optional[str], typer.Option("--where", help="SQL condition on documents, "
                                                 "e.g. \"published_date >= '2016-01-01'\"")] = None,
    config: ConfigOpt = None,
) -> None:
    """Re-extract stored documents with the current rules (no original files needed).

    Exit status as for ``run``: 0, 2 when something was rejected, 1 on failure, 130/143 when stopped.
    """
    settings = load_settings(config)
    early = early_temporary_server()  # boots while the flow's modules import
    from flows.reprocess import reprocess_warehouse

    root = warehouse or settings.paths_warehouse
    with load_stopped(settings.location(root)), prefect_api(early):
        summary = reprocess_warehouse(str(root), where, str(config) if config else None)
    for line in summary.lines():
        console.print(line)
    raise typer.Exit(2 if summary.rejected else 0)


@app.command()
def status(warehouse: WarehouseOpt = None, config: ConfigOpt = None) -> None:
    """The last loads, row counts per table, and the next scheduled run."""
    import schemas
    from flows.schedule_status import next_scheduled_run
    from warehouse.query import QueryError, run_query

    settings = load_settings(config)
    root, limits = settings.location(warehouse), query_limits(settings)
    try:
        console.print("last loads")
        print_table(run_query(root, "SELECT load_id, status, finished_at, documents, skipped, reprocessed, "
                                              "refugees, casualties, statements, rejects FROM loads "
                                    "ORDER BY load_id DESC LIMIT 10", limits), console)
        counts = " UNION ALL ".join(f"SELECT '{t}' AS table_name, count(*) AS rows FROM {t}" for t in schemas.TABLES)
        console.print("rows per table")
        print_table(run_query(root, counts, limits), console)
    except QueryError as err:
        console.print(f"[red]{err}[/red]")
        raise typer.Exit(1) from None
    console.print(f"next scheduled run: {next_scheduled_run()}")
