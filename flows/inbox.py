"""The inbox source: files in a folder, each with an optional ``<name>.meta.json`` sidecar.

``.txt`` files are the text itself; ``.html``/``.htm`` files are web pages saved to disk,
whose main text and metadata are extracted (see ``extract.html``).

Nothing in the inbox can stop or hang a run: only regular files are opened (a FIFO
would block for ever), a symbolic link is followed only inside the inbox's real
path (unless the setting ``ingest.read_outside_inbox`` allows more), and no read goes
past ``max_bytes`` whatever size the file reports (``/proc`` files report 0). Each
such file, and each bad sidecar, is a ``Rejection`` with a key (``content_sha256``)
that stays the same while the file does, so it is recorded once, not on every run.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.documents import decode_document
from extract.html import read_html
from schemas.contract import Document, Rejection
from warehouse.lake import S3

if TYPE_CHECKING:
    from flows.objects import Objects

SIDECAR_SUFFIX = ".meta.json"
HTML_SUFFIXES = (".html", ".htm")
PROCESSED, REJECTED = "processed", "rejected"
"""Folders of a draining inbox, inside it and never read as input."""
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


class NotRead(Exception):
    """A file left unread, or read only up to the size limit: ``args`` are (reason, detail, bytes read)."""


def discover(inbox: Path, extensions: tuple[str, ...]) -> Iterator[Path]:
    """Document entries under ``inbox`` (recursively), in a stable order; sidecars are not documents.

    Every entry but a folder is yielded, FIFOs and broken links too: reading decides, and records why not.
    """
    for path in sorted(inbox.rglob("*")):
        if path.relative_to(inbox).parts[0] in (PROCESSED, REJECTED):
            continue
        if path.suffix.lower() in extensions and not path.name.endswith(SIDECAR_SUFFIX) and not path.is_dir():
            yield path


def _move(path: Path, inbox: Path, folder: str) -> Path:
    target = inbox / folder / path.relative_to(inbox)
    target.parent.mkdir(parents=True, exist_ok=True)
    path.replace(target)
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if sidecar.exists():
        sidecar.replace(target.with_name(sidecar.name))
    return target


def drain(inbox: Path, done: list[Path], rejected: dict[Path, str]) -> None:
    """Move loaded (or already known) files to ``processed/``, rejected ones to ``rejected/`` with a reason.

    Called only after the load is committed, so a crash never moves a file whose facts are not stored.
    """
    for path in done:
        if path.exists():
            _move(path, inbox, PROCESSED)
    for path, reason in rejected.items():
        if path.is_symlink() or path.exists():
            target = _move(path, inbox, REJECTED)
            target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")


def uri_of(path: Path) -> str:
    """``path`` as storable text: bytes of a name that are not UTF-8 are written ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bounded(path: Path, max_bytes: int, root: Path | None) -> bytes:
    """The bytes of a regular file inside ``root`` (anywhere when None); raises ``NotRead`` otherwise,
    or when it holds more than ``max_bytes`` (its first ``max_bytes + 1`` bytes go with the error)."""
    try:
        real = path.resolve()
    except RuntimeError as err:  # a loop of links
        raise NotRead("file could not be read", str(err), b"") from None
    if root is not None and not real.is_relative_to(root):
        raise NotRead("symbolic link leads outside the inbox: not read", uri_of(real), b"")
    try:
        mode = os.stat(real).st_mode
        if not stat.S_ISREG(mode):  # checked before opening: opening a FIFO blocks, a device may act
            raise NotRead(f"not a regular file ({_kind(mode)}): not read", None, b"")
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
        with open(fd, "rb") as handle:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):  # replaced since the check
                raise NotRead(f"not a regular file ({_kind(opened.st_mode)}): not read", None, b"")
            raw = handle.read(max_bytes + 1)
    except OSError as err:
        raise NotRead("file could not be read", err.strerror, b"") from None
    if len(raw) > max_bytes:
        size = opened.st_size
        shown = f"{size:,} bytes, limit {max_bytes:,}" if size > max_bytes else f"more than {max_bytes:,} bytes"
        raise NotRead(f"file too large: {shown}", None, raw)
    return raw


def key_of(*parts: bytes) -> str:
    """The rejection key of these bytes (a file's, its sidecar's, a reason's)."""
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _unread_key(path: Path, reason: str) -> str:
    """A file that was not read has no content to hash: its path and reason stand in for it (not the
    detail, which may change while the cause does not: ``/proc/self`` leads to a new pid every run)."""
    return key_of(b"not read", os.fsencode(path), reason.encode())


def _sidecar(path: Path, max_bytes: int, root: Path | None) -> bytes:
    """The sidecar's raw bytes (none when there is no sidecar); raises ``NotRead``."""
    meta_path = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not (meta_path.is_symlink() or meta_path.exists()):
        return b""
    return read_bounded(meta_path, max_bytes, root)


def parse_meta(raw: bytes) -> dict[str, Any]:
    """A sidecar's metadata; raises ``ValueError(reason, detail)`` when it is not a JSON object."""
    if not raw:
        return {}
    try:
        meta = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError("sidecar .meta.json is nested too deeply", "over the JSON parser's depth limit") from None
    except ValueError as err:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ValueError("sidecar .meta.json is not valid JSON metadata", str(err)) from None
    if not isinstance(meta, dict):
        raise ValueError("sidecar .meta.json is not valid JSON metadata", f"a JSON {type(meta).__name__}, not an object")
    return meta


def read_document(path: Path, max_bytes: int, root: Path | None = None) -> Document | Rejection:
    """Read a file and its sidecar; a file or sidecar that is unreadable, not regular, too large, outside
    ``root`` (when given) or bad is a ``Rejection`` keyed by its content (and its sidecar's), never an exception."""
    uri = uri_of(path.absolute())
    try:
        raw = read_bounded(path, max_bytes, root)
    except NotRead as err:
        reason, detail, head = err.args
        key = key_of(head) if head else _unread_key(path, reason)
        return Rejection(uri, reason, detail, content_sha256=key, stage="read")
    uri = uri_of(path.resolve())
    try:
        meta_raw = _sidecar(path, max_bytes, root)
    except NotRead as err:
        reason, detail, head = err.args
        return Rejection(uri, f"sidecar .meta.json: {reason}", detail, content_sha256=key_of(raw, reason.encode(), head),
                         stage="read")
    return decode_entry(raw, meta_raw, uri, path.suffix, max_bytes)


def decode_entry(raw: bytes, meta_raw: bytes, uri: str, suffix: str, max_bytes: int) -> Document | Rejection:
    """An entry's bytes (a file's, an object's) and its sidecar's, as a document, or a rejection keyed by both."""
    try:
        meta = parse_meta(meta_raw)
    except ValueError as err:
        return Rejection(uri, *err.args, content_sha256=key_of(raw, meta_raw))
    decode = read_html if suffix.lower() in HTML_SUFFIXES else decode_document
    item = decode(raw, uri, meta, max_bytes)
    if isinstance(item, Rejection) and meta_raw:  # the same file with another sidecar is another case
        return dataclasses.replace(item, content_sha256=key_of(raw, meta_raw))
    return item


@dataclass(frozen=True)
class Folder:
    """An inbox folder: its entries are files, read with every check above."""

    path: Path
    root: Path | None
    """The real path files must lie in; None when the settings let links lead anywhere."""

    def entries(self, extensions: tuple[str, ...], names: list[str] | None = None) -> list[Path]:
        """The folder's document files, or the files ``names`` gives (a shard's)."""
        return list(discover(self.path, extensions)) if names is None else [Path(n) for n in names]

    def read(self, entry: Path | str, max_bytes: int) -> Document | Rejection:
        return read_document(Path(entry), max_bytes, self.root)


def open_inbox(inbox: str, read_outside: bool, s3: S3 | None = None) -> Folder | Objects:
    """The inbox ``inbox`` names: an ``s3://bucket/prefix`` (objects, reached with ``s3``) or a folder."""
    if inbox.startswith("s3://"):
        from flows.objects import Objects

        return Objects(inbox, s3 or S3())
    path = Path(inbox)
    return Folder(path, None if read_outside else path.resolve())
