"""The inbox on object storage: documents under an ``s3://bucket/prefix``.

A fleet of scrapers writes documents into a bucket and a fleet of workers loads
them: ``crisis-etl run s3://bucket/news/ --shards 8``. Objects are what files are
in an inbox folder: ``.txt``/``.html`` documents, each with an optional
``<name>.meta.json`` sidecar beside it, read through DuckDB's httpfs with the
warehouse's S3 settings (endpoint, region, keys, else the usual AWS variables).
No object is read past ``max_bytes``: its size is asked first. Objects stay
where they are (``ingest.drain`` moves files of a folder only); a rerun skips
what is loaded, by ``doc_id``, as for files.
"""
from __future__ import annotations

import duckdb

from flows.inbox import SIDECAR_SUFFIX, decode_entry, key_of
from schemas.contract import Document, Rejection
from warehouse import duck
from warehouse.lake import S3


class Objects:
    """The objects under one ``s3://`` prefix, on one DuckDB connection with httpfs and the S3 secret."""

    def __init__(self, prefix: str, s3: S3) -> None:
        self.prefix = prefix.rstrip("/") + "/"
        self.con = duck.connect(("httpfs",))
        self.con.execute(s3.secret_sql())

    def entries(self, extensions: tuple[str, ...], names: list[str] | None = None) -> list[str]:
        """The document objects under the prefix (sidecars aside), sorted; or the objects ``names`` gives."""
        if names is not None:
            return names
        listed = [uri for (uri,) in self.con.execute("SELECT file FROM glob(?) ORDER BY file",
                                                      [self.prefix + "**"]).fetchall()]
        return [uri for uri in listed
                if uri.lower().endswith(extensions) and not uri.endswith(SIDECAR_SUFFIX)]

    def _size(self, uri: str) -> int | None:
        """The object's size, or None when there is no such object."""
        try:
            found = self.con.execute("SELECT size FROM read_blob(?)", [uri]).fetchone()
        except duckdb.IOException:
            return None
        return None if found is None else found[0]

    def _bytes(self, uri: str) -> bytes:
        return self.con.execute("SELECT content FROM read_blob(?)", [uri]).fetchone()[0]

    def read(self, uri: str, max_bytes: int) -> Document | Rejection:
        """An object and its sidecar as a document, or a rejection keyed like a file's (never an exception)."""
        try:
            return self._read(uri, max_bytes)
        except duckdb.Error as err:
            return _unread(uri, str(err).splitlines()[0])

    def _read(self, uri: str, max_bytes: int) -> Document | Rejection:
        size = self._size(uri)
        if size is None:
            return _unread(uri, "no such object")
        if size > max_bytes:
            return Rejection(uri, f"file too large: {size:,} bytes, limit {max_bytes:,}", None,
                             content_sha256=key_of(b"too large", uri.encode(), str(size).encode()), stage="read")
        raw = self._bytes(uri)
        stem, _, suffix = uri.rpartition(".")
        sidecar = f"{stem}{SIDECAR_SUFFIX}"
        sidecar_size = self._size(sidecar)
        if sidecar_size is not None and sidecar_size > max_bytes:
            return Rejection(uri, "sidecar .meta.json: file too large", f"{sidecar_size:,} bytes, limit {max_bytes:,}",
                             content_sha256=key_of(raw, b"sidecar too large"), stage="read")
        meta_raw = b"" if sidecar_size is None else self._bytes(sidecar)
        return decode_entry(raw, meta_raw, uri, f".{suffix}", max_bytes)


def _unread(uri: str, detail: str) -> Rejection:
    """An object that could not be read, keyed by its name (there are no bytes to hash)."""
    return Rejection(uri, "object could not be read", detail, content_sha256=key_of(b"not read", uri.encode()),
                     stage="read")
