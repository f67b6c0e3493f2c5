"""A hostile inbox, built here: one real ``crisis-etl run`` over it finishes within a minute with exit
status 2, every good document loaded and every bad file rejected once with a reason a person
understands; a second run records nothing new and exits 0."""
from __future__ import annotations

import codecs
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from prefect.settings import PREFECT_API_URL

from tests.conftest import SAMPLES
from tests.flows.conftest import query

WEB = Path(__file__).resolve().parents[1] / "fixtures" / "web"
MAX_BYTES = 1_000_000
STORY = "Ten people were killed in an air strike on {place} on Monday, activists said.\n"
GOOD_NAMES = {"plain.txt", "odd\nname.txt", "caf\\xe9.txt", "-rf.txt", "utf16.txt", "utf32.txt",
              "mojibake.txt", "long.txt", "aleppo.html", "huge-attribute.html"}


def _story(place: str) -> str:
    return STORY.format(place=place)


def _good(inbox: Path) -> None:
    """Documents that must load, whatever their names and encodings."""
    (inbox / "plain.txt").write_text(_story("Homs"), encoding="utf-8")
    (inbox / "odd\nname.txt").write_text(_story("Idlib"), encoding="utf-8")
    Path(os.fsdecode(bytes(inbox) + b"/caf\xe9.txt")).write_text(_story("Hama"), encoding="utf-8")
    (inbox / "-rf.txt").write_text(_story("Daraa"), encoding="utf-8")
    (inbox / "utf16.txt").write_bytes(_story("Raqqa").encode("utf-16"))
    (inbox / "utf32.txt").write_bytes(_story("Deir Ezzor").encode("utf-32"))
    (inbox / "mojibake.txt").write_bytes(_story("Aleppo’s east").encode().decode("cp1252").encode())
    stories = [p.read_text(encoding="utf-8").strip() for p in sorted(SAMPLES.glob("*.txt"))]
    (inbox / "long.txt").write_text("\n\n\n".join(stories * 3), encoding="utf-8")  # parsed in pieces
    (inbox / "aleppo.html").write_bytes((WEB / "aleppo.html").read_bytes())
    story = f"<p>{_story('Latakia')} Dozens of families fled north.</p>"
    (inbox / "huge-attribute.html").write_text(
        f'<html><body><img alt="{"A" * 500_000}">{story}</body></html>', encoding="utf-8")
    (inbox / "alias.txt").symlink_to(inbox / "plain.txt")  # inside the inbox: the same document, skipped
    (inbox / "folder.txt").mkdir()  # a folder is not a document


def _bad(inbox: Path, outside: Path) -> dict[str, str]:
    """Files that must be rejected, each with (a part of) the reason a person reads."""
    bad = {}

    def put(name: str, content: bytes, reason: str, meta: str | None = None) -> None:
        (inbox / name).write_bytes(content)
        if meta is not None:
            (inbox / name).with_suffix(".meta.json").write_text(meta, encoding="utf-8")
        bad[name] = reason

    put("empty.txt", b"", "empty file")
    put("blank-bom.txt", codecs.BOM_UTF16_LE + " \n\t".encode("utf-16-le"), "empty file")
    put("binary.txt", b"GIF89a\x00\x01\x02\x00", "binary file: contains NUL bytes")
    put("latin1.txt", "Réfugiés à la frontière".encode("latin-1"), "not UTF-8 text (save it as UTF-8)")
    put("big.txt", b"word " * MAX_BYTES, f"file too large: {5 * MAX_BYTES:,} bytes, limit {MAX_BYTES:,}")
    put("deep.txt", _story("Tartus").encode(), "sidecar .meta.json is nested too deeply", "[" * 100_000)
    put("surrogate.txt", _story("Qamishli").encode(), "not valid Unicode", '{"title": "\\ud800 x"}')
    put("baddate.txt", _story("Kobani").encode(), "YYYY-MM-DD", '{"published": "last Tuesday"}')
    put("attributes.html", ("<p " + " ".join(f'a{i}="x"' for i in range(50_000)) + ">x</p>").encode(),
        "HTML page too costly to parse")
    put("nested.html", ("<html><body>" + "<b>" * 20_000 + _story("Aleppo")).encode(),
        "no article text found in the HTML page")  # the parser stops 256 tags down
    put("nothing.html", b"<html><body><img src='a.jpg'></body></html>", "no article text found in the HTML page")
    os.mkfifo(inbox / "fifo.txt")
    bad["fifo.txt"] = "not a regular file (a FIFO): not read"
    put("fifo-sidecar.txt", _story("Manbij").encode(), "sidecar .meta.json: not a regular file (a FIFO)")
    os.mkfifo(inbox / "fifo-sidecar.meta.json")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(inbox / "socket.txt"))
    bad["socket.txt"] = "not a regular file (a socket): not read"
    (outside / "story.txt").write_text(_story("Palmyra"), encoding="utf-8")
    for name, target in {"passwd.txt": Path("/etc/passwd"), "environ.txt": Path("/proc/self/environ"),
                         "outside.txt": outside / "story.txt"}.items():
        (inbox / name).symlink_to(target)
        bad[name] = "symbolic link leads outside the inbox: not read"
    (inbox / "dangling.txt").symlink_to(inbox / "gone.txt")
    (inbox / "loop.txt").symlink_to(inbox / "loop.txt")
    bad["dangling.txt"] = bad["loop.txt"] = "file could not be read"
    return bad


def _run(inbox: Path, wh: Path) -> tuple[int, str, float]:
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "CRISIS_ETL_INGEST_MAX_BYTES": str(MAX_BYTES)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "flows.cli", "run", str(inbox), "--warehouse", str(wh)],
                          env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def _name(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


def test_a_hostile_inbox_loads_every_good_document_and_rejects_every_bad_file_once(tmp_path: Path) -> None:
    inbox, outside, wh = tmp_path / "inbox", tmp_path / "outside", tmp_path / "wh"
    inbox.mkdir()
    outside.mkdir()
    _good(inbox)
    bad = _bad(inbox, outside)  # a file of mode 000: tests/flows/test_inbox.py (not as root)
    status, output, seconds = _run(inbox, wh)
    assert status == 2, output
    assert seconds < 60, f"{seconds:.0f} s\n{output}"
    loaded = {_name(uri) for (uri,) in query(wh, "SELECT source_uri FROM documents")}
    assert loaded == GOOD_NAMES
    rejects = query(wh, "SELECT source_uri, reason FROM rejects")
    assert sorted(_name(uri) for uri, _ in rejects) == sorted(bad)  # each once
    for uri, reason in rejects:
        assert bad[_name(uri)] in reason, (uri, reason)
    assert query(wh, "SELECT count(*) FROM documents WHERE text LIKE '%root:%' OR text LIKE '%PATH=%'") == [(0,)]
    assert query(wh, "SELECT count(*) FROM documents WHERE text LIKE '%â€%'") == [(0,)]
    pieces = query(wh, "SELECT count(*), max(char_end) FROM casualties JOIN documents USING (doc_id) "
                       "WHERE source_uri LIKE '%/long.txt' AND char_end <= n_chars")
    assert pieces[0][0] > 0 and pieces[0][1] > 50_000  # facts found past the first piece, offsets in the text
    again, output, _ = _run(inbox, wh)
    assert again == 0, output
    assert query(wh, "SELECT count(*) FROM rejects") == [(len(bad),)]
    assert query(wh, "SELECT count(*) FROM documents") == [(len(GOOD_NAMES),)]
