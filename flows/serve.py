"""Scheduled runs: a Prefect server (started here when none is configured) and the ingest deployment.

Schedules fire only against a persistent Prefect server, never the
temporary one a plain ``crisis-etl run`` starts, so ``serve`` starts
``prefect server start`` on 127.0.0.1 when ``PREFECT_API_URL`` is unset and
stops it, with everything it spawned, on exit.
"""
from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.api_server import persistent_server
from flows.ingest import ingest_inbox
from flows.stopping import SIGNALS, signals_seen

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


STOP_GRACE_S = 60.0
"""How long a signalled ``serve`` may take to stop: Prefect's runner gives its flow runs 30 s to end,
then the Prefect server it started gets 20 s (``flows.api_server``)."""


def serve_ingest(inbox: Path, warehouse: Path, cron: str, config: Path | None) -> int:
    """Register the ingest deployment on ``cron`` (one run at a time) and run its flow runs until
    SIGINT or SIGTERM; returns which of the two stopped it.

    Prefect's runner stops gracefully (in-flight flow runs cancelled, deployment paused)
    on SIGTERM, for which it installs its own handler, and on KeyboardInterrupt: SIGINT
    gets Python's own handler back for the block, so that asyncio turns it into a
    cancellation of the runner rather than an exception at a random await.
    """
    parameters = {"inbox": str(inbox.resolve()), "warehouse": str(warehouse.resolve()),
                  "config": str(config.resolve()) if config else None}
    handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with signals_seen() as seen:
            ingest_inbox.serve(name=DEPLOYMENT, cron=cron, parameters=parameters, global_limit=1,
                               description="Load new documents of the inbox into the warehouse.")
            stopped_by = [signum for signum in seen() if signum in SIGNALS]
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return stopped_by[0] if stopped_by else signal.SIGTERM
