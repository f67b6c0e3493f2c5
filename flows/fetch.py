"""HTTP GET with the manners and limits a scheduled scraper needs.

Every request names the user agent, gives up after the timeout, stops reading
past the size cap, and is conditional when the warehouse holds the URL's last
answer: a ``304 Not Modified`` costs the server nothing and is answered from
the raw store. Anything that is not a usable answer raises ``FetchError``.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType

import httpx

from config.settings import Settings
from warehouse.web import FetchRecord, WebStore


class FetchError(Exception):
    """A URL gave no usable answer; ``reason`` is for a person, ``detail`` for a developer."""

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Answer:
    """The body of a URL, downloaded now or read back from the raw store after a 304."""

    url: str
    content: bytes
    content_type: str
    fresh: bool


class Fetcher:
    """One HTTP client for a run; records new validators in the ``WebStore`` (saved by the caller)."""

    def __init__(self, settings: Settings, store: WebStore) -> None:
        self.store = store
        self.timeout_s, self.max_bytes = settings.fetch_timeout_s, settings.fetch_max_bytes
        self.counts: Counter = Counter()
        self._client = httpx.Client(timeout=self.timeout_s, follow_redirects=True, max_redirects=5,
                                    headers={"User-Agent": settings.fetch_user_agent})

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        self._client.close()

    def get(self, url: str) -> Answer:
        """The answer for ``url``; raises ``FetchError`` for a timeout, an HTTP error or a too large body."""
        try:
            answer = self._get(url)
        except FetchError:
            self.counts["failed"] += 1
            raise
        self.counts["downloaded" if answer.fresh else "unchanged"] += 1
        return answer

    def _get(self, url: str) -> Answer:
        record = self.store.records.get(url)
        kept = self.store.raw(record.content_sha256) if record else None
        headers = record.validators() if kept is not None else {}
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304 and kept is not None:
                    return Answer(url, kept, record.content_type, fresh=False)
                if response.status_code != 200:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
                content = self._read_capped(response)
        except httpx.TimeoutException as err:
            raise FetchError(f"timed out after {self.timeout_s:g} s", repr(err)) from None
        except (httpx.HTTPError, httpx.InvalidURL) as err:
            raise FetchError(f"request failed: {type(err).__name__}", str(err)) from None
        self._remember(url, response, content)
        return Answer(url, content, response.headers.get("content-type", ""), fresh=True)

    def _read_capped(self, response: httpx.Response) -> bytes:
        """The body, read within the size cap and the timeout (a trickling server is cut off too)."""
        too_large = FetchError(f"answer too large: more than {self.max_bytes:,} bytes")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise too_large
        deadline, body = time.monotonic() + self.timeout_s, bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise too_large
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("answer still arriving at the deadline")
        return bytes(body)

    def _remember(self, url: str, response: httpx.Response, content: bytes) -> None:
        self.store.records[url] = FetchRecord(
            url=url, content_sha256=self.store.put_raw(content),
            content_type=response.headers.get("content-type", ""), fetched_at=datetime.now(UTC).isoformat(),
            etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"))
