"""HTML to document: main text, page metadata, dateline fallback, and the pages refused."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from extract.documents import doc_id_of
from extract.html import dateline_date, decode_html, html_document, read_html
from schemas.contract import Document, Rejection

WEB = Path(__file__).resolve().parents[1] / "fixtures" / "web"


def _page(name: str) -> Document:
    doc = read_html((WEB / name).read_bytes(), name, {}, 100_000)
    assert isinstance(doc, Document), doc
    return doc


def test_main_text_and_metadata_of_a_news_page() -> None:
    doc = _page("aleppo.html")
    assert doc.title == "Thousands stranded at Turkish border as Aleppo offensive grows"
    assert doc.published_date == dt.date(2016, 2, 7)
    assert doc.author == "Jane Reporter"
    assert doc.canonical_url == "https://news.example.org/2016/02/07/aleppo-border"
    assert "About 50,000 civilians have gathered" in doc.text
    assert "SYRIA REFUGEES TURKEY BORDER 3" in doc.text  # boilerplate is kept in the text
    assert "Middle East" not in doc.text and "All rights reserved" not in doc.text  # menus and footer are not
    assert doc.doc_id == doc_id_of(doc.text)


def test_paragraphs_are_separated_by_blank_lines_like_text_inputs() -> None:
    paragraphs = _page("aleppo.html").text.split("\n\n")
    assert paragraphs[0] == "Thousands stranded at Turkish border as Aleppo offensive grows"
    assert all(p.strip() and "\n" not in p for p in paragraphs)


def test_date_falls_back_to_the_dateline() -> None:
    assert _page("dateline.html").published_date == dt.date(2016, 1, 14)


@pytest.mark.parametrize(("text", "date"), [
    ("BEIRUT, 7 February 2016 — Shelling", dt.date(2016, 2, 7)),
    ("Published Feb. 7, 2016 at 10:00", dt.date(2016, 2, 7)),
    ("Updated: 2016-02-07T10:00Z", dt.date(2016, 2, 7)),
    ("BEIRUT, Feb 7 (Reuters) - no year", None),
    ("31 February 2016 is no date, but 1 March 2016 is", dt.date(2016, 3, 1)),
    ("x" * 500 + " 7 February 2016", None),  # too far down to be a dateline
])
def test_dateline_dates(text: str, date: dt.date | None) -> None:
    assert dateline_date(text) == date


def test_sidecar_metadata_wins_over_the_page() -> None:
    raw = (WEB / "aleppo.html").read_bytes()
    doc = read_html(raw, "a.html", {"title": "Sidecar title", "published": "2016-02-08"}, 100_000)
    assert (doc.title, doc.published_date) == ("Sidecar title", dt.date(2016, 2, 8))


def test_charset_comes_from_the_header_else_the_meta_tag() -> None:
    raw = (WEB / "items" / "two.html").read_bytes()  # latin-1, says so in <meta charset>
    assert "Thessaloníki" in decode_html(raw)
    with pytest.raises(ValueError, match="invalid encoding: not utf-8"):
        decode_html(raw, "utf-8")
    with pytest.raises(ValueError, match="unknown encoding"):
        decode_html(raw, "no-such-charset")


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "empty file"),
    (b"<html>\x00</html>", "binary file: contains NUL bytes"),
    (b"<html><head><title>Gallery</title></head><body><img src='a.jpg'></body></html>",
     "no article text found in the HTML page"),
    ("<p>Réfugiés</p>".encode("latin-1"), "invalid encoding: not utf-8 (invalid continuation byte at byte 4)"),
])
def test_pages_that_are_not_documents(raw: bytes, reason: str) -> None:
    rejection = read_html(raw, "p.html", {}, 100_000)
    assert isinstance(rejection, Rejection) and rejection.reason == reason
    assert rejection.content_sha256  # the same bad file is not rejected twice


def test_html_document_of_decoded_text_names_its_source() -> None:
    doc = html_document((WEB / "dateline.html").read_text(encoding="utf-8"), "https://example.org/d")
    assert doc.source_uri == "https://example.org/d" and doc.title == "Aid convoy reaches besieged Madaya"


def test_a_tag_with_thousands_of_attributes_is_refused_before_parsing() -> None:
    attributes = " ".join(f'a{i}="x"' for i in range(100_000))
    raw = f"<html><body><p {attributes}>Ten people were killed in Homs.</p></body></html>".encode()
    started = time.monotonic()
    result = read_html(raw, "bomb.html", {}, 5_000_000)
    assert time.monotonic() - started < 5
    assert isinstance(result, Rejection) and result.reason == "HTML page too costly to parse"


def test_a_huge_attribute_or_deep_nesting_does_not_stop_the_page() -> None:
    story = "<p>Ten people were killed in Homs on Monday, activists said, and dozens fled north.</p>"
    huge = f'<html><body><img src="data:image/png;base64,{"A" * 2_000_000}">{story}</body></html>'
    deep = "<html><body>" + "<div>" * 50_000 + story + "</div>" * 50_000 + "</body></html>"
    assert "Ten people" in read_html(huge.encode(), "huge.html", {}, 5_000_000).text
    buried = read_html(deep.encode(), "deep.html", {}, 5_000_000)  # the parser stops 256 tags down
    assert isinstance(buried, Rejection) and buried.reason == "no article text found in the HTML page"
