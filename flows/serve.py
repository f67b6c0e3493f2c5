"""Scheduled runs: a Prefect server (started here when none is configured) and the ingest deployment.

Schedules fire only against a persistent Prefect server, never the
temporary one a plain ``crisis-etl run`` starts, so ``serve`` starts
``prefect server start`` on 127.0.0.1 when ``PREFECT_API_URL`` is unset and
stops it, with everything it spawned, on exit.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.ingest import ingest_inbox

DEPLOYMENT = "crisis-etl"
"""Deployment name: the full name is ``ingest-inbox/crisis-etl``."""


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _stop(server: subprocess.Popen, grace_s: float = 20) -> None:
    """SIGTERM the server's whole process group, then SIGKILL whatever is left after ``grace_s``."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass


@contextmanager
def prefect_server(port: int, startup_timeout_s: float = 90) -> Iterator[str]:
    """The API URL of the configured Prefect server, or of one started here for the block."""
    configured = PREFECT_API_URL.value()
    if configured:
        yield configured
        return
    api_url = f"http://127.0.0.1:{port}/api"
    prefect = Path(sys.executable).with_name("prefect")
    server = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + startup_timeout_s
        while not _healthy(api_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server on port {port} did not start (is the port free?)")
            time.sleep(0.5)
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            yield api_url
    finally:
        _stop(server)


def serve_ingest(inbox: Path, warehouse: Path, cron: str, config: Path | None) -> None:
    """Register the ingest deployment on ``cron`` (one run at a time) and run its flow runs until interrupted."""
    parameters = {"inbox": str(inbox.resolve()), "warehouse": str(warehouse.resolve()),
                  "config": str(config.resolve()) if config else None}
    ingest_inbox.serve(name=DEPLOYMENT, cron=cron, parameters=parameters, global_limit=1,
                       description="Load new documents of the inbox into the warehouse.")
