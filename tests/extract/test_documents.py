"""Bytes to document: normalisation, identity and the reasons a file is refused."""
from __future__ import annotations

import datetime as dt

import pytest

from contract import Document, Rejection
from extract.documents import decode_document, doc_id_of


def test_same_text_with_other_newlines_or_composition_has_one_id() -> None:
    a = decode_document("Erdoğan said\r\nyes".encode(), "a.txt", {}, 1000)
    b = decode_document("Erdog\u0306an said\nyes".encode(), "b.txt", {}, 1000)
    assert isinstance(a, Document) and isinstance(b, Document)
    assert a.doc_id == b.doc_id == doc_id_of("Erdoğan said\nyes")


def test_sidecar_gives_title_and_date_else_first_line() -> None:
    with_meta = decode_document(b"\n\nFirst line\nBody", "a.txt", {"title": "T", "published": "2016-02-07"}, 1000)
    bare = decode_document(b"\n\nFirst line\nBody", "a.txt", {}, 1000)
    assert (with_meta.title, with_meta.published_date) == ("T", dt.date(2016, 2, 7))
    assert (bare.title, bare.published_date) == ("First line", None)


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "empty file"),
    (b"  \n\t\n", "empty file"),
    (b"abc\x00def", "binary file: contains NUL bytes"),
    ("café".encode("latin-1"), "not UTF-8 text (save it as UTF-8)"),
    (b"x" * 101, "file too large: 101 bytes, limit 100"),
])
def test_bad_bytes_are_rejected_with_a_reason(raw: bytes, reason: str) -> None:
    result = decode_document(raw, "bad.txt", {}, 100)
    assert isinstance(result, Rejection) and result.reason == reason and result.content_sha256


def test_bad_published_date_is_a_rejection_not_a_crash() -> None:
    result = decode_document(b"text", "a.txt", {"published": "last Tuesday"}, 100)
    assert isinstance(result, Rejection) and "YYYY-MM-DD" in result.reason
