"""Bytes to document: normalisation, identity and the reasons a file is refused."""
from __future__ import annotations

import datetime as dt

import ftfy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.documents import _REPAIR, _repaired, decode_document, doc_id_of
from schemas.contract import Document, Rejection


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


STORY = "Réfugiés: 1,200 people fled Aleppo — officials said.\n"


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_text_with_a_byte_order_mark_is_decoded_by_it(codec: str) -> None:
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff", "utf-32-le": "\ufeff", "utf-32-be": "\ufeff"}.get(codec, "")
    result = decode_document((bom + STORY).encode(codec), "bom.txt", {}, 1000)
    assert isinstance(result, Document), result
    assert result.text == STORY and result.doc_id == doc_id_of(STORY)


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_byte_order_mark_and_whitespace_is_an_empty_file(codec: str) -> None:
    result = decode_document(" \r\n\t\u00a0".encode(codec), "blank.txt", {}, 1000)
    assert isinstance(result, Rejection) and result.reason == "empty file"


def test_utf16_without_a_byte_order_mark_is_still_refused_as_binary() -> None:
    result = decode_document(STORY.encode("utf-16-le"), "nobom.txt", {}, 1000)
    assert isinstance(result, Rejection) and "NUL" in result.reason


def test_a_lone_surrogate_in_utf16_is_refused_with_its_reason() -> None:
    raw = b"\xff\xfe" + "ok ".encode("utf-16-le") + b"\x00\xd8" + "x".encode("utf-16-le")
    result = decode_document(raw, "bad16.txt", {}, 1000)
    assert isinstance(result, Rejection) and "UTF-16" in result.reason


def test_mojibake_is_repaired_once_and_gives_the_clean_text_s_id() -> None:
    clean = "The refugees’ camp — home to 2,000 people — is in Lebanon.\nIt’s full.\n"
    garbled = clean.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    assert b"\xc3\xa2\xe2\x82\xac" in garbled  # "â€" as UTF-8: the classic mojibake
    first, second = (decode_document(garbled, "moji.txt", {}, 1000) for _ in range(2))
    assert isinstance(first, Document) and first.text == clean
    assert first.doc_id == second.doc_id == doc_id_of(clean)


def test_a_non_breaking_space_and_a_pound_sign_read_as_latin1_are_repaired() -> None:
    result = decode_document("Casualties:Â\u00a012 killed, Â£5 each".encode("utf-8"), "nbsp.txt", {}, 1000)
    assert isinstance(result, Document) and result.text == "Casualties:\u00a012 killed, £5 each"


def test_sidecar_text_that_is_not_unicode_is_a_rejection_not_a_crash() -> None:
    result = decode_document(b"Ten people were killed.", "a.txt", {"title": "\ud800 x"}, 1000)
    assert isinstance(result, Rejection) and "sidecar" in result.reason


_PIECES = st.sampled_from(["a", "Z", " ", ".", "\n", "\n\n", "’", "â€™", "Â", "Â\u00a0", "Ã©", "\x80", "é", "—",
                           "â€œ", "Ã¢â‚¬â„¢", "\u00ad", "\t"])


@given(st.lists(_PIECES, max_size=60).map("".join))
def test_the_line_by_line_repair_is_ftfys_on_the_whole_text(text: str) -> None:
    """ASCII lines are skipped unread, so a stored text (and its ``doc_id``) is the one ftfy gives."""
    assert _repaired(text) == ftfy.fix_text(text, _REPAIR)
