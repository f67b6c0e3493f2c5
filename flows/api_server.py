"""Prefect API servers the command line starts: a persistent one for ``serve``, an early temporary one for runs.

Without a configured server (``PREFECT_API_URL``, a Prefect profile), Prefect
starts a temporary server when a flow is first called, and the run then waits
about 4 s while that server imports. ``crisis-etl run`` instead starts the same
server (Prefect's app, in its ephemeral mode) as the command begins, so it boots
on the other core while the flow's own modules import, and hands its address to
Prefect. Whether a server is configured is known only once Prefect has read its
settings, which is the import being overlapped: the early server is therefore
speculative, and stopped unused when a configured server turns up.

This module imports nothing of Prefect at load time.
"""
from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.stopping import die_with_parent


def healthy(api_url: str) -> bool:
    """Whether the Prefect API at ``api_url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before it runs: be sent SIGTERM when the parent dies, even by SIGKILL."""
    die_with_parent(signal.SIGTERM)


class ApiServer:
    """A Prefect API server process on 127.0.0.1, in its own process group so it can be stopped whole.

    A ``temporary`` one also dies with the process that started it, however that ends.
    """

    def __init__(self, command: list[str], port: int, env: dict[str, str] | None = None,
                 temporary: bool = False) -> None:
        self.port = port
        self.api_url = f"http://127.0.0.1:{port}/api"
        tie = _die_with_parent if temporary else None
        self.process = subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=tie,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_ready(self, timeout_s: float) -> str:
        """Block until the API answers; its URL, or RuntimeError if the server exits or is too slow."""
        deadline = time.monotonic() + timeout_s
        while not healthy(self.api_url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server on port {self.port} did not start (is the port free?)")
            time.sleep(0.1)
        return self.api_url

    def stop(self, grace_s: float = 20) -> None:
        """SIGTERM the server's process group, then SIGKILL whatever is left after ``grace_s``."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


def persistent_server(port: int) -> ApiServer:
    """``prefect server start`` (UI, database, scheduler services) on ``port``."""
    prefect = Path(sys.executable).with_name("prefect")
    return ApiServer([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)], port)


def early_temporary_server() -> ApiServer | None:
    """Start the temporary server now, unless ``PREFECT_API_URL`` is set or Prefect is already loaded
    (in a host process such as a notebook or a test, Prefect's own settings decide, see ``prefect_api``).

    It is stopped at exit, after Prefect's log and event workers (registered later) have flushed to it.
    """
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None
    port = _free_port()
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    server = ApiServer([sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                        "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
                       port, env, temporary=True)
    atexit.register(server.stop, grace_s=5)
    return server


@contextmanager
def prefect_api(early: ApiServer | None, startup_timeout_s: float = 60) -> Iterator[None]:
    """Run the block against the configured Prefect API, else against ``early`` (Prefect's own
    temporary server when there is none): call it once the flow's modules are imported."""
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings

    if early is None or PREFECT_API_URL.value():
        if early is not None:
            early.stop()
        yield
        return
    api_url = early.wait_ready(startup_timeout_s)
    with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_UI_URL: ""}):  # it serves no UI
        yield
