"""The temporary Prefect server ``crisis-etl run`` starts early: used, flushed to, stopped, never orphaned."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from flows.api_server import early_temporary_server

REPO = Path(__file__).resolve().parents[2]


def _env_without_server(prefect_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return {**env, "PREFECT_HOME": str(prefect_home), "CRISIS_ETL_INGEST_WORKERS": "1"}


def _servers_of(prefect_home: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if "uvicorn" in proc.cmdline() and proc.environ().get("PREFECT_HOME") == str(prefect_home):
                found.append(proc)
        except psutil.Error:
            pass
    return found


def test_a_run_without_a_configured_server_records_its_flow_run_and_stops_the_server(
        tmp_path: Path, inbox: Path) -> None:
    home = tmp_path / "prefect-home"
    for extra in sorted(inbox.iterdir())[1:]:
        extra.unlink()  # one document is enough
    done = subprocess.run([sys.executable, "-m", "flows.cli", "run", str(inbox), "--warehouse", str(tmp_path / "wh")],
                          env=_env_without_server(home), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 2), done.stdout + done.stderr
    with sqlite3.connect(home / "prefect.db") as db:
        (run_id, state), = db.execute("SELECT id, state_type FROM flow_run").fetchall()
        logs = db.execute("SELECT count(*) FROM log WHERE flow_run_id = ?", (run_id,)).fetchone()[0]
    assert state == "COMPLETED" and logs >= 3  # the logs reached the server before it stopped
    assert _servers_of(home) == []


def test_the_temporary_server_dies_with_a_killed_run(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    script = ("import time; from flows.api_server import early_temporary_server as s; "
              "server = s(); server.wait_ready(120); print(server.process.pid, flush=True); time.sleep(120)")
    run = subprocess.Popen([sys.executable, "-c", script], env=_env_without_server(home), cwd=REPO,
                           stdout=subprocess.PIPE, text=True)
    server = psutil.Process(int(run.stdout.readline()))
    run.send_signal(signal.SIGKILL)
    run.wait()
    server.wait(timeout=30)
    assert not server.is_running()


def test_no_early_server_when_one_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "prefect")  # as in a fresh command-line process
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert early_temporary_server() is None


def test_no_early_server_inside_a_process_that_runs_prefect_already() -> None:
    assert "prefect" in sys.modules  # the test session's harness
    assert early_temporary_server() is None
