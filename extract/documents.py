"""Raw bytes to a normalised document, or a reason a person understands why not.

Pure: the caller reads the file; this decides whether it is a document. The
``doc_id`` is the SHA-256 of the normalised text, so the same text under
another name, or with Windows newlines, is the same document.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from typing import Any

from contract import Document, Rejection

NUL = b"\x00"


def normalise(text: str) -> str:
    """Unicode NFC with ``\\n`` newlines: the text every offset points into."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def doc_id_of(text: str) -> str:
    """SHA-256 hex digest of the normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_line(text: str) -> str | None:
    """The first non-blank line, stripped: a bare text's title, a section's headline."""
    return next((line.strip() for line in text.splitlines() if line.strip()), None)


def iso_date(value: Any) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (a longer timestamp is cut to its date); raises ``ValueError``."""
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def check_bytes(raw: bytes, max_bytes: int) -> tuple[str, str | None] | None:
    """Why ``raw`` cannot be a text document whatever its encoding (reason, detail), or None."""
    if not raw.strip():
        return "empty file", None
    if len(raw) > max_bytes:
        return f"file too large: {len(raw):,} bytes, limit {max_bytes:,}", None
    if NUL in raw:
        return "binary file: contains NUL bytes", f"first NUL at byte {raw.index(NUL)}"
    return None


def _problem(raw: bytes, max_bytes: int) -> tuple[str, str | None] | None:
    problem = check_bytes(raw, max_bytes)
    if problem:
        return problem
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return "not UTF-8 text (save it as UTF-8)", f"{err.reason} at byte {err.start}"
    return None


def decode_document(raw: bytes, source_uri: str, meta: dict[str, Any], max_bytes: int) -> Document | Rejection:
    """Turn a file's bytes and its sidecar metadata into a ``Document`` or a ``Rejection``."""
    problem = _problem(raw, max_bytes)
    if problem:
        return Rejection(source_uri, *problem, content_sha256=hashlib.sha256(raw).hexdigest())
    text = normalise(raw.decode("utf-8").removeprefix("\ufeff"))
    try:
        published = iso_date(meta.get("published"))
    except ValueError as err:
        return Rejection(source_uri, "sidecar 'published' is not a YYYY-MM-DD date", str(err))
    title = meta.get("title") or first_line(text)
    return Document(doc_id_of(text), source_uri, title, published, text)
