"""Web sources end to end: a local server's pages and feed in, documents and rejects in DuckDB out.

Every request goes to the ``WebServer`` on 127.0.0.1 that each test starts.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.html import decode_html, html_document
from flows.cli import app
from flows.ingest import ingest_inbox
from tests.flows.conftest import query
from tests.flows.web_server import FIXTURES, Route, WebServer
from warehouse.web import WebStore

PAGES = ("/aleppo.html", "/dateline.html")
ITEMS = ("/items/one.html", "/items/two.html")


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebServer]:
    """The fixture site: two pages, two feed items, a feed listing the first item only."""
    monkeypatch.setenv("CRISIS_ETL_FETCH_TIMEOUT_S", "0.5")
    monkeypatch.setenv("CRISIS_ETL_FETCH_MAX_BYTES", "100000")
    with WebServer() as server:
        for path in (*PAGES, *ITEMS):
            server.serve_fixture(path)
        server.routes["/dateline.html"] = Route((FIXTURES / "dateline.html").read_bytes(), send_etag=False)
        server.publish_feed("/feed.xml", [ITEMS[0]])
        yield server


def _sources(tmp_path: Path, web: WebServer, pages: tuple[str, ...] = PAGES, feeds: tuple[str, ...] = ("/feed.xml",)) -> Path:
    path = tmp_path / "sources.toml"
    tables = [f'[[feeds]]\nurl = "{web.url(p)}"\n' for p in feeds] + [f'[[pages]]\nurl = "{web.url(p)}"\n' for p in pages]
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


def _run(tmp_path: Path, sources: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    return ingest_inbox(str(inbox), str(tmp_path / "wh"), sources=str(sources))


def test_run_with_sources_loads_pages_and_feed_items_with_their_metadata(tmp_path: Path, web: WebServer) -> None:
    (tmp_path / "inbox").mkdir()
    result = CliRunner().invoke(app, ["run", str(tmp_path / "inbox"), "--warehouse", str(tmp_path / "wh"),
                                      "--sources", str(_sources(tmp_path, web))])
    assert result.exit_code == 0, result.output
    rows = query(tmp_path / "wh", """SELECT regexp_extract(source_uri, '/[^:]+$'), title, published_date, author,
                                            canonical_url FROM documents ORDER BY 1""")
    assert rows == [
        ("/aleppo.html", "Thousands stranded at Turkish border as Aleppo offensive grows", dt.date(2016, 2, 7),
         "Jane Reporter", "https://news.example.org/2016/02/07/aleppo-border"),
        ("/dateline.html", "Aid convoy reaches besieged Madaya", dt.date(2016, 1, 14), None, None),
        ("/items/one.html", "Boat capsizes off Lesbos", dt.date(2016, 3, 2), "Sam Writer", None),
    ]
    assert query(tmp_path / "wh", "SELECT count(*) FROM casualties WHERE figure = 25") == [(1,)]


def test_boilerplate_lines_stay_in_the_text_but_give_no_facts(tmp_path: Path, web: WebServer) -> None:
    _run(tmp_path, _sources(tmp_path, web, pages=("/aleppo.html",), feeds=()))
    [(text,)] = query(tmp_path / "wh", "SELECT text FROM documents")
    photo = text.index("PHOTO: 5,000 displaced Syrians")
    assert "SYRIA REFUGEES TURKEY BORDER 3" in text
    figures = query(tmp_path / "wh", "SELECT figure, char_start FROM refugees ORDER BY char_start")
    assert 50000 in [f for f, _ in figures]
    assert not [f for f, start in figures if photo <= start < text.index("\n", photo)]  # none from the photo credit


def test_unchanged_sources_are_not_downloaded_again(tmp_path: Path, web: WebServer) -> None:
    sources = _sources(tmp_path, web)
    _run(tmp_path, sources)
    downloads, before = dict(web.downloads), query(tmp_path / "wh", "SELECT count(*) FROM documents")
    again = _run(tmp_path, sources)
    assert again.documents == 0 and not again.rejected
    assert dict(web.downloads) == downloads  # feed and pages answered 304 (ETag or Last-Modified)
    assert web.requests[ITEMS[0]] == 1  # a loaded feed item is not even asked for
    assert query(tmp_path / "wh", "SELECT count(*) FROM documents") == before
    assert list((tmp_path / "wh" / "raw").rglob("*.zst"))


def test_new_feed_items_are_picked_up_incrementally(tmp_path: Path, web: WebServer) -> None:
    sources = _sources(tmp_path, web, pages=())
    assert _run(tmp_path, sources).documents == 1
    web.publish_feed("/feed.xml", [ITEMS[1], ITEMS[0]])
    assert _run(tmp_path, sources).documents == 1
    assert web.requests == {"/feed.xml": 2, ITEMS[0]: 1, ITEMS[1]: 1}
    [(text,)] = query(tmp_path / "wh", "SELECT text FROM documents WHERE source_uri LIKE '%/two.html'")
    assert "Thessaloníki" in text  # decoded as the page's <meta charset> says (latin-1)


def _bad_site(web: WebServer) -> dict[str, str]:
    """Paths that cannot become documents, and the reason each should be rejected with."""
    page = (FIXTURES / "aleppo.html").read_bytes()
    web.routes.update({
        "/slow.html": Route(page, delay_s=2),
        "/error.html": Route(b"oops", "text/plain", status=500),
        "/report.pdf": Route(b"%PDF-1.4 ...", "application/pdf"),
        "/huge.html": Route(page * 100, send_length=False),
        "/huge-declared.html": Route(page * 100),
        "/latin1.html": Route("<p>Réfugiés à la frontière</p>".encode("latin-1")),
        "/not-a-feed.xml": Route(b"<html><body>moved</body></html>", "text/html"),
    })
    return {
        "/slow.html": "timed out after 0.5 s",
        "/missing.html": "HTTP 404 Not Found",
        "/error.html": "HTTP 500 Internal Server Error",
        "/report.pdf": "not an HTML page: application/pdf",
        "/huge.html": "answer too large: more than 100,000 bytes",
        "/huge-declared.html": "answer too large: more than 100,000 bytes",
        "/latin1.html": "invalid encoding: not utf-8 (invalid continuation byte at byte 4)",
        "/not-a-feed.xml": "not an RSS or Atom feed",
    }


def test_fetch_failures_are_rejects_and_are_tried_again(tmp_path: Path, web: WebServer) -> None:
    expected = _bad_site(web)
    pages = tuple(p for p in expected if p != "/not-a-feed.xml") + ("/aleppo.html",)
    sources = _sources(tmp_path, web, pages=pages, feeds=("/not-a-feed.xml",))
    first = _run(tmp_path, sources)
    assert first.documents == 1
    rejects = query(tmp_path / "wh", "SELECT regexp_extract(source_uri, '/[^:/]+$'), stage, reason FROM rejects")
    assert sorted(rejects) == sorted((path, "fetch", reason) for path, reason in expected.items())
    second = _run(tmp_path, sources)
    assert second.documents == 0 and sum(second.rejected.values()) == len(expected)
    assert all(web.requests[path] == 2 for path in expected)


def test_raw_answers_are_kept_so_pages_can_be_extracted_again_offline(tmp_path: Path, web: WebServer) -> None:
    _run(tmp_path, _sources(tmp_path, web, pages=("/aleppo.html",), feeds=()))
    url = web.url("/aleppo.html")
    store = WebStore(tmp_path / "wh")
    raw = store.raw(store.records[url].content_sha256)
    assert raw == (FIXTURES / "aleppo.html").read_bytes()
    [(doc_id,)] = query(tmp_path / "wh", "SELECT doc_id FROM documents")
    assert html_document(decode_html(raw), url).doc_id == doc_id


def test_html_files_in_the_inbox_are_documents(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "aleppo.html").write_bytes((FIXTURES / "aleppo.html").read_bytes())
    summary = ingest_inbox(str(inbox), str(tmp_path / "wh"))
    assert summary.documents == 1
    assert query(tmp_path / "wh", "SELECT author, published_date FROM documents") == [
        ("Jane Reporter", dt.date(2016, 2, 7))]


@pytest.mark.parametrize(("content", "message"), [
    ('[[feed]]\nurl = "http://127.0.0.1:9/feed.xml"\n', "unknown tables feed"),
    ('[[pages]]\nlink = "http://127.0.0.1:9/a.html"\n', "needs a url"),
])
def test_a_bad_sources_file_stops_the_run_before_it_starts(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "inbox"), "--warehouse", str(tmp_path / "wh"),
                                      "--sources", str(tmp_path / "bad.toml")])
    assert result.exit_code == 1 and message in " ".join(result.output.split())  # the console wraps lines
    assert not (tmp_path / "wh").exists()
