"""What the warehouse keeps of the web: raw answers and the HTTP validators of each URL.

Layout under the warehouse folder::

    raw/<sha[:2]>/<sha256>.zst   every fetched answer's bytes, zstd-compressed, named by their hash
    fetches.json                 per URL: ETag, Last-Modified, content type, hash of the last answer

Raw answers make re-extraction work offline and let an unchanged page (a
``304 Not Modified``) be read back instead of downloaded. Both are written
under the warehouse lock, raw files before ``fetches.json``, and each
atomically (temporary name, then rename): a killed run leaves at worst a raw
file nobody names, and a validator always names a raw file that exists.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import zstandard

from warehouse.files import atomic_path

FETCHES = "fetches.json"


@dataclass(frozen=True)
class FetchRecord:
    """The last successful answer for a URL: what a conditional request sends back."""

    url: str
    content_sha256: str
    content_type: str
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None

    def validators(self) -> dict[str, str]:
        """Request headers that let the server answer ``304 Not Modified``."""
        headers = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in headers.items() if value}


def _write_atomic(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


class WebStore:
    """Raw answers and fetch records of one warehouse folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.raw_dir = self.root / "raw"
        self.records = self._load_records()

    def _raw_path(self, sha256: str) -> Path:
        return self.raw_dir / sha256[:2] / f"{sha256}.zst"

    def put_raw(self, content: bytes) -> str:
        """Keep ``content`` (once: the same bytes are one file); returns its SHA-256."""
        sha256 = hashlib.sha256(content).hexdigest()
        path = self._raw_path(sha256)
        if not path.exists():
            _write_atomic(path, zstandard.ZstdCompressor(level=9).compress(content))
        return sha256

    def raw(self, sha256: str) -> bytes | None:
        """The bytes kept under ``sha256``, or None when they are not (or no longer) kept."""
        path = self._raw_path(sha256)
        return zstandard.ZstdDecompressor().decompress(path.read_bytes()) if path.exists() else None

    def _load_records(self) -> dict[str, FetchRecord]:
        path = self.root / FETCHES
        if not path.exists():
            return {}
        return {url: FetchRecord(**record) for url, record in json.loads(path.read_text(encoding="utf-8")).items()}

    def save(self) -> None:
        """Write every URL's record (call under the warehouse lock, after the raw files)."""
        records = {url: asdict(record) for url, record in sorted(self.records.items())}
        _write_atomic(self.root / FETCHES, json.dumps(records, indent=1).encode("utf-8"))
