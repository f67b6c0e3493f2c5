"""`crisis-etl serve` as a user runs it: its own Prefect server, a cron schedule, Ctrl-C stops everything."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb

from tests.conftest import SAMPLES


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _deployments(port: int) -> list[str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/deployments/filter", data=b"{}",
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:
            return [d["name"] for d in json.load(answer)]
    except OSError:
        return []


def _documents(wh: Path) -> int:
    try:
        with duckdb.connect(str(wh / "crisis.duckdb"), read_only=True) as con:
            return con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
    except duckdb.Error:
        return 0


def _wait(condition, timeout: float, what: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"serve exited early while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_serve_runs_the_schedule_and_stops_on_sigint(tmp_path: Path) -> None:
    inbox, wh, port = tmp_path / "inbox", tmp_path / "wh", _free_port()
    inbox.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), CRISIS_ETL_SCHEDULE_PORT=str(port),
               CRISIS_ETL_INGEST_WORKERS="1")
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", str(inbox), "--warehouse", str(wh),
                             "--cron", "* * * * *"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        _wait(lambda: "crisis-etl" in _deployments(port), 120, "the deployment", proc)
        shutil.copy(SAMPLES / "a002.txt", inbox / "a002.txt")
        _wait(lambda: _documents(wh) == 1, 150, "a scheduled run to load the dropped file", proc)
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, output
    assert "stopped by SIGINT" in output
    assert f"Prefect UI: http://127.0.0.1:{port}" in output
    assert not _port_open(port), "the Prefect server that serve started is still running"
