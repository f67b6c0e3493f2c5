"""Signals as a user, a shell or a container sends them: every command stops cleanly and leaves no process.

Commands are started as a non-interactive shell starts a background job: with
SIGINT ignored, which Python would otherwise keep ignoring.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from bench.corpus import build_corpus
from flows.ingest import ingest_inbox
from tests.conftest import REPO, SAMPLES
from tests.warehouse.test_query import NEVER_ENDS
from warehouse.lake import Location, committed_loads
from warehouse.query import TEMP_PREFIX

EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough documents that a run is still extracting seconds after its first batch is staged."""
    inbox = tmp_path_factory.mktemp("corpus")
    build_corpus(SAMPLES, inbox, 120)
    return inbox


@pytest.fixture(scope="module")
def loaded(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of 40 of those documents, for reprocess (in batches of 8) and queries."""
    inbox, warehouse = tmp_path_factory.mktemp("some"), tmp_path_factory.mktemp("loaded") / "wh"
    for path in sorted(corpus.glob("*.txt"))[:40]:
        (inbox / path.name).write_bytes(path.read_bytes())
    ingest_inbox(str(inbox), str(warehouse))
    return warehouse


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a user's shell: no Prefect server configured, two extractor workers."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), CRISIS_ETL_INGEST_WORKERS="2",
               CRISIS_ETL_INGEST_BATCH_SIZE="16")
    env.update(settings)
    return env


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_ignore_sigint)


def _wait(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float = 150) -> list[psutil.Process]:
    """Wait until ``ready()``; the process's descendants at that moment."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, proc.communicate()[0][-3000:]
        assert time.monotonic() < deadline, "the moment to signal never came"
        time.sleep(0.05)
    return psutil.Process(proc.pid).children(recursive=True)


def _left(processes: list[psutil.Process], within: float = 5) -> list[psutil.Process]:
    """Those of ``processes`` still alive after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        alive = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _staged(warehouse: Path, table: str) -> Callable[[], bool]:
    """A batch written: a data file of the run's open transaction, more than the lake held before."""
    before = len(list(warehouse.glob(f"data/main/{table}/*.parquet")))
    return lambda: len(list(warehouse.glob(f"data/main/{table}/*.parquet"))) > before


def _extractors(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if "spawn_main" in " ".join(p.cmdline())]


def test_a_run_whose_process_alone_is_killed_leaves_no_process(corpus: Path, tmp_path: Path) -> None:
    """The OOM killer or a container stop kills the main process only: its workers must not live on."""
    warehouse = tmp_path / "wh"
    proc = _start(["run", str(corpus), "--warehouse", str(warehouse)], _env(tmp_path))
    descendants = _wait(proc, _staged(warehouse, "documents"))
    assert len(_extractors(descendants)) == 2, "the workers are extracting when the run is killed"
    proc.kill()
    proc.communicate()
    assert not _left(descendants)
    assert not committed_loads(Location.of(warehouse))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signalled_run_stops_at_once_and_commits_nothing(corpus: Path, tmp_path: Path, signum: int) -> None:
    """By unwinding, or (once seen in CI, when a library kept the stop) by the hard end after the grace."""
    warehouse = tmp_path / "wh"
    proc = _start(["run", str(corpus), "--warehouse", str(warehouse)], _env(tmp_path))
    descendants = _wait(proc, _staged(warehouse, "documents"))
    proc.send_signal(signum)
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == EXIT[signum], output[-3000:]
    assert f"stopped by {signal.Signals(signum).name}" in output and "nothing of this load was committed" in output
    assert not _left(descendants) and not committed_loads(Location.of(warehouse))
    if "ended at once" in output:  # the hard end did its job; where the run was stuck goes to the report
        warnings.warn(f"the signalled run did not unwind by itself:\n{output[-6000:]}", stacklevel=1)


def test_a_signalled_reprocess_stops_and_keeps_the_committed_loads(loaded: Path, tmp_path: Path) -> None:
    before = committed_loads(Location.of(loaded))
    proc = _start(["reprocess", "--warehouse", str(loaded)], _env(tmp_path, CRISIS_ETL_INGEST_BATCH_SIZE="8"))
    # DuckLake holds a reprocess's small section rows in memory until the commit: wait for the workers
    _wait(proc, lambda: len(_extractors(psutil.Process(proc.pid).children(recursive=True))) == 2)
    time.sleep(3)  # the model loads and the first batches are re-extracted, far from the commit
    descendants = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 130, output[-3000:]
    assert "nothing of this load was committed" in output
    assert not _left(descendants) and committed_loads(Location.of(loaded)) == before


def _temp_dirs(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}{pid}-*"))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_interrupts_a_running_query(loaded: Path, tmp_path: Path, signum: int) -> None:
    proc = _start(["sql", "--warehouse", str(loaded), NEVER_ENDS], _env(tmp_path))
    _wait(proc, lambda: bool(_temp_dirs(proc.pid)))
    time.sleep(1)  # inside DuckDB, where a signal handler alone cannot stop it
    started = time.monotonic()
    proc.send_signal(signum)
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == EXIT[signum], output
    assert f"stopped by {signal.Signals(signum).name}" in output
    assert time.monotonic() - started < 5 and not _temp_dirs(proc.pid)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_stops_on_sigterm_with_its_server(tmp_path: Path) -> None:
    port = _free_port()
    proc = _start(["serve", str(tmp_path / "inbox"), "--warehouse", str(tmp_path / "wh"), "--cron", "0 0 1 1 *"],
                  _env(tmp_path, CRISIS_ETL_SCHEDULE_PORT=str(port)))
    output: list[str] = []
    descendants = _wait(proc, lambda: output.append(proc.stdout.readline()) or "being served" in output[-1])
    proc.send_signal(signal.SIGTERM)
    output.append(proc.communicate(timeout=60)[0])
    assert proc.returncode == 143, "".join(output)[-3000:]
    assert "stopped by SIGTERM" in output[-1]
    assert descendants and not _left(descendants)
