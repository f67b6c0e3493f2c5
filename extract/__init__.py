"""Pure text-to-rows extraction: no Prefect, no file or network I/O.

Every extractor takes a parsed spaCy ``Doc`` of a whole document plus its
``Section`` list and returns plain dicts (``contract.Rows``) whose keys are the fact table's
columns (minus ``doc_id``, ``extractor_version`` and ``load_id``, which the
flow adds).
"""
import hashlib
from importlib import resources

def _rules_fingerprint() -> str:
    """A hash of what decides the rows: the lexicons (the rules they declare included, and the towns)
    and the extractors' code. Any change to either gives a new version, so nobody has to remember a bump."""
    digest = hashlib.sha256()
    files = [*resources.files("config").joinpath("lexicons").iterdir(), *resources.files(__package__).iterdir()]
    kept = (f for f in files if f.name.endswith((".toml", ".tsv", ".py")))
    for item in sorted(kept, key=lambda f: (f.parent.name, f.name)):
        digest.update(f"{item.parent.name}/{item.name}\0".encode())
        digest.update(item.read_bytes())
    return digest.hexdigest()[:12]


EXTRACTOR_VERSION = f"2.{_rules_fingerprint()}"
"""Reprocessing keys on it: ``2.<hash of lexicons and extractor code>``."""
