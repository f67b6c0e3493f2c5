"""Scheduled runs: a Prefect server (started here when none is configured) and the ingest deployment.

Schedules fire only against a persistent Prefect server, never the
temporary one a plain ``crisis-etl run`` starts, so ``serve`` starts
``prefect server start`` on 127.0.0.1 when ``PREFECT_API_URL`` is unset and
stops it, with everything it spawned, on exit.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.api_server import persistent_server
from flows.ingest import ingest_inbox

DEPLOYMENT = "crisis-etl"
"""Deployment name: the full name is ``ingest-inbox/crisis-etl``."""


@contextmanager
def prefect_server(port: int, startup_timeout_s: float = 90) -> Iterator[str]:
    """The API URL of the configured Prefect server, or of one started here for the block."""
    configured = PREFECT_API_URL.value()
    if configured:
        yield configured
        return
    server = persistent_server(port)
    try:
        api_url = server.wait_ready(startup_timeout_s)
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            yield api_url
    finally:
        server.stop()


def serve_ingest(inbox: Path, warehouse: Path, cron: str, config: Path | None) -> None:
    """Register the ingest deployment on ``cron`` (one run at a time) and run its flow runs until interrupted."""
    parameters = {"inbox": str(inbox.resolve()), "warehouse": str(warehouse.resolve()),
                  "config": str(config.resolve()) if config else None}
    ingest_inbox.serve(name=DEPLOYMENT, cron=cron, parameters=parameters, global_limit=1,
                       description="Load new documents of the inbox into the warehouse.")
