"""Pure text-to-rows extraction: no Prefect, no file or network I/O.

Every extractor takes a parsed spaCy ``Doc`` of a whole document plus its
``Section`` list and returns plain dicts whose keys are the fact table's
columns (minus ``doc_id``, ``extractor_version`` and ``load_id``, which the
flow adds).
"""
import hashlib
from importlib import resources
from typing import Any

Rows = dict[str, list[dict[str, Any]]]
"""One document's extraction: rows by table (sections, refugees, casualties, statements)."""


def _rules_fingerprint() -> str:
    """A hash of what decides the rows: the lexicons (the rules they declare included) and the
    extractors' code. Any change to either gives a new version, so nobody has to remember a bump."""
    digest = hashlib.sha256()
    files = [*resources.files("config").joinpath("lexicons").iterdir(), *resources.files(__package__).iterdir()]
    for item in sorted((f for f in files if f.name.endswith((".toml", ".py"))), key=lambda f: (f.parent.name, f.name)):
        digest.update(f"{item.parent.name}/{item.name}\0".encode())
        digest.update(item.read_bytes())
    return digest.hexdigest()[:12]


EXTRACTOR_VERSION = f"2.{_rules_fingerprint()}"
"""Reprocessing keys on it: ``2.<hash of lexicons and extractor code>``."""
