"""The ingest flow end to end: files in, DuckLake tables (Parquet data files) and DuckDB views out."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest import ingest_inbox
from tests.flows.conftest import query

FACT_TABLES = ("refugees", "casualties", "statements")


def test_samples_load_into_duckdb_and_parquet(inbox: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    summary = ingest_inbox(str(inbox), str(wh))
    assert summary.documents == 5 and not summary.rejected
    assert query(wh, "SELECT count(*) FROM documents") == [(5,)]
    assert query(wh, "SELECT count(*) FROM loads WHERE status = 'completed'") == [(1,)]
    n_facts = sum(query(wh, f"SELECT count(*) FROM {t}")[0][0] for t in FACT_TABLES)
    assert n_facts > 0
    for table in FACT_TABLES:  # the lake's data files are plain Parquet
        assert list((wh / "data" / "main" / table).glob("*.parquet"))


def test_fact_offsets_point_into_their_document_and_section(inbox: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest_inbox(str(inbox), str(wh))
    for table in FACT_TABLES:
        bad = query(wh, f"""
            SELECT f.doc_id, f.char_start FROM {table} f
            JOIN documents d USING (doc_id)
            LEFT JOIN sections s ON s.doc_id = f.doc_id AND s.section_id = f.section_id
            WHERE f.char_end > d.n_chars OR s.section_id IS NULL
               OR f.char_start < s.char_start OR f.char_start >= s.char_end""")
        assert bad == [], table
    spans = query(wh, """SELECT substr(d.text, f.char_start + 1, f.char_end - f.char_start), f.sentence
                         FROM casualties f JOIN documents d USING (doc_id)""")
    assert all(span in sentence for span, sentence in spans)


def test_second_run_adds_no_rows(inbox: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest_inbox(str(inbox), str(wh))
    before = {t: query(wh, f"SELECT count(*) FROM {t}") for t in ("documents", *FACT_TABLES, "rejects")}
    again = ingest_inbox(str(inbox), str(wh))
    assert again.documents == 0 and again.skipped == 5
    assert {t: query(wh, f"SELECT count(*) FROM {t}") for t in before} == before


def test_same_text_under_another_name_is_one_document(inbox: Path, tmp_path: Path) -> None:
    original = next(inbox.glob("a0*.txt"))
    (inbox / "copy.txt").write_bytes(original.read_bytes().replace(b"\n", b"\r\n"))
    summary = ingest_inbox(str(inbox), str(tmp_path / "wh"))
    assert summary.documents == 5 and summary.skipped == 1


def _bad_inbox(root: Path) -> Path:
    root.mkdir()
    (root / "good.txt").write_text("Ten people were killed in the attack, officials said.\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"GIF89a\x00\x01\x02\x00")
    (root / "latin1.txt").write_bytes("Réfugiés à la frontière".encode("latin-1"))
    (root / "big.txt").write_text("word " * 400, encoding="utf-8")
    return root


def test_bad_files_are_rejected_with_reasons_and_the_rest_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISIS_ETL_INGEST_MAX_BYTES", "1000")
    inbox, wh = _bad_inbox(tmp_path / "inbox"), tmp_path / "wh"
    result = CliRunner().invoke(app, ["run", str(inbox), "--warehouse", str(wh)])
    assert result.exit_code == 2, result.output
    assert query(wh, "SELECT source_uri FROM documents") == [(str(inbox / "good.txt"),)]
    reasons = dict(query(wh, "SELECT regexp_extract(source_uri, '[^/]+$'), reason FROM rejects"))
    assert reasons.keys() == {"empty.txt", "binary.txt", "latin1.txt", "big.txt"}
    assert reasons["empty.txt"] == "empty file"
    assert "NUL" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "too large" in reasons["big.txt"]
    rerun = CliRunner().invoke(app, ["run", str(inbox), "--warehouse", str(wh)])
    assert rerun.exit_code == 0, rerun.output  # unchanged bad files are not rejected twice
    assert query(wh, "SELECT count(*) FROM rejects") == [(4,)]


def test_two_worker_processes_give_the_same_rows(inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_inbox(str(inbox), str(tmp_path / "one"))
    monkeypatch.setenv("CRISIS_ETL_INGEST_WORKERS", "2")
    monkeypatch.setenv("CRISIS_ETL_INGEST_BATCH_SIZE", "2")
    ingest_inbox(str(inbox), str(tmp_path / "two"))
    sql = "SELECT doc_id, figure, char_start FROM casualties ORDER BY ALL"
    assert query(tmp_path / "one", sql) == query(tmp_path / "two", sql)


def test_a_text_without_a_source_date_is_dated_by_its_stamp(tmp_path: Path) -> None:
    """No sidecar: the stamp at the text's head is its published date, and its weekdays count from it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "stamped.txt").write_text("Market shelled in Idlib\n\nThursday 14 March 2024 Ten people were killed "
                                       "in shelling on the market in Idlib on Monday, a monitor said.\n", encoding="utf-8")
    (inbox / "bare.txt").write_text("Ten people were killed in shelling on the market in Idlib on Monday.\n", encoding="utf-8")
    ingest_inbox(str(inbox), str(tmp_path / "wh"))
    assert query(tmp_path / "wh", """SELECT regexp_extract(d.source_uri, '[a-z]+\\.txt'), d.published_date, c.event_date
                                      FROM documents d JOIN casualties c USING (doc_id) ORDER BY 1""") == [
        ("bare.txt", None, None), ("stamped.txt", date(2024, 3, 14), date(2024, 3, 11))]
