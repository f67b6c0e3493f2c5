"""Web sources: the feeds and pages a sources file lists, fetched into documents.

A sources file (``config/sources.toml`` is the example) is TOML::

    [[feeds]]
    url = "https://example.org/news/feed.xml"
    [[pages]]
    url = "https://example.org/news/some-article.html"

Each run asks every feed and page again, conditionally (see ``fetch``), and
fetches a feed's items only while no document has their URL as its source:
so items already loaded cost no request, and an item whose fetch failed is
tried again next run. A failed fetch is a ``Rejection`` at stage ``fetch``
without a content hash, so the run goes on and nothing marks it as done.
"""
from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from extract.html import decode_html, html_document
from flows.fetch import Answer, Fetcher, FetchError
from schemas.contract import Document, Rejection

HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Sources:
    """URLs of feeds (RSS or Atom) and of single pages."""

    feeds: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()


def _urls(data: dict, key: str, path: Path) -> tuple[str, ...]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("url"), str) for e in entries):
        raise ValueError(f"{path}: every [[{key}]] entry needs a url = \"...\" string")
    return tuple(entry["url"] for entry in entries)


def read_sources(path: Path) -> Sources:
    """Parse a sources file; a misspelt table is an error rather than a silently empty list."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"feeds", "pages"}
    if unknown:
        raise ValueError(f"{path}: unknown tables {', '.join(sorted(unknown))} (expected [[feeds]] and [[pages]])")
    return Sources(_urls(data, "feeds", path), _urls(data, "pages", path))


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def page_html(answer: Answer) -> str:
    """The decoded HTML of an answer; raises ``FetchError`` when it is not an HTML page in its charset."""
    media_type = _media_type(answer.content_type)
    if media_type and media_type not in HTML_TYPES:
        raise FetchError(f"not an HTML page: {media_type}")
    charset = _CHARSET.search(answer.content_type)
    try:
        return decode_html(answer.content, charset.group(1) if charset else None)
    except ValueError as err:
        raise FetchError(str(err)) from None


def feed_links(answer: Answer) -> list[str]:
    """Absolute URLs of a feed's items, in feed order; raises ``FetchError`` when it is no feed."""
    import feedparser  # the web stack loads only when a feed is read

    headers = {"content-location": answer.url, "content-type": answer.content_type}
    feed = feedparser.parse(io.BytesIO(answer.content), response_headers=headers)  # bytes: never a URL to open
    if not feed.version and not feed.entries:
        raise FetchError("not an RSS or Atom feed", repr(feed.get("bozo_exception")))
    return [urljoin(answer.url, entry.link) for entry in feed.entries if entry.get("link")]


def _page(fetcher: Fetcher, url: str) -> Document | Rejection:
    try:
        html = page_html(fetcher.get(url))
    except FetchError as err:
        return Rejection(url, err.reason, err.detail, stage="fetch")
    return html_document(html, url)


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def fetch_sources(sources: Sources, fetcher: Fetcher, known_urls: set[str]) -> list[Document | Rejection]:
    """Documents (or rejections) for every page and every feed item not yet loaded from its URL."""
    out: list[Document | Rejection] = []
    items: list[str] = []
    for feed in sources.feeds:
        try:
            items += feed_links(fetcher.get(feed))
        except FetchError as err:
            out.append(Rejection(feed, err.reason, err.detail, stage="fetch"))
    new_items = [url for url in items if url not in known_urls]
    return out + [_page(fetcher, url) for url in _unique([*sources.pages, *new_items])]
