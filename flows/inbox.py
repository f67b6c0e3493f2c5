"""The inbox source: files in a folder, each with an optional ``<name>.meta.json`` sidecar.

``.txt`` files are the text itself; ``.html``/``.htm`` files are web pages saved to disk,
whose main text and metadata are extracted (see ``extract.html``).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from contract import Document, Rejection
from extract.documents import decode_document
from extract.html import read_html

SIDECAR_SUFFIX = ".meta.json"
HTML_SUFFIXES = (".html", ".htm")
PROCESSED, REJECTED = "processed", "rejected"
"""Folders of a draining inbox, inside it and never read as input."""


def discover(inbox: Path, extensions: tuple[str, ...]) -> Iterator[Path]:
    """Document files under ``inbox`` (recursively), in a stable order; sidecars are not documents."""
    for path in sorted(inbox.rglob("*")):
        if path.relative_to(inbox).parts[0] in (PROCESSED, REJECTED):
            continue
        if path.is_file() and path.suffix.lower() in extensions and not path.name.endswith(SIDECAR_SUFFIX):
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
        if path.exists():
            target = _move(path, inbox, REJECTED)
            target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")


def _sidecar(path: Path) -> dict[str, Any]:
    meta_path = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not meta_path.exists():
        return {}
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if not isinstance(meta, dict):
        raise ValueError(f"{meta_path.name} is not a JSON object")
    return meta


def read_document(path: Path, max_bytes: int) -> Document | Rejection:
    """Read a file and its sidecar; an unreadable file or sidecar is a ``Rejection``, not an exception."""
    uri = str(path.resolve())
    try:
        size = path.stat().st_size
        if size > max_bytes:  # hash it by streaming rather than read a huge file into memory
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            return Rejection(uri, f"file too large: {size:,} bytes, limit {max_bytes:,}", content_sha256=digest)
        raw = path.read_bytes()
    except OSError as err:
        return Rejection(uri, "file could not be read", str(err))
    try:
        meta = _sidecar(path)
    except (OSError, ValueError) as err:
        return Rejection(uri, "sidecar .meta.json is not valid JSON metadata", str(err))
    decode = read_html if path.suffix.lower() in HTML_SUFFIXES else decode_document
    return decode(raw, uri, meta, max_bytes)
