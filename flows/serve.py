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
from types import FrameType

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


def serve_ingest(inbox: Path, warehouse: Path, cron: str, config: Path | None) -> int:
    """Register the ingest deployment on ``cron`` (one run at a time) and run its flow runs until
    SIGINT or SIGTERM; returns which of the two stopped it.

    Prefect's runner stops gracefully (in-flight flow runs cancelled, deployment paused)
    on KeyboardInterrupt and on SIGTERM, for which it installs its own handler; so SIGINT
    raises KeyboardInterrupt here, and a return without one means SIGTERM.
    """
    parameters = {"inbox": str(inbox.resolve()), "warehouse": str(warehouse.resolve()),
                  "config": str(config.resolve()) if config else None}
    received: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt if signum == signal.SIGINT else signal.getsignal(signum))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        ingest_inbox.serve(name=DEPLOYMENT, cron=cron, parameters=parameters, global_limit=1,
                           description="Load new documents of the inbox into the warehouse.")
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return received[0] if received else signal.SIGTERM
