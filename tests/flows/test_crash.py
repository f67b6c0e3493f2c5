"""A run killed with SIGKILL at any moment leaves nothing half-done: the rerun ends as if uninterrupted.

The kills here land at chosen moments; ``bench.crash`` (``make crashtest``) kills at random ones,
and a short round of it runs here.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL

from bench.crash import run_harness
from flows.ingest import ingest_inbox
from tests.flows.conftest import query
from warehouse.lake import Location, committed_loads

FACTS = {
    "documents": "SELECT doc_id, source_uri, text FROM documents",
    "sections": "SELECT doc_id, section_id, char_start FROM sections",
    "refugees": "SELECT doc_id, figure, category, char_start FROM refugees",
    "casualties": "SELECT doc_id, figure, outcome, char_start FROM casualties",
    "statements": "SELECT doc_id, speaker, quote, char_start FROM statements",
}


def _snapshot(wh: Path) -> dict[str, list[tuple]]:
    return {t: sorted(query(wh, sql)) for t, sql in FACTS.items()}


def _start_run(inbox: Path, wh: Path) -> subprocess.Popen:
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
           "CRISIS_ETL_INGEST_BATCH_SIZE": "1", "CRISIS_ETL_INGEST_WORKERS": "1"}
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(inbox), "--warehouse", str(wh)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "the run ended before the moment to kill it"
        assert time.monotonic() < deadline, "the run never reached the moment to kill it"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _grow(inbox: Path, copies: int) -> None:
    """More documents, so the run is still far from its commit when it is killed."""
    for path in sorted(inbox.glob("*.txt")):
        for n in range(copies):
            (inbox / f"{path.stem}-copy{n}.txt").write_text(path.read_text() + f"\nCopy {n}.\n")


def _committed_loads(wh: Path) -> set[str]:
    return committed_loads(Location.of(wh))


@pytest.mark.parametrize("written_batches", [1, 3])
def test_sigkill_mid_load_then_rerun_equals_uninterrupted(inbox: Path, tmp_path: Path, written_batches: int) -> None:
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    _grow(inbox, copies=2)
    ingest_inbox(str(inbox), str(clean))
    proc = _start_run(inbox, crashed)
    # each batch's documents are a data file of the open transaction, named by no snapshot yet
    _kill_when(proc, lambda: len(list((crashed / "data").glob("main/documents/*.parquet"))) >= written_batches)
    assert not _committed_loads(crashed), "killed before its commit"
    ingest_inbox(str(inbox), str(crashed))
    assert _snapshot(crashed) == _snapshot(clean)
    assert len(_committed_loads(crashed)) == 1


def test_random_sigkills_of_the_process_group_break_no_invariant(tmp_path: Path) -> None:
    """The short version of `make crashtest`: 5 random kills, each checked, then the clean run compared."""
    figures = run_harness(kills=5, out=tmp_path / "crash", api_url=PREFECT_API_URL.value())
    assert figures.kills == 5 and figures.ok, "\n".join(figures.lines())
