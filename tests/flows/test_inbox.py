"""Reading the inbox: only regular files inside it, never past ``max_bytes``; a bad sidecar rejects its
document once; the web stack is imported only to read a page."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from flows.inbox import read_document
from flows.ingest import ingest_inbox
from schemas.contract import Document, Rejection
from tests.flows.conftest import query

GOOD = "Ten people were killed in the attack, officials said.\n"


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail the block instead of hanging the test session when a read blocks."""
    def fail(signum: int, frame: object) -> None:
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text(GOOD, encoding="utf-8")
    return inbox


def _reasons(wh: Path) -> dict[str, str]:
    return dict(query(wh, "SELECT regexp_extract(source_uri, '[^/]+$'), reason FROM rejects"))


def test_a_fifo_as_document_or_sidecar_is_skipped_and_recorded_never_opened(tmp_path: Path) -> None:
    inbox, wh = _inbox(tmp_path), tmp_path / "wh"
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "story.txt").write_text("Aleppo. " + GOOD, encoding="utf-8")
    os.mkfifo(inbox / "story.meta.json")
    with deadline(120):
        summary = ingest_inbox(str(inbox), str(wh))
    assert summary.documents == 1
    reasons = _reasons(wh)
    assert reasons.keys() == {"pipe.txt", "story.txt"}
    assert reasons["pipe.txt"] == "not a regular file (a FIFO): not read"
    assert reasons["story.txt"] == "sidecar .meta.json: not a regular file (a FIFO): not read"


def test_bad_sidecars_reject_their_document_once_and_the_rest_loads(tmp_path: Path) -> None:
    inbox, wh = _inbox(tmp_path), tmp_path / "wh"
    sidecars = {
        "deep": "[" * 100_000 + "]" * 100_000,
        "surrogate": '{"title": "\\ud800 x"}',
        "baddate": '{"published": "last Tuesday"}',
        "badjson": '{"title": ',
    }
    for stem, meta in sidecars.items():
        (inbox / f"{stem}.txt").write_text(f"{stem}. {GOOD}", encoding="utf-8")
        (inbox / f"{stem}.meta.json").write_text(meta, encoding="utf-8")
    first = ingest_inbox(str(inbox), str(wh))
    assert first.documents == 1 and sum(first.rejected.values()) == 4
    reasons = _reasons(wh)
    assert reasons.keys() == {f"{stem}.txt" for stem in sidecars}
    assert "nested too deeply" in reasons["deep.txt"]
    assert "not valid Unicode" in reasons["surrogate.txt"]
    assert "YYYY-MM-DD" in reasons["baddate.txt"]
    assert "not valid JSON" in reasons["badjson.txt"]
    again = ingest_inbox(str(inbox), str(wh))
    assert (again.documents, again.skipped, sum(again.rejected.values())) == (0, 5, 0)
    assert query(wh, "SELECT count(*) FROM rejects") == [(4,)]


def test_unreadable_and_empty_files_are_recorded_once(tmp_path: Path) -> None:
    inbox, wh = _inbox(tmp_path), tmp_path / "wh"
    (inbox / "bom-only.txt").write_bytes(b"\xef\xbb\xbf \n")
    (inbox / "dangling.txt").symlink_to(inbox / "gone.txt")
    for _ in range(2):
        ingest_inbox(str(inbox), str(wh))
    assert _reasons(wh) == {"bom-only.txt": "empty file", "dangling.txt": "file could not be read"}
    assert query(wh, "SELECT count(*) FROM rejects") == [(2,)]
    assert query(wh, "SELECT count(*) FROM loads") == [(2,)]  # the second run is recorded, with nothing in it


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root, which reads a file of mode 000: nothing to refuse")
def test_a_file_its_owner_may_not_read_is_recorded_once(tmp_path: Path) -> None:
    inbox, wh = _inbox(tmp_path), tmp_path / "wh"
    (inbox / "locked.txt").write_text("Azaz. " + GOOD, encoding="utf-8")
    (inbox / "locked.txt").chmod(0)
    for _ in range(2):
        ingest_inbox(str(inbox), str(wh))
    assert _reasons(wh) == {"locked.txt": "file could not be read"}
    assert query(wh, "SELECT detail FROM rejects") == [("Permission denied",)]


def test_a_symlink_out_of_the_inbox_is_not_followed_unless_allowed(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = _inbox(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "story.txt").write_text("Homs. " + GOOD, encoding="utf-8")
    (inbox / "passwd.txt").symlink_to("/etc/passwd")
    (inbox / "environ.txt").symlink_to("/proc/self/environ")
    (inbox / "outside.txt").symlink_to(elsewhere / "story.txt")
    (inbox / "alias.txt").symlink_to(inbox / "good.txt")  # inside: read, and the same document as good.txt
    summary = ingest_inbox(str(inbox), str(tmp_path / "wh"))
    assert (summary.documents, summary.skipped) == (1, 1)
    reasons = _reasons(tmp_path / "wh")
    assert reasons.keys() == {"passwd.txt", "environ.txt", "outside.txt"}
    assert all(reason == "symbolic link leads outside the inbox: not read" for reason in reasons.values())
    assert query(tmp_path / "wh", "SELECT count(*) FROM documents WHERE text LIKE '%root:%'") == [(0,)]
    monkeypatch.setenv("CRISIS_ETL_INGEST_READ_OUTSIDE_INBOX", "true")
    allowed = ingest_inbox(str(inbox), str(tmp_path / "wh2"))
    assert allowed.documents == 3  # good, /etc/passwd and the story elsewhere; environ has NUL bytes


def test_a_file_is_never_read_past_max_bytes_whatever_size_it_reports(tmp_path: Path) -> None:
    maps = Path("/proc/self/maps")
    assert maps.stat().st_size == 0 and len(maps.read_bytes()) > 200
    result = read_document(maps, 200)
    assert isinstance(result, Rejection) and result.reason == "file too large: more than 200 bytes"


def test_a_fifo_is_never_opened_by_read_document(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with deadline(10):
        result = read_document(tmp_path / "pipe.txt", 1000)
    assert isinstance(result, Rejection) and result.content_sha256


def test_a_name_that_is_not_utf8_gives_a_storable_uri(tmp_path: Path) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.txt"))
    path.write_text(GOOD, encoding="utf-8")
    result = read_document(path, 1000)
    assert isinstance(result, Document)
    assert result.source_uri.encode("utf-8").endswith(b"caf\\xe9.txt")


def test_reading_text_files_does_not_import_the_web_stack() -> None:
    code = ("import sys, flows.inbox, extract.html, extract.documents; "
            "print(sorted(m for m in ('trafilatura', 'lxml', 'httpx', 'feedparser') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
