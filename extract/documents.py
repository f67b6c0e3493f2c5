"""Raw bytes to a normalised document, or a reason a person understands why not.

Pure: the caller reads the file; this decides whether it is a document. The
``doc_id`` is the SHA-256 of the normalised text, so the same text under
another name, with Windows newlines, in UTF-16 or garbled by a wrong decoding
upstream ("refugeesâ€™") is the same document.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
import unicodedata
from typing import Any

import ftfy

from schemas.contract import Document, Rejection

NUL = b"\x00"
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
"""Byte order marks and the codec that reads past them; UTF-32's first, as its LE mark starts like UTF-16's."""
_LINES = re.compile(r"[^\n]*\n|[^\n]+")
"""A text's lines with their ``\n``, as ``ftfy.fix_text`` splits it (its segments)."""
_REPAIR = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False, fix_character_width=False,
    uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=False, remove_control_chars=False,
    normalization=None, explain=False)
"""ftfy's mojibake repairs only ("â€™" to "’", "Â " to a no-break space): quotes, ligatures and widths
are the author's, and ``normalise`` does newlines and NFC."""


def normalise(text: str) -> str:
    """Mojibake repaired, Unicode NFC, ``\\n`` newlines: the text every offset points into.

    The repair runs once, here, before sections and offsets exist; ftfy is pinned, so the
    same raw bytes always give the same text and ``doc_id``.
    """
    text = _repaired(text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)


def _repaired(text: str) -> str:
    """``ftfy.fix_text(text, _REPAIR)``, line by line as ftfy itself goes, skipping the lines of
    ASCII only: mojibake needs a non-ASCII character, and most lines of English news have none
    (the same text, 1.6 times faster; the rerun of a large inbox decodes every file)."""
    return "".join(line if line.isascii() else ftfy.fix_text(line, _REPAIR) for line in _LINES.findall(text))


def doc_id_of(text: str) -> str:
    """SHA-256 hex digest of the normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_line(text: str) -> str | None:
    """The first non-blank line, stripped: a bare text's title, a section's headline."""
    return next((line.strip() for line in text.splitlines() if line.strip()), None)


def iso_date(value: Any) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (a longer timestamp is cut to its date); raises ``ValueError``."""
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def bom_codec(raw: bytes) -> tuple[str, str] | None:
    """The codec a byte order mark at the head of ``raw`` names, and its name for a person."""
    for bom, codec in BOMS:
        if raw.startswith(bom):
            return codec, codec.removesuffix("-sig").upper()
    return None


def is_blank(text: str) -> bool:
    """Nothing but whitespace and byte order marks: an empty file whatever its encoding."""
    return not text.replace("\ufeff", "").strip()


def check_bytes(raw: bytes, max_bytes: int) -> tuple[str, str | None] | None:
    """Why ``raw`` cannot be a text document whatever its encoding (reason, detail), or None.

    NUL bytes are a sign of a binary file, except after a UTF-16/32 byte order mark.
    """
    if len(raw) > max_bytes:
        return f"file too large: {len(raw):,} bytes, limit {max_bytes:,}", None
    if NUL in raw and bom_codec(raw) is None:
        if is_blank(raw.replace(NUL, b"").decode("latin-1")):
            return "empty file", "only NUL bytes and whitespace"
        return "binary file: contains NUL bytes", f"first NUL at byte {raw.index(NUL)}"
    return None


def decode_text(raw: bytes, declared: str | None = None) -> str:
    """``raw`` decoded by its byte order mark, else the ``declared`` charset, else as UTF-8; raises
    ``ValueError(reason, detail)``. A decoded NUL or a blank text is refused like its bytes would be."""
    bom = bom_codec(raw)
    codec, name = bom or (declared or "utf-8", declared)
    try:
        text = raw.decode(codec).removeprefix("\ufeff")
    except LookupError:
        raise ValueError(f"unknown encoding {codec!r}", None) from None
    except UnicodeDecodeError as err:
        reason = f"invalid encoding: not {name}" if name else "not UTF-8 text (save it as UTF-8)"
        raise ValueError(reason, f"{err.reason} at byte {err.start}") from None
    if is_blank(text):
        raise ValueError("empty file", f"only whitespace after a {name} byte order mark" if bom else None)
    if "\x00" in text:
        raise ValueError("binary file: contains NUL characters", f"first at character {text.index(chr(0))}")
    return text


def check_meta(meta: dict[str, Any]) -> tuple[str, str] | None:
    """Why a sidecar's values cannot be stored (reason, detail), or None: JSON allows lone surrogates
    (``"\\ud800"``), which no UTF-8 column can hold."""
    try:
        json.dumps(meta, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as err:
        return "sidecar .meta.json has text that is not valid Unicode (a lone surrogate)", str(err)
    return None


def decode_document(raw: bytes, source_uri: str, meta: dict[str, Any], max_bytes: int) -> Document | Rejection:
    """Turn a file's bytes and its sidecar metadata into a ``Document`` or a ``Rejection``."""
    digest = hashlib.sha256(raw).hexdigest()
    problem = check_bytes(raw, max_bytes) or check_meta(meta)
    if problem:
        return Rejection(source_uri, *problem, content_sha256=digest)
    try:
        text = normalise(decode_text(raw))
    except ValueError as err:
        return Rejection(source_uri, *err.args, content_sha256=digest)
    try:
        published = iso_date(meta.get("published"))
    except ValueError as err:
        return Rejection(source_uri, "sidecar 'published' is not a YYYY-MM-DD date", str(err), content_sha256=digest)
    title = meta.get("title") or first_line(text)
    return Document(doc_id_of(text), source_uri, title, published, text)
