"""An HTML page to a ``Document``: its main text and metadata, via trafilatura.

Pure, like ``documents``: the caller reads the file or fetches the URL. The
stored text is the page's main text (no menus, no footers) with paragraphs
separated by blank lines, as in the ``.txt`` inputs, so the same extractors
and offsets apply. Metadata a sidecar gives wins over the page's own.
trafilatura (and lxml under it) is imported only when a page is read: a broken
web stack cannot take down the text pipeline or the analyst's SQL.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from extract.documents import bom_codec, check_bytes, check_meta, decode_text, doc_id_of, iso_date, normalise
from schemas.contract import Document, Rejection

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 4096
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
"""Dates from the page's metadata only: a full-text search picks copyright years and links."""

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*)\.?"
_DAY, _YEAR = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?", r"(?P<year>(?:19|20)\d\d)"
_DATELINES = (
    re.compile(rf"\b{_DAY} {_MONTH},? {_YEAR}(?!\d)"),      # 7 February 2016
    re.compile(rf"\b{_MONTH} {_DAY},? {_YEAR}(?!\d)"),      # Feb. 7, 2016
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)"),  # 2016-02-07T10:00
)
DATELINE_CHARS = 400
"""How far into the text a dateline is looked for: it heads the article."""
MAX_TAG_ATTRIBUTES = 1_000
"""More attributes in one tag is a bomb: libxml2 checks each against the tag's others, a time that
grows with their square (20,000 take 3.5 s, 100,000 minutes) in C code no time limit interrupts."""
_LONG_TAG = re.compile(r"<[^<>]{4000,}")
_ATTRIBUTE = re.compile(r"\s[^\s=<>\"'/]+\s*=")


def declared_charset(raw: bytes, header_charset: str | None = None) -> str:
    """The page's encoding: a byte order mark's, else the HTTP header's, else a ``<meta charset>``, else UTF-8."""
    bom = bom_codec(raw)
    if bom:
        return bom[0]
    if header_charset:
        return header_charset
    match = _META_CHARSET.search(raw[:_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else "utf-8"


def decode_html(raw: bytes, header_charset: str | None = None) -> str:
    """Decode strictly with the declared charset; raises ``ValueError`` naming what is wrong, in one line."""
    try:
        return decode_text(raw, declared_charset(raw, header_charset))
    except ValueError as err:
        reason, detail = err.args
        raise ValueError(f"{reason} ({detail})" if detail else reason) from None


def _month_number(name: str) -> int:
    return int(name) if name.isdigit() else _MONTHS.index(name[:3].lower()) + 1


def dateline_date(text: str) -> dt.date | None:
    """The first date written at the head of ``text`` ("7 February 2016", "Feb. 7, 2016", "2016-02-07")."""
    head = text[:DATELINE_CHARS]
    found = [match for pattern in _DATELINES for match in pattern.finditer(head)]
    for match in sorted(found, key=lambda m: m.start()):
        try:
            return dt.date(int(match["year"]), _month_number(match["month"]), int(match["day"]))
        except ValueError:  # "31 February": not a date, try the next one
            continue
    return None


def attribute_bomb(html: str) -> str | None:
    """What makes a page too costly to parse (a tag with thousands of attributes), or None.

    Only tags thousands of characters long are counted: the scan stays linear.
    """
    for tag in _LONG_TAG.finditer(html):
        count = len(_ATTRIBUTE.findall(tag.group()))
        if count > MAX_TAG_ATTRIBUTES:
            return f"{count:,} attributes in one tag, limit {MAX_TAG_ATTRIBUTES:,}"
    return None


def _paragraphs(text: str) -> str:
    """trafilatura's one line per paragraph, as blank-line separated paragraphs."""
    return "\n\n".join(line.strip() for line in normalise(text).split("\n") if line.strip())


def html_document(html: str, source_uri: str, meta: dict[str, Any] | None = None) -> Document | Rejection:
    """The main text and metadata of a decoded page, or a ``Rejection`` when it has no article text."""
    import trafilatura

    meta = meta or {}
    digest = hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()
    problem = check_meta(meta)
    if problem:
        return Rejection(source_uri, *problem, content_sha256=digest)
    bomb = attribute_bomb(html)
    if bomb:
        return Rejection(source_uri, "HTML page too costly to parse", bomb, content_sha256=digest)
    try:
        page = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                           date_extraction_params=_DATE_PARAMS)
    except (RecursionError, ValueError) as err:  # tags nested thousands deep: a page no reader would open
        return Rejection(source_uri, "HTML page could not be parsed", repr(err), content_sha256=digest)
    text = _paragraphs(page.text) if page is not None and page.text else ""
    if not text:
        return Rejection(source_uri, "no article text found in the HTML page", content_sha256=digest)
    try:
        published = iso_date(meta.get("published")) or iso_date(page.date) or dateline_date(text)
    except ValueError as err:
        return Rejection(source_uri, "sidecar 'published' is not a YYYY-MM-DD date", str(err), content_sha256=digest)
    return Document(doc_id_of(text), source_uri, meta.get("title") or page.title or text.split("\n", 1)[0],
                    published, text, author=page.author, canonical_url=meta.get("url") or page.url)


def read_html(raw: bytes, source_uri: str, meta: dict[str, Any], max_bytes: int) -> Document | Rejection:
    """An ``.html`` file's bytes (and sidecar) to a ``Document`` or a ``Rejection``, like ``decode_document``."""
    digest = hashlib.sha256(raw).hexdigest()
    problem = check_bytes(raw, max_bytes)
    if problem:
        return Rejection(source_uri, *problem, content_sha256=digest)
    try:
        html = decode_html(raw)
    except ValueError as err:
        return Rejection(source_uri, str(err), content_sha256=digest)
    return html_document(html, source_uri, meta)
