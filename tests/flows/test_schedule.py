"""Scheduled operation: a cron deployment run by a runner, overlapping runs, draining, reprocessing."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from prefect.deployments import run_deployment
from prefect.runner import Runner
from prefect.settings import PREFECT_API_URL
from typer.testing import CliRunner

import flows.loading
from extract import EXTRACTOR_VERSION
from flows.cli import app
from flows.ingest import ingest_inbox
from flows.reprocess import reprocess_warehouse
from tests.flows.conftest import query


def test_cron_deployment_run_by_a_runner_loads_the_inbox(inbox: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    runner = Runner(name="test-runner", query_seconds=1)
    runner.add_flow(ingest_inbox, name="cron-test", cron="*/15 * * * *", concurrency_limit=1,
                    parameters={"inbox": str(inbox), "warehouse": str(wh)})
    scheduled = run_deployment("ingest-inbox/cron-test", timeout=0)
    asyncio.run(runner.start(run_once=True))
    assert query(wh, "SELECT count(*) FROM documents") == [(5,)]
    assert query(wh, "SELECT flow_run_id FROM loads") == [(str(scheduled.id),)]


def _run_cli(inbox: Path, wh: Path) -> subprocess.Popen:
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "CRISIS_ETL_INGEST_WORKERS": "1"}
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(inbox), "--warehouse", str(wh)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_overlapping_runs_wait_for_the_lock_and_load_nothing_twice(inbox: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    first, second = _run_cli(inbox, wh), _run_cli(inbox, wh)
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    if [first.returncode, second.returncode] != [0, 0]:
        pytest.fail("a run failed:\n" + "\n".join(outputs), pytrace=False)  # the whole output, uncut
    assert query(wh, "SELECT count(*) FROM documents") == [(5,)]
    assert sorted(query(wh, "SELECT documents, skipped FROM loads")) == [(0, 5), (5, 0)]


def test_draining_inbox_moves_loaded_and_rejected_files(inbox: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISIS_ETL_INGEST_DRAIN", "true")
    (inbox / "empty.txt").write_bytes(b"")
    ingest_inbox(str(inbox), str(tmp_path / "wh"))
    assert sorted(p.name for p in inbox.glob("*.txt")) == []
    assert len(list((inbox / "processed").glob("*.txt"))) == 5
    assert len(list((inbox / "processed").glob("*.meta.json"))) == 5
    assert (inbox / "rejected" / "empty.txt.reason.txt").read_text().strip() == "empty file"
    again = ingest_inbox(str(inbox), str(tmp_path / "wh"))
    assert (again.documents, again.skipped, sum(again.rejected.values())) == (0, 0, 0)


def test_reprocess_replaces_each_documents_facts_with_the_newest_extraction(
        inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wh = tmp_path / "wh"
    ingest_inbox(str(inbox), str(wh))
    before = query(wh, "SELECT count(*) FROM casualties")
    monkeypatch.setattr(flows.loading, "EXTRACTOR_VERSION", "9.9.9")
    for path in inbox.glob("*"):  # the original files are not needed
        path.unlink()
    summary = reprocess_warehouse(str(wh), where="title LIKE '%Turkey%'")
    assert summary.reprocessed == 1
    assert query(wh, "SELECT count(*) FROM casualties") == before
    versions = dict(query(wh, "SELECT d.title LIKE '%Turkey%', any_value(s.extractor_version) FROM statements s "
                              "JOIN documents d USING (doc_id) GROUP BY 1"))
    assert versions == {True: "9.9.9", False: EXTRACTOR_VERSION}
    assert query(wh, "SELECT count(*) FROM documents") == [(5,)]


def test_status_shows_loads_and_row_counts(inbox: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest_inbox(str(inbox), str(wh))
    result = CliRunner().invoke(app, ["status", "--warehouse", str(wh)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "casualties" in result.output and "next scheduled run: none scheduled" in result.output


def test_reprocess_dates_stored_documents_by_their_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document stored undated by an extractor that did not read stamps gets its stamp's date on
    reprocess; a date its source gave is kept."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    text = "Market shelled in Idlib\n\nThursday 14 March 2024 Ten people were killed in Idlib on Monday.\n"
    (inbox / "stamped.txt").write_text(text, encoding="utf-8")
    (inbox / "sourced.txt").write_text(text.replace("Ten", "Twelve"), encoding="utf-8")
    (inbox / "sourced.meta.json").write_text('{"published": "2024-03-20"}', encoding="utf-8")
    wh = tmp_path / "wh"
    with monkeypatch.context() as old_rules:
        old_rules.setattr("extract.pipeline._stamped", lambda doc: [])
        ingest_inbox(str(inbox), str(wh))
    dates = "SELECT regexp_extract(source_uri, '[a-z]+\\.txt'), published_date FROM documents ORDER BY 1"
    assert query(wh, dates) == [("sourced.txt", date(2024, 3, 20)), ("stamped.txt", None)]
    reprocess_warehouse(str(wh))
    assert query(wh, dates) == [("sourced.txt", date(2024, 3, 20)), ("stamped.txt", date(2024, 3, 14))]
